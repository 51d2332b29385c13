// Package classroom is the class view's model, without a user interface:
// it reads the engine's stream of observations and keeps one row per
// client of the class (a short label, the browser family, the name it
// submitted, its session's verdict and storage), counts for the stage on
// screen ("12 of 15 clients hold a session"), the cookies each client
// tampered with or was never issued, and each client's latest exchanges,
// to open on request. Given a class tracker (Options.Challenges), it also
// feeds it, so that the view can say how many students did each of the
// lesson's challenges.
//
// Everything it keeps is bounded: rows (the client seen longest ago is
// forgotten first), exchanges per client and exchanges in all. Every
// string in a Row is safe to print on the teacher's screen: what a
// student typed is escaped, cut short, and an email is masked.
//
// The tutor's own requests (observations with a Client) are not the
// class's and are left out.
package classroom

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// Defaults for Options.
const (
	// DefaultMaxClients matches the server's client table.
	DefaultMaxClients = server.DefaultMaxClients
	// DefaultExchangesPerClient is how many of a client's latest exchanges
	// a row keeps to show when it is opened.
	DefaultExchangesPerClient = 16
	// DefaultMaxExchanges bounds the exchanges kept for all clients
	// together; the oldest go first. An exchange costs a few KiB.
	DefaultMaxExchanges = 4096
	// maxNameRunes is as much of a submitted name as a row shows.
	maxNameRunes = 32
	// maxEmailRunes is as much of a submitted email as Row.Address keeps.
	maxEmailRunes = 64
	// maxReasonRunes is as much of the server's reason for refusing a
	// cookie as a row keeps.
	maxReasonRunes = 200
)

// Options configures a Model. The zero value is usable.
type Options struct {
	// MaxClients bounds the rows; 0 means DefaultMaxClients.
	MaxClients int
	// ExchangesPerClient and MaxExchanges bound the exchanges kept; 0
	// means the defaults.
	ExchangesPerClient int
	MaxExchanges       int
	// Server, when set, is asked for each row's requests refused by its
	// budget (server.Server.ClassClient), which never reach the stream.
	Server *server.Server
	// Challenges, when set, is a class tracker (check.NewClassTracker):
	// Add feeds it every observation, the tutor's own included (they tell
	// it which cookies are the tutor's; so do those from the tutor's own
	// machine, Observation.TutorMachine, which count for no student), and
	// the view reads from it how many students did each challenge.
	Challenges *check.Tracker
}

// Key names a client of the class: a browser on a machine. Two browsers
// on one laptop are two clients, as they hold two sessions.
type Key struct {
	Addr    netip.Addr
	Browser string
}

// Row is one client of the class as the view shows it. Every string in it
// is safe to print.
type Row struct {
	Key
	// Label is a short name for the client, unique among the rows: the end
	// of its address (".23" for 192.168.1.23), made longer only where two
	// addresses end alike. The student finds it on their /me page.
	Label string
	// Name is the name the client last submitted with the form, escaped
	// and cut short; Email its email, masked (see MaskEmail). "" until it
	// submits.
	Name, Email string
	// Address is the email whole, escaped and cut short, for a view to
	// show only when the teacher asks for it (the projected view masks).
	Address string
	// Verdict is the server's verdict on the session cookie of the
	// client's latest request; Rejected says why it was refused.
	Verdict  engine.Verdict
	Rejected string
	// HasSession reports whether the client holds a session after its
	// latest request: a cookie the server accepted or just set, with
	// values in it.
	HasSession bool
	// Stage and Storage are those of the client's latest request.
	Stage   server.Stage
	Storage server.Storage
	// Requests counts the client's requests the stream delivered;
	// Refused, those the server's budget answered with 429 (when
	// Options.Server is set).
	Requests int
	Refused  uint64
	// Tampered counts requests whose cookie's signature did not verify: a
	// cookie changed by hand, or signed with another key. The server
	// refuses every one.
	Tampered int
	// Foreign counts requests whose cookie the server accepted although it
	// never set it for this client: forged with the key, or copied from
	// another browser.
	Foreign int
	// First and Last are when its first and latest requests arrived.
	First, Last time.Time
	// Tutor is set for a browser on the tutor's own machine
	// (Observation.TutorMachine): the teacher's, not a student's. Summary
	// leaves it out.
	Tutor bool
}

