package server

// This file holds classroom mode: what the server does differently when a
// whole class reaches it over the network (Config.Classroom). Each client
// address gets a request budget, kept in a table of bounded size, and each
// student can read their own session, decoded, at GET /me.

import (
	"cmp"
	"container/list"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Classroom configures classroom mode. The zero value is usable: every
// field has a default fit for a class of a few hundred.
type Classroom struct {
	// Rate is how many requests a second one client address may make,
	// sustained; zero means DefaultClassRate.
	Rate float64
	// Burst is how many requests one address may make at once, before the
	// rate applies; zero means DefaultClassBurst.
	Burst int
	// MaxClients bounds the client table; zero means DefaultMaxClients.
	// When it is full, the address seen longest ago is forgotten (and gets
	// a full budget if it comes back).
	MaxClients int
	// MaxConns bounds the connections one address may hold open at once;
	// zero means DefaultMaxConns. More are closed as they arrive, so that
	// nobody can take every file descriptor. It applies to an http.Server
	// made by Server.HTTPServer.
	MaxConns int
	// Exempt are addresses the budget does not apply to and the table does
	// not hold, such as the loopback addresses the tutor's own clients use.
	Exempt []netip.Addr
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Defaults for Classroom's fields.
const (
	// DefaultClassRate lets a browser load the form, post it and follow
	// the redirect every second, without end.
	DefaultClassRate = 5.0
	// DefaultClassBurst covers a page reloaded a few times in a row.
	DefaultClassBurst = 30
	// DefaultMaxClients holds a large lecture hall's laptops and phones;
	// an entry costs about 200 bytes, so the full table under 1 MiB.
	DefaultMaxClients = 4096
	// DefaultMaxConns is far above the six connections a browser opens to
	// one server.
	DefaultMaxConns = 64
)

// ClassClient is what the client table knows of one client address.
type ClassClient struct {
	// Addr is the client's IP address.
	Addr netip.Addr
	// First and Last are when its first and latest requests arrived.
	First, Last time.Time
	// Served counts the requests let through; Refused those answered 429
	// because the address was over its budget.
	Served, Refused uint64
}

// ClassStats sums up the client table.
type ClassStats struct {
	// Clients is how many addresses the table holds; MaxClients how many
	// it may hold.
	Clients, MaxClients int
	// Evicted counts addresses forgotten to make room for new ones.
	Evicted uint64
	// Refused counts every request answered 429.
	Refused uint64
}

// classroom is the running state of classroom mode.
type classroom struct {
	rate   float64
	burst  float64
	max    int
	exempt []netip.Addr
	now    func() time.Time
	// tooMany is the body of a 429 page, built once; nosniff the value of
	// its X-Content-Type-Options header.
	tooMany []byte
	nosniff []string

	conns connLimit

	mu      sync.Mutex
	byAddr  map[netip.Addr]*list.Element // of *classEntry
	lru     list.List                    // front: seen most recently
	evicted uint64
	refused uint64
}

// classEntry is one address's row: its budget as a token bucket, and
// its counts.
type classEntry struct {
	ClassClient
	tokens float64
	filled time.Time // when tokens was last brought up to date
}

// newClassroom returns classroom mode's state for c, with defaults filled in.
func newClassroom(c Classroom) (*classroom, error) {
	if c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0) || c.Burst < 0 || c.MaxClients < 0 || c.MaxConns < 0 {
		return nil, fmt.Errorf("server: classroom: rate %v, burst %d, max clients %d and max connections %d must not be negative", c.Rate, c.Burst, c.MaxClients, c.MaxConns)
	}
	cr := &classroom{
		rate:    cmp.Or(c.Rate, DefaultClassRate),
		burst:   float64(cmp.Or(c.Burst, DefaultClassBurst)),
		max:     cmp.Or(c.MaxClients, DefaultMaxClients),
		conns:   connLimit{max: cmp.Or(c.MaxConns, DefaultMaxConns), open: make(map[netip.Addr]int)},
		exempt:  slices.Clone(c.Exempt),
		now:     c.Now,
		byAddr:  make(map[netip.Addr]*list.Element),
		nosniff: []string{"nosniff"},
	}
	for i, a := range cr.exempt {
		cr.exempt[i] = a.Unmap()
	}
	if cr.now == nil {
		cr.now = time.Now
	}
	cr.tooMany = fmt.Appendf(nil, tooManyPage, cr.rate, int(cr.burst))
	return cr, nil
}

// tooManyPage is the 429 page, with the rate and burst to fill in. It is
// written without the templates, so a flood costs as little as can be.
const tooManyPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>429 Too Many Requests</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>429 Too Many Requests</h1>
<p>This server is shared by a whole class, so each computer may send %g requests a second (%d at once). This one sent more.</p>
<p>Wait a few seconds (the Retry-After header says how many), then <a href="/">go back to the form</a>.</p>
</body></html>
`

// allow spends one request of addr's budget. When none is left it counts
// a refusal and returns how long until one is.
func (c *classroom) allow(addr netip.Addr) (ok bool, retry time.Duration) {
	if slices.Contains(c.exempt, addr) {
		return true, 0
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(addr, now)
	e.Last = now
	if elapsed := now.Sub(e.filled); elapsed > 0 {
		e.tokens = min(c.burst, e.tokens+elapsed.Seconds()*c.rate)
		e.filled = now
	}
	if e.tokens >= 1 {
		e.tokens--
		e.Served++
		return true, 0
	}
	e.Refused++
	c.refused++
	// At the slowest rates the wait is capped, so it always fits a Duration.
	return false, time.Duration(min((1-e.tokens)/c.rate, 3600) * float64(time.Second))
}

// entry returns addr's row, making one with a full budget when there is
// none, and marks it seen most recently. c.mu must be held.
func (c *classroom) entry(addr netip.Addr, now time.Time) *classEntry {
	if el, ok := c.byAddr[addr]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*classEntry)
	}
	var e *classEntry
	if c.lru.Len() >= c.max {
		// Forget the address seen longest ago, and reuse its row.
		el := c.lru.Back()
		e = el.Value.(*classEntry)
		delete(c.byAddr, e.Addr)
		c.lru.Remove(el)
		c.evicted++
		*e = classEntry{}
	} else {
		e = new(classEntry)
	}
	e.Addr, e.First, e.filled, e.tokens = addr, now, now, c.burst
	c.byAddr[addr] = c.lru.PushFront(e)
	return e
}

// clients returns a copy of every row, first seen first.
func (c *classroom) clients() []ClassClient {
	c.mu.Lock()
	out := make([]ClassClient, 0, c.lru.Len())
	for el := c.lru.Front(); el != nil; el = el.Next() {
		out = append(out, el.Value.(*classEntry).ClassClient)
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b ClassClient) int { return a.First.Compare(b.First) })
	return out
}

// client returns addr's row.
func (c *classroom) client(addr netip.Addr) (ClassClient, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byAddr[addr.Unmap()]; ok {
		return el.Value.(*classEntry).ClassClient, true
	}
	return ClassClient{}, false
}

func (c *classroom) stats() ClassStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ClassStats{Clients: c.lru.Len(), MaxClients: c.max, Evicted: c.evicted, Refused: c.refused}
}

// connLimit counts the open connections of each address.
type connLimit struct {
	max  int
	mu   sync.Mutex
	open map[netip.Addr]int // only addresses with connections open
	// counted holds the connections counted in open, so that a
	// connection closed at once is not counted down twice.
	counted map[net.Conn]netip.Addr
}

// connState is an http.Server's ConnState hook: it counts each address's
// connections and closes a new one over the limit. Exempt addresses are
// not limited.
func (c *classroom) connState(conn net.Conn, state http.ConnState) {
	l := &c.conns
	switch state {
	case http.StateNew:
		addr := RemoteIP(conn.RemoteAddr().String())
		if slices.Contains(c.exempt, addr) {
			return
		}
		l.mu.Lock()
		if l.open[addr] >= l.max {
			l.mu.Unlock()
			conn.Close()
			return
		}
		l.open[addr]++
		if l.counted == nil {
			l.counted = make(map[net.Conn]netip.Addr)
		}
		l.counted[conn] = addr
		l.mu.Unlock()
	case http.StateClosed, http.StateHijacked:
		l.mu.Lock()
		if addr, ok := l.counted[conn]; ok {
			delete(l.counted, conn)
			if l.open[addr]--; l.open[addr] <= 0 {
				delete(l.open, addr)
			}
		}
		l.mu.Unlock()
	}
}

// openConns returns how many connections addr holds open.
func (c *classroom) openConns(addr netip.Addr) int {
	c.conns.mu.Lock()
	defer c.conns.mu.Unlock()
	return c.conns.open[addr]
}

// RemoteIP returns the IP address of a request's RemoteAddr (host:port),
// IPv4-mapped IPv6 addresses unmapped, or the zero Addr when it has none.
func RemoteIP(remoteAddr string) netip.Addr {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// budget wraps next so that, in classroom mode, a client address over its
// budget gets 429 with Retry-After and a short page, before anything else
// is done for it: no cookie is decoded, no exchange recorded. Outside
// classroom mode it returns next.
func (s *Server) budget(next http.Handler) http.Handler {
	c := s.class
	if c == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, retry := c.allow(RemoteIP(r.RemoteAddr))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		// The constant headers share their values (as write's do), so that
		// refusing a flood allocates as little as it can.
		h := w.Header()
		h["Retry-After"] = []string{strconv.Itoa(max(1, int(math.Ceil(retry.Seconds()))))}
		h["Content-Type"] = s.headers.contentType
		h["Cache-Control"] = s.headers.cacheControl
		h["X-Content-Type-Options"] = c.nosniff
		w.WriteHeader(http.StatusTooManyRequests)
		if r.Method != http.MethodHead {
			w.Write(c.tooMany)
		}
	})
}

// Classroom reports whether the server runs in classroom mode, and sums up
// its client table.
func (s *Server) Classroom() (ClassStats, bool) {
	if s.class == nil {
		return ClassStats{}, false
	}
	return s.class.stats(), true
}

// ClassClients returns the client table's rows, first seen first; nil
// outside classroom mode.
func (s *Server) ClassClients() []ClassClient {
	if s.class == nil {
		return nil
	}
	return s.class.clients()
}

// ClassExempt reports whether addr is one of the classroom's exempt
// addresses (Classroom.Exempt): the tutor's own machine, not a student's.
// Outside classroom mode every address is the tutor's, and it reports
// true.
func (s *Server) ClassExempt(addr netip.Addr) bool {
	if s.class == nil {
		return true
	}
	return slices.Contains(s.class.exempt, addr.Unmap())
}

// ClassClient returns the client table's row for addr.
func (s *Server) ClassClient(addr netip.Addr) (ClassClient, bool) {
	if s.class == nil {
		return ClassClient{}, false
	}
	return s.class.client(addr)
}

// classroomRoutes adds classroom mode's pages to mux.
func (s *Server) classroomRoutes(mux *http.ServeMux) {
	if s.class != nil {
		mux.HandleFunc("GET /me", s.mine)
	}
}

// meLink is what the show pages' "me-link" template holds in classroom
// mode: a link to the student's own decoded session. Elsewhere it is empty
// (mine.html defines it so), so the pages are byte for byte as before.
const meLink = `{{define "me-link"}}
<p class="note"><a href="/me">See your own session, decoded by the server</a></p>{{end}}`

// classroomPages turns on the show pages' link to /me in classroom mode.
func (s *Server) classroomPages(pages *template.Template) error {
	if s.class == nil {
		return nil
	}
	if _, err := pages.New("me-link").Parse(meLink); err != nil {
		return fmt.Errorf("server: parse the link to /me: %w", err)
	}
	return nil
}

// minePage is what mine.html shows.
type minePage struct {
	Stage   Stage
	Storage Storage
	Addr    string
	Browser string
	// Cookie is the raw session cookie the request carried; "" for none.
	Cookie string
	// Verdict is "accepted", "rejected" or "none"; Rejected says why.
	Verdict  string
	Rejected string
	// SessionID is the database row's id, for server-side sessions.
	SessionID string
	Values    []mineValue
	// Encrypted reports that the cookie is encrypted, so only the server
	// could read it.
	Encrypted bool
}

type mineValue struct{ Key, Value string }

// mine answers GET /me: the session the request's own cookie carries,
// decoded as the server decodes it, with its verdict. It reads nothing but
// the request, so no student can see another's session, and it changes
// nothing: no cookie is set.
func (s *Server) mine(w http.ResponseWriter, r *http.Request) {
	e := Exchange{Storage: s.Storage(), Status: http.StatusOK}
	s.inspectSession(r.Context(), &e, r)
	p := minePage{
		Stage:     s.Stage(),
		Storage:   e.Storage,
		Addr:      RemoteIP(r.RemoteAddr).String(),
		Browser:   BrowserFamily(r.Header.Get("User-Agent")),
		Cookie:    e.IncomingCookie,
		Rejected:  e.Rejected,
		SessionID: e.SessionID,
		Verdict:   "none",
	}
	if e.IncomingCookie != "" {
		p.Verdict = "accepted"
		if e.Rejected != "" {
			p.Verdict = "rejected"
		}
	}
	if e.In != nil && e.In.Result != nil {
		p.Encrypted = e.In.Result.Encrypted
	}
	p.Values = mineValues(e.Session)
	s.render(w, r, "mine.html", p)
}

// mineValues lists a session's values by key, each as text: a string as it
// is, anything else as JSON.
func mineValues(m map[string]any) []mineValue {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]mineValue, 0, len(keys))
	for _, k := range keys {
		v, ok := m[k].(string)
		if !ok {
			b, err := json.Marshal(m[k])
			if err != nil {
				b = fmt.Appendf(nil, "%v", m[k])
			}
			v = string(b)
		}
		out = append(out, mineValue{k, v})
	}
	return out
}
