package check

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/lessons/engine/enginetest"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/servertest"
)

// User-Agents the test's own clients send, as real ones would.
const (
	firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	chromeUA  = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	curlUA    = "curl/8.5.0"
)

// harness is a real form server on a loopback port, an engine over it,
// and a tracker fed by the engine's stream of observations.
type harness struct {
	t   *testing.T
	e   *engine.Engine
	tr  *Tracker
	url string

	mu    sync.Mutex
	ticks []Tick
	// synced receives the targets of the probe requests sync sends, once
	// the tracker has read them.
	synced chan string
	probes int
}

// newHarness starts the server, with a session database when db is set,
// and an engine at the stage whose progress key is at.
func newHarness(t *testing.T, at string, db bool) *harness {
	t.Helper()
	return newHarnessFrom(t, at, db, engine.Progress{})
}

func newHarnessFrom(t *testing.T, at string, db bool, p engine.Progress) *harness {
	t.Helper()
	return newHarnessWith(t, at, db, p, func(c *Course) *Tracker { return NewTracker(c, p, nil) }, nil)
}

// newHarnessWith is newHarnessFrom with the tracker mk makes; the
// observations learnOnly picks are given to Tracker.Learn, not Observe.
func newHarnessWith(t *testing.T, at string, db bool, p engine.Progress, mk func(*Course) *Tracker, learnOnly func(engine.Observation) bool) *harness {
	t.Helper()
	p.Current = at
	te := enginetest.New(t, enginetest.Options{Progress: p, DB: db})
	e, u := te.Engine, te.URL
	if e.Current().Key != at {
		t.Fatalf("engine at %q, want %q", e.Current().Key, at)
	}
	course, err := Embedded(e.Stages())
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, e: e, tr: mk(course), url: u, synced: make(chan string, 16)}
	w := e.Watch(1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for o := range w.C {
			if learnOnly != nil && learnOnly(o) {
				h.tr.Learn(o)
				continue
			}
			ticks := h.tr.Observe(o)
			h.mu.Lock()
			h.ticks = append(h.ticks, ticks...)
			h.mu.Unlock()
			if strings.HasPrefix(o.Exchange.Target, "/?probe=") {
				h.synced <- o.Exchange.Target
			}
		}
	}()
	t.Cleanup(func() { w.Close(); <-done })
	return h
}

// sync sends a request from a probe client and waits until the tracker
// has read it, and so every observation before it.
func (h *harness) sync() {
	h.t.Helper()
	h.probes++
	target := fmt.Sprintf("/?probe=%d", h.probes)
	req, _ := http.NewRequest(http.MethodGet, h.url+target, nil)
	req.Header.Set("User-Agent", "probe/1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case got := <-h.synced:
			if got == target {
				return
			}
		case <-timeout:
			h.t.Fatalf("the tracker never saw probe %s", target)
		}
	}
}

// take returns the ticks seen since the last take, after a sync.
func (h *harness) take() []Tick {
	h.t.Helper()
	h.sync()
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.ticks
	h.ticks = nil
	return out
}

// expect syncs and checks that exactly the challenges ids ticked since
// the last take, and returns their ticks by id.
func (h *harness) expect(ids ...string) map[string]Tick {
	h.t.Helper()
	got := h.take()
	byID := make(map[string]Tick)
	var names []string
	for _, tk := range got {
		byID[tk.Challenge.ID] = tk
		names = append(names, tk.Challenge.ID)
	}
	if len(got) != len(ids) {
		h.t.Fatalf("ticked %q, want %q", names, ids)
	}
	for _, id := range ids {
		if _, ok := byID[id]; !ok {
			h.t.Fatalf("ticked %q, want %q", names, ids)
		}
	}
	return byID
}

// run runs the current stage's exchange with the tutor's own client.
func (h *harness) run() engine.RunResult {
	h.t.Helper()
	res, err := h.e.Run(context.Background(), h.e.Tutor(), engine.Form{Name: "Tutor", Email: "tutor@example.com"})
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// learner is a client the test plays as the learner would: a browser
// with a cookie jar that follows redirects, or curl without a jar.
type learner struct {
	t   *testing.T
	url string
	ua  string
	hc  *http.Client
	jar *cookiejar.Jar
}

// browser returns a browser with a jar of its own, sending ua.
func (h *harness) browser(ua string) *learner {
	jar, _ := cookiejar.New(nil)
	return &learner{t: h.t, url: h.url, ua: ua, jar: jar, hc: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// from makes l send its requests from the loopback address ip, as a
// student on another machine of the class would.
func (l *learner) from(ip string) *learner {
	l.hc.Transport = servertest.Transport(l.t, ip)
	return l
}

// curl returns a client without a jar that follows no redirects, as curl
// without -c, -b or -L.
func (h *harness) curl() *learner {
	return &learner{t: h.t, url: h.url, ua: curlUA, hc: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends method path with body as a form, and cookie as the session
// cookie when it is not "", and returns the final response's status and
// body.
func (l *learner) do(method, path string, form url.Values, cookie string) (int, string) {
	l.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, l.url+path, body)
	if err != nil {
		l.t.Fatal(err)
	}
	req.Header.Set("User-Agent", l.ua)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: server.CookieName, Value: cookie})
	}
	resp, err := l.hc.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post submits the form with name and email, and note when not "".
func (l *learner) post(name, email, note string) (int, string) {
	f := url.Values{"name": {name}, "email": {email}}
	if note != "" {
		f.Set("note", note)
	}
	return l.do(http.MethodPost, "/users", f, "")
}

// show asks for /show, with cookie when it is not "".
func (l *learner) show(cookie string) (int, string) {
	return l.do(http.MethodGet, "/show", nil, cookie)
}

// cookie returns the session cookie in the browser's jar, or "".
func (l *learner) cookie() string {
	u, _ := url.Parse(l.url)
	for _, c := range l.jar.Cookies(u) {
		if c.Name == server.CookieName {
			return c.Value
		}
	}
	return ""
}