// stageState is what a row did in one stage.
type stageState struct {
	session, submitted bool
}

// row is a Row and what the model keeps with it.
type row struct {
	Row
	stages map[server.Stage]stageState
	issued []string // the latest session cookie values set for it
	// suspect are values counted in Foreign whose Set-Cookie may yet
	// arrive: the server publishes an exchange when it finishes, so the
	// response that set a cookie can reach the stream after a request
	// that already carried it.
	suspect   []string
	exchanges []*stored
	dead      bool // forgotten, to be dropped from Model.order
	// lru links the rows from the one seen last (front) to the one seen
	// longest ago.
	prev, next *row
}

// stored is an exchange kept for a row.
type stored struct {
	row  *row
	obs  engine.Observation
	gone bool // dropped from its row already
}

// maxIssued is how many of the cookie values set for a client are kept to
// tell a cookie it was given from one it was not.
const maxIssued = 4

// Model is the class. Its methods are safe for concurrent use: a goroutine
// feeds it while the view reads it.
type Model struct {
	max, perClient, maxExchanges int
	srv                          *server.Server
	challenges                   *check.Tracker

	mu      sync.Mutex
	rows    map[Key]*row
	order   []*row // first seen first, forgotten ones among them until compacted
	dead    int    // forgotten rows still in order
	dirty   bool   // labels need working out again
	front   *row   // seen last
	back    *row   // seen longest ago
	ring    []*stored
	head    int // index of the oldest in ring, once it is full
	version uint64
	evicted uint64
	missed  uint64
	changed chan struct{}
	// fed is closed when Feed returns.
	fed      chan struct{}
	fedClose sync.Once
}

// New returns an empty class.
func New(opts Options) *Model {
	m := &Model{
		max:          cmpOr(opts.MaxClients, DefaultMaxClients),
		perClient:    cmpOr(opts.ExchangesPerClient, DefaultExchangesPerClient),
		maxExchanges: cmpOr(opts.MaxExchanges, DefaultMaxExchanges),
		srv:          opts.Server,
		challenges:   opts.Challenges,
		rows:         make(map[Key]*row),
		changed:      make(chan struct{}, 1),
		fed:          make(chan struct{}),
	}
	return m
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Feed adds every observation from c until c is closed or ctx is done;
// then Fed's channel is closed.
func (m *Model) Feed(ctx context.Context, c <-chan engine.Observation) {
	defer m.fedClose.Do(func() { close(m.fed) })
	for {
		select {
		case <-ctx.Done():
			return
		case o, ok := <-c:
			if !ok {
				return
			}
			m.Add(o)
		}
	}
}

// Fed returns a channel that is closed when Feed has returned: nothing
// more will change, and a view waiting on Changed can stop.
func (m *Model) Fed() <-chan struct{} { return m.fed }

// Changed returns a channel that receives a value after the class changes;
// many changes may come to one value. A view waits on it to redraw.
func (m *Model) Changed() <-chan struct{} { return m.changed }

// Version counts the changes so far, so a view can tell whether to redraw.
func (m *Model) Version() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.version
}

// Challenges returns the class tracker of Options.Challenges, or nil.
func (m *Model) Challenges() *check.Tracker { return m.challenges }

