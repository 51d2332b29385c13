package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/servertest"
)

func TestPlanClassroomKeys(t *testing.T) {
	random := bytes.Repeat([]byte{0xab}, 32)
	strongKey := make([]byte, 32)
	if _, err := rand.Read(strongKey); err != nil {
		t.Fatal(err)
	}
	strong := "hex:" + hex.EncodeToString(strongKey)
	for _, tc := range []struct {
		name    string
		flags   classroomFlags
		keys    keyFlags
		wantKey []byte
		warn    bool
		errWant string
	}{
		{name: "a fresh random key", flags: classroomFlags{On: true}, wantKey: random},
		{name: "--secret keeps sessions", flags: classroomFlags{On: true}, keys: keyFlags{Secrets: []string{strong}}, wantKey: strongKey},
		{name: "FORMTEST_SECRET", flags: classroomFlags{On: true}, keys: keyFlags{EnvSecret: strong}, wantKey: strongKey},
		{name: "the lesson's key only when asked", flags: classroomFlags{On: true, LessonKey: true}, wantKey: []byte(server.LessonKey), warn: true},
		{name: "a short key", flags: classroomFlags{On: true}, keys: keyFlags{Secrets: []string{"short"}}, errWant: "at least 32 bytes"},
		{name: "the lesson's key as --secret", flags: classroomFlags{On: true}, keys: keyFlags{Secrets: []string{server.LessonKey}}, errWant: "at least 32 bytes"},
		{name: "--lesson-key and --secret", flags: classroomFlags{On: true, LessonKey: true}, keys: keyFlags{Secrets: []string{strong}}, errWant: "contradict"},
		{name: "--lesson-key alone", flags: classroomFlags{LessonKey: true}, errWant: "--lesson-key is for --classroom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.flags.random = bytes.NewReader(random)
			p, err := planClassroom("127.0.0.1:0", tc.flags, tc.keys)
			if tc.errWant != "" {
				var ee *exitError
				if err == nil || !strings.Contains(err.Error(), tc.errWant) || !errors.As(err, &ee) || ee.code != exitUsage {
					t.Fatalf("err = %v, want a usage error with %q", err, tc.errWant)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Keys) != 1 || !bytes.Equal(p.Keys[0], tc.wantKey) {
				t.Errorf("keys = %x, want %x", p.Keys, tc.wantKey)
			}
			if (p.Warning != "") != tc.warn || tc.warn && !strings.Contains(p.Warning, "Every student can forge any session") {
				t.Errorf("warning = %q", p.Warning)
			}
			if strings.Contains(p.KeyNote, hex.EncodeToString(p.Keys[0])) || strings.Contains(p.KeyNote, string(p.Keys[0])) {
				t.Errorf("the key note holds the key: %q", p.KeyNote)
			}
			if p.Addr != classroomListenAddr {
				t.Errorf("addr = %q without --addr, want %q", p.Addr, classroomListenAddr)
			}
		})
	}
	if p, err := planClassroom("127.0.0.1:0", classroomFlags{}, keyFlags{}); p != nil || err != nil {
		t.Errorf("without --classroom: %v, %v; want no plan", p, err)
	}
	// A failing random source is an error, not a weak key.
	if _, err := planClassroom(":0", classroomFlags{On: true, random: strings.NewReader("short")}, keyFlags{}); err == nil {
		t.Error("a short read of randomness was accepted")
	}
	// A key is fresh each run.
	a, _ := planClassroom(":0", classroomFlags{On: true}, keyFlags{})
	b, _ := planClassroom(":0", classroomFlags{On: true}, keyFlags{})
	if bytes.Equal(a.Keys[0], b.Keys[0]) || len(a.Keys[0]) != 32 {
		t.Errorf("two runs' keys: %x and %x", a.Keys[0], b.Keys[0])
	}
}

