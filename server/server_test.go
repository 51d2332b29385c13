package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// newTestServer starts s behind httptest and returns a client that keeps
// cookies and does not follow redirects, so each hop can be asserted.
func newTestServer(t *testing.T, cfg Config) (*Server, *httptest.Server, *http.Client) {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = [][]byte{[]byte("test-key-0123456789abcdef0123456789")}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := ts.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return s, ts, c
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

func get(t *testing.T, c *http.Client, u string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

func lessonForm() url.Values {
	return url.Values{"name": {"Ada"}, "email": {"ada@example.com"}}
}

func TestIndexServesForm(t *testing.T) {
	_, ts, c := newTestServer(t, Config{})
	r := get(t, c, ts.URL+"/")
	if r.status != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", r.status)
	}
	for _, want := range []string{`action="/users"`, `method="post"`, `name="name"`, `name="email"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("GET / body lacks %s", want)
		}
	}
}

func TestStageHardcoded(t *testing.T) {
	_, ts, c := newTestServer(t, Config{Stage: StageHardcoded})
	r := postForm(t, c, ts.URL+"/users", lessonForm())
	if r.status != http.StatusFound || r.header.Get("Location") != "/" {
		t.Fatalf("POST /users = %d Location %q, want 302 to /", r.status, r.header.Get("Location"))
	}
	if sc := r.header.Values("Set-Cookie"); len(sc) != 0 {
		t.Errorf("hardcoded stage set cookies %q, want none", sc)
	}
	r = get(t, c, ts.URL+"/show")
	if !strings.Contains(r.body, "Jay") || !strings.Contains(r.body, "kpatel@codingdojo.com") {
		t.Errorf("GET /show lacks the hard-coded values:\n%s", r.body)
	}
	if strings.Contains(r.body, "Ada") {
		t.Errorf("hardcoded /show shows the posted name")
	}
}

func TestSessionStages(t *testing.T) {
	for _, st := range []Stage{StageSession, StageTemplate} {
		t.Run(string(st), func(t *testing.T) {
			_, ts, c := newTestServer(t, Config{Stage: st})
			r := postForm(t, c, ts.URL+"/users", lessonForm())
			if r.status != http.StatusFound || r.header.Get("Location") != "/show" {
				t.Fatalf("POST /users = %d Location %q, want 302 to /show", r.status, r.header.Get("Location"))
			}
			sc := r.header.Values("Set-Cookie")
			if len(sc) != 1 {
				t.Fatalf("POST /users set %d cookies, want 1", len(sc))
			}
			ck, err := http.ParseSetCookie(sc[0])
			if err != nil {
				t.Fatal(err)
			}
			if ck.Name != CookieName || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure || ck.Domain != "" {
				t.Errorf("cookie attributes = %+v, want session, HttpOnly, SameSite=Lax, Path=/, not Secure, no Domain", ck)
			}
			r = get(t, c, ts.URL+"/show")
			if r.status != http.StatusOK || !strings.Contains(r.body, ">Ada<") || !strings.Contains(r.body, ">ada@example.com<") {
				t.Fatalf("GET /show = %d, want the posted values:\n%s", r.status, r.body)
			}
			if r.header.Get("Cache-Control") != "no-store" || r.header.Get("Vary") != "Cookie" {
				t.Errorf("GET /show Cache-Control %q Vary %q, want no-store and Cookie", r.header.Get("Cache-Control"), r.header.Get("Vary"))
			}
		})
	}
}

// TestSwitchStages walks one browser through the stages on one server, as
// the tutor does.
func TestSwitchStages(t *testing.T) {
	s, ts, c := newTestServer(t, Config{Stage: StageHardcoded})
	postForm(t, c, ts.URL+"/users", lessonForm())
	if r := get(t, c, ts.URL+"/show"); !strings.Contains(r.body, "Jay") {
		t.Fatalf("stage hardcoded: /show lacks Jay")
	}
	if err := s.SetStage(StageSession); err != nil {
		t.Fatal(err)
	}
	// No session yet: the hardcoded stage stored nothing.
	if r := get(t, c, ts.URL+"/show"); r.status != http.StatusOK || !strings.Contains(r.body, "No user in this session") {
		t.Fatalf("stage session before posting: %d\n%s", r.status, r.body)
	}
	postForm(t, c, ts.URL+"/users", lessonForm())
	if r := get(t, c, ts.URL+"/show"); !strings.Contains(r.body, ">Ada<") {
		t.Fatalf("stage session: /show lacks Ada:\n%s", r.body)
	}
	if err := s.SetStage(StageTemplate); err != nil {
		t.Fatal(err)
	}
	// The session from stage 2 still reads in stage 3.
	if r := get(t, c, ts.URL+"/show"); !strings.Contains(r.body, ">Ada<") {
		t.Fatalf("stage template: /show lacks Ada:\n%s", r.body)
	}
	if err := s.SetStage("bogus"); err == nil {
		t.Errorf("SetStage(bogus) = nil, want an error")
	}
	if s.Stage() != StageTemplate {
		t.Errorf("Stage() = %s after a bad SetStage, want template", s.Stage())
	}
}

// TestEmptySessionIsNotAnError checks the page /show answers without a
// session, stage by stage: 200, the missing fields named, and what the
// lesson's Flask app would do instead, which differs: its stage 2 handler
// raises KeyError (500), its templates print a missing key as "" (200).
func TestEmptySessionIsNotAnError(t *testing.T) {
	tests := []struct {
		stage     Stage
		flask     string
		notFlask  string
		flaskCode int
	}{
		{StageSession, "raises <code>KeyError</code>, and Flask answers 500", "empty headings", http.StatusInternalServerError},
		{StageTemplate, "answers 200 with empty headings", "KeyError", http.StatusOK},
		{StageGrow, "answers 200 with empty headings", "KeyError", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(string(tt.stage), func(t *testing.T) {
			if got := flaskOnMissing(tt.stage); got != tt.flaskCode {
				t.Errorf("flaskOnMissing(%s) = %d, want %d", tt.stage, got, tt.flaskCode)
			}
			_, ts, c := newTestServer(t, Config{Stage: tt.stage})
			r := get(t, c, ts.URL+"/show")
			if r.status != http.StatusOK {
				t.Fatalf("GET /show with no session = %d, want 200", r.status)
			}
			for _, want := range []string{"<code>name</code>", "<code>email</code>", `href="/"`, tt.flask} {
				if !strings.Contains(r.body, want) {
					t.Errorf("body lacks %s:\n%s", want, r.body)
				}
			}
			if strings.Contains(r.body, tt.notFlask) {
				t.Errorf("body says %q, which the lesson's Flask app would not do in this stage:\n%s", tt.notFlask, r.body)
			}
		})
	}
}

// TestForgetMe checks that the user page offers "Forget me" only where
// there is a session to forget: not in the hardcoded stage.
func TestForgetMe(t *testing.T) {
	for _, tt := range []struct {
		stage Stage
		want  bool
	}{{StageHardcoded, false}, {StageSession, true}, {StageTemplate, true}, {StageGrow, true}} {
		t.Run(string(tt.stage), func(t *testing.T) {
			_, ts, c := newTestServer(t, Config{Stage: tt.stage})
			if tt.stage != StageHardcoded {
				postForm(t, c, ts.URL+"/users", lessonForm())
			}
			r := get(t, c, ts.URL+"/show")
			if r.status != http.StatusOK || !strings.Contains(r.body, ">Ada<") && tt.stage != StageHardcoded {
				t.Fatalf("GET /show = %d:\n%s", r.status, r.body)
			}
			if got := strings.Contains(r.body, `action="/logout"`) && strings.Contains(r.body, "Forget me"); got != tt.want {
				t.Errorf("Forget me shown = %v, want %v:\n%s", got, tt.want, r.body)
			}
		})
	}
}

func TestRoutingErrors(t *testing.T) {
	_, ts, c := newTestServer(t, Config{})
	if r := get(t, c, ts.URL+"/nowhere"); r.status != http.StatusNotFound {
		t.Errorf("GET /nowhere = %d, want 404", r.status)
	}
	if r := get(t, c, ts.URL+"/users"); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" {
		t.Errorf("GET /users = %d Allow %q, want 405 Allow POST", r.status, r.header.Get("Allow"))
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/show", nil)
	if r := do(t, c, req); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /show = %d, want 405", r.status)
	}
}

func TestBadInput(t *testing.T) {
	long := strings.Repeat("x", 2500)
	tests := []struct {
		name        string
		body        string
		contentType string
		header      map[string]string
		status      int
		want        string
	}{
		{"bad escape", "name=%zz&email=a@b", "application/x-www-form-urlencoded", nil, 400, "could not be read"},
		{"semicolon", "name=a;b&email=a@b", "application/x-www-form-urlencoded", nil, 400, "could not be read"},
		{"missing name", "email=a@b", "application/x-www-form-urlencoded", nil, 400, `&#34;name&#34;`},
		{"missing email", "name=Ada", "application/x-www-form-urlencoded", nil, 400, `&#34;email&#34;`},
		{"blank name", "name=+++&email=a@b", "application/x-www-form-urlencoded", nil, 400, `&#34;name&#34;`},
		{"empty body", "", "application/x-www-form-urlencoded", nil, 400, `&#34;name&#34;`},
		{"control character", "name=a%1b%5b2J&email=a@b", "application/x-www-form-urlencoded", nil, 400, "control characters"},
		{"invalid utf-8", "name=%ff%fe&email=a@b", "application/x-www-form-urlencoded", nil, 400, "UTF-8"},
		{"json body", `{"name":"a"}`, "application/json", nil, 415, "x-www-form-urlencoded"},
		{"no content type", "name=a&email=b", "", nil, 415, "x-www-form-urlencoded"},
		{"body over 8 KiB", "name=" + strings.Repeat("a", 100<<10) + "&email=a@b", "application/x-www-form-urlencoded", nil, 413, "larger than 8192 bytes"},
		{"cookie would exceed 4096 bytes", "name=" + long + "&email=" + long, "application/x-www-form-urlencoded", nil, http.StatusInsufficientStorage, "would not fit in a cookie"},
		{"cross-site post", "name=a&email=b", "application/x-www-form-urlencoded", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "another site"},
		{"foreign origin", "name=a&email=b", "application/x-www-form-urlencoded", map[string]string{"Origin": "http://evil.example"}, 403, "another site"},
		{"null origin", "name=a&email=b", "application/x-www-form-urlencoded", map[string]string{"Origin": "null"}, 403, "another site"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ts, c := newTestServer(t, Config{Stage: StageSession})
			req, err := http.NewRequest(http.MethodPost, ts.URL+"/users", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			r := do(t, c, req)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d; body:\n%s", r.status, tt.status, r.body)
			}
			if !strings.Contains(r.body, tt.want) {
				t.Errorf("body lacks %q:\n%s", tt.want, r.body)
			}
			if sc := r.header.Values("Set-Cookie"); len(sc) != 0 {
				t.Errorf("a refused post set cookies: %q", sc)
			}
		})
	}
}

