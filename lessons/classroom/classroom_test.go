package classroom

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/server/servertest"
)

// class starts a classroom server on 127.0.0.1 at the template stage, an
// engine over it, and a model fed by the engine's stream.
func class(t *testing.T) (*engine.Engine, *Model, string) {
	t.Helper()
	srv, base := serveClass(t, server.Classroom{Exempt: []netip.Addr{netip.MustParseAddr("127.0.0.1")}})
	ls, err := lessons.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: base, Progress: engine.Progress{Current: "template"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	if e.Current().Server != server.StageTemplate {
		t.Fatalf("engine at %s, want the template stage", e.Current().Server)
	}
	m := New(Options{Server: srv})
	w := e.Watch(1024)
	t.Cleanup(w.Close)
	go m.Feed(t.Context(), w.C)
	return e, m, base
}

// serveClass starts a server in classroom mode c on 127.0.0.1, at the
// template stage, and returns it with its URL.
func serveClass(t *testing.T, c server.Classroom) (*server.Server, string) {
	t.Helper()
	srv, err := server.New(server.Config{Keys: [][]byte{[]byte("a random classroom key, 32 bytes!")}, Storage: server.StorageSigned, Classroom: &c})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.HTTPServer("")
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return srv, "http://" + ln.Addr().String()
}

// browser is a student's browser: its connections come from source (a
// loopback address such as 127.0.0.2), it sends ua, and keeps cookies.
type browser struct {
	t    *testing.T
	c    *http.Client
	ua   string
	base string
}

func newBrowser(t *testing.T, base, source, ua string) *browser {
	return &browser{t: t, ua: ua, base: base, c: servertest.Browser(t, source)}
}

func (b *browser) do(method, path string, form url.Values) int {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("User-Agent", b.ua)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req) // follows the redirect to /show, as a browser does
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func (b *browser) cookie() string {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == server.CookieName {
			return c.Value
		}
	}
	return ""
}

func (b *browser) setCookie(v string) {
	u, _ := url.Parse(b.base)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: server.CookieName, Value: v, Path: "/"}})
}

// waitRequests waits until the model has seen n requests from the class.
func waitRequests(t *testing.T, m *Model, n int) []Row {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		rows := m.Rows()
		got := 0
		for _, r := range rows {
			got += r.Requests
		}
		if got >= n {
			return rows
		}
		select {
		case <-m.Changed():
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("the model saw %d requests, want %d: %+v", got, n, rows)
		}
	}
}

