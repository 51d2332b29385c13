package check

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// newClassHarness is a harness whose tracker counts a class.
func newClassHarness(t *testing.T, at string) *harness {
	t.Helper()
	return newHarnessWith(t, at, false, engine.Progress{}, func(c *Course) *Tracker { return NewClassTracker(c, nil) }, nil)
}

// tickedBy returns, for each challenge id ticked, the addresses it was
// ticked for.
func tickedBy(ticks []Tick) map[string][]string {
	out := make(map[string][]string)
	for _, tk := range ticks {
		out[tk.Challenge.ID] = append(out[tk.Challenge.ID], tk.Client.Addr)
	}
	return out
}

func count(t *testing.T, tr *Tracker, stage, id string) ClassCount {
	t.Helper()
	for _, c := range tr.Class(stage) {
		if c.Challenge.ID == id {
			return c
		}
	}
	t.Fatalf("stage %s has no challenge %s", stage, id)
	return ClassCount{}
}

func TestClassCountsEachStudentOnce(t *testing.T) {
	h := newClassHarness(t, "template/signed")
	students := []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"}
	var browsers []*learner
	for _, ip := range students {
		b := h.browser(firefoxUA).from(ip)
		if code, _ := b.post("Ada "+ip, "ada@example.com", ""); code != http.StatusOK {
			t.Fatalf("post from %s: %d", ip, code)
		}
		browsers = append(browsers, b)
	}
	// Every student did "own cookie back" once: three ticks, one each,
	// where a learner's tracker ticks it once for good.
	got := tickedBy(h.take())
	if len(got) != 1 || len(got["own-cookie-back"]) != 3 {
		t.Fatalf("ticks after three students posted: %v", got)
	}
	if c := count(t, h.tr, "session", "own-cookie-back"); c.Students != 3 || c.Said() != "3 students' browsers got a session cookie and sent it back, and the server read each name from its own cookie." {
		t.Errorf("own-cookie-back: %d students, %q", c.Students, c.Said())
	}

	// Two of them tamper with their cookies; one twice.
	for _, b := range browsers[:2] {
		bad, _, err := cookiecodec.Tamper(b.cookie())
		if err != nil {
			t.Fatal(err)
		}
		b.setCookie(bad)
		b.show("")
	}
	bad, _, _ := cookiecodec.Tamper(browsers[0].cookie())
	browsers[0].setCookie(bad)
	browsers[0].show("")
	got = tickedBy(h.take())
	if strings.Join(got["tampered-refused"], " ") != "127.0.0.2 127.0.0.3" || len(got) != 1 {
		t.Fatalf("ticks after the tampering: %v", got)
	}
	c := count(t, h.tr, "template/signed", "tampered-refused")
	if c.Students != 2 || c.Said() != "2 students tampered with a cookie, and every tampered cookie was refused." {
		t.Errorf("tampered-refused: %d students, %q", c.Students, c.Said())
	}
	if c := count(t, h.tr, "template/signed", "forged-admin"); c.Students != 0 || c.Said() != "Nobody has forged an admin session yet." {
		t.Errorf("forged-admin: %d students, %q", c.Students, c.Said())
	}
	for ip, want := range map[string]int{"127.0.0.2": 1, "127.0.0.3": 1, "127.0.0.4": 0, "127.0.0.9": 0} {
		done, total := h.tr.StudentDone(netip.MustParseAddr(ip), "template/signed")
		if done != want || total != 2 {
			t.Errorf("StudentDone(%s) = %d of %d, want %d of 2", ip, done, total, want)
		}
	}
	// An IPv4 address written as IPv6 is the same student.
	if done, _ := h.tr.StudentDone(netip.MustParseAddr("::ffff:127.0.0.2"), "template/signed"); done != 1 {
		t.Errorf("StudentDone(::ffff:127.0.0.2) = %d, want 1", done)
	}
	// The tutor's own work counts for nobody; the probe's address is a
	// student like any other outside client.
	h.run()
	if _, err := h.e.Tamper(t.Context(), h.e.Tutor()); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Errorf("the tutor's own tamper ticked %v", tickedBy(got))
	}
	if n, forgotten := h.tr.Students(); n != 4 || forgotten != 0 {
		t.Errorf("Students() = %d, %d; want 4 (three and the probe), 0", n, forgotten)
	}
}

