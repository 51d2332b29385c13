package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestNoColorRule checks the one NO_COLOR rule of every command: set to
// anything but the empty string (no-color.org).
func TestNoColorRule(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"NO_COLOR": ""}, false},
		{map[string]string{"NO_COLOR": "1"}, true},
		{map[string]string{"NO_COLOR": "false"}, true},
	} {
		if got := noColor(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("noColor(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

// TestKeyFlagsShared checks that serve, tutor and inspect-cookie take the
// same key flags and read them the same way.
func TestKeyFlagsShared(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "keys")
	if err := os.WriteFile(file, []byte("# current\nfile-key\n\nold-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("# nothing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		args   []string
		env    string
		want   []string
		source keySource
		err    string
	}{
		{"none", nil, "", nil, keyFlag, ""},
		{"env only", nil, "env-key", []string{"env-key"}, keyEnv, ""},
		{"flags beat env", []string{"--secret", "a", "--secret", "b"}, "env-key", []string{"a", "b"}, keyFlag, ""},
		{"file", []string{"--secret-file", file}, "env-key", []string{"file-key", "old-key"}, keyFile, ""},
		{"flag then file", []string{"--secret", "a", "--secret-file", file}, "", []string{"a", "file-key", "old-key"}, keyFlag, ""},
		{"empty file", []string{"--secret-file", empty}, "", nil, "", "holds no key"},
		{"missing file", []string{"--secret-file", filepath.Join(dir, "nope")}, "", nil, "", "--secret-file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("FORMTEST_SECRET", tt.env)
			for name, k := range commandKeys(t, tt.args) {
				raw, source, err := k.raw()
				if tt.err != "" {
					e, ok := errors.AsType[*exitError](err)
					if !ok || e.code != exitUsage || !strings.Contains(err.Error(), tt.err) {
						t.Fatalf("%s: raw() error = %v, want a usage error with %q", name, err, tt.err)
					}
					continue
				}
				if err != nil || !slices.Equal(raw, tt.want) || (len(raw) > 0 && source != tt.source) {
					t.Errorf("%s: raw() = %q, %q, %v; want %q, %q", name, raw, source, err, tt.want, tt.source)
				}
			}
		})
	}
}

// commandKeys parses args with serve, tutor and inspect-cookie and returns
// the key flags each one captured.
func commandKeys(t *testing.T, args []string) map[string]keyFlags {
	t.Helper()
	got := map[string]keyFlags{}
	cmds := map[string]*cobra.Command{
		"serve":          newServeCmd(func(o *serveOptions) error { got["serve"] = o.Keys; return nil }),
		"tutor":          newTutorCmd(func(o *tutorOptions) error { got["tutor"] = o.Keys; return nil }),
		"inspect-cookie": newInspectCookieCmd(func(o *inspectOptions) error { got["inspect-cookie"] = o.Keys; return nil }),
	}
	for name, cmd := range cmds {
		cmd.SetArgs(args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%s %q: %v", name, args, err)
		}
	}
	if len(got) != len(cmds) {
		t.Fatalf("only %d of %d commands ran", len(got), len(cmds))
	}
	return got
}

// TestStrayArgumentsAreUsageErrors checks that every command without
// positional arguments answers one with exit 2 and a pointer to --help.
func TestStrayArgumentsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"serve", "extra"}, {"tutor", "extra"}} {
		var stderr strings.Builder
		code := execute(t.Context(), args, strings.NewReader(""), io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), `unknown command "extra"`) || !strings.Contains(stderr.String(), "--help") {
			t.Errorf("formtest %s: exit %d, stderr %q; want exit %d naming the argument and --help", strings.Join(args, " "), code, stderr.String(), exitUsage)
		}
	}
}
