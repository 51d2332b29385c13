//go:build unix

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// TestTutorPtyShowsClientTextEscaped runs the real full-screen tutor on a
// pseudo-terminal, sends its server a request whose User-Agent and
// headers hold what a terminal would act on (an OSC 8 hyperlink and a CSI
// colour as 8-bit C1 controls, a bidi override, a zero-width space), opens
// that request in the traffic list, and checks every byte the terminal
// received: the text is shown, escaped, and no sequence a client sent
// reaches the terminal.
func TestTutorPtyShowsClientTextEscaped(t *testing.T) {
	r := startPty(t, []string{"NO_COLOR=1"}, "tutor", "--store", "cookie")
	r.wait("quit")
	m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(ansi.Strip(r.output()))
	if m == nil {
		t.Fatalf("no server URL on the screen:\n%s", ansi.Strip(r.output()))
	}
	host := m[1]
	const link = "\u009d8;;https:evil.example\u009cCLICK-ME\u009d8;;\u009c"
	const sgr = "vis\u009b8mHIDDEN\u009b0m"
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /show HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nX-Sgr: %s\r\nX-Bidi: \u202edlrow\u200bzws\r\nConnection: close\r\n\r\n", host, link, sgr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	conn.Close()

	// Focus the traffic list (lesson → exchange → session → traffic) and
	// open the request.
	time.Sleep(300 * time.Millisecond)
	for _, k := range []string{"\t", "\t", "\t", "\r"} {
		if _, err := io.WriteString(r.pty, k); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.wait("evil.example")
	time.Sleep(300 * time.Millisecond)
	io.WriteString(r.pty, "q")
	if code := r.exit(); code != 0 {
		t.Errorf("tutor exit = %d", code)
	}

	out := r.output()
	if !utf8.ValidString(out) {
		t.Error("the terminal got invalid UTF-8: a raw byte a client sent reached it")
	}
	for _, bad := range []string{"\x1b]8", "\u009b", "\u009c", "\u009d", "\u202e", "\u200b"} {
		if strings.Contains(out, bad) {
			t.Errorf("the terminal got %q, which a client sent", bad)
		}
	}
	for i := 0; i < len(out); i++ {
		if c := out[i]; c >= 0x80 && c <= 0x9f && (i == 0 || out[i-1] < 0x80) {
			t.Errorf("the terminal got a raw C1 byte %#x at %d", c, i)
			break
		}
	}
	shown := ansi.Strip(out)
	for _, want := range []string{`\u009d8;;https:evil.example`, `\u202edlrow`} {
		if !strings.Contains(shown, want) {
			t.Errorf("the screen does not show %q, escaped", want)
		}
	}
}
