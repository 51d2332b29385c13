package tui

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/tui/qrtext"
	"github.com/formtest/formtest/tui/qrtext/qrtexttest"
)

// lanJoin is a class joining at a typical LAN address, and at an IPv6 one.
func lanJoin(t *testing.T, urls ...string) *classroom.Join {
	t.Helper()
	if len(urls) == 0 {
		urls = []string{"http://192.168.1.23:36543/", "http://[2001:db8::23]:36543/"}
	}
	qr, err := qrtext.Lines(urls[0], qrtext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	j := &classroom.Join{QR: qr, Local: "http://127.0.0.1:36543/", Rate: 5, Burst: 30,
		KeyNote: "a random key made for this run, never shown\n(sessions end when the tutor stops; --secret-file keeps them)"}
	for _, u := range urls {
		j.URLs = append(j.URLs, classroom.JoinURL{URL: u, Iface: "wlan0"})
	}
	return j
}

// joinNotes are the sentences the join screen must show whole.
var joinNotes = []string{
	"Session key: a random key made for this run, never shown (sessions end when the tutor stops; --secret-file keeps them).",
	"Each student sees their own session at /me.",
	"Each computer may send 5 requests a second (30 at once).",
	"The stage you choose applies to the whole class at once.",
}

// prose is a screen's text with the QR code's glyphs taken out and every
// run of blanks and line ends made one space, so that a sentence wrapped
// over lines, beside the code or not, reads whole again.
func prose(screen string) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune("█▀▄", r) {
			return ' '
		}
		return r
	}, screen)
	return strings.Join(strings.Fields(s), " ")
}

// joinScreen sizes a model on the join screen and returns its screen,
// checked for size, and the QR code found on it with the column it
// starts at (nil when there is none).
func joinScreen(t *testing.T, m *Model, width, height int) (string, []string, int) {
	t.Helper()
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	s := screenOf(t, m)
	qr, col, err := qrtexttest.Find(s)
	if err != nil {
		return s, nil, 0
	}
	return s, qr, col
}

// decodes checks that the QR code drawn on the screen reads as want.
func decodes(t *testing.T, qr []string, want, screen string) {
	t.Helper()
	if qr == nil {
		t.Fatalf("no whole QR code on the screen:\n%s", screen)
	}
	rows, err := qrtexttest.Modules(qr, false)
	if err != nil {
		t.Fatalf("%v:\n%s", err, screen)
	}
	got, err := qrtexttest.Decode(rows)
	if err != nil {
		t.Fatalf("%v:\n%s", err, screen)
	}
	if got != want {
		t.Errorf("the QR code on the screen reads %q, want %q", got, want)
	}
}

// TestJoinScreenFits80x24: on a standard terminal the join screen shows
// everything, the code on the left and the text beside it, and the code
// still scans, in colour and without.
func TestJoinScreenFits80x24(t *testing.T) {
	for _, tc := range []struct {
		name   string
		styles Styles
	}{{"no colour", NoColorStyles()}, {"colour", DefaultStyles(true)}} {
		t.Run(tc.name, func(t *testing.T) {
			e, class, _ := classEngine(t)
			j := lanJoin(t)
			m, err := New(Options{Engine: e, Styles: &tc.styles, Class: class, Join: j})
			if err != nil {
				t.Fatal(err)
			}
			s, qr, col := joinScreen(t, m, 80, 24)
			decodes(t, qr, j.URLs[0].URL, s)
			text := prose(s)
			for _, want := range append(joinNotes, "Students join at", j.URLs[0].URL, j.URLs[1].URL, "Scan to open "+j.URLs[0].URL, "enter to the class") {
				if !strings.Contains(text, want) {
					t.Errorf("the screen lacks %q:\n%s", want, s)
				}
			}
			if strings.Contains(s, "too small") {
				t.Errorf("80x24 says the window is too small:\n%s", s)
			}
			// Side by side: text on the code's lines, at least 2 cells
			// to its right.
			lines := strings.Split(s, "\n")
			first := lineStarting(lines, qr[0])
			if col != 0 || first < 0 {
				t.Fatalf("the code is not at the left edge (column %d):\n%s", col, s)
			}
			beside := 0
			for _, l := range lines[first : first+len(qr)] {
				rest := []rune(l)[len([]rune(qr[0])):]
				if strings.TrimSpace(string(rest)) != "" {
					beside++
					if len(rest) < 3 || strings.TrimSpace(string(rest[:2])) != "" {
						t.Errorf("text less than 2 cells from the code: %q", l)
					}
				}
			}
			if beside < 5 {
				t.Errorf("%d lines of text beside the code, want the notes there:\n%s", beside, s)
			}
		})
	}
}

// lineStarting is the index of the first line that starts with prefix.
func lineStarting(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}

