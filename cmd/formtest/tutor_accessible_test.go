package main

import (
	"errors"
	"strings"
	"testing"
)

func TestChooseTutorView(t *testing.T) {
	tests := []struct {
		name string
		opts tutorOptions
		want tutorView
		// usage is set when the choice is a usage error mentioning it.
		usage string
	}{
		{"terminal", tutorOptions{IsTTY: true}, viewFullScreen, ""},
		{"not a terminal", tutorOptions{}, viewPlain, ""},
		{"--plain", tutorOptions{IsTTY: true, Plain: true}, viewPlain, ""},
		{"--accessible", tutorOptions{IsTTY: true, Accessible: true}, viewAccessible, ""},
		{"--accessible, not a terminal", tutorOptions{Accessible: true}, viewAccessible, ""},
		{"ACCESSIBLE", tutorOptions{IsTTY: true, EnvAccessible: true}, viewAccessible, ""},
		{"ACCESSIBLE and --plain", tutorOptions{IsTTY: true, EnvAccessible: true, Plain: true}, viewPlain, ""},
		{"TERM=dumb", tutorOptions{IsTTY: true, DumbTerminal: true}, 0, "--accessible"},
		{"TERM=dumb, not a terminal", tutorOptions{DumbTerminal: true}, viewPlain, ""},
		{"TERM=dumb --accessible", tutorOptions{IsTTY: true, DumbTerminal: true, Accessible: true}, viewAccessible, ""},
		{"TERM=dumb --plain", tutorOptions{IsTTY: true, DumbTerminal: true, Plain: true}, viewPlain, ""},
		{"--plain --accessible", tutorOptions{IsTTY: true, Plain: true, Accessible: true}, 0, "choose one"},
		{"--color alone", tutorOptions{IsTTY: true, Color: true}, 0, "--color goes with --accessible"},
		{"--color --accessible", tutorOptions{IsTTY: true, Color: true, Accessible: true}, viewAccessible, ""},
		{"--color, ACCESSIBLE", tutorOptions{Color: true, EnvAccessible: true}, viewAccessible, ""},
	}
	for _, tt := range tests {
		got, err := chooseTutorView(&tt.opts)
		if tt.usage != "" {
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != exitUsage || !strings.Contains(err.Error(), tt.usage) {
				t.Errorf("%s: err = %v, want a usage error mentioning %q", tt.name, err, tt.usage)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: view = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}
