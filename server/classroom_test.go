package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formtest/formtest/server/servertest"
	"github.com/formtest/formtest/server/sessionstore"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// classServer starts a classroom server on 127.0.0.1 and returns it with
// its base URL.
func classServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = [][]byte{randomKey(t)}
	}
	if cfg.Classroom == nil {
		cfg.Classroom = &Classroom{}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

func randomKey(t testing.TB) []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// student returns a client whose connections come from source, a loopback
// address such as 127.0.0.2, standing in for one student's laptop. It keeps
// cookies and does not follow redirects.
func student(t testing.TB, source string) *http.Client {
	t.Helper()
	return servertest.NoRedirects(servertest.Browser(t, source))
}

func TestClassroomBudgetIsPerClient(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s, base := classServer(t, Config{Classroom: &Classroom{Rate: 1, Burst: 5, Now: clock.now}})
	greedy, other := student(t, "127.0.0.2"), student(t, "127.0.0.3")

	for i := range 5 {
		if r := get(t, greedy, base+"/"); r.status != http.StatusOK {
			t.Fatalf("request %d within the burst = %d, want 200", i+1, r.status)
		}
	}
	r := get(t, greedy, base+"/")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("request over the budget = %d, want 429", r.status)
	}
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After = %q, want 1 (one request a second)", r.header.Get("Retry-After"))
	}
	if !strings.Contains(r.body, "429 Too Many Requests") || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("429 page = %q (%s), want a short HTML page", r.body, r.header.Get("Content-Type"))
	}
	if r.header.Get("Set-Cookie") != "" {
		t.Errorf("429 set a cookie")
	}
	// Another student is served while the first is over budget.
	if r := get(t, other, base+"/"); r.status != http.StatusOK {
		t.Fatalf("another address = %d, want 200", r.status)
	}
	if r := postForm(t, greedy, base+"/users", lessonForm()); r.status != http.StatusTooManyRequests {
		t.Fatalf("a post over the budget = %d, want 429", r.status)
	}
	// A second later the budget has one request again, and only one.
	clock.add(time.Second)
	if r := get(t, greedy, base+"/"); r.status != http.StatusOK {
		t.Fatalf("after a second = %d, want 200", r.status)
	}
	if r := get(t, greedy, base+"/"); r.status != http.StatusTooManyRequests {
		t.Fatalf("second request after a second = %d, want 429", r.status)
	}

	rows := s.ClassClients()
	if len(rows) != 2 {
		t.Fatalf("client table = %+v, want 2 rows", rows)
	}
	want := []ClassClient{
		{Addr: netip.MustParseAddr("127.0.0.2"), Served: 6, Refused: 3},
		{Addr: netip.MustParseAddr("127.0.0.3"), Served: 1},
	}
	for i, w := range want {
		g := rows[i]
		if g.Addr != w.Addr || g.Served != w.Served || g.Refused != w.Refused {
			t.Errorf("row %d = %v served %d refused %d, want %v served %d refused %d", i, g.Addr, g.Served, g.Refused, w.Addr, w.Served, w.Refused)
		}
	}
	if st, ok := s.Classroom(); !ok || st.Refused != 3 || st.Clients != 2 {
		t.Errorf("Classroom() = %+v, %v; want 2 clients, 3 refused", st, ok)
	}
}

