package accessible

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// screen is what the view wrote, safe to read while it writes.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
	// from is where the next wait starts looking.
	from int
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// wait waits until text appears after what the last wait found, and
// returns the output from there to it.
func (s *screen) wait(t *testing.T, text string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		out := s.buf.String()[s.from:]
		if i := strings.Index(out, text); i >= 0 {
			s.from += i + len(text)
			s.mu.Unlock()
			return out[:i+len(text)]
		}
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %q; output since the last wait:\n%s", text, s.String()[s.from:])
	return ""
}

// session is a running view over a real engine and server.
type session struct {
	t      *testing.T
	in     *io.PipeWriter
	out    *screen
	url    string
	done   chan error
	saved  chan engine.Progress
	engine *engine.Engine
}

func start(t *testing.T, at string, adjust ...func(*Options)) *session {
	t.Helper()
	srv, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}, Storage: server.StorageSigned})
	if err != nil {
		t.Fatal(err)
	}
	return startOn(t, srv, &http.Server{Handler: srv}, at, adjust...)
}

// startOn is start over srv, served by hs.
func startOn(t *testing.T, srv *server.Server, hs *http.Server, at string, adjust ...func(*Options)) *session {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	url := "http://" + ln.Addr().String()
	ls, err := lessons.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: url, Progress: engine.Progress{Current: at}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	course, err := check.Embedded(e.Stages())
	if err != nil {
		t.Fatal(err)
	}
	r, w := io.Pipe()
	s := &session{t: t, in: w, out: &screen{}, url: url, done: make(chan error, 1), saved: make(chan engine.Progress, 100), engine: e}
	opts := Options{
		Engine: e, Form: engine.Form{Name: "Ada", Email: "ada@example.com"}, In: r, Out: s.out,
		Challenges:   check.NewTracker(course, engine.Progress{}, nil),
		SaveProgress: func(p engine.Progress) error { s.saved <- p; return nil },
	}
	for _, f := range adjust {
		f(&opts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		w.Close()
		<-s.done
	})
	go func() { s.done <- Run(ctx, opts) }()
	s.out.wait(t, prompt)
	return s
}

// typeLine types a line and waits for the prompt after the answer.
func (s *session) typeLine(line string) string {
	s.t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatal(err)
	}
	return s.out.wait(s.t, "\n"+prompt)
}

// answer types a line, waits for text in the answer and then for the
// prompt after it: for a view that may announce between answers. It
// returns the output from the line typed.
func (s *session) answer(line, text string) string {
	s.t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatal(err)
	}
	out := s.out.wait(s.t, text)
	return out + s.out.wait(s.t, "\n"+prompt)
}

func TestRunReadsAnExchangeForListening(t *testing.T) {
	s := start(t, "session")
	out := s.typeLine("run")
	for _, want := range []string{
		"Stage 2, POST /users: 2 requests.",
		"Request 1 of 2:\nPOST /users HTTP/1.1\n",
		"Request body, the form: name is Ada, email is ada@example.com.",
		"Response 1 of 2:\nHTTP/1.1 302 Found\n",
		"Set-Cookie: session=(",
		"The cookie holds 2 values: name is Ada, email is ada@example.com.\nThe signature is valid.",
		"This request carries the session cookie the server set above, handed back unchanged.\nThe server accepted it.",
		"headings: User, Ada, ada@example.com.",
		"Stage 2 is done.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("run's answer lacks %q:\n%s", want, out)
		}
	}
	select {
	case p := <-s.saved:
		if !p.IsDone("session") {
			t.Errorf("saved progress %+v does not mark stage 2 done", p)
		}
	default:
		t.Error("run marked the stage done but saved nothing")
	}
	body := s.typeLine("body")
	if !strings.Contains(body, `<h3 id="name">Ada</h3>`) {
		t.Errorf("body did not read the page whole:\n%s", body)
	}
	cookie := s.typeLine("show cookie")
	v := s.engine.Tutor().SessionCookie()
	if v == "" || !strings.Contains(cookie, v) {
		t.Errorf("show cookie did not read the cookie %q whole:\n%s", v, cookie)
	}
}

