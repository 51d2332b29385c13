package engine

import (
	"context"
	"sync"
	"time"

	"github.com/formtest/formtest/server"
)

// pairing joins each request an engine's client sends with the server's
// record of it. A client notes the local address of the connection a
// request goes over before writing it; the server's record names that
// address as RemoteAddr. One connection carries one request at a time and
// the server publishes a request's record before it reads the next from
// that connection, so the records of one address arrive in the order its
// requests were sent: the oldest request waiting on an address is the one
// a record answers. Nothing is guessed from times, paths or User-Agents.
type pairing struct {
	now    func() time.Time
	mu     sync.Mutex
	byAddr map[string][]*pending
}

// lateRecord is how long a record that came after its request stopped
// waiting is still filed under that request, and so under its client.
const lateRecord = 30 * time.Second

// pending is a request waiting for its record.
type pending struct {
	client         string
	method, target string
	cookie         string // the session cookie sent, "" for none
	done           chan struct{}
	rec            *server.Exchange
	// abandoned is when the request stopped waiting; zero while it waits.
	abandoned time.Time
}

// expect registers a request about to be written on the connection whose
// local address is addr.
func (p *pairing) expect(addr, client, method, target, cookie string) *pending {
	w := &pending{client: client, method: method, target: target, cookie: cookie, done: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byAddr == nil {
		p.byAddr = make(map[string][]*pending)
	}
	p.byAddr[addr] = append(p.byAddr[addr], w)
	return w
}

// resolve files record e under the request it answers and returns the
// name of the client that sent it, or "" when no client of the engine
// did. A waiting request whose request line or session cookie differs
// from the record's was never answered (its connection failed before the
// server read it, or its record was lost): it is given up, so that it
// cannot take a later record. The check guards the order; it never picks
// among candidates.
func (p *pairing) resolve(e *server.Exchange) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	q := p.byAddr[e.RemoteAddr]
	for len(q) > 0 {
		w := q[0]
		q = q[1:]
		late := !w.abandoned.IsZero()
		if w.method != e.Method || w.target != e.Target || w.cookie != e.IncomingCookie || late && p.now().Sub(w.abandoned) > lateRecord {
			if !late {
				close(w.done)
			}
			continue
		}
		if !late {
			rec := *e
			w.rec = &rec
			close(w.done)
		}
		p.set(e.RemoteAddr, q)
		return w.client
	}
	p.set(e.RemoteAddr, nil)
	return ""
}

func (p *pairing) set(addr string, q []*pending) {
	if len(q) == 0 {
		delete(p.byAddr, addr)
		return
	}
	p.byAddr[addr] = q
}

// abandon marks w as no longer waited for.
func (p *pairing) abandon(w *pending) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if w.abandoned.IsZero() {
		w.abandoned = p.now()
	}
}

// await waits until every hop that reached the server has its record, or
// recordWait has passed, or ctx is done, and fills in Record.
func (p *pairing) await(ctx context.Context, hops []Hop) {
	timer := time.NewTimer(recordWait)
	defer timer.Stop()
	expired := false
	for i := range hops {
		h := &hops[i]
		w := h.pending
		if w == nil {
			continue
		}
		h.pending = nil
		if !expired {
			select {
			case <-w.done:
			case <-timer.C:
				expired = true
			case <-ctx.Done():
				expired = true
			}
		}
		select {
		case <-w.done:
			h.Record = w.rec
		default:
			p.abandon(w)
		}
	}
}
