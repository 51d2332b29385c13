package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// Exchange is one request and its response as the server saw them. It is
// published to subscribers after the response has been written.
type Exchange struct {
	// Seq numbers exchanges from 1 in the order they finished.
	Seq uint64
	// Dropped is how many exchanges this subscriber lost, because its buffer
	// was full, since the one it received before this.
	Dropped uint64
	// Start is when the request arrived; Duration is how long it took.
	Start    time.Time
	Duration time.Duration
	// Stage is the stage that answered the request.
	Stage Stage

	// Method, Target and Proto make the request line; Host is the Host header.
	Method string
	Target string
	Proto  string
	Host   string
	// RequestHeader holds the request's headers, Host excluded.
	RequestHeader http.Header
	// Form is the parsed url-encoded body of a POST, when it parsed.
	Form url.Values
	// RequestBody is the body as received, cut at the server's body limit.
	RequestBody []byte

	// Status is the response status code.
	Status int
	// ResponseHeader holds the response's headers; each Set-Cookie is its own
	// entry in ResponseHeader["Set-Cookie"], in the order they were set.
	ResponseHeader http.Header
	// BodySize is the number of response body bytes written.
	BodySize int64

	// IncomingCookie is the raw value of the session cookie the request
	// carried, or "" when it carried none.
	IncomingCookie string
	// Rejected says why the incoming session cookie was not accepted (bad
	// signature, expired, undecodable, too large); "" when it was accepted or
	// absent. A rejected cookie is treated as no session.
	Rejected string
	// Session is the session decoded from the Set-Cookie the server sent, as
	// a client would read it, or, when none was sent, from the accepted
	// incoming cookie; for a session kept in a database, the values of the
	// row its id points to. Nil when there was neither.
	Session map[string]any
	// SessionSource says where Session came from: "set-cookie", "cookie" or "".
	SessionSource string
	// Storage is where the server kept sessions for this exchange.
	Storage Storage
	// SessionID is the session id the cookie carries when the session lives
	// in a database (Storage is StorageServer); "" otherwise.
	SessionID string
	// Stored is the database row SessionID points to, as it was after the
	// response; nil when there is none.
	Stored *StoredSession

	// Notes are remarks the handlers made while answering, such as the form
	// values the hardcoded stage logs, or a missing session key.
	Notes []string

	// RemoteAddr is the client's address as the server's connection saw it
	// (host:port). A client that notes its connection's local address can
	// join its request to this record exactly.
	RemoteAddr string
	// In is the server's decoding of the incoming session cookie, nil when
	// the request carried none; Out are its decodings of the session
	// cookies it set, in order (nil Result for a deletion). A watcher reads
	// them instead of decoding the cookies a second time.
	In  *DecodedCookie
	Out []DecodedCookie
	// StoredErr is why the database row SessionID points to could not be
	// read; nil when it was read or not looked for.
	StoredErr error
}

// DecodedCookie is a session cookie as the server decoded it with the
// options of the exchange's storage.
type DecodedCookie struct {
	// Value is the cookie's value.
	Value string
	// Result is what cookiecodec made of it; Err is why it did not decode.
	Result *cookiecodec.Result
	Err    error
}

// SetCookies returns the raw Set-Cookie header values, in order.
func (e *Exchange) SetCookies() []string { return e.ResponseHeader.Values("Set-Cookie") }

// Subscription receives exchanges from a Server. Read them from C; call
// Close when done.
type Subscription struct {
	// C delivers exchanges. It is closed by Close.
	C <-chan Exchange

	c       chan Exchange
	hub     *hub
	dropped atomic.Uint64
	once    sync.Once
}

// Close stops delivery and closes C.
func (s *Subscription) Close() {
	s.once.Do(func() { s.hub.remove(s) })
}

// hub fans exchanges out to subscribers without ever blocking a handler.
type hub struct {
	active atomic.Int32 // number of subscribers; read on every request
	seq    atomic.Uint64
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
}

func (h *hub) subscribe(buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	c := make(chan Exchange, buffer)
	s := &Subscription{C: c, c: c, hub: h}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = make(map[*Subscription]struct{})
	}
	h.subs[s] = struct{}{}
	h.active.Store(int32(len(h.subs)))
	h.mu.Unlock()
	return s
}

func (h *hub) remove(s *Subscription) {
	h.mu.Lock()
	delete(h.subs, s)
	h.active.Store(int32(len(h.subs)))
	close(s.c)
	h.mu.Unlock()
}

// publish delivers e to every subscriber whose buffer has room and counts a
// loss for the others. It never blocks.
func (h *hub) publish(e Exchange) {
	e.Seq = h.seq.Add(1)
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		ev := e
		ev.Dropped = s.dropped.Load()
		select {
		case s.c <- ev:
			s.dropped.Store(0)
		default:
			s.dropped.Add(1)
		}
	}
}

// recorder captures what a handler writes, for an observed request.
type recorder struct {
	http.ResponseWriter
	status int
	size   int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.size += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// teeBody keeps a copy of what the handler reads from the request body.
type teeBody struct {
	io.ReadCloser
	buf bytes.Buffer
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if n > 0 && t.buf.Len() < maxBodyBytes {
		t.buf.Write(p[:min(n, maxBodyBytes-t.buf.Len())])
	}
	return n, err
}

// notesKey is the context key under which an observed request keeps notes.
type notesKey struct{}

type notes struct {
	mu      sync.Mutex
	lines   []string
	stage   Stage
	storage Storage
}

// note records a remark about the current request when it is observed, and
// does nothing otherwise.
func note(r *http.Request, s string) {
	if n, ok := r.Context().Value(notesKey{}).(*notes); ok {
		n.mu.Lock()
		n.lines = append(n.lines, s)
		n.mu.Unlock()
	}
}

// observe wraps next so that, while anyone subscribes, every exchange is
// recorded and published. With no subscriber it costs one atomic load.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.hub.active.Load() == 0 {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		n := &notes{stage: s.Stage(), storage: s.Storage()}
		rec := &recorder{ResponseWriter: w}
		var tee *teeBody
		if r.Body != nil && r.Body != http.NoBody {
			tee = &teeBody{ReadCloser: r.Body}
			r.Body = tee
		}
		reqHeader := r.Header.Clone()
		r = r.WithContext(context.WithValue(r.Context(), notesKey{}, n))
		next.ServeHTTP(rec, r)

		e := Exchange{
			Start:          start,
			Duration:       time.Since(start),
			Stage:          n.stage,
			Method:         r.Method,
			Target:         r.RequestURI,
			Proto:          r.Proto,
			Host:           r.Host,
			RequestHeader:  reqHeader,
			Status:         rec.status,
			ResponseHeader: w.Header().Clone(),
			BodySize:       rec.size,
			RemoteAddr:     r.RemoteAddr,
		}
		if e.Status == 0 {
			e.Status = http.StatusOK
		}
		if tee != nil {
			e.RequestBody = bytes.Clone(tee.buf.Bytes())
			if isForm(r) {
				if f, err := url.ParseQuery(string(e.RequestBody)); err == nil {
					e.Form = f
				}
			}
		}
		n.mu.Lock()
		e.Notes = n.lines
		e.Storage = n.storage
		n.mu.Unlock()
		s.inspectSession(r.Context(), &e, r)
		s.hub.publish(e)
	})
}