func TestClassSecondClientIsTheSameStudents(t *testing.T) {
	h := newClassHarness(t, "session")
	ann := h.browser(firefoxUA).from("127.0.0.2")
	ann.post("Ann", "ann@example.com", "")
	if got := tickedBy(h.take()); len(got["own-cookie-back"]) != 1 {
		t.Fatalf("ticks: %v", got)
	}
	// Another student's first visit, without a cookie, is not a second
	// client of Ann's.
	bob := h.curl().from("127.0.0.3")
	if _, body := bob.show(""); !strings.Contains(body, "No user") {
		t.Fatalf("/show: %s", body)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("another student's first visit ticked %v", tickedBy(got))
	}
	// Ann's second browser, on her machine, is.
	h.browser(chromeUA).from("127.0.0.2").show("")
	got := tickedBy(h.take())
	if strings.Join(got["second-client-no-user"], " ") != "127.0.0.2" || len(got) != 1 {
		t.Fatalf("Ann's second browser: ticks %v", got)
	}
	if c := count(t, h.tr, "session", "second-client-no-user"); c.Students != 1 {
		t.Errorf("second-client-no-user counts %d", c.Students)
	}

	// A learner's tracker, by contrast, takes any client after the first
	// for a second client: one learner, several browsers.
	l := newHarness(t, "session", false)
	l.browser(firefoxUA).from("127.0.0.2").post("Ann", "ann@example.com", "")
	l.expect("own-cookie-back")
	l.curl().from("127.0.0.3").show("")
	l.expect("second-client-no-user")
	if c := count(t, l.tr, "session", "second-client-no-user"); c.Students != 1 {
		t.Errorf("a learner's tracker counts %d", c.Students)
	}
	if done, total := l.tr.StudentDone(netip.MustParseAddr("127.0.0.99"), "session"); done != 2 || total != 2 {
		t.Errorf("a learner's tracker: StudentDone = %d of %d, want 2 of 2", done, total)
	}
	if n, _ := l.tr.Students(); n != 0 {
		t.Errorf("a learner's tracker has %d students", n)
	}
}

// tamperedFrom is an observation of a tampered cookie sent from ip, as
// the server records one.
func tamperedFrom(seq uint64, ip, cookie string) engine.Observation {
	return engine.Observation{Exchange: server.Exchange{
		Seq: seq, Method: http.MethodGet, Target: "/show", Status: http.StatusOK,
		Stage: server.StageTemplate, Storage: server.StorageSigned,
		RemoteAddr:     ip + ":40000",
		RequestHeader:  http.Header{"User-Agent": {firefoxUA}},
		IncomingCookie: cookie,
		Rejected:       "bad signature",
		In:             &server.DecodedCookie{Value: cookie, Result: &cookiecodec.Result{Signature: cookiecodec.Invalid}},
	}}
}

func TestClassForgetsTheFirstStudentWhenFull(t *testing.T) {
	course := embeddedCourse(t)
	tr := NewClassTracker(course, nil)
	tr.class.students.max = 2
	for i, ip := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		if got := tr.Observe(tamperedFrom(uint64(i+1), ip, "bad"+ip)); len(got) != 1 || got[0].Challenge.ID != "tampered-refused" {
			t.Fatalf("%s: ticks %v", ip, tickedBy(got))
		}
	}
	// The first is forgotten, and no longer counted.
	if c := count(t, tr, "template/signed", "tampered-refused"); c.Students != 2 {
		t.Errorf("counted %d students, want 2", c.Students)
	}
	if n, forgotten := tr.Students(); n != 2 || forgotten != 1 {
		t.Errorf("Students() = %d, %d; want 2, 1", n, forgotten)
	}
	if done, _ := tr.StudentDone(netip.MustParseAddr("10.0.0.1"), "template/signed"); done != 0 {
		t.Errorf("the forgotten student still has %d done", done)
	}
	// Coming back, it counts again, once.
	tr.Observe(tamperedFrom(4, "10.0.0.1", "again"))
	tr.Observe(tamperedFrom(5, "10.0.0.1", "again2"))
	if c := count(t, tr, "template/signed", "tampered-refused"); c.Students != 2 {
		t.Errorf("counted %d students after the first came back, want 2 (one forgotten for it)", c.Students)
	}
}

// TestLearnNeverTicksButRemembers: the tutor's tracker in a classroom only
// learns from the students' requests; a cookie it saw given to a student
// is still known to be one the server set, not a forgery.
func TestLearnNeverTicksButRemembers(t *testing.T) {
	student := func(o engine.Observation) bool { return strings.HasPrefix(o.Exchange.RemoteAddr, "127.0.0.2:") }
	h := newHarnessWith(t, "template/signed", false, engine.Progress{}, func(c *Course) *Tracker { return NewTracker(c, engine.Progress{}, nil) }, student)
	ann := h.browser(firefoxUA).from("127.0.0.2")
	ann.post("admin", "ann@example.com", "")
	bad, _, err := cookiecodec.Tamper(ann.cookie())
	if err != nil {
		t.Fatal(err)
	}
	ann.show(bad)
	h.expect() // neither own-cookie-back nor tampered-refused
	for _, st := range append(h.tr.Stage("session"), h.tr.Stage("template/signed")...) {
		if st.Done {
			t.Errorf("%s is done from a request the tracker only learnt from", st.Challenge.ID)
		}
	}
	// This machine's curl sends Ann's cookie, whose name is admin: a copy
	// of a cookie the server set, so a cookie handed on, not a forgery.
	h.curl().show(ann.cookie())
	h.expect("cookie-by-hand")
}