func TestSameOriginPostAccepted(t *testing.T) {
	_, ts, c := newTestServer(t, Config{Stage: StageSession})
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {"Origin": ts.URL}, {}} {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/users", strings.NewReader(lessonForm().Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		if r := do(t, c, req); r.status != http.StatusFound {
			t.Errorf("POST with %v = %d, want 302", h, r.status)
		}
	}
}

func TestMultipartForm(t *testing.T) {
	_, ts, c := newTestServer(t, Config{Stage: StageSession})
	body := "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda\r\n--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nada@example.com\r\n--b--\r\n"
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/users", strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	if r := do(t, c, req); r.status != http.StatusFound {
		t.Fatalf("multipart POST = %d, want 302:\n%s", r.status, r.body)
	}
	if r := get(t, c, ts.URL+"/show"); !strings.Contains(r.body, ">Ada<") {
		t.Errorf("/show after multipart post lacks Ada")
	}
}

func TestHTMLIsEscaped(t *testing.T) {
	for _, st := range []Stage{StageSession, StageTemplate} {
		t.Run(string(st), func(t *testing.T) {
			_, ts, c := newTestServer(t, Config{Stage: st})
			postForm(t, c, ts.URL+"/users", url.Values{"name": {`<script>alert(1)</script>`}, "email": {`"><img src=x onerror=alert(1)>`}})
			r := get(t, c, ts.URL+"/show")
			if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
				t.Fatalf("markup reached the page unescaped:\n%s", r.body)
			}
			if !strings.Contains(r.body, "&lt;script&gt;") || !strings.Contains(r.body, "&lt;img") {
				t.Errorf("escaped values missing:\n%s", r.body)
			}
		})
	}
}