// TestJoinScreenStacksWhenTall: with room in height the code stands on
// lines of its own, under the URLs, the notes under it, wrapped no wider
// than 80 cells even on a wide screen.
func TestJoinScreenStacksWhenTall(t *testing.T) {
	e, class, _ := classEngine(t)
	j := lanJoin(t)
	m := classModel(t, e, class, j)
	s, qr, col := joinScreen(t, m, 120, 50)
	decodes(t, qr, j.URLs[0].URL, s)
	lines := strings.Split(s, "\n")
	first := lineStarting(lines, qr[0])
	if col != 0 || first < 0 {
		t.Fatalf("the code is not at the left edge:\n%s", s)
	}
	for _, l := range lines[first : first+len(qr)] {
		if strings.TrimRight(l, " ") != strings.TrimRight(string([]rune(l)[:len([]rune(qr[0]))]), " ") {
			t.Errorf("text beside the code on a tall screen: %q", l)
		}
	}
	if !strings.HasPrefix(lines[first-1], "Scan to open "+j.URLs[0].URL) {
		t.Errorf("the line above the code is %q, want what it opens", lines[first-1])
	}
	urls := strings.Index(s, j.URLs[1].URL)
	notes := strings.Index(s, "Session key:")
	if urls < 0 || notes < 0 || urls > strings.Index(s, qr[0]) || notes < strings.Index(s, qr[len(qr)-1]) {
		t.Errorf("want the URLs above the code and the notes under it:\n%s", s)
	}
	text := prose(s)
	for _, want := range joinNotes {
		if !strings.Contains(text, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	for i, l := range lines {
		if w := ansi.StringWidth(strings.TrimRight(l, " ")); w > joinMaxText {
			t.Errorf("line %d is %d cells wide on a wide screen, want at most %d: %q", i, w, joinMaxText, l)
		}
	}
}

// TestJoinScreenTooSmall: on a screen too small for the code and the
// text, the code stays whole (and scans) and a line says the window is
// too small; on one too small for the code, no piece of it is drawn, and
// the screen says what size it needs.
func TestJoinScreenTooSmall(t *testing.T) {
	e, class, _ := classEngine(t)
	j := lanJoin(t)
	m := classModel(t, e, class, j)
	s, qr, _ := joinScreen(t, m, 60, 20)
	decodes(t, qr, j.URLs[0].URL, s)
	if !strings.Contains(s, "… The window is too small") {
		t.Errorf("60x20 does not say the window is too small:\n%s", s)
	}
	if !strings.Contains(s, "enter to the class") {
		t.Errorf("60x20 lost the help line:\n%s", s)
	}

	for _, size := range [][2]int{{30, 30}, {80, 12}} {
		s, qr, _ := joinScreen(t, m, size[0], size[1])
		if qr != nil || strings.ContainsAny(s, "▀▄") {
			t.Errorf("%dx%d: a QR code that cannot be whole is drawn:\n%s", size[0], size[1], s)
		}
		if want := "QR code: enlarge it to at least 33×20"; !strings.Contains(prose(s), want) {
			t.Errorf("%dx%d: the screen lacks %q:\n%s", size[0], size[1], want, s)
		}
	}
}

// TestJoinScreenLessonKey: with the lesson key's warning, 80x24 still
// shows everything, the warning first.
func TestJoinScreenLessonKey(t *testing.T) {
	e, class, _ := classEngine(t)
	j := lanJoin(t, "http://192.168.1.23:36543/", "http://[2001:db8:85a3::8a2e:370:7334]:36543/")
	j.KeyNote = "the lesson's public key"
	j.Warning = "WARNING: --lesson-key signs every session with the lesson's public key,\nwhich anyone can read in the tutorial. Every student can forge any session,\nwith any name in it, and the server will believe it. Use it only to show\nforging; start again without it for anything else."
	m := classModel(t, e, class, j)
	s, qr, _ := joinScreen(t, m, 80, 24)
	decodes(t, qr, j.URLs[0].URL, s)
	text := prose(s)
	if !strings.HasPrefix(text, prose(j.Warning)) {
		t.Errorf("the warning is not first, whole:\n%s", s)
	}
	for _, want := range append([]string{"Session key: the lesson's public key.", j.URLs[0].URL, j.URLs[1].URL}, joinNotes[1:]...) {
		if !strings.Contains(text, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "too small") {
		t.Errorf("80x24 says the window is too small:\n%s", s)
	}
}

// TestJoinScreenEscapes: an interface name with escape codes is shown
// escaped wherever the layout puts it.
func TestJoinScreenEscapes(t *testing.T) {
	e, class, _ := classEngine(t)
	j := lanJoin(t)
	j.URLs[1].Iface = "\x1b[2Jeth\u202e0"
	m := classModel(t, e, class, j)
	for _, size := range [][2]int{{80, 24}, {120, 50}, {60, 20}} {
		s, _, _ := joinScreen(t, m, size[0], size[1]) // screenOf checks for control characters
		if size[1] > 20 && !regexp.MustCompile(`\\x1b\[2Jeth`).MatchString(s) {
			t.Errorf("%dx%d: the interface is not shown escaped:\n%s", size[0], size[1], s)
		}
	}
}

// TestJoinScreenAnySize: at every size the join screen fills the screen
// exactly, draws the QR code whole (and readable) or not at all, and says
// the window is too small whenever it leaves a URL or a note out.
func TestJoinScreenAnySize(t *testing.T) {
	e, class, _ := classEngine(t)
	j := lanJoin(t)
	m := classModel(t, e, class, j)
	for width := 20; width <= 200; width += 9 {
		for height := 4; height <= 60; height++ {
			s, qr, _ := joinScreen(t, m, width, height)
			if qr != nil {
				rows, err := qrtexttest.Modules(qr, false)
				if err == nil {
					_, err = qrtexttest.Decode(rows)
				}
				if err != nil {
					t.Fatalf("%dx%d: the QR code does not read: %v\n%s", width, height, err, s)
				}
			} else if strings.ContainsAny(s, "▀▄") {
				t.Fatalf("%dx%d: a piece of a QR code is drawn:\n%s", width, height, s)
			}
			text := prose(s)
			for _, want := range append(joinNotes, j.URLs[0].URL, j.URLs[1].URL) {
				if !strings.Contains(text, want) && !strings.Contains(s, "… The window") {
					t.Fatalf("%dx%d: %q is left out and the screen does not say so:\n%s", width, height, want, s)
				}
			}
			if height >= 24 && width >= 80 && (qr == nil || strings.Contains(s, "too small")) {
				t.Fatalf("%dx%d: the screen is big enough for everything:\n%s", width, height, s)
			}
		}
	}
}
