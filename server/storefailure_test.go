package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formtest/formtest/server/sessionstore"
)

// TestPermanentStoreFailureIs500WithoutRetry takes the store down with a
// failure that will not pass (a read-only database): the answer is a 500
// page that promises no retry, not a 503 saying "in a few seconds".
func TestPermanentStoreFailureIs500WithoutRetry(t *testing.T) {
	for _, fault := range []sessionstore.Fault{sessionstore.FaultReadOnly, sessionstore.FaultCorrupt, sessionstore.FaultConstraint, sessionstore.FaultFull, sessionstore.FaultGone} {
		t.Run(fault.String(), func(t *testing.T) {
			db := &flakyBackend{fault: fault}
			_, ts, c := newTestServer(t, Config{Backend: db})
			if r := postForm(t, c, ts.URL+"/users", lessonForm()); r.status != http.StatusFound {
				t.Fatalf("POST /users = %d", r.status)
			}
			db.down.Store(true)
			for _, r := range []response{get(t, c, ts.URL+"/show"), postForm(t, c, ts.URL+"/users", lessonForm())} {
				if r.status != http.StatusInternalServerError {
					t.Errorf("with a %v store: %d, want 500", fault, r.status)
				}
				if r.header.Get("Retry-After") != "" || strings.Contains(r.body, "few seconds") {
					t.Errorf("a permanent failure promises a retry: Retry-After %q\n%s", r.header.Get("Retry-After"), r.body)
				}
				if !strings.Contains(r.body, "will not help") || strings.Contains(r.body, "connection refused") {
					t.Errorf("page for a %v store:\n%s", fault, r.body)
				}
			}
		})
	}
}

// TestStoreOutageIsLoggedOncePerInterval sends 300 requests while the
// store is down: the log gets one line for each failing operation, one
// more per interval with the count of repeats, and one when the store is
// back, not one line per request.
func TestStoreOutageIsLoggedOncePerInterval(t *testing.T) {
	db := &flakyBackend{fault: sessionstore.FaultDown}
	var logged strings.Builder
	var logMu sync.Mutex
	s, ts, c := newTestServer(t, Config{Backend: db, Logger: testLogger(&logMu, &logged)})
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s.faults.now = clock.now
	if r := postForm(t, c, ts.URL+"/users", lessonForm()); r.status != http.StatusFound {
		t.Fatalf("POST /users = %d", r.status)
	}
	db.down.Store(true)
	for range 300 {
		if r := get(t, c, ts.URL+"/show"); r.status != http.StatusServiceUnavailable {
			t.Fatalf("with the store down GET /show = %d", r.status)
		}
	}
	clock.add(faultLogEvery)
	get(t, c, ts.URL+"/show")
	db.down.Store(false)
	clock.add(time.Second)
	if r := get(t, c, ts.URL+"/show"); r.status != http.StatusOK {
		t.Fatalf("after the store came back GET /show = %d", r.status)
	}
	get(t, c, ts.URL+"/show")

	logMu.Lock()
	log := logged.String()
	logMu.Unlock()
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d log lines for 301 failed requests, want 3 (first, repeat count, recovery):\n%s", len(lines), log)
	}
	for i, want := range []string{
		`level=ERROR msg="session store unavailable" store=flaky op=load fault=down`,
		`repeats=299 repeats_in=10s`,
		`level=INFO msg="session store answering again" failed_requests=301 outage=11s`,
	} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("log line %d = %q, want it to contain %q", i+1, lines[i], want)
		}
	}
	if got := s.StoreFailures(); got.Temporary != 301 || got.Permanent != 0 || got.Canceled != 0 {
		t.Errorf("StoreFailures() = %+v, want 301 temporary", got)
	}
}

// TestCanceledRequestIsNotAStoreOutage sends a request whose client has
// gone (its context is canceled) to a server on a real SQLite store: no
// ERROR line, no 503, and it is counted apart.
func TestCanceledRequestIsNotAStoreOutage(t *testing.T) {
	var logged strings.Builder
	var logMu sync.Mutex
	s, ts, c := newTestServer(t, Config{Backend: openSQLite(t, t.TempDir()+"/s.db"), Logger: testLogger(&logMu, &logged)})
	sub := s.Subscribe(8)
	defer sub.Close()
	r := postForm(t, c, ts.URL+"/users", lessonForm())
	if r.status != http.StatusFound {
		t.Fatalf("POST /users = %d", r.status)
	}
	<-sub.C
	req := httptest.NewRequest(http.MethodGet, "/show", nil)
	for _, ck := range c.Jar.Cookies(mustURL(t, ts.URL)) {
		req.AddCookie(ck)
	}
	ctx, cancel := context.WithCancel(req.Context())
	cancel() // the client is gone
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req.WithContext(ctx))

	if rec.Code == http.StatusServiceUnavailable {
		t.Errorf("a canceled request was answered 503, as if the store were down")
	}
	logMu.Lock()
	log := logged.String()
	logMu.Unlock()
	if strings.Contains(log, "ERROR") || strings.Contains(log, "unavailable") {
		t.Errorf("a canceled request was logged as a store failure:\n%s", log)
	}
	if got := s.StoreFailures(); got.Canceled != 1 || got.Temporary != 0 || got.Permanent != 0 {
		t.Errorf("StoreFailures() = %+v, want 1 canceled and no failure", got)
	}
	e := <-sub.C
	if e.Status != StatusClientClosedRequest {
		t.Errorf("exchange status = %d, want %d", e.Status, StatusClientClosedRequest)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
