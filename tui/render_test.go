package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

func TestSanitize(t *testing.T) {
	tests := map[string]string{
		"plain text, ünïcode ✓": "plain text, ünïcode ✓",
		"\x1b[2J clear":         `\x1b[2J clear`,
		"bell\a and\r\nnewline": `bell\a and\r\nnewline`,
		"bad \xff byte":         `bad \xff byte`,
		"c1 \u009b csi":         `c1 \u009b csi`,
	}
	for in, want := range tests {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	if got := fold("abcdef", 4); got != "abc…" {
		t.Errorf("fold(abcdef, 4) = %q, want %q", got, "abc…")
	}
	if got := fold("abc", 4); got != "abc" {
		t.Errorf("fold(abc, 4) = %q", got)
	}
	if got := fold("abcdef", 0); got != "abcdef" {
		t.Errorf("fold with no width = %q", got)
	}
	v := "session=" + strings.Repeat("A", 200) + "; Path=/; HttpOnly"
	got := foldCookie(v, 60)
	if ansi.StringWidth(got) > 60 || !strings.HasPrefix(got, "session=AAAA") || !strings.Contains(got, "…; Path=/; HttpOnly") {
		t.Errorf("foldCookie kept %q (%d cells), want the value cut and the attributes kept in 60 cells", got, ansi.StringWidth(got))
	}
	if got := foldCookie(v, 20); ansi.StringWidth(got) > 20 {
		t.Errorf("foldCookie(…, 20) = %q, wider than 20", got)
	}
}

func TestRenderExchange(t *testing.T) {
	e, _ := testEngine(t, engine.Progress{Current: "session"}, false)
	res, err := e.Run(context.Background(), e.Tutor(), engine.Form{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	ex := res.Trip
	st := PlainStyles()
	for _, width := range []int{0, 80, 60} {
		rd := renderer{st: &st, width: width}
		text, scLine := rd.exchange(ex)
		lines := strings.Split(text, "\n")
		for _, want := range []string{"POST /users HTTP/1.1", "HTTP/1.1 302 Found", "Location: /show", "GET /show HTTP/1.1", "HTTP/1.1 200 OK"} {
			if !strings.Contains(text, "\n"+want+"\n") {
				t.Errorf("width %d: exchange lacks the line %q:\n%s", width, want, text)
			}
		}
		if scLine < 0 || !strings.Contains(lines[scLine], "302 Found") {
			t.Errorf("width %d: Set-Cookie section line %d = %q", width, scLine, lines[max(0, scLine)])
		}
		if n := strings.Count(text, "\nSet-Cookie: session="); n != 1 {
			t.Errorf("width %d: %d Set-Cookie lines, want 1", width, n)
		}
		if n := strings.Count(text, "\nCookie: session="); n != 1 {
			t.Errorf("width %d: %d Cookie lines, want 1", width, n)
		}
		if !strings.Contains(text, `<h3 id="name">Ada</h3>`) || !strings.Contains(text, "[body folded to its headings") {
			t.Errorf("width %d: body not folded to its headings:\n%s", width, text)
		}
		for _, l := range lines {
			if width > 0 && ansi.StringWidth(l) > width {
				t.Errorf("width %d: line wider than the pane: %q", width, l)
			}
		}
		if width == 0 && !strings.Contains(text, "Set-Cookie: "+ex.Hops[0].SetCookies[0]) {
			t.Errorf("unfolded exchange lacks the whole Set-Cookie")
		}
		if width > 0 && !strings.Contains(text, "…") {
			t.Errorf("width %d: nothing folded", width)
		}
		sess := rd.session(ex)
		for _, want := range []string{"← Set-Cookie, response 1 (POST /users) ✓ valid", `email = "ada@example.com"`, `name = "Ada"`, "timestamp", "payload", "signature", "Signed, not encrypted", "→ Cookie, request 2 (GET /show) ✓ valid"} {
			if !strings.Contains(sess, want) {
				t.Errorf("width %d: session lacks %q:\n%s", width, want, sess)
			}
		}
	}
	whole := renderer{st: &st, width: 60, whole: true}
	if text, _ := whole.exchange(ex); !strings.Contains(text, ex.Hops[0].SetCookies[0]) || !strings.Contains(text, "<!doctype html>") {
		t.Error("whole mode folds values or the body")
	}
	// Whole, the session pane gives cookiecodec's full explanation,
	// attributes of the Set-Cookie included.
	sess := whole.session(ex)
	for _, want := range []string{"parts", "timestamp", "payload", "gob", `email = "ada@example.com"`, "VALID: verified with key #1", "readable by anyone", "Set-Cookie attributes", "HttpOnly   true", "SameSite   Lax", "Max-Age    2592000 seconds"} {
		if !strings.Contains(sess, want) {
			t.Errorf("whole session lacks %q:\n%s", want, sess)
		}
	}
	for _, l := range strings.Split(sess, "\n") {
		if ansi.StringWidth(l) > 60 {
			t.Errorf("whole session line wider than 60: %q", l)
		}
	}
}

func TestRenderSessionVerdicts(t *testing.T) {
	e, _ := testEngine(t, engine.Progress{Current: "session"}, false)
	res, err := e.Run(context.Background(), e.Tutor(), engine.Form{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	val := res.Trip.Cookies[0].Value
	other, _ := server.New(server.Config{Keys: [][]byte{[]byte("another key")}})
	decoded := func(v string) engine.Cookie {
		r, err := cookiecodec.Decode(v, other.DecodeOptions())
		return engine.Cookie{Value: v, Result: r, Err: err}
	}
	st := PlainStyles()
	rd := renderer{st: &st}
	tests := []struct {
		name string
		c    engine.Cookie
		want string
	}{
		{"another server's key", decoded(val), "✗ bad signature"},
		{"garbage value", decoded("%%%"), "✗ undecodable"},
		{"wrong key", engine.Cookie{Result: &cookiecodec.Result{Signature: cookiecodec.Invalid, Reason: "HMAC does not match"}, Err: errors.New("bad")}, "✗ bad signature"},
		{"garbage", engine.Cookie{Err: errors.New("not base64")}, "✗ undecodable"},
		{"no key", engine.Cookie{Result: &cookiecodec.Result{Signature: cookiecodec.Unchecked, Reason: "no key"}}, "? unchecked"},
		{"expired", engine.Cookie{Result: &cookiecodec.Result{Signature: cookiecodec.Valid, Expired: true}}, "✗ expired"},
		{"valid", engine.Cookie{Result: &cookiecodec.Result{Signature: cookiecodec.Valid}}, "✓ valid"},
	}
	for _, tt := range tests {
		mark, text := rd.verdict(tt.c)
		if mark != tt.want || text == "" {
			t.Errorf("%s: verdict = %q, %q; want %q", tt.name, mark, text, tt.want)
		}
	}
	none := &engine.Trip{Hops: []engine.Hop{{Method: "GET", URL: "/show"}}, Storage: "signed"}
	if got := (renderer{st: &st, plain: true}).session(none); !strings.Contains(got, "No session cookie") || strings.Contains(got, "travels") {
		t.Errorf("session of an exchange without cookies = %q", got)
	}
}

// TestWrapNeverWider: no line of wrap's is wider than asked, even where
// ansi.Wrap breaks before a word starting with a hyphen.
func TestWrapNeverWider(t *testing.T) {
	s := "Session key: the key from class.keys (sessions outlive a restart); or use --secret-file keeps them and -x --y z"
	for width := 5; width < 60; width++ {
		got := wrap(s, width)
		for _, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > width {
				t.Errorf("wrap(…, %d) has a line of %d cells: %q", width, ansi.StringWidth(l), l)
			}
		}
		// Words may be broken at hyphens or cut when too long, but no
		// letter is lost.
		if strings.Join(strings.Fields(got), "") != strings.Join(strings.Fields(s), "") {
			t.Errorf("wrap(…, %d) lost letters: %q", width, got)
		}
	}
}