func TestPlanClassroomAddr(t *testing.T) {
	p, err := planClassroom("192.0.2.7:8000", classroomFlags{On: true, AddrSet: true}, keyFlags{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Addr != "192.0.2.7:8000" || !containsAddr(p.Server.Exempt, "192.0.2.7") || !containsAddr(p.Server.Exempt, "127.0.0.1") {
		t.Errorf("plan = %+v", p)
	}
	if _, err := planClassroom("nonsense", classroomFlags{On: true, AddrSet: true}, keyFlags{}); err == nil {
		t.Error("--addr nonsense accepted")
	}
	if got := p.localURL("http://[::]:4000"); got != "http://127.0.0.1:4000" {
		t.Errorf("localURL = %q", got)
	}
	if got := p.localURL("http://192.0.2.7:8000"); got != "http://192.0.2.7:8000" {
		t.Errorf("localURL = %q", got)
	}
}

func containsAddr(as []netip.Addr, s string) bool {
	for _, a := range as {
		if a == netip.MustParseAddr(s) {
			return true
		}
	}
	return false
}

func testAddrs() []classroom.HostAddr {
	return []classroom.HostAddr{
		{Iface: "eth0", IP: netip.MustParseAddr("fe80::1")},
		{Iface: "wlan0", IP: netip.MustParseAddr("2001:db8::23")},
		{Iface: "wlan0", IP: netip.MustParseAddr("192.168.1.23")},
		{Iface: "eth0", IP: netip.MustParseAddr("10.0.0.5")},
	}
}

func TestAnnounce(t *testing.T) {
	random := bytes.Repeat([]byte{0xcd}, 32)
	p, err := planClassroom(":0", classroomFlags{On: true, random: bytes.NewReader(random), addrs: func() ([]classroom.HostAddr, error) { return testAddrs(), nil }}, keyFlags{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	j, err := p.join("http://[::]:5000")
	if err != nil {
		t.Fatal(err)
	}
	if err := announce(&out, j); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if j.URLs[0].URL != "http://192.168.1.23:5000/" || len(j.QR) == 0 || j.Local != "http://127.0.0.1:5000" {
		t.Errorf("join = %+v", j)
	}
	for _, want := range []string{"Students join at", "http://192.168.1.23:5000/    wlan0", "http://[2001:db8::23]:5000/", "Scan to open http://192.168.1.23:5000/", "█▀", "random key made for this run", "/me", "whole class at once"} {
		if !strings.Contains(s, want) {
			t.Errorf("announcement lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, hex.EncodeToString(random)) || strings.Contains(s, string(random)) {
		t.Error("the announcement prints the key")
	}
	for _, line := range strings.Split(s, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}

	none, _ := planClassroom(":0", classroomFlags{On: true, LessonKey: true, addrs: func() ([]classroom.HostAddr, error) { return nil, nil }}, keyFlags{})
	out.Reset()
	j, err = none.join("http://[::]:5000")
	if err != nil || len(j.URLs) != 0 || j.QR != nil {
		t.Fatalf("join = %+v, %v", j, err)
	}
	if err := announce(&out, j); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "no network address beyond loopback") || !strings.Contains(s, "http://127.0.0.1:5000") || !strings.Contains(s, "WARNING") || strings.Contains(s, "Scan") {
		t.Errorf("announcement with no network:\n%s", s)
	}
}

// TestAnnounceWrapsAt80: the --plain join text tells the class what the
// full-screen join screen does (the same notes), and no line of it is
// wider than 80 columns, the QR code's included, whatever the addresses:
// the longest IPv6 URL, an interface name of escape codes, the lesson
// key's warning, a link-local address no other device can reach.
func TestAnnounceWrapsAt80(t *testing.T) {
	long := netip.MustParseAddr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")
	lesson, err := planClassroom(":0", classroomFlags{On: true, LessonKey: true, addrs: func() ([]classroom.HostAddr, error) {
		return []classroom.HostAddr{
			{Iface: "wlan0", IP: netip.MustParseAddr("192.168.100.200")},
			{Iface: "\x1b[31menp0s31f6-with-a-long-name\x07", IP: long},
		}, nil
	}}, keyFlags{})
	if err != nil {
		t.Fatal(err)
	}
	withURLs, err := lesson.join("http://[::]:65535")
	if err != nil {
		t.Fatal(err)
	}
	v6only, err := (&classroomPlan{Addr: "[" + long.String() + "]:65535", KeyNote: "the key from --secret-file\n(sessions outlive a restart)",
		addrs: func() ([]classroom.HostAddr, error) { return nil, nil }}).join("http://[" + long.String() + "]:65535")
	if err != nil {
		t.Fatal(err)
	}
	linkLocal, err := (&classroomPlan{Addr: "[fe80::1234:5678:9abc:def0%eth0]:65535", KeyNote: "k",
		addrs: func() ([]classroom.HostAddr, error) { return nil, nil }}).join("http://[fe80::1234:5678:9abc:def0%25eth0]:65535")
	if err != nil {
		t.Fatal(err)
	}
	// A note whose word ends in the 80th column, then a space and a flag:
	// ansi.Wrap leaves that space on the line.
	exact := *linkLocal
	exact.KeyNote = strings.Repeat("abcdefghi ", 6) + "abcdefg --secret-file keeps it"
	for name, j := range map[string]*classroom.Join{"lesson key": withURLs, "ipv6 only": v6only, "link-local": linkLocal, "80 columns exactly": &exact} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := announce(&out, j); err != nil {
				t.Fatal(err)
			}
			s := out.String()
			for i, line := range strings.Split(s, "\n") {
				if w := ansi.StringWidth(line); w > 80 {
					t.Errorf("line %d is %d columns: %q", i, w, line)
				}
			}
			if strings.ContainsAny(s, "\x1b\x07") {
				t.Errorf("the announcement holds control characters:\n%q", s)
			}
			flat := strings.Join(strings.Fields(s), " ")
			for _, n := range j.Notes() {
				if !strings.Contains(flat, n) {
					t.Errorf("the announcement lacks the note %q:\n%s", n, s)
				}
			}
			for _, u := range j.URLs {
				if !strings.Contains(s, "  "+u.URL) {
					t.Errorf("the announcement lacks %s on a line:\n%s", u.URL, s)
				}
			}
			if len(j.URLs) > 0 && !strings.Contains(s, strings.Join(j.QR, "\n")) {
				t.Errorf("the QR code is not printed as drawn:\n%s", s)
			}
			if len(j.URLs) == 0 && !strings.Contains(flat, "answers at "+j.Local) {
				t.Errorf("the announcement lacks the local URL %s:\n%s", j.Local, s)
			}
		})
	}
	if len(withURLs.URLs) != 2 || withURLs.QR == nil || len(v6only.URLs) != 1 || len(linkLocal.URLs) != 0 {
		t.Fatalf("the joins are not the ones meant: %+v %+v %+v", withURLs, v6only, linkLocal)
	}
}

// TestTutorClassroomPlain runs the tutor in classroom mode with --plain on
// 127.0.0.1, with students from 127.0.0.2 and 127.0.0.3.
func TestTutorClassroomPlain(t *testing.T) {
	random := bytes.Repeat([]byte{0xef}, 32)
	out := &syncBuffer{}
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	opts := &tutorOptions{
		Addr: "127.0.0.1:0", Plain: true, Store: "cookie", Out: out, ErrOut: io.Discard,
		StatePath: t.TempDir() + "/formtest/tutor.json",
		Classroom: classroomFlags{On: true, AddrSet: true, random: bytes.NewReader(random), addrs: func() ([]classroom.HostAddr, error) { return nil, nil }},
		ready:     func(u string) { ready <- u },
	}
	// Resume at the template stage, where the form's values go into the session.
	if err := saveTestProgress(opts.StatePath, "template"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- runTutor(ctx, opts) }()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("runTutor: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the tutor did not start")
	}
	waitFor(t, out, "waiting for the class")

	ann := classStudent(t, "127.0.0.2")
	post(t, ann, base+"/users", url.Values{"name": {"Ann"}, "email": {"ann@example.com"}})
	// A session forged with the lesson's public key is refused: the
	// classroom's key is random.
	lessonSrv, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}, Stage: server.StageTemplate})
	if err != nil {
		t.Fatal(err)
	}
	forged := forgeWith(t, lessonSrv)
	req, _ := http.NewRequest(http.MethodGet, base+"/me", nil)
	req.AddCookie(&http.Cookie{Name: server.CookieName, Value: forged})
	res, err := classStudent(t, "127.0.0.3").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "Refused: bad signature") || strings.Contains(string(body), "Mallory") {
		t.Errorf("the forged cookie's /me:\n%s", body)
	}

	waitFor(t, out, "GET /me -> 200; cookie refused")
	// A hostile student: a 4 KB target and a User-Agent that would turn
	// the teacher's text around. Neither reaches the screen as sent.
	conn, err := servertest.Dialer(t, "127.0.0.4").Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /%s HTTP/1.1\r\nHost: x\r\nUser-Agent: \u202eevil/1.0\r\nConnection: close\r\n\r\n", strings.Repeat("a", 4096))
	io.Copy(io.Discard, conn)
	conn.Close()
	waitFor(t, out, "-> 404")
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("runTutor: %v", err)
	}
	s := out.String()
	for _, want := range []string{
		"no network address beyond loopback", "random key made for this run",
		".2     Go       POST /users -> 302; submitted Ann <a…@…>; holds a session",
		".3     Go       GET /me -> 200; cookie refused (bad signature",
		"1 of 3 clients holds a session; 3 clients in all.", ".4     evil     GET /aaaa",
		// Challenges are counted per student, and said when one does one
		// for the first time.
		"         .2     Go       did a challenge: Your browser keeps the cookie and sends it back. 1 student's browser got a session cookie and sent it back",
		"         .3     Go       did a challenge: Change your cookie, and watch it refused. 1 student tampered with a cookie, and it was refused.",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	for _, never := range []string{"ann@example.com", hex.EncodeToString(random), "Stage 2: The session", "\u202e", "\x1b"} {
		if strings.Contains(s, never) {
			t.Errorf("output holds %q", never)
		}
	}
	for _, line := range strings.Split(s, "\n") {
		if len(line) > 400 {
			t.Errorf("a line of %d bytes: %.100q…", len(line), line)
		}
	}
}