// TestRejectedCookies checks that a cookie that does not verify counts as
// no session, never as a server error, and that the observer says why.
func TestRejectedCookies(t *testing.T) {
	s, ts, c := newTestServer(t, Config{Stage: StageSession})
	r := postForm(t, c, ts.URL+"/users", lessonForm())
	good, err := http.ParseSetCookie(r.header.Get("Set-Cookie"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(Config{Keys: [][]byte{[]byte("another-key-0123456789abcdef01234")}})
	if err != nil {
		t.Fatal(err)
	}
	foreign := httptest.NewRecorder()
	other.ServeHTTP(foreign, formRequest(lessonForm()))
	foreignCookie, _ := http.ParseSetCookie(foreign.Header().Get("Set-Cookie"))
	flipped := []byte(good.Value)
	flipped[20] ^= 1

	tests := []struct {
		name, value, reason string
	}{
		{"flipped byte", string(flipped), "bad signature"},
		{"truncated", good.Value[:len(good.Value)-10], "undecodable"},
		{"extended", good.Value + "AAAA", "undecodable"},
		{"signed with another key", foreignCookie.Value, "bad signature"},
		{"garbage", "not-a-cookie", "undecodable"},
		{"oversized", strings.Repeat("A", 5000), "undecodable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := s.Subscribe(4)
			defer sub.Close()
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/show", nil)
			req.AddCookie(&http.Cookie{Name: CookieName, Value: tt.value})
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "No user in this session") {
				t.Fatalf("GET /show with a %s cookie = %d, want 200 and the empty-session page", tt.name, res.StatusCode)
			}
			e := <-sub.C
			if !strings.HasPrefix(e.Rejected, tt.reason) {
				t.Errorf("Rejected = %q, want prefix %q", e.Rejected, tt.reason)
			}
			if e.Session != nil {
				t.Errorf("a rejected cookie gave a session: %v", e.Session)
			}
		})
	}
}

