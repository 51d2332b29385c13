package engine

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formtest/formtest/server"
)

// Observation is one exchange the server saw, from any client, tagged
// with the engine's client that sent it. Challenges are predicates over
// a stream of these.
type Observation struct {
	// Exchange is the server's record.
	Exchange server.Exchange
	// Client is the name of the engine's client that sent the request,
	// matched by its connection; "" for a request from outside (a browser,
	// curl).
	Client string
	// Label names who sent it, for people: Client, or the browser family
	// read from the User-Agent. It is client-sent text: escape it.
	Label string
	// Received is when the engine got the record, by its clock.
	Received time.Time
	// Missed is how many observations this watcher lost, because it or
	// the engine fell behind, since the one before this.
	Missed uint64
	// TutorMachine is set, in classroom mode, for a request from the
	// tutor's own machine (an address the server exempts,
	// server.Server.ClassExempt): the teacher's, not a student's. Outside
	// classroom mode it is never set.
	TutorMachine bool
}

// Own reports whether one of the engine's clients sent the request.
func (o Observation) Own() bool { return o.Client != "" }

// Watcher receives observations. Read them from C; call Close when done.
type Watcher struct {
	// C delivers observations. It is closed by Close or by Engine.Close.
	C <-chan Observation

	c      chan Observation
	e      *Engine
	missed atomic.Uint64
	once   sync.Once
}

// Watch starts delivering observations to a new Watcher whose channel
// holds buffer of them. A watcher that falls behind loses observations
// rather than holding up the engine; the next one it gets says how many.
func (e *Engine) Watch(buffer int) *Watcher {
	c := make(chan Observation, max(1, buffer))
	w := &Watcher{C: c, c: c, e: e}
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-e.done:
		close(c) // the engine is closed
	default:
		e.watchers[w] = struct{}{}
	}
	return w
}

// Close stops delivery and closes C.
func (w *Watcher) Close() {
	w.once.Do(func() {
		w.e.mu.Lock()
		defer w.e.mu.Unlock()
		if _, ok := w.e.watchers[w]; ok {
			delete(w.e.watchers, w)
			close(w.c)
		}
	})
}

// watch pairs each record the server publishes with the request that
// caused it and hands it on to the watchers, until the subscription ends.
func (e *Engine) watch() {
	defer func() {
		e.mu.Lock()
		for w := range e.watchers {
			delete(e.watchers, w)
			close(w.c)
		}
		close(e.done)
		e.mu.Unlock()
	}()
	for rec := range e.sub.C {
		client := e.pairs.resolve(&rec)
		o := Observation{Exchange: rec, Client: client, Label: client, Received: e.now()}
		o.TutorMachine = e.classroom && e.srv.ClassExempt(server.RemoteIP(rec.RemoteAddr))
		if client == "" {
			o.Label = ClientLabel(rec.RequestHeader.Get("User-Agent"))
		}
		e.mu.Lock()
		for w := range e.watchers {
			ow := o
			// Records the engine's own subscription lost were lost to every
			// watcher too.
			ow.Missed = w.missed.Load() + rec.Dropped
			select {
			case w.c <- ow:
				w.missed.Store(0)
			default:
				w.missed.Add(1)
			}
		}
		e.mu.Unlock()
	}
}

// ClientLabel names a client from its User-Agent: the browser family, or
// the program's name. The result is client-sent text: escape it.
func ClientLabel(ua string) string {
	switch {
	case ua == "":
		return "unknown client"
	case strings.HasPrefix(ua, "curl/"):
		return "curl"
	case strings.Contains(ua, "Firefox/"):
		return "Firefox"
	case strings.Contains(ua, "Edg/"):
		return "Edge"
	case strings.Contains(ua, "Chrome/"):
		return "Chrome"
	case strings.Contains(ua, "Safari/"):
		return "Safari"
	}
	name, _, _ := strings.Cut(ua, "/")
	name, _, _ = strings.Cut(name, " ")
	return name
}

// TripOf turns an observation into a trip of one hop, in wire form as
// near as the server can tell: it does not see header order, so headers
// are sorted by name. Its cookies are the server's decodings, as for a
// client's own trip.
func TripOf(o Observation) *Trip {
	e := o.Exchange
	t := &Trip{Title: fmt.Sprintf("traffic #%d", e.Seq), Client: o.Client, Label: o.Label, Storage: e.Storage, Started: e.Start, Seq: e.Seq}
	proto := e.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	hop := Hop{Method: e.Method, URL: e.Target, Status: e.Status, BodySize: e.BodySize, LocalAddr: e.RemoteAddr}
	hop.RequestHead = append(hop.RequestHead, e.Method+" "+e.Target+" "+proto)
	if e.Host != "" {
		hop.RequestHead = append(hop.RequestHead, "Host: "+e.Host)
	}
	hop.RequestHead = append(hop.RequestHead, headerLines(e.RequestHeader)...)
	hop.RequestBody = e.RequestBody
	hop.ResponseHead = append(hop.ResponseHead, fmt.Sprintf("HTTP/1.1 %d %s", e.Status, http.StatusText(e.Status)))
	hop.ResponseHead = append(hop.ResponseHead, headerLines(e.ResponseHeader)...)
	hop.SentCookie = e.IncomingCookie
	hop.SetCookies = e.SetCookies()
	hop.Record = &e
	t.Hops = []Hop{hop}
	t.Cookies = tripCookies(t.Hops)
	return t
}

// headerLines renders h as "Name: value" lines sorted by name, a line for
// each value.
func headerLines(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		for _, v := range h[k] {
			out = append(out, k+": "+v)
		}
	}
	return out
}