// Add takes in one observation, and returns the challenges it proved a
// student did for the first time (with Options.Challenges). The tutor's
// own (o.Own()) are left out of the rows.
func (m *Model) Add(o engine.Observation) []check.Tick {
	var ticks []check.Tick
	switch {
	case m.challenges == nil:
	case !o.Own() && o.TutorMachine:
		// The tutor's own machine is not a student: its work is the
		// teacher's (the tutor's own tracker counts it).
		m.challenges.Learn(o)
	default:
		ticks = m.challenges.Observe(o)
	}
	if o.Own() {
		return ticks
	}
	e := &o.Exchange
	k := Key{Addr: server.RemoteIP(e.RemoteAddr), Browser: server.BrowserFamily(e.RequestHeader.Get("User-Agent"))}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.missed += o.Missed
	r := m.row(k, e.Start)
	r.Tutor = o.TutorMachine
	r.Requests++
	r.Last = e.Start
	r.Stage, r.Storage = e.Stage, e.Storage
	r.Verdict, r.Rejected = verdict(e)
	st := r.stages[e.Stage]
	if e.In != nil && e.In.Result != nil && e.In.Result.Signature == cookiecodec.Invalid {
		r.Tampered++
	}
	if r.Verdict == engine.VerdictAccepted && !slices.Contains(r.issued, e.IncomingCookie) {
		r.Foreign++
		r.issue(e.IncomingCookie) // count a copied cookie once, not on every request
		r.suspect = appendBounded(r.suspect, e.IncomingCookie)
	}
	for _, out := range e.Out {
		if out.Result != nil {
			if i := slices.Index(r.suspect, out.Value); i >= 0 {
				// It was set for this client after all: its Set-Cookie
				// came late.
				r.suspect = slices.Delete(r.suspect, i, i+1)
				r.Foreign--
			}
			r.issue(out.Value)
		}
	}
	r.HasSession = len(e.Session) > 0
	st.session = r.HasSession
	if e.Method == "POST" && e.Status >= 300 && e.Status < 400 && e.Form != nil {
		if name := e.Form.Get("name"); name != "" {
			r.Name = SafeText(name, maxNameRunes)
			r.Email = MaskEmail(e.Form.Get("email"))
			r.Address = SafeText(strings.TrimSpace(e.Form.Get("email")), maxEmailRunes)
			st.submitted = true
		}
	}
	r.stages[e.Stage] = st
	m.keep(r, o)
	m.version++
	select {
	case m.changed <- struct{}{}:
	default:
	}
	return ticks
}

// verdict is the server's verdict on the cookie e carried, as the
// engine's Hop.Verdict gives it for the tutor's own requests.
func verdict(e *server.Exchange) (engine.Verdict, string) {
	switch {
	case e.IncomingCookie == "":
		return engine.VerdictNoCookie, ""
	case e.Rejected != "":
		return engine.VerdictRejected, SafeText(e.Rejected, maxReasonRunes)
	}
	return engine.VerdictAccepted, ""
}

// appendBounded appends v to s, keeping the latest maxIssued.
func appendBounded(s []string, v string) []string {
	if len(s) == maxIssued {
		s = slices.Delete(s, 0, 1)
	}
	return append(s, v)
}

func (r *row) issue(value string) {
	if slices.Contains(r.issued, value) {
		return
	}
	if len(r.issued) == maxIssued {
		r.issued = slices.Delete(r.issued, 0, 1)
	}
	r.issued = append(r.issued, value)
}

// row returns k's row, making one (and forgetting the row seen longest
// ago when the model is full), and marks it seen last. m.mu must be held.
func (m *Model) row(k Key, now time.Time) *row {
	r, ok := m.rows[k]
	if !ok {
		if len(m.rows) >= m.max {
			old := m.back
			m.unlink(old)
			delete(m.rows, old.Key)
			for _, s := range old.exchanges {
				s.gone = true
			}
			old.dead = true
			m.dead++
			m.evicted++
		}
		r = &row{Row: Row{Key: k, First: now}, stages: make(map[server.Stage]stageState, 2)}
		m.rows[k] = r
		m.order = append(m.order, r)
		m.dirty = true
	} else {
		m.unlink(r)
	}
	// Link r at the front.
	r.prev, r.next = nil, m.front
	if m.front != nil {
		m.front.prev = r
	}
	m.front = r
	if m.back == nil {
		m.back = r
	}
	return r
}

