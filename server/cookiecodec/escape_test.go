package cookiecodec

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestEscapeTextShowsWhatATerminalWouldActOn covers each kind of text a
// client can send that a terminal would act on or hide: every such rune or
// byte comes out as a visible escape, and nothing else changes.
func TestEscapeTextShowsWhatATerminalWouldActOn(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain ASCII", "Ada <ada@example.com>", "Ada <ada@example.com>"},
		{"letters of other scripts", "Zoë Łukasz 東京 Ἀθῆναι", "Zoë Łukasz 東京 Ἀθῆναι"},
		{"emoji and combining marks", "e\u0301 👍🏽", "e\u0301 👍🏽"},
		{"ESC (C0)", "\x1b[31mred", `\x1b[31mred`},
		{"NUL, BEL, BS, CR, LF, TAB", "\x00\a\b\r\n\t", `\x00\a\b\r\n\t`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI as UTF-8", "vis\u009b8mHIDDEN", `vis\u009b8mHIDDEN`},
		{"C1 OSC and ST as UTF-8", "\u009d8;;https://evil.example\u009cCLICK", `\u009d8;;https://evil.example\u009cCLICK`},
		{"raw 8-bit C1 bytes", "\x9d8;;https://evil.example\x9cCLICK-ME\x9d8;;\x9c", `\x9d8;;https://evil.example\x9cCLICK-ME\x9d8;;\x9c`},
		{"raw CSI byte", "vis\x9b8mHIDDEN\x9b0m", `vis\x9b8mHIDDEN\x9b0m`},
		{"invalid UTF-8", "a\xff\xfeb\xc3", `a\xff\xfeb\xc3`},
		{"overlong encoding of ESC", "\xc0\x9b", `\xc0\x9b`},
		{"surrogate half", "\xed\xa0\x80", `\xed\xa0\x80`},
		{"bidi embeddings and overrides", "\u202a\u202b\u202c\u202d\u202e", `\u202a\u202b\u202c\u202d\u202e`},
		{"bidi isolates", "\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`},
		{"bidi marks", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		{"zero-width characters", "a\u200bb\u200cc\u200dd\u2060e\ufefff", `a\u200bb\u200cc\u200dd\u2060e\ufefff`},
		{"line and paragraph separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"non-breaking and other spaces", "a\u00a0b\u3000c", `a\u00a0b\u3000c`},
		{"soft hyphen and tags", "a\u00adb\U000e0041", `a\u00adb\U000e0041`},
		{"private use", "\ue000", `\ue000`},
		{"letters that draw nothing", "a\u3164b\u115fc\u034fd\uffa0", `a\u3164b\u115fc\u034fd\uffa0`},
		{"a real U+FFFD is left alone", "a\ufffdb", "a\ufffdb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := EscapeText(tc.in)
			if got != tc.want {
				t.Errorf("EscapeText(%q) = %q, want %q", tc.in, got, tc.want)
			}
			assertTerminalSafe(t, got)
		})
	}
}

// assertTerminalSafe fails unless s is valid UTF-8 made only of printable
// runes and spaces.
func assertTerminalSafe(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%q is not valid UTF-8", s)
	}
	for _, r := range s {
		if r != ' ' && !unicode.IsPrint(r) || strings.ContainsRune("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0", r) {
			t.Errorf("%q holds %U, which a terminal could act on or hide", s, r)
		}
	}
}

// FuzzEscapeText checks that no input, however built, comes out with a
// byte or rune a terminal could act on.
func FuzzEscapeText(f *testing.F) {
	f.Add("\x9d8;;https://evil.example\x9cCLICK-ME\x9d8;;\x9c")
	f.Add("\u202eevil\u200b")
	f.Add(strings.Repeat("\x1b[2J", 3))
	f.Fuzz(func(t *testing.T, s string) {
		assertTerminalSafe(t, EscapeText(s))
	})
}