func formRequest(form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/users", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// TestKeyRotation: a cookie signed with an old key still reads after the
// key rotates, and the next save signs with the new key.
func TestKeyRotation(t *testing.T) {
	oldKey := []byte("old-key-0123456789abcdef0123456789")
	newKey := []byte("new-key-0123456789abcdef0123456789")
	before, err := New(Config{Keys: [][]byte{oldKey}, Stage: StageSession})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	before.ServeHTTP(rec, formRequest(lessonForm()))
	oldCookie, err := http.ParseSetCookie(rec.Header().Get("Set-Cookie"))
	if err != nil {
		t.Fatal(err)
	}

	after, _, _ := newTestServer(t, Config{Keys: [][]byte{newKey, oldKey}, Stage: StageSession})
	req := httptest.NewRequest(http.MethodGet, "/show", nil)
	req.AddCookie(oldCookie)
	rec = httptest.NewRecorder()
	after.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), ">Ada<") {
		t.Fatalf("old-key cookie not accepted after rotation:\n%s", rec.Body.String())
	}

	only, _ := New(Config{Keys: [][]byte{newKey}, Stage: StageSession})
	req = formRequest(lessonForm())
	rec = httptest.NewRecorder()
	after.ServeHTTP(rec, req)
	reissued, _ := http.ParseSetCookie(rec.Header().Get("Set-Cookie"))
	req = httptest.NewRequest(http.MethodGet, "/show", nil)
	req.AddCookie(reissued)
	rec = httptest.NewRecorder()
	only.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), ">Ada<") {
		t.Errorf("a cookie issued after rotation does not verify with the new key alone")
	}
}

// TestEmailNotInPlainCookie documents the lesson's point: the cookie is
// signed, not encrypted, so its payload is readable. It fails if the server
// ever starts encrypting without the lesson saying so.
func TestCookieIsReadableWithoutKey(t *testing.T) {
	s, _, _ := newTestServer(t, Config{Stage: StageSession})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, formRequest(lessonForm()))
	ck, _ := http.ParseSetCookie(rec.Header().Get("Set-Cookie"))
	if ck == nil {
		t.Fatal("no cookie")
	}
	// Drop the key: anyone holding the cookie can still read it.
	opts := s.DecodeOptions()
	opts.Secrets = nil
	res, err := decodeForTest(ck.Value, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res["email"] != "ada@example.com" {
		t.Errorf("keyless decode = %v, want the email", res)
	}
}