func (m *Model) unlink(r *row) {
	if r.prev != nil {
		r.prev.next = r.next
	} else if m.front == r {
		m.front = r.next
	}
	if r.next != nil {
		r.next.prev = r.prev
	} else if m.back == r {
		m.back = r.prev
	}
	r.prev, r.next = nil, nil
}

// keep stores o for r, within both bounds. m.mu must be held.
func (m *Model) keep(r *row, o engine.Observation) {
	s := &stored{row: r, obs: o}
	if len(r.exchanges) == m.perClient {
		r.exchanges[0].gone = true
		r.exchanges[0] = nil
		r.exchanges = r.exchanges[1:]
	}
	r.exchanges = append(r.exchanges, s)
	if len(m.ring) < m.maxExchanges {
		m.ring = append(m.ring, s)
		return
	}
	// The ring is full: the oldest exchange of all goes. Its row's
	// exchanges are in arrival order too, so it is that row's first.
	old := m.ring[m.head]
	if !old.gone {
		old.gone = true
		ex := old.row.exchanges
		if len(ex) > 0 && ex[0] == old {
			ex[0] = nil
			old.row.exchanges = ex[1:]
		}
	}
	m.ring[m.head] = s
	m.head = (m.head + 1) % m.maxExchanges
}

// Rows returns the rows, first seen first, each with its label.
func (m *Model) Rows() []Row {
	m.mu.Lock()
	m.relabel()
	out := make([]Row, len(m.order))
	for i, r := range m.order {
		out[i] = r.Row
	}
	m.mu.Unlock()
	if m.srv != nil {
		for i := range out {
			if c, ok := m.srv.ClassClient(out[i].Addr); ok {
				out[i].Refused = c.Refused
			}
		}
	}
	return out
}

// relabel drops forgotten rows from m.order and works the labels out
// again, when rows have come or gone since it last did. m.mu must be held.
func (m *Model) relabel() {
	if !m.dirty {
		return
	}
	if m.dead > 0 {
		m.order = slices.DeleteFunc(m.order, func(r *row) bool { return r.dead })
		m.dead = 0
	}
	addrs := make([]netip.Addr, len(m.order))
	for i, r := range m.order {
		addrs[i] = r.Addr
	}
	for i, l := range labels(addrs) {
		m.order[i].Label = l
	}
	m.dirty = false
}

// Row returns k's row, labelled as Rows would label it.
func (m *Model) Row(k Key) (Row, bool) {
	m.mu.Lock()
	r, ok := m.rows[k]
	if !ok {
		m.mu.Unlock()
		return Row{}, false
	}
	m.relabel()
	out := r.Row
	m.mu.Unlock()
	if m.srv != nil {
		if c, ok := m.srv.ClassClient(out.Addr); ok {
			out.Refused = c.Refused
		}
	}
	return out, true
}

// Exchanges returns the latest exchanges of k's client that are still
// kept, oldest first. Their contents are client-sent: escape before
// printing (engine.TripOf turns one into wire form).
func (m *Model) Exchanges(k Key) []engine.Observation {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.rows[k]
	if !ok {
		return nil
	}
	out := make([]engine.Observation, 0, len(r.exchanges))
	for _, s := range r.exchanges {
		out = append(out, s.obs)
	}
	return out
}

// Summary sums up the class in one stage.
type Summary struct {
	Stage server.Stage
	// Clients is how many clients the class has, the tutor's own machine's
	// left out (Row.Tutor; Tutor counts those); InStage how many sent a
	// request in Stage.
	Clients, InStage, Tutor int
	// WithSession is how many of those held a session after their latest
	// request in Stage; Submitted how many posted the form in it.
	WithSession, Submitted int
	// Tampered is how many clients sent a cookie whose signature failed
	// (the server refused them all); Foreign how many had a cookie
	// accepted that was never set for them.
	Tampered, Foreign int
	// Evicted counts clients forgotten to make room; Missed, observations
	// the model never got because its feed fell behind.
	Evicted, Missed uint64
}