const (
	firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	chrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

func TestClassFromRealTraffic(t *testing.T) {
	e, m, base := class(t)
	ann := newBrowser(t, base, "127.0.0.2", firefox)
	bob := newBrowser(t, base, "127.0.0.3", chrome)
	carol := newBrowser(t, base, "127.0.0.4", "curl/8.11.0")
	mallory := newBrowser(t, base, "127.0.0.5", firefox)
	dave := newBrowser(t, base, "127.0.0.6", chrome)

	ann.do("POST", "/users", url.Values{"name": {"Ann"}, "email": {"ann@example.com"}})
	// A name that would turn the teacher's screen's text around.
	bob.do("POST", "/users", url.Values{"name": {"Bob\u202eevil"}, "email": {"bob@example.com"}})
	carol.do("GET", "/", nil)
	tampered, _, err := cookiecodec.Tamper(ann.cookie())
	if err != nil {
		t.Fatal(err)
	}
	mallory.setCookie(tampered)
	mallory.do("GET", "/show", nil)
	dave.setCookie(ann.cookie()) // copied from Ann's browser
	dave.do("GET", "/show", nil)
	// The tutor's own run is not the class's.
	if _, err := e.Run(t.Context(), e.Tutor(), engine.Form{Name: "Tutor", Email: "t@example.com"}); err != nil {
		t.Fatal(err)
	}

	rows := waitRequests(t, m, 7) // two posts and their redirects, three gets
	if len(rows) != 5 {
		t.Fatalf("rows = %+v, want 5 (the tutor's own requests left out)", rows)
	}
	want := []struct {
		label, browser, name, email string
		verdict                     engine.Verdict
		session                     bool
		tampered, foreign           int
	}{
		{".2", "Firefox", "Ann", "a…@…", engine.VerdictAccepted, true, 0, 0},
		{".3", "Chrome", `Bob\u202eevil`, "b…@…", engine.VerdictAccepted, true, 0, 0},
		{".4", "curl", "", "", engine.VerdictNoCookie, false, 0, 0},
		{".5", "Firefox", "", "", engine.VerdictRejected, false, 1, 0},
		{".6", "Chrome", "", "", engine.VerdictAccepted, true, 0, 1},
	}
	for i, w := range want {
		r := rows[i]
		if r.Label != w.label || r.Browser != w.browser || r.Name != w.name || r.Email != w.email || r.Verdict != w.verdict || r.HasSession != w.session || r.Tampered != w.tampered || r.Foreign != w.foreign {
			t.Errorf("row %d = %+v\nwant %+v", i, r, w)
		}
		if r.Stage != server.StageTemplate || r.Storage != server.StorageSigned {
			t.Errorf("row %d in %s/%s, want template/signed", i, r.Stage, r.Storage)
		}
	}
	if !strings.HasPrefix(rows[3].Rejected, "bad signature") {
		t.Errorf("Mallory's rejection = %q, want a bad signature", rows[3].Rejected)
	}
	s := m.Summary(server.StageTemplate)
	if got := s.String(); got != "3 of 5 clients hold a session" {
		t.Errorf("Summary = %q", got)
	}
	if s.Submitted != 2 || s.Tampered != 1 || s.Foreign != 1 || s.Clients != 5 || s.InStage != 5 {
		t.Errorf("Summary = %+v", s)
	}
	if s := m.Summary(server.StageSession); s.InStage != 0 || s.String() != "0 of 0 clients hold a session" {
		t.Errorf("Summary of a stage nobody used = %+v %q", s, s)
	}
	ex := m.Exchanges(rows[0].Key)
	if len(ex) != 2 || ex[0].Exchange.Method != "POST" || ex[1].Exchange.Target != "/show" {
		t.Errorf("Ann's exchanges = %d, want her POST and the GET /show it led to", len(ex))
	}
	if r, ok := m.Row(Key{netip.MustParseAddr("127.0.0.2"), "Firefox"}); !ok || r.Name != "Ann" || r.Label != ".2" {
		t.Errorf("Row(Ann) = %+v, %v", r, ok)
	}
}

func TestRefusedRequestsCountFromTheServer(t *testing.T) {
	srv, base := serveClass(t, server.Classroom{Burst: 2, Rate: 0.001})
	sub := srv.Subscribe(64)
	defer sub.Close()
	m := New(Options{Server: srv})
	b := newBrowser(t, base, "127.0.0.2", firefox)
	for range 5 {
		b.do("GET", "/", nil)
	}
	for range 2 {
		m.Add(engine.Observation{Exchange: <-sub.C})
	}
	rows := m.Rows()
	if len(rows) != 1 || rows[0].Requests != 2 || rows[0].Refused != 3 {
		t.Errorf("rows = %+v, want one with 2 requests and 3 refused", rows)
	}
}

// observation makes an observation of a GET / from addr.
func observation(addr netip.Addr, ua string, at time.Time) engine.Observation {
	return engine.Observation{Exchange: server.Exchange{
		Start:         at,
		Stage:         server.StageTemplate,
		Storage:       server.StorageSigned,
		Method:        "GET",
		Target:        "/",
		RequestHeader: http.Header{"User-Agent": {ua}},
		Status:        200,
		RemoteAddr:    netip.AddrPortFrom(addr, 40000).String(),
	}}
}

func addr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
}

func TestModelIsBounded(t *testing.T) {
	m := New(Options{MaxClients: 100, ExchangesPerClient: 3, MaxExchanges: 50})
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 5000 {
		for j := range 2 {
			m.Add(observation(addr(i), firefox, t0.Add(time.Duration(2*i+j)*time.Millisecond)))
		}
	}
	rows := m.Rows()
	if len(rows) != 100 {
		t.Fatalf("%d rows, want 100", len(rows))
	}
	if rows[0].Addr != addr(4900) || rows[99].Addr != addr(4999) {
		t.Errorf("rows from %v to %v, want the 100 seen last", rows[0].Addr, rows[99].Addr)
	}
	total := 0
	for _, r := range rows {
		n := len(m.Exchanges(r.Key))
		if n > 3 {
			t.Fatalf("%v keeps %d exchanges, want at most 3", r.Addr, n)
		}
		total += n
	}
	if total != 50 {
		t.Errorf("%d exchanges kept, want 50", total)
	}
	if s := m.Summary(server.StageTemplate); s.Evicted != 4900 || s.Clients != 100 {
		t.Errorf("Summary = %+v", s)
	}
	// One client's many requests keep only its latest few.
	one := New(Options{ExchangesPerClient: 3})
	for i := range 10 {
		o := observation(addr(1), firefox, t0)
		o.Exchange.Target = fmt.Sprintf("/%d", i)
		one.Add(o)
	}
	ex := one.Exchanges(Key{addr(1), "Firefox"})
	if len(ex) != 3 || ex[0].Exchange.Target != "/7" || ex[2].Exchange.Target != "/9" {
		t.Errorf("exchanges kept: %d, want /7 /8 /9", len(ex))
	}
}

func TestTwoBrowsersOnOneMachineAreTwoClients(t *testing.T) {
	m := New(Options{})
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m.Add(observation(addr(7), firefox, t0))
	m.Add(observation(addr(7), chrome, t0.Add(time.Second)))
	rows := m.Rows()
	if len(rows) != 2 || rows[0].Label != ".7" || rows[1].Label != ".7" || rows[0].Browser != "Firefox" || rows[1].Browser != "Chrome" {
		t.Errorf("rows = %+v", rows)
	}
}

