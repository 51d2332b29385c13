package qrtext

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/formtest/formtest/tui/qrtext/qrtexttest"
)

// bitmap reads a drawing back into modules, dark where true.
func bitmap(t *testing.T, lines []string, ink Ink) [][]bool {
	t.Helper()
	rows, err := qrtexttest.Modules(lines, ink == DarkInk)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// decode reads the QR code in rows of modules with an independent decoder.
func decode(t *testing.T, rows [][]bool) string {
	t.Helper()
	s, err := qrtexttest.Decode(rows)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDrawnCodeDecodesToTheURL(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  string
		opts Options
	}{
		{"short", "http://10.0.0.2:5000/", Options{}},
		{"long address", "http://192.168.100.200:65535/", Options{}},
		{"ipv6", "http://[2001:db8:85a3::8a2e:370:7334]:49152/", Options{}},
		{"dark ink", "http://172.16.5.4:41000/", Options{Ink: DarkInk}},
		{"thin quiet zone", "http://172.16.5.4:41000/", Options{Quiet: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, err := Lines(tc.url, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			width := utf8.RuneCountInString(lines[0])
			if width > 80 {
				t.Errorf("drawing is %d columns wide, want at most 80", width)
			}
			for i, l := range lines {
				if n := utf8.RuneCountInString(l); n != width {
					t.Fatalf("line %d is %d columns, line 0 is %d", i, n, width)
				}
			}
			rows := bitmap(t, lines, tc.opts.Ink)
			quiet := tc.opts.Quiet
			if quiet == 0 {
				quiet = 4
			}
			// The quiet zone is light all round.
			if len(rows) != width {
				t.Fatalf("drawing is %d modules high and %d wide, want a square", len(rows), width)
			}
			for y, row := range rows {
				for x, dark := range row {
					if (x < quiet || y < quiet || x >= width-quiet || y >= width-quiet) && dark {
						t.Fatalf("module (%d, %d) of the quiet zone is dark", x, y)
					}
				}
			}
			if got := decode(t, rows); got != tc.url {
				t.Errorf("decoded %q, want %q", got, tc.url)
			}
		})
	}
}

func TestTooWide(t *testing.T) {
	if _, err := Lines(strings.Repeat("x", 400), Options{}); !errors.Is(err, ErrTooWide) {
		t.Errorf("400 bytes: err = %v, want ErrTooWide", err)
	}
	if _, err := Lines("http://10.0.0.2:5000/", Options{MaxWidth: 20}); !errors.Is(err, ErrTooWide) {
		t.Errorf("20 columns: err = %v, want ErrTooWide", err)
	}
	if _, err := Lines(strings.Repeat("x", 10000), Options{}); err == nil {
		t.Error("10,000 bytes: no error")
	}
}

func TestString(t *testing.T) {
	s, err := String("http://10.0.0.2:5000/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines, _ := Lines("http://10.0.0.2:5000/", Options{})
	if s != strings.Join(lines, "\n")+"\n" {
		t.Errorf("String differs from Lines")
	}
}
