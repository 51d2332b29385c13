package tui

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// Text a hostile client sends, meant to act on the terminal of whoever
// watches: an OSC 8 hyperlink and an SGR colour change written with the
// 8-bit C1 introducers (as raw bytes and as UTF-8 runes), a right-to-left
// override, a zero-width space and a 7-bit escape.
const (
	hostileLink   = "\x9d8;;https:evil.example\x9cCLICK-ME\x9d8;;\x9c"
	hostileSGR    = "vis\x9b8mHIDDEN\x9b0m"
	hostileRunes  = "\u009d8;;https:evil.example\u009cLINK2\u009d8;;\u009c \u009b8mHIDE2"
	hostileBidi   = "abc\u202edlrow\u200bzws"
	hostileEscape = "\x1b]8;;https:evil.example\x1b\\ESCLINK"
)

// TestProgramEscapesClientText sends the tutor's server a raw request
// whose headers and form carry terminal controls, opens it from the
// traffic list, and checks that the program's whole raw output, every
// byte it wrote to the terminal, holds none of them: they are shown
// escaped instead.
func TestProgramEscapesClientText(t *testing.T) {
	e, _ := testEngine(t, engine.Progress{Current: "session"}, false)
	m, err := New(Options{Engine: e, Form: engine.Form{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	pr := &probe{Model: m, state: make(chan probeState, 1024)}
	tm := teatest.NewTestModel(t, pr,
		teatest.WithInitialTermSize(200, 60),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI)),
	)
	// Every byte the program writes is kept, to be checked at the end.
	var all bytes.Buffer
	output := io.TeeReader(tm.Output(), &all)
	waitFor := func(word string) {
		t.Helper()
		teatest.WaitFor(t, output, func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), word) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	waitFor("quit")

	u, _ := url.Parse(e.URL())
	// The server refuses a form that is not UTF-8 or holds controls, so the
	// form carries only the invisible runes; the rest goes in headers, and
	// in the body of a request that is no form at all, which the server
	// refuses but records as it came.
	form := url.Values{"name": {"N" + hostileBidi}, "email": {"eve@example.com"}}.Encode()
	raw(t, u.Host, "POST /users HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nX-Sgr: %s\r\nX-Runes: %s\r\nX-Bidi: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		u.Host, hostileLink, hostileSGR, hostileRunes, hostileBidi, len(form), form)
	body := "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nEve\r\n" +
		"--B\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\neve@example.com\r\n" +
		"--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n" + hostileEscape + " \u009b31mRED\x1b[2J" + "\r\n--B--\r\n"
	raw(t, u.Host, "POST /users HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/8.5.0\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", u.Host, len(body), body)

	pr.wait(t, func(s probeState) bool { return s.traffic == 2 })
	// Open the multipart request and show its body whole, then the
	// hostile form's.
	for _, k := range []rune{tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyEnter} {
		tm.Send(tea.KeyPressMsg{Code: k})
	}
	tm.Type("v")
	pr.wait(t, func(s probeState) bool { return s.shown == "traffic #2" && s.whole })
	waitFor("ESCLINK")
	for _, k := range []rune{tea.KeyTab, tea.KeyTab, tea.KeyUp, tea.KeyEnter} {
		tm.Send(tea.KeyPressMsg{Code: k})
	}
	pr.wait(t, func(s probeState) bool { return s.shown == "traffic #1" })
	tm.Type("q")
	if _, err := io.Copy(&all, tm.FinalOutput(t, teatest.WithFinalTimeout(5*time.Second))); err != nil {
		t.Fatal(err)
	}
	out := all.Bytes()
	if !utf8.Valid(out) {
		t.Error("the output holds invalid UTF-8: a raw byte a client sent reached the terminal")
	}
	for _, bad := range []string{"\x1b]8", "\u009b", "\u009d", "\u009c", "\u202e", "\u200b"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("the output holds %q, which a client sent", bad)
		}
	}
	for _, b := range []byte{0x9b, 0x9c, 0x9d} {
		for i, c := range out {
			if c == b && (i == 0 || out[i-1] < 0x80) {
				t.Errorf("the output holds a raw %#x byte at %d", b, i)
				break
			}
		}
	}
	// What was sent is shown, escaped. The renderer writes only the cells
	// that change, so the whole lines are read from the final view.
	fm, ok := tm.FinalModel(t).(*probe)
	if !ok {
		t.Fatal("final model is not the probe")
	}
	s := ansi.Strip(fm.View().Content)
	for _, want := range []string{"X-Sgr:", "X-Runes:", "HIDDEN", "LINK2", "dlrow", "values"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen does not show %q:\n%s", want, s)
		}
	}
	for _, want := range []string{`\x9d8;;https:evil.example\x9cCLICK-ME`, `vis\x9b8mHIDDEN\x9b0m`, `\u009d8;;https:evil.example`, `\u202edlrow\u200bzws`} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen does not show %q escaped:\n%s", want, s)
		}
	}
}

// raw sends one raw HTTP request to host and reads the response.
func raw(t *testing.T, host, format string, args ...any) {
	t.Helper()
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, format, args...)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// probe wraps the tutor's model for a test that drives the program: after
// every message it reports what the model shows, read on the program's
// own goroutine, so the test can wait for a state rather than for words
// in the output (which the renderer writes only where cells change).
type probe struct {
	*Model
	state chan probeState
}

// probeState is what a probe reports.
type probeState struct {
	traffic int
	shown   string
	whole   bool
}

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	s := probeState{traffic: p.traffic.len(), whole: p.exchange.whole}
	if t := p.exchange.trip; t != nil {
		s.shown = t.Title
	}
	select {
	case p.state <- s:
	default:
	}
	return p, cmd
}

// wait waits until the model reaches a state ok accepts.
func (p *probe) wait(t *testing.T, ok func(probeState) bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case s := <-p.state:
			if ok(s) {
				return
			}
		case <-deadline:
			t.Fatal("the program never reached the state waited for")
		}
	}
}