func TestLabels(t *testing.T) {
	var addrs []netip.Addr
	for _, a := range []string{"192.168.1.23", "192.168.2.23", "192.168.1.5", "2001:db8::7334", "2001:db8::1:7334", "fe80::1%eth0", "192.168.1.5"} {
		addrs = append(addrs, netip.MustParseAddr(a))
	}
	want := ".1.23 .2.23 .5 :0:7334 :1:7334 :1 .5"
	if got := strings.Join(labels(addrs), " "); got != want {
		t.Errorf("labels = %q, want %q", got, want)
	}
	if got := labels([]netip.Addr{netip.MustParseAddr("10.0.0.9")}); got[0] != ".9" {
		t.Errorf("label = %q", got[0])
	}
	if got := labels([]netip.Addr{netip.MustParseAddr("10.0.0.9"), netip.MustParseAddr("10.1.0.9")}); strings.Join(got, " ") != ".0.0.9 .1.0.9" {
		t.Errorf("labels = %q", got)
	}
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"ada@example.com":     "a…@…",
		"  ada@example.com  ": "a…@…",
		"@example.com":        "…@…",
		"ada":                 "a…",
		"":                    "",
		"\x1b[2J@x":           `\x1b…@…`,
		"élodie@example.fr":   "é…@…",
		"\u202eevil@x":        `\u202e…@…`,
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeText(t *testing.T) {
	if got := SafeText(strings.Repeat("é", 40), 32); got != strings.Repeat("é", 31)+"…" {
		t.Errorf("SafeText = %q", got)
	}
	if got := SafeText("Ann", 32); got != "Ann" {
		t.Errorf("SafeText = %q", got)
	}
	if got := SafeText("/\x1b]0;pwned\x07"+strings.Repeat("a", 4096), 20); got != `/\x1b]0;pwned\aaaaa…` {
		t.Errorf("SafeText = %q", got)
	}
}

// FuzzRowsAreSafeToPrint feeds the model an exchange whose client-sent
// parts are arbitrary, and checks that no string of its row could drive a
// terminal or overflow a line.
func FuzzRowsAreSafeToPrint(f *testing.F) {
	f.Add("Ann", "ann@example.com", firefox, "bad signature")
	f.Add("\x1b[2J\x1b]0;x\x07", "\u202e@\x00", "\x9b31m/1", strings.Repeat("é", 300))
	f.Fuzz(func(t *testing.T, name, email, ua, reason string) {
		m := New(Options{})
		o := observation(addr(1), ua, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		o.Exchange.Method, o.Exchange.Status = "POST", 302
		o.Exchange.Form = url.Values{"name": {name}, "email": {email}}
		o.Exchange.IncomingCookie, o.Exchange.Rejected = "x", reason
		m.Add(o)
		rows := m.Rows()
		if len(rows) != 1 {
			t.Fatalf("%d rows", len(rows))
		}
		r := rows[0]
		for _, s := range []string{r.Label, r.Browser, r.Name, r.Email, r.Rejected} {
			if utf8.RuneCountInString(s) > maxReasonRunes {
				t.Errorf("%d runes: %.40q", utf8.RuneCountInString(s), s)
			}
			if !utf8.ValidString(s) {
				t.Errorf("row text %q is not UTF-8", s)
			}
			for _, c := range s {
				if !unicode.IsPrint(c) && c != ' ' {
					t.Errorf("row text %q holds %U", s, c)
				}
			}
		}
	})
}

// TestForeignLateSetCookie: the server publishes an exchange when it
// finishes, so a request carrying a cookie can reach the stream before the
// response that set it. The cookie is not counted as never set, once its
// Set-Cookie arrives.
func TestForeignLateSetCookie(t *testing.T) {
	m := New(Options{})
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := addr(7)
	show := observation(a, firefox, t0.Add(time.Millisecond))
	show.Exchange.IncomingCookie = "V1"
	show.Exchange.Session = map[string]any{"name": "Ann"}
	post := observation(a, firefox, t0)
	post.Exchange.Method, post.Exchange.Status = "POST", 302
	post.Exchange.Out = []server.DecodedCookie{{Value: "V1", Result: &cookiecodec.Result{}}}
	m.Add(show)
	if r := m.Rows()[0]; r.Foreign != 1 {
		t.Fatalf("before its Set-Cookie arrived, Foreign = %d, want 1", r.Foreign)
	}
	m.Add(post)
	if r := m.Rows()[0]; r.Foreign != 0 {
		t.Errorf("after its Set-Cookie arrived, Foreign = %d, want 0", r.Foreign)
	}
	if s := m.Summary(server.StageTemplate); s.Foreign != 0 {
		t.Errorf("summary Foreign = %d, want 0", s.Foreign)
	}
	// A cookie never set for it stays counted.
	other := observation(a, firefox, t0.Add(2*time.Millisecond))
	other.Exchange.IncomingCookie = "FORGED"
	m.Add(other)
	m.Add(post)
	if r := m.Rows()[0]; r.Foreign != 1 {
		t.Errorf("a forged cookie: Foreign = %d, want 1", r.Foreign)
	}
}
