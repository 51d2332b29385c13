package tui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/servertest"
	"github.com/formtest/formtest/tui/qrtext"
)

// classEngine starts the form server in classroom mode on 127.0.0.1, its
// budget sparing the tutor's own loopback address, and returns an engine
// over it and a class model fed from its stream.
func classEngine(t *testing.T) (*engine.Engine, *classroom.Model, string) {
	t.Helper()
	srv, err := server.New(server.Config{
		Keys:      [][]byte{[]byte("a classroom test key of 32 bytes!")},
		Storage:   server.StorageSigned,
		Classroom: &server.Classroom{Exempt: []netip.Addr{netip.MustParseAddr("127.0.0.1")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	u := servertest.Serve(t, srv.HTTPServer("").Handler)
	// Stage 2, the first to keep a session.
	e, err := engine.New(engine.Options{Lessons: testLessons(t), Server: srv, URL: u, Progress: engine.Progress{Current: "session"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	course, err := check.Embedded(e.Stages())
	if err != nil {
		t.Fatal(err)
	}
	class := classroom.New(classroom.Options{Server: srv, Challenges: check.NewClassTracker(course, nil)})
	w := e.Watch(1024)
	ctx, cancel := context.WithCancel(context.Background())
	go class.Feed(ctx, w.C)
	t.Cleanup(func() { cancel(); w.Close() })
	return e, class, u
}

// testJoin is how students would join a class at a documentation address.
func testJoin(t *testing.T) *classroom.Join {
	t.Helper()
	const u = "http://192.0.2.44:5000/"
	qr, err := qrtext.Lines(u, qrtext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &classroom.Join{URLs: []classroom.JoinURL{{URL: u, Iface: "wlan0"}}, QR: qr, Local: "http://127.0.0.1:5000/",
		KeyNote: "a random key made for this run, never shown", Rate: 5, Burst: 30}
}

// newStudent is a browser on a machine of its own: requests from source
// address src, with a cookie jar.
func newStudent(t *testing.T, base, src, ua string) *servertest.Student {
	t.Helper()
	return servertest.NewStudent(t, base, src, ua)
}

// rawRequest sends req as it is from source address src and reads the
// answer's status line.
func rawRequest(t *testing.T, base, src, req string) string {
	t.Helper()
	c, err := servertest.Dialer(t, src).Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return line
}

const (
	firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	chromeUA  = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)

func classModel(t *testing.T, e *engine.Engine, class *classroom.Model, join *classroom.Join) *Model {
	t.Helper()
	st := NoColorStyles()
	m, err := New(Options{Engine: e, Form: engine.Form{Name: "Teacher", Email: "t@example.com"}, Styles: &st, Class: class, Join: join})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestClassViewProgram drives the real program in classroom mode: the
// join screen first, then three students from 127.0.0.2, .3 and .4 arrive
// as rows with their browser, name and session, emails masked; E and y
// show them whole; n moves the whole class to stage 2 and says so.
func TestClassViewProgram(t *testing.T) {
	e, class, base := classEngine(t)
	m := classModel(t, e, class, testJoin(t))
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	waitForWords(t, tm, "Scan", "192.0.2.44:5000", "wlan0", "▀")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitForWords(t, tm, "browser", "connected")

	newStudent(t, base, "127.0.0.2", firefoxUA).Submit("Ann", "ann@example.com")
	bob := newStudent(t, base, "127.0.0.3", chromeUA)
	bob.Submit("Bob", "bob@example.com")
	newStudent(t, base, "127.0.0.4", "curl/8.5.0").Do("GET", "/", nil, nil)
	waitForWords(t, tm, "Ann", "Bob", "curl")
	// Their challenges are the class's, counted per student.
	for start := time.Now(); class.Challenges().Class("session")[0].Students != 2; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the class's counts: %+v", class.Challenges().Class("session"))
		}
	}
	// The teacher's own browser, on this machine, does the teacher's.
	newStudent(t, base, "127.0.0.1", firefoxUA).Submit("Teach", "teach@example.com")
	waitForWords(t, tm, "Challenge done")

	tm.Type("E")
	waitForWords(t, tm, "any")
	tm.Type("y")
	waitForWords(t, tm, "@example.com") // the cells that changed: "a" stays
	tm.Type("n")
	waitForWords(t, tm, "whole")
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	view := ansi.Strip(fm.View().Content)
	for _, want := range []string{"Stage 3 for the whole class", "ann@example.com", "bob@example.com", "· Nobody has handed a session cookie to another client yet."} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
	if got := e.Current().Index; got != 2 {
		t.Errorf("stage = %d, want 2", got)
	}
	// The students' cookies ticked nothing of the teacher's; the teacher's
	// own browser did, and counts for no student.
	for _, st := range fm.learn.tracker.Stage("session") {
		if want := st.Challenge.ID == "own-cookie-back"; st.Done != want {
			t.Errorf("the teacher's %s: done %v, want %v", st.Challenge.ID, st.Done, want)
		}
		if st.Tick != nil && st.Tick.Client.Addr != "127.0.0.1" {
			t.Errorf("the teacher's %s ticked by %s", st.Challenge.ID, st.Tick.Client)
		}
	}
	for _, c := range class.Challenges().Class("session") {
		if want := map[string]int{"own-cookie-back": 2}[c.Challenge.ID]; c.Students != want {
			t.Errorf("the class's %s: %d students, want %d", c.Challenge.ID, c.Students, want)
		}
	}
	// This machine's browser has a row of its own, marked as the teacher's
	// and left out of the class's counts.
	if s := class.Summary(server.StageTemplate); s.Clients != 3 || s.Tutor != 1 {
		t.Errorf("summary counts %d clients and %d of this machine, want 3 and 1", s.Clients, s.Tutor)
	}
	if got := doneColumn(t, view, "Teach"); got != "you" {
		t.Errorf("the teacher's row's done column is %q, want \"you\":\n%s", got, view)
	}
	if !strings.Contains(view, `(this machine's browsers, "you", not counted)`) {
		t.Errorf("the counts do not say this machine is left out:\n%s", view)
	}
}

// settle waits until the class holds n clients and the view took them in.
func settle(t *testing.T, m *Model, class *classroom.Model, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for v := uint64(0); len(class.Rows()) < n || class.Version() != v; {
		if time.Now().After(deadline) {
			t.Fatalf("the class holds %d clients, want %d", len(class.Rows()), n)
		}
		v = class.Version()
		time.Sleep(50 * time.Millisecond) // the rest of a request's exchanges
	}
	m.Update(classChangedMsg{})
}

// screenOf is the model's screen, with its styling stripped, checked to
// be exactly height lines none wider than width.
func screenOf(t *testing.T, m *Model) string {
	t.Helper()
	raw := m.render()
	lines := strings.Split(raw, "\n")
	if len(lines) != m.height {
		t.Errorf("the screen has %d lines, want %d", len(lines), m.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.width {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i, w, m.width, l)
		}
	}
	s := ansi.Strip(raw)
	if strings.ContainsAny(s, "\x1b\x07\x9b\r") {
		t.Errorf("the screen holds raw control characters: %q", s)
	}
	return s
}

// TestClassViewMasksEmails: on the projected view emails are masked, and
// stay masked when the teacher answers anything but y.
func TestClassViewMasksEmails(t *testing.T) {
	e, class, base := classEngine(t)
	m := classModel(t, e, class, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	newStudent(t, base, "127.0.0.2", firefoxUA).Submit("Ann", "ann@example.com")
	settle(t, m, class, 1)
	s := screenOf(t, m)
	if !strings.Contains(s, "a…@…") || strings.Contains(s, "ann@example.com") {
		t.Errorf("email not masked:\n%s", s)
	}
	for _, want := range []string{".2", "Firefox", "Ann", "holds a session", "signed cookie", "1 of 1 client holds a session"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	// The client's exchanges and session, opened, mask it too: in the
	// form's body and in the decoded session.
	press(t, m, "enter", "[")
	if s := screenOf(t, m); strings.Contains(s, "ann@example.com") || strings.Contains(s, "ann%40example.com") || !strings.Contains(s, "POST /users") || !strings.Contains(s, "a…@…") {
		t.Errorf("the opened client shows the email whole:\n%s", s)
	}
	press(t, m, "]")
	if s := screenOf(t, m); strings.Contains(s, "ann@example.com") || !strings.Contains(s, `email = "a…@…"`) {
		t.Errorf("the opened client's session shows the email whole:\n%s", s)
	}
	press(t, m, "E", "y")
	if s := screenOf(t, m); !strings.Contains(s, `email = "ann@example.com"`) {
		t.Errorf("E then y did not show the email in the session:\n%s", s)
	}
	press(t, m, "E", "esc")
	press(t, m, "E", "n")
	if s := screenOf(t, m); strings.Contains(s, "ann@example.com") || !strings.Contains(s, "Emails stay masked") {
		t.Errorf("E then n showed the email:\n%s", s)
	}
	press(t, m, "E", "y")
	if s := screenOf(t, m); !strings.Contains(s, "ann@example.com") {
		t.Errorf("E then y did not show the email:\n%s", s)
	}
	press(t, m, "E")
	if s := screenOf(t, m); strings.Contains(s, "ann@example.com") {
		t.Errorf("E again did not mask the email:\n%s", s)
	}
}

// TestClassViewHostile: a student whose name holds escape codes and whose
// request carries a 4 KB header: the row shows the name escaped, the
// screen keeps its size and holds no control character, and opening the
// row shows the exchange escaped too.
func TestClassViewHostile(t *testing.T) {
	e, class, base := classEngine(t)
	m := classModel(t, e, class, nil)
	m.Update(tea.WindowSizeMsg{Width: 90, Height: 24})
	newStudent(t, base, "127.0.0.2", firefoxUA).Submit("Ann", "ann@example.com")
	// Go's server refuses a header with a C0 control character (400), so
	// the hostile headers carry C1 ones (U+009B is CSI to a UTF-8
	// terminal), 4 KB of them. The form refuses control characters in a
	// name (400, but the exchange still reaches the teacher's screen), so
	// the name that gets in carries a bidi override and zero-width
	// spaces. Go's client refuses such headers: the student writes the
	// requests by hand.
	post := func(name string) string {
		form := url.Values{"name": {name}, "email": {"\u202ee@x"}}.Encode()
		return rawRequest(t, base, "127.0.0.3", "POST /users HTTP/1.1\r\nHost: x\r\n"+
			"User-Agent: \u009b31mEvil\u009b2J"+strings.Repeat("A", 100)+"\r\n"+
			"X-Junk: "+strings.Repeat("\u009b5m", 1000)+"\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\n"+
			fmt.Sprintf("Content-Length: %d\r\nConnection: close\r\n\r\n", len(form))+form)
	}
	if st := post("\x1b[2J\x1b[HEve\x07"); !strings.Contains(st, " 400 ") {
		t.Errorf("a name with escape codes got %q, want a 400", st)
	}
	if st := post("\u202eEve\u200b\u200b"); !strings.Contains(st, " 302 ") {
		t.Fatalf("the hostile name got %q, want a 302", st)
	}
	settle(t, m, class, 2)
	s := screenOf(t, m)
	if !strings.Contains(s, `\u202eEve\u200b`) {
		t.Errorf("the hostile name is not shown escaped:\n%s", s)
	}
	if !strings.Contains(s, "Ann") {
		t.Errorf("the other student's row is gone:\n%s", s)
	}
	// Open Eve's row (the newest, selected) and look at the exchange.
	press(t, m, "enter")
	s = screenOf(t, m)
	if !strings.Contains(s, "Client .3") || !strings.Contains(s, "POST /users") || !strings.Contains(s, `\u009b5m`) {
		t.Errorf("enter did not open Eve's exchange, escaped:\n%s", s)
	}
	// The exchange before, refused for its name, shows it escaped.
	press(t, m, "[")
	s = screenOf(t, m)
	if !strings.Contains(s, "400") {
		t.Errorf("[ did not show the refused exchange:\n%s", s)
	}
	press(t, m, "G", "]", "j", "esc")
	if s := screenOf(t, m); !strings.Contains(s, "browser") {
		t.Errorf("esc did not go back to the class:\n%s", s)
	}
}

// TestClassViewPresenter: P fills the screen with the class, the stage's
// title and counts on top, rows spaced out; C then shows the exchange in
// the same layout; P again gives the ordinary screen back.
func TestClassViewPresenter(t *testing.T) {
	e, class, base := classEngine(t)
	m := classModel(t, e, class, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	newStudent(t, base, "127.0.0.2", firefoxUA).Submit("Ann", "ann@example.com")
	newStudent(t, base, "127.0.0.3", chromeUA).Submit("Bob", "bob@example.com")
	settle(t, m, class, 2)
	normal := screenOf(t, m)
	press(t, m, "P")
	s := screenOf(t, m)
	lines := strings.Split(s, "\n")
	if !strings.HasPrefix(lines[0], "Stage 2 of 7: ") || strings.Contains(s, e.URL()) {
		t.Errorf("presenter layout's first line = %q, want the stage's title and no URL bar:\n%s", lines[0], s)
	}
	if !strings.Contains(s, "2 of 2 clients hold a session") || !strings.Contains(s, "P leaves") {
		t.Errorf("presenter layout lacks the counts or its key:\n%s", s)
	}
	ann, bob := -1, -1
	for i, l := range lines {
		if strings.Contains(l, "Ann") {
			ann = i
		}
		if strings.Contains(l, "Bob") {
			bob = i
		}
	}
	if ann < 0 || bob != ann+2 || strings.TrimSpace(lines[ann+1]) != "" {
		t.Errorf("rows not spaced out (Ann on line %d, Bob on %d):\n%s", ann, bob, s)
	}
	press(t, m, "C")
	if s := screenOf(t, m); !strings.Contains(s, "Press enter to send") || !strings.Contains(s, "2 of 2 clients") {
		t.Errorf("C in the presenter layout does not show the exchange with the counts:\n%s", s)
	}
	press(t, m, "C", "P")
	if s, n := screenOf(t, m), strings.SplitN(normal, "\n", 3)[2]; !strings.HasSuffix(s, n) {
		t.Errorf("P again did not give the class screen back:\n%s\nwant\n%s", s, normal)
	}
}

// TestClassViewTampered: a student who alters their cookie is counted,
// in the row and in the class's sentence.
func TestClassViewTampered(t *testing.T) {
	e, class, base := classEngine(t)
	m := classModel(t, e, class, nil)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	bob := newStudent(t, base, "127.0.0.3", chromeUA)
	bob.Submit("Bob", "bob@example.com")
	newStudent(t, base, "127.0.0.2", firefoxUA).Submit("Ann", "ann@example.com")
	u, _ := url.Parse(base)
	cs := bob.Client.Jar.Cookies(u)
	if len(cs) == 0 {
		t.Fatal("Bob holds no cookie")
	}
	v := cs[0].Value
	last := "A"
	if strings.HasSuffix(v, "A") {
		last = "B"
	}
	bob.Do("GET", "/show", nil, http.Header{"Cookie": {cs[0].Name + "=" + v[:len(v)-1] + last}})
	settle(t, m, class, 2)
	// Stage 2's challenges, counted per student: both sent their cookie
	// back; nobody has used a second browser yet.
	s := screenOf(t, m)
	for _, want := range []string{
		"✓ 2 students' browsers got a session cookie and sent it back",
		"· Nobody has opened /show from a second browser yet.",
		"tampered 1× (refused)", "✗ cookie refused",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if got := doneColumn(t, s, "Bob", "Ann"); got != "1/2 1/2" {
		t.Errorf("done column %q, want 1/2 for both:\n%s", got, s)
	}
	// The students' work is the class's, not the teacher's.
	if strings.Contains(s, "Challenge done") {
		t.Errorf("a student's work ticked the teacher's challenges:\n%s", s)
	}
	for _, st := range m.learn.tracker.Stage("session") {
		if st.Done {
			t.Errorf("the teacher's challenge %s is done by a student", st.Challenge.ID)
		}
	}
	// Stage 4's: Bob tampered, Ann did not.
	press(t, m, "n", "n")
	if e.Current().Key != "template/signed" {
		t.Fatalf("at %s, want template/signed", e.Current().Key)
	}
	s = screenOf(t, m)
	for _, want := range []string{"✓ 1 student tampered with a cookie, and it was refused.", "· Nobody has forged an admin session yet."} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if got := doneColumn(t, s, "Bob", "Ann"); got != "1/2 0/2" {
		t.Errorf("done column %q, want 1/2 for Bob and 0/2 for Ann:\n%s", got, s)
	}
}

// doneColumn is the "done" column of the rows naming each of names, in
// that order, joined by spaces.
func doneColumn(t *testing.T, screen string, names ...string) string {
	t.Helper()
	var head string
	lines := strings.Split(screen, "\n")
	for _, l := range lines {
		if strings.Contains(l, "client") && strings.Contains(l, " done ") {
			head = l
		}
	}
	col := strings.Index(head, " done ") + 1
	if col == 0 {
		t.Fatalf("no done column:\n%s", screen)
	}
	var out []string
	for _, name := range names {
		for _, l := range lines {
			if strings.Contains(l, " "+name+" ") && len(l) > col+3 {
				out = append(out, strings.TrimSpace(ansi.Cut(l, ansi.StringWidth(head[:col]), ansi.StringWidth(head[:col])+4)))
			}
		}
	}
	return strings.Join(out, " ")
}

// TestClassViewStorageWholeClass: S in classroom mode says the switch is
// for the whole class.
func TestClassViewStorageWholeClass(t *testing.T) {
	e, class, _ := classEngine(t)
	m := classModel(t, e, class, nil)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 30})
	press(t, m, "S")
	if s := screenOf(t, m); !strings.Contains(s, "Stage 2 for the whole class") || !strings.Contains(s, "encrypted cookie") {
		t.Errorf("S did not say it applies to the whole class:\n%s", s)
	}
	// On the tutor's own screen too, and its help names the class's keys.
	press(t, m, "C", "S")
	if s := screenOf(t, m); !strings.Contains(s, "Stage 2 for the whole class") || !strings.Contains(s, "C the class") || !strings.Contains(s, "Lesson") {
		t.Errorf("the tutor's screen in classroom mode:\n%s", s)
	}
}

// TestClassViewNoAddress: the join screen says plainly that nobody else
// can reach a machine with no address beyond loopback.
func TestClassViewNoAddress(t *testing.T) {
	e, class, _ := classEngine(t)
	m := classModel(t, e, class, &classroom.Join{Local: "http://127.0.0.1:5000/", KeyNote: "k", Rate: 5, Burst: 30})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if s := screenOf(t, m); !strings.Contains(s, "no network address beyond loopback") {
		t.Errorf("join screen:\n%s", s)
	}
	press(t, m, "x") // anything but enter, esc or J leaves it up
	if s := screenOf(t, m); !strings.Contains(s, "beyond loopback") {
		t.Errorf("x closed the join screen:\n%s", s)
	}
	press(t, m, "esc", "J")
	if s := screenOf(t, m); !strings.Contains(s, "beyond loopback") {
		t.Errorf("J did not show the join screen again:\n%s", s)
	}
}

// fakeClass fills a class model with n clients that submitted the form,
// each from an address of its own, without a server; tr, when not nil,
// counts their challenges.
func fakeClass(n int, tr *check.Tracker) *classroom.Model {
	class := classroom.New(classroom.Options{Challenges: tr})
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		ex := server.Exchange{
			Seq:           uint64(i + 1),
			Start:         start.Add(time.Duration(i) * time.Millisecond),
			RemoteAddr:    fmt.Sprintf("10.%d.%d.%d:40000", i>>16&255, i>>8&255, i&255),
			Method:        "POST",
			Target:        "/users",
			Status:        302,
			Stage:         server.StageSession,
			Storage:       server.StorageSigned,
			RequestHeader: http.Header{"User-Agent": {firefoxUA}},
			Form:          url.Values{"name": {fmt.Sprintf("Student %d", i)}, "email": {fmt.Sprintf("s%d@example.com", i)}},
			Session:       map[string]any{"name": "x"},
		}
		class.Add(engine.Observation{Exchange: ex})
	}
	return class
}

// benchEngine is an engine over a server that is never asked anything.
func benchEngine(b *testing.B) *engine.Engine {
	b.Helper()
	ls, err := lessons.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}, Storage: server.StorageSigned})
	if err != nil {
		b.Fatal(err)
	}
	e, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: "http://127.0.0.1:1"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(e.Close)
	return e
}

// BenchmarkClassKeyToFrame measures what a key press costs the tutor at
// 300 clients: Update with the key, then the frame (View). Every other
// press, the class has changed too (a new copy of the rows).
func BenchmarkClassKeyToFrame(b *testing.B) {
	for _, n := range []int{30, 300, 3000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			e := benchEngine(b)
			course, err := check.Embedded(e.Stages())
			if err != nil {
				b.Fatal(err)
			}
			class := fakeClass(n, check.NewClassTracker(course, nil))
			st := NoColorStyles()
			m, err := New(Options{Engine: e, Styles: &st, Class: class})
			if err != nil {
				b.Fatal(err)
			}
			m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			down, up := tea.KeyPressMsg{Code: 'j', Text: "j"}, tea.KeyPressMsg{Code: 'k', Text: "k"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i%2 == 0 {
					m.classChanged()
					m.Update(up)
				} else {
					m.Update(down)
				}
				_ = m.View()
			}
		})
	}
}

// BenchmarkClassObservation measures what one request of the class costs
// the tutor's UI loop in classroom mode: the traffic list takes the
// observation, then the frame is drawn (as Bubble Tea draws after every
// message). A class of 300 at 2 requests a second sends 600 a second.
func BenchmarkClassObservation(b *testing.B) {
	e := benchEngine(b)
	class := fakeClass(300, nil)
	st := NoColorStyles()
	m, err := New(Options{Engine: e, Styles: &st, Class: class})
	if err != nil {
		b.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	obs := class.Exchanges(class.Rows()[0].Key)[0]
	for range maxTraffic {
		m.Update(observationMsg{obs})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Update(observationMsg{obs})
		_ = m.View()
	}
}

// TestClassViewManyRows: with 300 clients the screen keeps its size and
// shows a window of rows that follows the selection.
func TestClassViewManyRows(t *testing.T) {
	e, _, _ := classEngine(t)
	class := fakeClass(300, nil)
	m := classModel(t, e, class, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	s := screenOf(t, m)
	if !strings.Contains(s, "› .1.43 ") || !strings.Contains(s, "Student 299") || strings.Contains(s, "Student 0 ") {
		t.Errorf("the newest row is not selected and in view:\n%s", s)
	}
	press(t, m, "g")
	s = screenOf(t, m)
	if !strings.Contains(s, "Student 0 ") || strings.Contains(s, "Student 299") {
		t.Errorf("g did not show the first rows:\n%s", s)
	}
	press(t, m, "pgdown", "pgdown")
	if s := screenOf(t, m); strings.Contains(s, "Student 0 ") || !strings.Contains(s, "› .46 ") {
		t.Errorf("two pages down:\n%s", s)
	}
}

// TestClassViewOpenFollows: an opened client's newest exchange replaces
// the one shown when it was the newest, and stays put when the teacher
// went back to an older one.
func TestClassViewOpenFollows(t *testing.T) {
	e, class, base := classEngine(t)
	m := classModel(t, e, class, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	ann := newStudent(t, base, "127.0.0.2", firefoxUA)
	ann.Submit("Ann", "ann@example.com")
	settle(t, m, class, 1)
	press(t, m, "enter")
	if s := screenOf(t, m); !strings.Contains(s, "exchange 2 of 2") || !strings.Contains(s, "GET /show") {
		t.Fatalf("opened:\n%s", s)
	}
	ann.Do("GET", "/me", nil, nil)
	settle(t, m, class, 1)
	if s := screenOf(t, m); !strings.Contains(s, "exchange 3 of 3") || !strings.Contains(s, "GET /me") {
		t.Errorf("the newest exchange did not replace the one shown:\n%s", s)
	}
	press(t, m, "[")
	ann.Do("GET", "/", nil, nil)
	settle(t, m, class, 1)
	if s := screenOf(t, m); !strings.Contains(s, "exchange 2 of 4") || !strings.Contains(s, "GET /show") {
		t.Errorf("an older exchange shown did not stay:\n%s", s)
	}
}

// TestClassViewQuitEndsTheWait: the wait for the class to change ends
// when the tutor quits (q, or ctrl+c, on the class screen or the join
// screen), rather than staying blocked for the life of the process.
func TestClassViewQuitEndsTheWait(t *testing.T) {
	for _, tc := range []struct {
		key  string
		join bool
	}{{"q", false}, {"ctrl+c", false}, {"q", true}} {
		t.Run(fmt.Sprintf("%s join=%v", tc.key, tc.join), func(t *testing.T) {
			e, class, _ := classEngine(t)
			var j *classroom.Join
			if tc.join {
				j = testJoin(t)
			}
			m := classModel(t, e, class, j)
			wait := m.waitClass()
			got := make(chan tea.Msg, 1)
			go func() { got <- wait() }()
			_, cmd := m.Update(keyMsg(tc.key))
			if cmd == nil {
				t.Fatalf("%s did not quit", tc.key)
			}
			if _, ok := cmd().(tea.QuitMsg); !ok {
				t.Fatalf("%s did not quit", tc.key)
			}
			select {
			case msg := <-got:
				if msg != nil {
					t.Errorf("the wait ended with %#v, want nothing", msg)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the wait for the class is still blocked 5s after quitting")
			}
			// A wait begun after quitting ends at once.
			if msg := m.waitClass()(); msg != nil {
				t.Errorf("a wait after quitting returned %#v", msg)
			}
		})
	}
}

// TestClassViewProgramLeavesNoWait runs the real program in classroom
// mode at 80x24, where the join screen shows its last note too, and
// quits: no goroutine is left waiting for the class.
func TestClassViewProgramLeavesNoWait(t *testing.T) {
	e, class, _ := classEngine(t)
	m := classModel(t, e, class, lanJoin(t))
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	waitForWords(t, tm, "Scan", "[2001:db8::23]", "Session key", "/me.", "class at once.", "enter to the class")
	const waiter = "waitClass.func" // inlined, it is named after its caller too
	// Bubble Tea starts Init's commands on goroutines of their own: on a
	// busy machine the wait may start after the first frame.
	if !eventually(func() bool { return strings.Contains(goroutines(), waiter) }) {
		t.Fatalf("no goroutine waits for the class while the program runs; the test looks for %q:\n%s", waiter, goroutines())
	}
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if !eventually(func() bool { return !strings.Contains(goroutines(), waiter) }) {
		t.Fatalf("5s after quitting a goroutine still waits for the class:\n%s", goroutines())
	}
}

// eventually reports whether cond holds within 5 seconds.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// goroutines is every goroutine's stack.
func goroutines() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// TestClassViewWaitEndsWithTheFeed: stopped from outside (the tutor's
// context done, so the class's feed ends), the view's wait for the class
// ends too, though the Model never saw a quit.
func TestClassViewWaitEndsWithTheFeed(t *testing.T) {
	e, _, _ := classEngine(t)
	class := classroom.New(classroom.Options{})
	w := e.Watch(16)
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	go class.Feed(ctx, w.C)
	m := classModel(t, e, class, nil)
	got := make(chan tea.Msg, 1)
	wait := m.waitClass()
	go func() { got <- wait() }()
	cancel()
	select {
	case msg := <-got:
		if msg != nil {
			t.Errorf("the wait ended with %#v, want nothing", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the wait for the class is still blocked 5s after its feed ended")
	}
}
