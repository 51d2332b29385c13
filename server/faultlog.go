package server

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formtest/formtest/server/sessionstore"
)

// StatusClientClosedRequest is the status recorded for a request whose
// client went away (its context was canceled) while the session store
// worked on it. Nobody receives the response; the number, nginx's 499,
// only names the case in logs and in the exchange stream. It is not a
// store failure, and is counted apart.
const StatusClientClosedRequest = 499

// faultLogEvery is how often a failure that keeps happening is logged
// again, with the number of times it happened meanwhile.
const faultLogEvery = 10 * time.Second

// StoreFailures counts requests the session store could not serve, by
// class, since the server started.
type StoreFailures struct {
	// Temporary failures (busy, locked, down, reconnecting) answered 503
	// with Retry-After.
	Temporary uint64
	// Permanent failures (read-only, corrupt, full, constraint, file gone)
	// answered 500.
	Permanent uint64
	// Canceled requests: the client went away before the store answered.
	// Not a failure of the store.
	Canceled uint64
}

// faultLog logs store failures without flooding the log: the first time a
// failure (backend, operation and class) happens it writes one line, and
// while it goes on at most one line per faultLogEvery, saying how many
// requests failed the same way since. When the store answers again after
// failing it says so once.
type faultLog struct {
	log   *slog.Logger
	now   func() time.Time
	every time.Duration

	failing atomic.Bool // read on every successful store use
	counts  struct{ temporary, permanent, canceled atomic.Uint64 }

	mu    sync.Mutex
	seen  map[faultKey]*faultState
	since time.Time // when the current run of failures began
	total uint64    // failures in the current run
}

type faultKey struct {
	kind, op string
	fault    sessionstore.Fault
}

type faultState struct {
	logged  time.Time // when a line was last written
	repeats uint64    // failures since that line
}

func newFaultLog(log *slog.Logger) *faultLog {
	return &faultLog{log: log, now: time.Now, every: faultLogEvery, seen: make(map[faultKey]*faultState)}
}

// canceled counts a request whose client went away, logged at debug level.
func (f *faultLog) canceled(ctx context.Context, ue *sessionstore.UnavailableError, method, path string) {
	f.counts.canceled.Add(1)
	f.log.DebugContext(ctx, "request canceled by its client while the session store worked (not a store failure)",
		"store", ue.Kind, "op", ue.Op, "method", method, "path", path)
}

// failed records a store failure and logs it unless the same failure was
// logged less than f.every ago.
func (f *faultLog) failed(ctx context.Context, ue *sessionstore.UnavailableError, method, path string) {
	temporary := ue.Temporary()
	if temporary {
		f.counts.temporary.Add(1)
	} else {
		f.counts.permanent.Add(1)
	}
	now := f.now()
	k := faultKey{ue.Kind, ue.Op, ue.Fault}
	f.mu.Lock()
	if !f.failing.Load() {
		f.since = now
		f.failing.Store(true)
	}
	f.total++
	st := f.seen[k]
	if st == nil {
		st = &faultState{}
		f.seen[k] = st
	} else if now.Sub(st.logged) < f.every {
		st.repeats++
		f.mu.Unlock()
		return
	}
	repeats := st.repeats
	st.logged, st.repeats = now, 0
	f.mu.Unlock()

	msg, answer := "session store unavailable", "503, try again"
	if !temporary {
		msg, answer = "session store failing", "500, no retry until it is fixed"
	}
	attrs := []any{"store", ue.Kind, "op", ue.Op, "fault", ue.Fault.String(), "answer", answer, "err", ue.Err, "method", method, "path", path}
	if repeats > 0 {
		attrs = append(attrs, "repeats", repeats, "repeats_in", f.every.String())
	}
	f.log.ErrorContext(ctx, msg, attrs...)
}

// ok records that the store did ops (such as "load" and "row") without
// failing. Failures of those ops are over; once no failure goes on, it
// logs, once, that the store answers again. A store that reads but cannot
// write is still failing.
func (f *faultLog) ok(ctx context.Context, ops ...string) {
	if !f.failing.Load() {
		return
	}
	f.mu.Lock()
	for k := range f.seen {
		if slices.Contains(ops, k.op) {
			delete(f.seen, k)
		}
	}
	if len(f.seen) > 0 || !f.failing.Load() {
		f.mu.Unlock()
		return
	}
	f.failing.Store(false)
	total, since := f.total, f.since
	f.total = 0
	f.mu.Unlock()
	f.log.InfoContext(ctx, "session store answering again", "failed_requests", total, "outage", f.now().Sub(since).Round(time.Millisecond).String())
}

func (f *faultLog) snapshot() StoreFailures {
	return StoreFailures{
		Temporary: f.counts.temporary.Load(),
		Permanent: f.counts.permanent.Load(),
		Canceled:  f.counts.canceled.Load(),
	}
}