func saveTestProgress(path, stage string) error {
	return engine.SaveProgress(path, engine.Progress{Current: stage})
}

func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	for start := time.Now(); !strings.Contains(out.String(), want); time.Sleep(5 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("no %q in:\n%s", want, out.String())
		}
	}
}

// classStudent is a client whose connections come from source.
func classStudent(t *testing.T, source string) *http.Client {
	return servertest.Browser(t, source)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) {
	t.Helper()
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

// forgeWith returns a session cookie for "Mallory" that srv signed.
func forgeWith(t *testing.T, srv *server.Server) string {
	t.Helper()
	hs := &http.Server{Handler: srv}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm("http://"+ln.Addr().String()+"/users", url.Values{"name": {"Mallory"}, "email": {"m@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Name == server.CookieName {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func TestTutorClassroomFlags(t *testing.T) {
	var got *tutorOptions
	cmd := newTutorCmd(func(o *tutorOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--classroom", "--lesson-key"})
	cmd.SetOut(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.Classroom.On || !got.Classroom.LessonKey || got.Classroom.AddrSet {
		t.Errorf("classroom flags = %+v", got.Classroom)
	}
	cmd = newTutorCmd(func(o *tutorOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--classroom", "--addr", "0.0.0.0:5000"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.Classroom.On || !got.Classroom.AddrSet || got.Addr != "0.0.0.0:5000" {
		t.Errorf("classroom flags = %+v, addr %q", got.Classroom, got.Addr)
	}
	// Without --classroom, an address beyond loopback is still refused,
	// and the error points at --classroom.
	err := runTutor(t.Context(), &tutorOptions{Addr: "0.0.0.0:0", Out: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "--classroom") {
		t.Errorf("runTutor(--addr 0.0.0.0:0) = %v, want a usage error naming --classroom", err)
	}
}

// TestTutorClassroomFullScreen starts the full-screen tutor in classroom
// mode: the join screen comes first, inside the tutor (no prompt before
// it), then enter shows the class view, with the class's URL in its note.
func TestTutorClassroomFullScreen(t *testing.T) {
	in, inW := io.Pipe()
	defer inW.Close()
	out := &syncBuffer{}
	opts := &tutorOptions{
		Addr: "127.0.0.1:0", IsTTY: true, In: in, Out: out, ErrOut: io.Discard, Store: "cookie", Name: "Ada", Email: "ada@example.com",
		StatePath: t.TempDir() + "/formtest/tutor.json",
		Classroom: classroomFlags{On: true, AddrSet: true, addrs: func() ([]classroom.HostAddr, error) {
			return []classroom.HostAddr{{Iface: "wlan0", IP: netip.MustParseAddr("192.0.2.44")}}, nil
		}},
		programOptions: []tea.ProgramOption{tea.WithWindowSize(100, 30), tea.WithColorProfile(colorprofile.ASCII)},
	}
	done := make(chan error, 1)
	go func() { done <- runTutor(t.Context(), opts) }()
	// With --addr 127.0.0.1:0 students could not reach it; an address on
	// no interface would be listed as given, but loopback is not.
	waitFor(t, out, "loopback")
	if s := out.String(); strings.Contains(s, "Press Enter") || strings.Contains(s, "browser") {
		t.Errorf("the join screen is not first:\n%s", s)
	}
	io.WriteString(inW, "\r")
	waitFor(t, out, "browser") // the class list's column names
	io.WriteString(inW, "q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the tutor did not quit")
	}
	if screen := ansi.Strip(out.String()); !strings.Contains(screen, "Students") {
		t.Errorf("the tutor's note does not mention the class:\n%s", screen)
	}
}
