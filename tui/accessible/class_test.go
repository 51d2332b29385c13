package accessible

import (
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/servertest"
)

const (
	firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	chromeUA  = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

// testJoin is how students would join a class at a documentation address.
func testJoin() *classroom.Join {
	return &classroom.Join{
		URLs:    []classroom.JoinURL{{URL: "http://192.0.2.44:5000/", Iface: "wlan0"}},
		QR:      []string{"\u2588\u2580\u2584 a QR code, never to be printed here"},
		Local:   "http://127.0.0.1:5000/",
		KeyNote: "a random key made for this run, never shown\n(sessions end when the tutor stops)",
		Rate:    5, Burst: 30,
	}
}

// startClass starts the view in classroom mode at stage at: a classroom
// server that exempts 127.0.0.1 (the tutor's machine), a class with a
// class tracker, and join. It returns the session and the class.
func startClass(t *testing.T, at string, join *classroom.Join) (*session, *classroom.Model) {
	t.Helper()
	srv, err := server.New(server.Config{
		Keys:      [][]byte{[]byte("a classroom test key of 32 bytes!")},
		Storage:   server.StorageSigned,
		Classroom: &server.Classroom{Exempt: []netip.Addr{netip.MustParseAddr("127.0.0.1")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var class *classroom.Model
	s := startOn(t, srv, srv.HTTPServer(""), at, func(o *Options) {
		course, err := check.Embedded(o.Engine.Stages())
		if err != nil {
			t.Fatal(err)
		}
		class = classroom.New(classroom.Options{Server: srv, Challenges: check.NewClassTracker(course, nil)})
		o.Class, o.Join = class, join
		o.TrafficWindow = time.Second
	})
	return s, class
}

// newStudent is a browser on a machine of its own: requests from source
// address src (127.0.0.2, 127.0.0.3...), with a cookie jar.
func newStudent(t *testing.T, base, src, ua string) *servertest.Student {
	t.Helper()
	return servertest.NewStudent(t, base, src, ua)
}

// waitRows waits until the class has n rows.
func waitRows(t *testing.T, class *classroom.Model, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(class.Rows()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the class has %d rows, want %d", len(class.Rows()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// noBlocks fails when out holds an escape or a box-drawing or block
// character (U+2500 to U+259F), which a braille display cannot show.
func noBlocks(t *testing.T, what, out string) {
	t.Helper()
	for _, r := range out {
		if r == 0x1b || (r >= 0x2500 && r <= 0x259f) {
			t.Errorf("%s holds %U:\n%s", what, r, out)
			return
		}
	}
}

func TestClassroomSaysHowToJoin(t *testing.T) {
	s, _ := startClass(t, "session", testJoin())
	start := s.out.String()
	for _, want := range []string{
		"How students join the class.\n",
		"Students join at this address, on the same network as this machine:\nhttp://192.0.2.44:5000/ (interface wlan0)\n",
		"A QR code of the first address is on the full-screen tutor's join screen, and printed by formtest tutor --classroom --plain",
		"Session key: a random key made for this run, never shown (sessions end when the tutor stops).",
		"at http://192.0.2.44:5000/me.",
		"Each computer may send 5 requests a second, 30 at once",
		"The stage you choose applies to the whole class at once",
		"Stage 2 of 7:",
	} {
		if !strings.Contains(start, want) {
			t.Errorf("the start lacks %q:\n%s", want, start)
		}
	}
	if i, j := strings.Index(start, "How students join"), strings.Index(start, "Stage 2 of 7:"); i < 0 || j < i {
		t.Errorf("how to join is not said after the welcome and before the stage:\n%s", start)
	}
	noBlocks(t, "the start", start)
	again := s.typeLine("join")
	if !strings.Contains(again, "http://192.0.2.44:5000/ (interface wlan0)\n") || !strings.Contains(again, "Session key:") {
		t.Errorf("join does not say it again:\n%s", again)
	}
	if out := s.typeLine("next"); !strings.Contains(out, "Stage 3 for the whole class: every student's browser meets it from its next request, with sessions kept in signed cookies.") {
		t.Errorf("a stage switch does not say it is the whole class's:\n%s", out)
	}
	if out := s.typeLine("storage"); !strings.Contains(out, "This is for the whole class") {
		t.Errorf("a storage switch does not say it is the whole class's:\n%s", out)
	}
}

func TestClassroomWithoutAnAddressSaysSo(t *testing.T) {
	j := testJoin()
	j.URLs, j.QR = nil, nil
	s, _ := startClass(t, "session", j)
	start := s.out.String()
	for _, want := range []string{"This machine has no network address beyond loopback, so no other device can reach the tutor.", "On this machine it answers at http://127.0.0.1:5000/", "at /me."} {
		if !strings.Contains(start, want) {
			t.Errorf("the start lacks %q:\n%s", want, start)
		}
	}
	if strings.Contains(start, "Students join at") || strings.Contains(start, "QR code") {
		t.Errorf("the start offers addresses it does not have:\n%s", start)
	}
}

func TestClassOutsideClassroomMode(t *testing.T) {
	s := start(t, "session")
	for _, cmd := range []string{"class", "join"} {
		if out := s.typeLine(cmd); !strings.Contains(out, "There is no class: this tutor is for you alone.") {
			t.Errorf("%s outside classroom mode:\n%s", cmd, out)
		}
	}
}

// The class command says the counts, each challenge's sentence and each
// browser in a sentence, emails masked and client text escaped; the
// students' challenges are theirs, not the teacher's.
func TestClassListsStudentsAndKeepsTheTeachersChallenges(t *testing.T) {
	s, class := startClass(t, "session", testJoin())
	ann := newStudent(t, s.url, "127.0.0.2", firefoxUA)
	ann.Submit("Ann", "ann@example.com")
	// A right-to-left override in the name (the server refuses control
	// characters in the form, not format characters), and a C1 control
	// in the User-Agent, sent raw.
	eve := newStudent(t, s.url, "127.0.0.3", chromeUA)
	eve.Submit("Eve\u202egnp.exe", "\u202eeve@example.com")
	conn, err := servertest.Dialer(t, "127.0.0.4").Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET /show HTTP/1.1\r\nHost: x\r\nUser-Agent: Evil\u009b31m\u202egnp/1.0\r\nConnection: close\r\n\r\n")
	io.Copy(io.Discard, conn)
	conn.Close()
	waitRows(t, class, 3)
	// Both did the stage's first challenge, each their own.
	deadline := time.Now().Add(10 * time.Second)
	for class.Challenges().Class("session")[0].Students < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	news := s.out.wait(t, "Evil31mgnp, joined the class: 3 browsers in it now.")
	for _, want := range []string{
		"Student .2, Firefox, joined the class: 1 browser in it now. Type class to hear them.\n",
		"Student .2, Firefox, did a challenge: Your browser keeps the cookie and sends it back. 1 student's browser got a session cookie",
	} {
		if !strings.Contains(news, want) {
			t.Errorf("the class's news lacks %q:\n%s", want, news)
		}
	}
	out := s.answer("class", "3. Student .4")
	for _, want := range []string{
		"The class, in stage 2: 3 browsers, first seen first.\n",
		"2 of the 3 browsers that sent a request in this stage hold a session, and 2 posted the form.",
		"Challenge 1: 2 students' browsers got a session cookie and sent it back",
		"Challenge 2: Nobody has opened /show from a second browser yet.",
		"1. Student .2, Firefox: submitted Ann, email beginning a, the rest hidden; holds a session; did 1 of 2 challenges of this stage.\n",
		"2. Student .3, Chrome: submitted Eve" + `\u202e` + "gnp.exe, email beginning " + `\u202e` + ", the rest hidden; holds a session; did 1 of 2 challenges of this stage.\n",
		"3. Student .4, Evil31mgnp: has not posted the form; no session; did 0 of 2 challenges of this stage.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("class lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ann@example.com") || strings.Contains(out, "eve@") {
		t.Errorf("class says an email whole:\n%s", out)
	}
	if strings.ContainsAny(s.out.String(), "\u202e\u009b\x1b…✓✗·") {
		t.Errorf("the view printed client text raw, or a symbol for a word:\n%q", s.out.String())
	}
	noBlocks(t, "the output", s.out.String())

	// The students' requests ticked nothing of the teacher's.
	if out := s.answer("challenges", "The challenges of stage 2."); strings.Count(out, ": not done yet.") != 2 {
		t.Errorf("a student's request ticked the teacher's challenges:\n%s", out)
	}
	if out := s.answer("list", "The stages:"); !strings.Contains(out, "challenges: 0 of 2 done") {
		t.Errorf("list counts a student's challenge as the teacher's:\n%s", out)
	}
	if out := s.answer("traffic", "from outside the tutor"); !strings.Contains(out, "No requests from outside the tutor yet") {
		t.Errorf("the students' requests are read as this machine's traffic:\n%s", out)
	}
	// This machine's browser (127.0.0.1, exempt) is the teacher's.
	teacher := newStudent(t, s.url, "127.0.0.1", firefoxUA)
	teacher.Submit("Tess", "tess@example.com")
	s.out.wait(t, "Challenge done: Your browser keeps the cookie")
	if out := s.answer("list", "The stages:"); !strings.Contains(out, "challenges: 1 of 2 done") {
		t.Errorf("the teacher's own challenge was not counted:\n%s", out)
	}
	if out := s.answer("class", "4. "); !strings.Contains(out, "4. This machine, .1, Firefox: submitted Tess, email beginning t, the rest hidden; holds a session; its challenges are yours, not the class's: type challenges.") {
		t.Errorf("this machine's browser is not told from the students':\n%s", out)
	}
}

// A challenge of another stage is said with its stage; a tampered
// cookie in the student's line.
func TestClassSaysTamperingAndOtherStages(t *testing.T) {
	s, class := startClass(t, "template/signed", testJoin())
	bob := newStudent(t, s.url, "127.0.0.2", chromeUA)
	bob.Submit("Bob", "bob@example.com")
	u, _ := url.Parse(s.url)
	cookies := bob.Client.Jar.Cookies(u)
	if len(cookies) == 0 {
		t.Fatal("the student got no cookie")
	}
	v := cookies[0].Value
	altered := v[:len(v)-5] + "AAAAA"
	if altered == v {
		altered = v[:len(v)-5] + "BBBBB"
	}
	newStudent(t, s.url, "127.0.0.2", chromeUA).Do("GET", "/show", nil, http.Header{"Cookie": {"session=" + altered}})
	news := s.out.wait(t, "Student .2, Chrome, did a challenge: ")
	if !strings.Contains(news, "Student .2, Chrome, did a challenge of stage 2: Your browser keeps the cookie and sends it back.") {
		t.Errorf("a challenge of stage 2 done in stage 4 is not said with its stage:\n%s", news)
	}
	deadline := time.Now().Add(10 * time.Second)
	for rows := class.Rows(); (len(rows) == 0 || rows[0].Tampered == 0) && time.Now().Before(deadline); rows = class.Rows() {
		time.Sleep(5 * time.Millisecond)
	}
	out := s.answer("class", "1. Student")
	for _, want := range []string{
		"Challenge 1: 1 student tampered with a cookie, and it was refused.",
		"; its last cookie was refused (",
		"; sent a tampered cookie once, and it was refused; did 1 of 2 challenges of this stage.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("class lacks %q:\n%s", want, out)
		}
	}
}

// class lists 20 browsers at a time; class N goes on from the Nth.
func TestClassPages(t *testing.T) {
	s, class := startClass(t, "session", testJoin())
	for i := 2; i < 2+23; i++ {
		newStudent(t, s.url, "127.0.0."+strconv.Itoa(i), firefoxUA).Do("GET", "/show", nil, nil)
	}
	waitRows(t, class, 23)
	out := s.answer("class", "to hear from the 21st.")
	if n := strings.Count(out, ". Student ."); n != classPage {
		t.Errorf("class lists %d browsers, want %d:\n%s", n, classPage, out)
	}
	if !strings.Contains(out, "20. Student .21, Firefox: has not posted the form; no session; did 0 of 2 challenges of this stage.\nAnd 3 more; type class 21 to hear from the 21st.") {
		t.Errorf("class does not end on how to hear the rest:\n%s", out)
	}
	rest := s.answer("class 21", "23. Student")
	if !strings.Contains(rest, "The class's browsers from the 21st, of 23:\n21. Student .22,") || !strings.Contains(rest, "23. Student .24,") || strings.Contains(rest, "And ") || strings.Contains(rest, "Challenge 1:") {
		t.Errorf("class 21:\n%s", rest)
	}
	if out := s.answer("class 24", "The class has"); !strings.Contains(out, "The class has 23 browsers; type class for the list.") {
		t.Errorf("class 24:\n%s", out)
	}
	// 23 joined at once: a few said, the rest summed up.
	sum := s.out.wait(t, "more from the class in the last")
	if n := strings.Count(sum, "joined the class"); n > 4 {
		t.Errorf("%d joins announced a line each, want the rest summed up:\n%s", n, sum)
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}