func TestRunAnnouncesOutsideRequestsAndTicks(t *testing.T) {
	s := start(t, "session")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(method, path, cookie string, body io.Reader) *http.Response {
		req, _ := http.NewRequest(method, s.url+path, body)
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	resp := get("POST", "/users", "", strings.NewReader("name=Bo&email=bo%40example.com"))
	s.out.wait(t, "from Firefox: POST /users, answered 302 Found, with no session cookie, and it was given a session cookie.")
	var cookie string
	for _, k := range resp.Cookies() {
		cookie = k.Name + "=" + k.Value
	}
	get("GET", "/show", cookie, nil)
	s.out.wait(t, "from Firefox: GET /show, answered 200 OK, the session cookie was valid; the page shows Bo.")
	tick := s.out.wait(t, "\n"+prompt)
	if !strings.Contains(tick, "Challenge done: ") || !strings.Contains(tick, "in request 2") {
		t.Errorf("the challenge was not announced with the request that proved it:\n%s", tick)
	}
	if out := s.typeLine("challenges"); !strings.Contains(out, "Proof: request 2, GET /show, answered 200") {
		t.Errorf("challenges does not say how the challenge was checked:\n%s", out)
	}
	if strings.Contains(tick, "✓") {
		t.Errorf("a tick announced with a symbol for a word:\n%s", tick)
	}
	list := s.typeLine("list")
	if !strings.Contains(list, "Stage 2, The session travels in a cookie: not run yet, the current stage; challenges: 1 of 2 done.") {
		t.Errorf("list does not count the challenge done:\n%s", list)
	}
}

func TestRunPredictionTamperForgeAndForm(t *testing.T) {
	s := start(t, "template/signed")
	if out := s.typeLine("tamper"); !strings.Contains(out, "There is no session cookie in the jar") {
		t.Errorf("tamper with an empty jar:\n%s", out)
	}
	s.typeLine("form")
	s.typeLine("Bo")
	if out := s.typeLine(""); !strings.Contains(out, "The form will post name Bo and email ada@example.com.") {
		t.Errorf("form did not keep the email and take the name:\n%s", out)
	}
	s.typeLine("run")
	q := s.typeLine("t")
	if !strings.Contains(q, "First, a question.") || !strings.Contains(q, "2. Refuse the cookie") {
		t.Fatalf("tamper asked no question:\n%s", q)
	}
	out := s.typeLine("2")
	for _, want := range []string{"Verdict: refused.", "You answered 2. Right"} {
		if !strings.Contains(out, want) {
			t.Errorf("the tamper's answer lacks %q:\n%s", want, out)
		}
	}
	s.typeLine("forge")
	if out := s.typeLine(""); !strings.Contains(out, "Verdict: accepted.") || !strings.Contains(out, "name is admin") {
		t.Errorf("forge, question skipped:\n%s", out)
	}
	if out := s.typeLine("forge"); strings.Contains(out, "First, a question.") {
		t.Errorf("a skipped question was asked again:\n%s", out)
	}
}

func TestRunAnswersEveryLine(t *testing.T) {
	s := start(t, "")
	if out := s.typeLine("xyzzy"); !strings.Contains(out, `"xyzzy" is not a command.`) || !strings.Contains(out, "Commands: run (r), next (n)") {
		t.Errorf("unknown input not answered with the commands:\n%s", out)
	}
	if out := s.typeLine(""); !strings.Contains(out, "Type a command") {
		t.Errorf("an empty line was not answered:\n%s", out)
	}
	if out := s.typeLine("p"); !strings.Contains(out, "This is the first stage.") {
		t.Errorf("previous from stage 1:\n%s", out)
	}
	if out := s.typeLine("stage 9"); !strings.Contains(out, "There is no stage 9: the stages are 1 to 7.") {
		t.Errorf("stage 9:\n%s", out)
	}
	if out := s.typeLine("more"); strings.Contains(out, "**") {
		t.Errorf("more left markdown in:\n%s", out)
	}
	s.in.Close()
	if out := s.out.wait(t, "Goodbye."); !strings.Contains(out, "End of input.") {
		t.Errorf("end of input:\n%s", out)
	}
	if err := <-s.done; err != nil {
		t.Errorf("Run at end of input = %v, want nil", err)
	}
	s.done <- nil // for the cleanup
}

// Text a client sends reaches the terminal escaped: a User-Agent with a
// C1 control (CSI as a UTF-8 rune, which Go's server lets through, unlike
// raw ESC) and a right-to-left override, sent raw.
func TestRunEscapesClientText(t *testing.T) {
	s := start(t, "session")
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ua := "Evil\u009b31m\u202egnp.exe/1.0"
	io.WriteString(conn, "GET /show HTTP/1.1\r\nHost: x\r\nUser-Agent: "+ua+"\r\nConnection: close\r\n\r\n")
	io.Copy(io.Discard, conn)
	out := s.out.wait(t, "GET /show, answered")
	if strings.ContainsAny(out, "\u009b\u202e") {
		t.Errorf("client text reached the terminal raw: %q", out)
	}
	if !strings.Contains(out, `from Evil\u009b31m\u202egnp.exe:`) {
		t.Errorf("the label is not shown escaped: %q", out)
	}
}

func TestRunResetsAStageAfterYes(t *testing.T) {
	s := start(t, "template/signed")
	s.typeLine("run")
	s.typeLine("t")
	s.typeLine("2") // the tamper question answered
	if out := s.typeLine("reset"); !strings.Contains(out, "Type yes or no.") {
		t.Fatalf("reset did not ask:\n%s", out)
	}
	if out := s.typeLine("no"); !strings.Contains(out, "Nothing was reset.") {
		t.Errorf("reset, no:\n%s", out)
	}
	if out := s.typeLine("t"); strings.Contains(out, "First, a question.") {
		t.Errorf("the answered question was asked again before any reset:\n%s", out)
	}
	s.typeLine("reset")
	if out := s.typeLine("yes"); !strings.Contains(out, "Stage 4's challenges, answers and hints are forgotten.") {
		t.Errorf("reset, yes:\n%s", out)
	}
	if out := s.typeLine("t"); !strings.Contains(out, "First, a question.") {
		t.Errorf("after reset the question was not asked again:\n%s", out)
	}
}

func TestPaint(t *testing.T) {
	plain := &tutor{}
	if got := plain.paint(styleBad, "refused"); got != "refused" {
		t.Errorf("paint without colour = %q", got)
	}
	c := &tutor{opts: Options{Color: true}}
	if got := c.paint(styleBad, "refused"); got != "\x1b[31mrefused\x1b[0m" {
		t.Errorf("paint with colour = %q", got)
	}
}

// Many requests at once are summed up: the first few a line each, the
// rest in one line once the window has passed.
func TestRunSumsUpABurstOfRequests(t *testing.T) {
	s := start(t, "session", func(o *Options) { o.TrafficWindow, o.TrafficBurst = time.Second, 2 })
	for range 7 {
		resp, err := http.Get(s.url + "/show")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	out := s.out.wait(t, "more requests in the last")
	if n := strings.Count(out, "from Go-http-client: GET /show"); n != 2 {
		t.Errorf("%d requests announced a line each before the summary, want 2:\n%s", n, out)
	}
	rest := s.out.wait(t, "Type traffic to hear the last ten.")
	if !strings.Contains(out+rest, "5 more requests") {
		t.Errorf("the summary does not count the 5 held:\n%s%s", out, rest)
	}
	s.out.wait(t, "\n"+prompt) // the prompt again, after the summary
	if tr := s.typeLine("traffic"); strings.Count(tr, "from Go-http-client: GET /show") != 7 {
		t.Errorf("traffic does not repeat all 7:\n%s", tr)
	}
	whole := s.typeLine("traffic 3")
	for _, want := range []string{"Request 3, from Go-http-client, as the server recorded it.", "GET /show HTTP/1.1", "User-Agent: Go-http-client/1.1", "HTTP/1.1 200 OK", "Response body: an HTML page of"} {
		if !strings.Contains(whole, want) {
			t.Errorf("traffic 3 lacks %q:\n%s", want, whole)
		}
	}
	if out := s.typeLine("body"); !strings.Contains(out, "the server does not keep the bodies it sends") {
		t.Errorf("body after traffic 3:\n%s", out)
	}
	if out := s.typeLine("traffic 99"); !strings.Contains(out, "Request 99 is not among the last 7") {
		t.Errorf("traffic 99:\n%s", out)
	}
}

// TestRunOtherBrowserKeepsItsOwnSession checks that other runs the stage
// as a second browser with its own jar and name, and leaves the tutor's
// session as it was.
func TestRunOtherBrowserKeepsItsOwnSession(t *testing.T) {
	s := start(t, "session")
	s.typeLine("run")
	out := s.typeLine("other")
	for _, want := range []string{"as a second browser with its own cookie jar", "name is Grace", "The tutor's own cookie jar is untouched"} {
		if !strings.Contains(out, want) {
			t.Errorf("other's answer lacks %q:\n%s", want, out)
		}
	}
	// Its own jar: its first request carries no cookie, though the
	// tutor's jar holds one.
	if i, j := strings.Index(out, "Request 1 of"), strings.Index(out, "Response 1 of"); i < 0 || j < i || strings.Contains(out[i:j], "Cookie: session=") {
		t.Errorf("the second browser's first request is not cookieless:\n%s", out)
	}
	if again := s.typeLine("run"); !strings.Contains(again, "name is Ada") || strings.Contains(again, "name is Grace") {
		t.Errorf("after other, run is not the tutor's own session:\n%s", again)
	}
}
