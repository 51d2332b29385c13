package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// rawExchange sends req as it is, bytes and all, to the server at u and
// returns the response's status line.
func rawExchange(t *testing.T, u, req string) string {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", pu.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("no answer to %q: %v", req, err)
	}
	return strings.TrimSpace(line)
}

// TestRunServeLogEscapesEverythingAClientSends sends requests full of what
// a terminal would act on (C1 controls as raw bytes and as UTF-8, bidi
// overrides, zero-width and invisible characters) in the target, headers,
// form values and session values kept in a database row, and checks that
// serve's log shows each visibly and holds nothing a terminal acts on.
func TestRunServeLogEscapesEverythingAClientSends(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	u, errOut, stop := startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "hardcoded", Store: "sqlite:" + db})
	osc8 := "\x9d8;;https://evil.example\x9cCLICK-ME\x9d8;;\x9c"
	// net/http refuses C0 controls in a header (400, before any handler),
	// so the headers carry C1 bytes and UTF-8.
	hostile := osc8 + "vis\x9b8mHIDDEN\x9b0m\u202e\u2067"
	form := func(name, email string) string {
		return url.Values{"name": {name}, "email": {email}}.Encode()
	}
	post := func(ct, body string, extra ...string) string {
		return "POST /users HTTP/1.1\r\nHost: h\r\nContent-Type: " + ct + "\r\n" + strings.Join(extra, "") +
			"Content-Length: " + itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body
	}
	sendAll := func() {
		for _, req := range []string{
			"GET /show?q=" + osc8 + "\xe2\x80\xae\xe2\x80\x8b&e=%1b[2J HTTP/1.1\r\nHost: h\r\nUser-Agent: " + hostile + "\r\nCookie: session=" + osc8 + "\r\nConnection: close\r\n\r\n",
			post("text/\x9b31m", "x=1"),
			post("application/x-www-form-urlencoded", form("\u009b31mAda", "a@b.c")),
			post("application/x-www-form-urlencoded", "name=\x9b31m\xff&email=a@b.c"),
			post("application/x-www-form-urlencoded", form("\u202enimda\u200b\u3164", "a\u2066@b.c")),
			post("application/x-www-form-urlencoded", form("Ada", "a@b.c"), "Origin: http://evil.example\x9b\r\n", "Sec-Fetch-Site: cross-site\r\n"),
		} {
			if status := rawExchange(t, u, req); !strings.HasPrefix(status, "HTTP/1.1 ") {
				t.Errorf("answer to %q: %q", req, status)
			}
		}
	}
	sendAll()

	// The same in a stage that keeps the form in the session, in the
	// database: the row's values are client text too.
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	log := errOut.String()
	u, errOut, stop = startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "sqlite:" + db})
	sendAll()
	jar := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := jar.PostForm(u+"/users", url.Values{"name": {"\u202enimda\u200b"}, "email": {"e\u2069@x.y"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	log += errOut.String()

	if !utf8.ValidString(log) {
		t.Errorf("serve's log is not valid UTF-8")
	}
	for i, r := range log {
		if r != '\n' && r != ' ' && (!unicode.IsPrint(r) || strings.ContainsRune("\u3164\u115f\u034f", r)) {
			t.Errorf("serve's log holds %U at byte %d: %q", r, i, log[max(0, i-40):min(len(log), i+40)])
		}
	}
	for _, want := range []string{
		`GET /show?q=\x9d8;;https://evil.example\x9cCLICK-ME\x9d8;;\x9c\u202e\u200b&e=%1b[2J -> `,
		`not "text/\x9b31m"`,               // the 415 message quotes the Content-Type
		`form: name="\u009b31mAda"`,        // refused: control character
		`form: name="\x9b31m\xff"`,         // refused: not UTF-8
		`name="\u202enimda\u200b\u3164"`,   // accepted by the hardcoded stage
		`Origin "http://evil.example\x9b"`, // the cross-origin note
		`"name":"\u202enimda\u200b"`,       // the session row, as JSON
		`sqlite table sessions in`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("serve's log lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("log:\n%s", log)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRunServeSaysWhenTheDatabaseFileIsDeleted deletes the SQLite file
// under a running serve: posts fail with 500 (not a 503 that promises a
// retry), the log says the file was deleted, once, and at shutdown serve
// counts the failures.
func TestRunServeSaysWhenTheDatabaseFileIsDeleted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	u, errOut, stop := startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "sqlite:" + db, Quiet: true})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func() int {
		res, err := c.PostForm(u+"/users", url.Values{"name": {"Ada"}, "email": {"a@b.c"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := post(); got != http.StatusFound {
		t.Fatalf("POST /users = %d", got)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	for range 20 {
		if got := post(); got != http.StatusInternalServerError {
			t.Fatalf("POST /users after the database file was deleted = %d, want 500", got)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	log := errOut.String()
	if n := strings.Count(log, "was deleted while the store had it open"); n != 1 {
		t.Errorf("the log says %d times that the file was deleted, want once:\n%s", n, log)
	}
	if !strings.Contains(log, "fault=\"file gone\"") || !strings.Contains(log, "20 answered 500 (permanent failure)") {
		t.Errorf("log:\n%s", log)
	}
}

// TestRunServeRefusesAnUnwritableDatabase starts serve on a database file
// it cannot write: it fails at start, saying so, rather than at the first
// post.
func TestRunServeRefusesAnUnwritableDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	if err := os.WriteFile(db, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", db).CombinedOutput(); err != nil {
			t.Skipf("chattr +i: %v %s", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", db).Run() })
	} else if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	opts := &serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "sqlite:" + db, Out: io.Discard, ErrOut: io.Discard}
	err := runServe(t.Context(), opts)
	if err == nil || !strings.Contains(err.Error(), "cannot be written") && !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("runServe on an unwritable database = %v, want it to refuse to start", err)
	}
}