func TestObserverPublishesExchanges(t *testing.T) {
	s, ts, c := newTestServer(t, Config{Stage: StageSession})
	sub := s.Subscribe(8)
	defer sub.Close()
	postForm(t, c, ts.URL+"/users", lessonForm())
	get(t, c, ts.URL+"/show")

	post := <-sub.C
	if post.Method != "POST" || post.Target != "/users" || post.Status != 302 || post.Stage != StageSession {
		t.Fatalf("first exchange = %s %s %d %s, want POST /users 302 session", post.Method, post.Target, post.Status, post.Stage)
	}
	if post.Form.Get("name") != "Ada" || string(post.RequestBody) != lessonForm().Encode() {
		t.Errorf("form = %v body %q", post.Form, post.RequestBody)
	}
	if len(post.SetCookies()) != 1 || !strings.HasPrefix(post.SetCookies()[0], "session=") {
		t.Errorf("Set-Cookie = %q", post.SetCookies())
	}
	if post.SessionSource != "set-cookie" || post.Session["name"] != "Ada" || post.Session["email"] != "ada@example.com" {
		t.Errorf("session = %v from %q, want Ada from set-cookie", post.Session, post.SessionSource)
	}
	show := <-sub.C
	if show.Seq != post.Seq+1 || show.IncomingCookie == "" || show.SessionSource != "cookie" || show.Session["name"] != "Ada" || show.BodySize == 0 {
		t.Errorf("second exchange = %+v", show)
	}
}

func TestSlowSubscriberLosesEventsAndIsTold(t *testing.T) {
	s, ts, c := newTestServer(t, Config{Stage: StageHardcoded})
	sub := s.Subscribe(2)
	defer sub.Close()
	for range 5 {
		get(t, c, ts.URL+"/show") // never blocks though nobody reads
	}
	<-sub.C
	<-sub.C
	get(t, c, ts.URL+"/show")
	e := <-sub.C
	if e.Dropped != 3 {
		t.Errorf("Dropped = %d, want 3", e.Dropped)
	}
	if e.Seq != 6 {
		t.Errorf("Seq = %d, want 6", e.Seq)
	}
}

func TestHardcodedStageLogsForm(t *testing.T) {
	s, ts, c := newTestServer(t, Config{Stage: StageHardcoded})
	sub := s.Subscribe(1)
	defer sub.Close()
	postForm(t, c, ts.URL+"/users", lessonForm())
	e := <-sub.C
	if len(e.Notes) != 1 || !strings.Contains(e.Notes[0], `name="Ada"`) || !strings.Contains(e.Notes[0], `email="ada@example.com"`) {
		t.Errorf("notes = %q, want the posted form", e.Notes)
	}
}

func TestStageCode(t *testing.T) {
	for _, st := range Stages() {
		code, err := StageCode(st)
		if err != nil {
			t.Fatalf("StageCode(%s): %v", st, err)
		}
		if !strings.Contains(code, "func (s *Server) createUser") || !strings.Contains(code, "func (s *Server) showUser") {
			t.Errorf("StageCode(%s) lacks its handlers:\n%s", st, code)
		}
	}
	hard, _ := StageCode(StageHardcoded)
	if !strings.Contains(hard, `"kpatel@codingdojo.com"`) {
		t.Errorf("hardcoded code lacks the hard-coded email")
	}
	tmpl, _ := StageCode(StageTemplate)
	if !strings.Contains(tmpl, `"user_session.html", sess)`) {
		t.Errorf("template stage code does not pass the session to the template:\n%s", tmpl)
	}
	if _, err := StageCode("nope"); err == nil {
		t.Error("StageCode(nope) = nil error")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{{}, {Keys: [][]byte{{}}}, {Keys: [][]byte{[]byte("k")}, Stage: "later"}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) = nil error", cfg)
		}
	}
}

func TestHTTPServerLimits(t *testing.T) {
	s, _ := New(Config{Keys: [][]byte{[]byte("k")}})
	hs := s.HTTPServer("127.0.0.1:0")
	if hs.ReadHeaderTimeout == 0 || hs.ReadTimeout == 0 || hs.WriteTimeout == 0 || hs.IdleTimeout == 0 || hs.MaxHeaderBytes == 0 {
		t.Errorf("HTTPServer leaves a limit unset: %+v", hs)
	}
	if hs.ReadHeaderTimeout > 10*time.Second {
		t.Errorf("ReadHeaderTimeout %v is too lax", hs.ReadHeaderTimeout)
	}
}

func ExampleStageCode() {
	code, _ := StageCode(StageHardcoded)
	fmt.Println(strings.SplitN(code, "\n", 2)[0])
	// Output: // createUserHardcoded is stage 1's POST /users: it reads the form, logs what
}