func TestClassroomRefusalsAreNotObserved(t *testing.T) {
	s, base := classServer(t, Config{Classroom: &Classroom{Rate: 0.001, Burst: 1}})
	sub := s.Subscribe(16)
	defer sub.Close()
	c := student(t, "127.0.0.2")
	get(t, c, base+"/")
	for range 5 {
		if r := get(t, c, base+"/"); r.status != http.StatusTooManyRequests {
			t.Fatalf("status %d, want 429", r.status)
		}
	}
	e := <-sub.C
	if e.Status != http.StatusOK {
		t.Errorf("first exchange = %d, want the 200", e.Status)
	}
	select {
	case e := <-sub.C:
		t.Errorf("a refused request was published: %d %s", e.Status, e.Target)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestClassroomExemptAddress(t *testing.T) {
	srv, base := classServer(t, Config{Classroom: &Classroom{Rate: 0.001, Burst: 1, Exempt: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}})
	for a, want := range map[string]bool{"127.0.0.1": true, "::ffff:127.0.0.1": true, "127.0.0.2": false, "::1": false} {
		if got := srv.ClassExempt(netip.MustParseAddr(a)); got != want {
			t.Errorf("ClassExempt(%s) = %v, want %v", a, got, want)
		}
	}
	tutor, stranger := student(t, "127.0.0.1"), student(t, "127.0.0.2")
	for i := range 10 {
		if r := get(t, tutor, base+"/"); r.status != http.StatusOK {
			t.Fatalf("exempt request %d = %d, want 200", i+1, r.status)
		}
	}
	get(t, stranger, base+"/")
	if r := get(t, stranger, base+"/"); r.status != http.StatusTooManyRequests {
		t.Fatalf("not exempt = %d, want 429", r.status)
	}
}

func TestClassroomTableIsBounded(t *testing.T) {
	s, base := classServer(t, Config{Classroom: &Classroom{MaxClients: 3}})
	for i := 2; i <= 7; i++ {
		c := student(t, fmt.Sprintf("127.0.0.%d", i))
		if r := get(t, c, base+"/"); r.status != http.StatusOK {
			t.Fatalf("client %d = %d", i, r.status)
		}
	}
	st, _ := s.Classroom()
	if st.Clients != 3 || st.Evicted != 3 || st.MaxClients != 3 {
		t.Fatalf("Classroom() = %+v, want 3 clients, 3 evicted", st)
	}
	var got []string
	for _, r := range s.ClassClients() {
		got = append(got, r.Addr.String())
	}
	if strings.Join(got, " ") != "127.0.0.5 127.0.0.6 127.0.0.7" {
		t.Errorf("table holds %v, want the three seen last", got)
	}
}

func TestClassroomTableStaysBoundedUnderManyAddresses(t *testing.T) {
	c, err := newClassroom(Classroom{MaxClients: 1000, Burst: 1, Rate: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10_000 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		if ok, _ := c.allow(a); !ok {
			t.Fatalf("new address %v refused", a)
		}
		if ok, _ := c.allow(a); ok {
			t.Fatalf("second request from %v allowed with a burst of 1", a)
		}
	}
	if len(c.byAddr) != 1000 || c.lru.Len() != 1000 || c.evicted != 9000 || c.refused != 10_000 {
		t.Fatalf("map %d, list %d, evicted %d, refused %d; want 1000, 1000, 9000, 10000", len(c.byAddr), c.lru.Len(), c.evicted, c.refused)
	}
}

func TestNewRejectsBadClassroom(t *testing.T) {
	for _, c := range []Classroom{{Rate: -1}, {Burst: -1}, {MaxClients: -1}} {
		if _, err := New(Config{Keys: [][]byte{randomKey(t)}, Classroom: &c}); err == nil {
			t.Errorf("New accepted %+v", c)
		}
	}
}

func TestMineShowsOnlyYourOwnSession(t *testing.T) {
	s, base := classServer(t, Config{})
	ann, bob := student(t, "127.0.0.2"), student(t, "127.0.0.3")
	postForm(t, ann, base+"/users", url.Values{"name": {"Ann <script>x</script>"}, "email": {"ann@example.com"}})
	postForm(t, bob, base+"/users", url.Values{"name": {"Bob"}, "email": {"bob@example.com"}})

	r := get(t, ann, base+"/me")
	if r.status != http.StatusOK {
		t.Fatalf("GET /me = %d:\n%s", r.status, r.body)
	}
	for _, want := range []string{"Ann &lt;script&gt;x&lt;/script&gt;", "ann@example.com", "Accepted", `id="addr">127.0.0.2<`, "session=MT"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("Ann's /me lacks %q:\n%s", want, r.body)
		}
	}
	for _, never := range []string{"Bob", "bob@example.com", "<script>x"} {
		if strings.Contains(r.body, never) {
			t.Errorf("Ann's /me shows %q", never)
		}
	}
	if r.header.Get("Set-Cookie") != "" || r.header.Get("Cache-Control") != "no-store" || r.header.Get("Vary") != "Cookie" {
		t.Errorf("/me headers = %v, want no Set-Cookie, no-store, Vary: Cookie", r.header)
	}
	r = get(t, bob, base+"/me")
	if !strings.Contains(r.body, "bob@example.com") || strings.Contains(r.body, "Ann") {
		t.Errorf("Bob's /me:\n%s", r.body)
	}

	// The show page links to it.
	if r := get(t, ann, base+"/show"); !strings.Contains(r.body, `href="/me"`) {
		t.Errorf("/show has no link to /me:\n%s", r.body)
	}
	// A client with no cookie is told it has none.
	if r := get(t, student(t, "127.0.0.4"), base+"/me"); !strings.Contains(r.body, "sent no session cookie") || strings.Contains(r.body, "example.com") {
		t.Errorf("/me with no cookie:\n%s", r.body)
	}
	// Stage 1 keeps no session, and /me says so.
	if err := s.SetStage(StageHardcoded); err != nil {
		t.Fatal(err)
	}
	if r := get(t, ann, base+"/me"); !strings.Contains(r.body, "this stage keeps no session") {
		t.Errorf("/me in the hardcoded stage:\n%s", r.body)
	}
	if err := s.SetStage(StageTemplate); err != nil {
		t.Fatal(err)
	}
	// Encrypted and server-side sessions say where the values come from.
	if err := s.SetStorage(StorageEncrypted); err != nil {
		t.Fatal(err)
	}
	postForm(t, ann, base+"/users", url.Values{"name": {"Ann"}, "email": {"ann@example.com"}})
	if r := get(t, ann, base+"/me"); !strings.Contains(r.body, "encrypted: your browser cannot read") || !strings.Contains(r.body, "ann@example.com") {
		t.Errorf("/me for an encrypted session:\n%s", r.body)
	}
}

func TestMineRefusesTheLessonKeyUnderARandomKey(t *testing.T) {
	// A student signs a session with the lesson's public key, as the
	// forging stage teaches...
	lesson, err := New(Config{Keys: [][]byte{[]byte(LessonKey)}})
	if err != nil {
		t.Fatal(err)
	}
	lts := httptest.NewServer(lesson)
	defer lts.Close()
	forger := student(t, "127.0.0.2")
	postForm(t, forger, lts.URL+"/users", url.Values{"name": {"Mallory"}, "email": {"m@example.com"}})
	lu, _ := url.Parse(lts.URL)
	var forged string
	for _, c := range forger.Jar.Cookies(lu) {
		if c.Name == CookieName {
			forged = c.Value
		}
	}
	if forged == "" {
		t.Fatal("the lesson's server set no session cookie")
	}
	// ...and presents it to the classroom server, whose key is random.
	_, base := classServer(t, Config{})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/me", nil)
	req.AddCookie(&http.Cookie{Name: CookieName, Value: forged})
	r := do(t, student(t, "127.0.0.3"), req)
	if !strings.Contains(r.body, "Refused: bad signature") || strings.Contains(r.body, "Mallory") {
		t.Errorf("/me with a cookie signed with the lesson's key:\n%s", r.body)
	}
	req, _ = http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/show", nil)
	req.AddCookie(&http.Cookie{Name: CookieName, Value: forged})
	if r := do(t, student(t, "127.0.0.3"), req); strings.Contains(r.body, "Mallory") || !strings.Contains(r.body, "No user in this session") {
		t.Errorf("/show took the forged session:\n%s", r.body)
	}
}

func TestClassroomOffChangesNothing(t *testing.T) {
	srv, ts, c := newTestServer(t, Config{})
	if !srv.ClassExempt(netip.MustParseAddr("192.0.2.1")) {
		t.Error("outside classroom mode an address is not the tutor's own")
	}
	if r := get(t, c, ts.URL+"/me"); r.status != http.StatusNotFound {
		t.Errorf("GET /me outside classroom mode = %d, want 404", r.status)
	}
	postForm(t, c, ts.URL+"/users", lessonForm())
	if r := get(t, c, ts.URL+"/show"); strings.Contains(r.body, "/me") {
		t.Errorf("/show links to /me outside classroom mode:\n%s", r.body)
	}
	for range 100 {
		if r := get(t, c, ts.URL+"/"); r.status != http.StatusOK {
			t.Fatalf("outside classroom mode a request was refused: %d", r.status)
		}
	}
}

func TestClassroomServesOnlyTheApp(t *testing.T) {
	_, base := classServer(t, Config{})
	c := student(t, "127.0.0.2")
	for _, path := range []string{"/debug/pprof/", "/debug/vars", "/metrics", "/templates/mine.html", "/server.go", "/me/other", "/show/1", "/.env", "/%2e%2e/%2e%2e/etc/passwd", "/favicon.ico"} {
		if r := get(t, c, base+path); r.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, r.status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/me", nil)
	if r := do(t, c, req); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /me = %d, want 405", r.status)
	}
}

func TestRemoteIP(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.2:5000":          "127.0.0.2",
		"[::1]:80":                "::1",
		"[::ffff:10.0.0.7]:80":    "10.0.0.7",
		"[fe80::1%eth0]:80":       "fe80::1%eth0",
		"pipe":                    "invalid IP",
		"":                        "invalid IP",
		"192.168.1.23:65535":      "192.168.1.23",
		"[2001:db8::23]:8080":     "2001:db8::23",
		"300.1.1.1:80":            "invalid IP",
		"[2001:db8::23]:notaport": "invalid IP",
	} {
		if got := RemoteIP(in).String(); got != want {
			t.Errorf("RemoteIP(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestMineShowsTheDatabaseRow(t *testing.T) {
	b, err := sessionstore.Open(t.Context(), "sqlite:"+t.TempDir()+"/s.db")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, base := classServer(t, Config{Backend: b, Storage: StorageServer})
	c := student(t, "127.0.0.2")
	postForm(t, c, base+"/users", url.Values{"name": {"Ann"}, "email": {"ann@example.com"}})
	r := get(t, c, base+"/me")
	for _, want := range []string{"Accepted", "holds only a session id", `id="sid"`, "ann@example.com", "in the server's database"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/me for a database session lacks %q:\n%s", want, r.body)
		}
	}
}

func TestClassroomConnectionsPerAddress(t *testing.T) {
	s, err := New(Config{Keys: [][]byte{randomKey(t)}, Classroom: &Classroom{MaxConns: 3}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := s.HTTPServer("")
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	base := "http://" + ln.Addr().String()
	dial := func(src string) net.Conn {
		t.Helper()
		c, err := servertest.Dialer(t, src).Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// closed reports whether the server closed c without a word.
	closed := func(c net.Conn) bool {
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		return err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
	}
	held := []net.Conn{dial("127.0.0.2"), dial("127.0.0.2"), dial("127.0.0.2")}
	waitConns := func(n int) {
		t.Helper()
		for start := time.Now(); s.class.openConns(netip.MustParseAddr("127.0.0.2")) != n; time.Sleep(5 * time.Millisecond) {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("open connections = %d, want %d", s.class.openConns(netip.MustParseAddr("127.0.0.2")), n)
			}
		}
	}
	waitConns(3)
	if extra := dial("127.0.0.2"); !closed(extra) {
		t.Error("a fourth connection from one address was kept open")
	}
	if r := get(t, student(t, "127.0.0.3"), base+"/"); r.status != http.StatusOK {
		t.Errorf("another address = %d, want 200", r.status)
	}
	for _, c := range held {
		if closed(c) {
			t.Error("a connection within the limit was closed")
		}
	}
	held[0].Close()
	waitConns(2)
	fmt.Fprintf(dial("127.0.0.2"), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	waitConns(3)
}