// Summary sums up the class in stage st.
func (m *Model) Summary(st server.Stage) Summary {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Summary{Stage: st, Evicted: m.evicted, Missed: m.missed}
	for _, r := range m.rows {
		if r.Tutor {
			s.Tutor++
			continue
		}
		s.Clients++
		if ss, ok := r.stages[st]; ok {
			s.InStage++
			if ss.session {
				s.WithSession++
			}
			if ss.submitted {
				s.Submitted++
			}
		}
		if r.Tampered > 0 {
			s.Tampered++
		}
		if r.Foreign > 0 {
			s.Foreign++
		}
	}
	return s
}

// String says the summary's main count in a sentence for the projector,
// such as "12 of 15 clients hold a session".
func (s Summary) String() string {
	return strconv.Itoa(s.WithSession) + " of " + plural(s.InStage, "client") + " " + verb(s.WithSession, "holds", "hold") + " a session"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// labels returns for each address the shortest end of it that no other
// address shares. An address given twice (two browsers on one machine)
// gets one label.
func labels(addrs []netip.Addr) []string {
	out := make([]string, len(addrs))
	parts := make([]int, len(addrs)) // address parts in each label
	owner := make(map[string]netip.Addr, len(addrs))
	clash := make(map[string]bool)
	for i := range parts {
		parts[i] = 1
	}
	for range 8 { // an IPv6 address has 8 groups; past that, labels are whole
		clear(owner)
		clear(clash)
		for i, a := range addrs {
			out[i] = addrTail(a, parts[i])
			if o, ok := owner[out[i]]; ok && o != a {
				clash[out[i]] = true
			}
			owner[out[i]] = a
		}
		if len(clash) == 0 {
			break
		}
		for i := range addrs {
			if clash[out[i]] {
				parts[i]++
			}
		}
	}
	return out
}

// addrTail returns the last n parts of a: octets of an IPv4 address after
// a dot (".23"), groups of an IPv6 one after a colon (":7334"); the whole
// address when n covers it.
func addrTail(a netip.Addr, n int) string {
	if !a.IsValid() {
		return "?"
	}
	s := a.WithZone("").String()
	sep := "."
	if a.Is6() {
		sep = ":"
		if strings.Contains(s, "::") {
			// Write every group, so the tail counts real groups.
			b := a.As16()
			var g []string
			for i := 0; i < 16; i += 2 {
				g = append(g, strconv.FormatUint(uint64(b[i])<<8|uint64(b[i+1]), 16))
			}
			s = strings.Join(g, ":")
		}
	}
	p := strings.Split(s, sep)
	if n >= len(p) {
		return a.WithZone("").String()
	}
	return sep + strings.Join(p[len(p)-n:], sep)
}

// MaskEmail masks an email for a projected screen: its first character,
// then "…@…", so "ada@example.com" shows as "a…@…". Text with no "@" keeps
// only its first character. The result is safe to print.
func MaskEmail(email string) string {
	email = strings.TrimSpace(email)
	if email == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(email)
	first := cookiecodec.EscapeText(email[:n])
	if r == '@' {
		first = ""
	}
	if strings.Contains(email, "@") {
		return first + "…@…"
	}
	return first + "…"
}

// SafeText escapes s for a terminal (cookiecodec.EscapeText) and cuts it
// to at most n runes, with "…" where it was cut: for any client-sent text a
// view puts on the teacher's screen, such as a request's target.
func SafeText(s string, n int) string {
	s = cookiecodec.EscapeText(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n - 1 {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s[:i] + "…"
}