// oldCookie signs values with key under a timestamp of issued, the way
// securecookie does, so that expiry can be tested without waiting.
func oldCookie(t *testing.T, key []byte, issued time.Time, values map[any]any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(values); err != nil {
		t.Fatal(err)
	}
	payload := base64.URLEncoding.EncodeToString(buf.Bytes())
	ts := strconv.FormatInt(issued.Unix(), 10)
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s|%s|%s", CookieName, ts, payload)
	return base64.URLEncoding.EncodeToString([]byte(ts + "|" + payload + "|" + string(m.Sum(nil))))
}

func TestExpiredCookieIsNoSession(t *testing.T) {
	key := []byte("test-key-0123456789abcdef0123456789")
	s, ts, _ := newTestServer(t, Config{Keys: [][]byte{key}, Stage: StageSession, MaxAge: time.Hour})
	values := map[any]any{"name": "Ada", "email": "ada@example.com"}
	for _, tt := range []struct {
		age      time.Duration
		accepted bool
	}{{time.Minute, true}, {2 * time.Hour, false}} {
		sub := s.Subscribe(1)
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/show", nil)
		req.AddCookie(&http.Cookie{Name: CookieName, Value: oldCookie(t, key, time.Now().Add(-tt.age), values)})
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		e := <-sub.C
		sub.Close()
		if got := strings.Contains(string(b), ">Ada<"); got != tt.accepted {
			t.Errorf("cookie aged %v accepted = %v, want %v", tt.age, got, tt.accepted)
		}
		if !tt.accepted && !strings.HasPrefix(e.Rejected, "expired") {
			t.Errorf("cookie aged %v: Rejected = %q, want expired", tt.age, e.Rejected)
		}
	}
}

// FuzzCreateUser posts arbitrary bodies: the server must never answer 5xx,
// and any cookie it sets must fit a browser and hold what was posted.
func FuzzCreateUser(f *testing.F) {
	f.Add("name=Jay&email=kpatel%40codingdojo.com", "application/x-www-form-urlencoded")
	f.Add("name=%zz", "application/x-www-form-urlencoded")
	f.Add("name=a;b", "application/x-www-form-urlencoded")
	f.Add("--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nA\r\n--b--\r\n", "multipart/form-data; boundary=b")
	f.Add(strings.Repeat("name=x&", 2000), "application/x-www-form-urlencoded")
	s, err := New(Config{Keys: [][]byte{[]byte("fuzz-key")}, Stage: StageSession})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, contentType string) {
		req := httptest.NewRequest(http.MethodPost, "/users", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		// A session that outgrows its cookie is refused with a 5xx on
		// purpose (StatusSessionTooLarge); any other 5xx is a bug.
		if rec.Code >= 500 && rec.Code != StatusSessionTooLarge {
			t.Fatalf("status %d for body %q", rec.Code, body)
		}
		for _, line := range rec.Header().Values("Set-Cookie") {
			c, err := http.ParseSetCookie(line)
			if err != nil {
				t.Fatalf("unparsable Set-Cookie %q", line)
			}
			if len(c.Name)+len(c.Value) > maxCookieBytes {
				t.Fatalf("cookie of %d bytes set", len(c.Name)+len(c.Value))
			}
			if rec.Code != http.StatusFound {
				t.Fatalf("cookie set on a %d", rec.Code)
			}
		}
	})
}

func TestOnlySessionPagesAreUncacheable(t *testing.T) {
	_, ts, c := newTestServer(t, Config{Stage: StageTemplate})
	if r := get(t, c, ts.URL+"/"); r.header.Get("Cache-Control") != "" || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("the form: Cache-Control %q, Content-Type %q; want no Cache-Control (it shows no session) and HTML", r.header.Get("Cache-Control"), r.header.Get("Content-Type"))
	}
	postForm(t, c, ts.URL+"/users", lessonForm())
	if r := get(t, c, ts.URL+"/show"); r.header.Get("Cache-Control") != "no-store" || r.header.Get("Vary") != "Cookie" {
		t.Errorf("/show: Cache-Control %q, Vary %q; want no-store and Cookie", r.header.Get("Cache-Control"), r.header.Get("Vary"))
	}
	if r := postForm(t, c, ts.URL+"/users", url.Values{"name": {"x"}}); r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("an error page: Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
	}
}
