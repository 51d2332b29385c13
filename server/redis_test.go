package server

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formtest/formtest/server/internal/redistest"
	"github.com/formtest/formtest/server/sessionstore"
)

// openRedis connects to rs, closing the connection when the test ends.
func openRedis(t testing.TB, rs *redistest.Server) sessionstore.Backend {
	t.Helper()
	b, err := sessionstore.Open(t.Context(), rs.URL)
	if err != nil {
		t.Fatalf("open redis: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// TestRedisSharedByTwoServers moves a session between two servers that
// share one Redis: the session is created on the first and read, changed
// and ended on the second, as behind a load balancer.
func TestRedisSharedByTwoServers(t *testing.T) {
	rs := redistest.Start(t)
	key := [][]byte{[]byte("shared-key-0123456789abcdef0123456789")}
	_, tsA, c := newTestServer(t, Config{Keys: key, Backend: openRedis(t, rs)})
	b, tsB, _ := newTestServer(t, Config{Keys: key, Backend: openRedis(t, rs), Stage: StageSession})
	if r := postForm(t, c, tsA.URL+"/users", lessonForm()); r.status != http.StatusFound {
		t.Fatalf("POST /users on A = %d %s", r.status, r.body)
	}
	// The jar sends 127.0.0.1's cookie to B too: cookies ignore the port.
	if r := get(t, c, tsB.URL+"/show"); r.status != http.StatusOK || !strings.Contains(r.body, "ada@example.com") {
		t.Fatalf("GET /show on B = %d: the session did not move\n%s", r.status, r.body)
	}
	form := lessonForm()
	form.Set("name", "Grace")
	if r := postForm(t, c, tsB.URL+"/users", form); r.status != http.StatusFound {
		t.Fatalf("POST /users on B = %d", r.status)
	}
	if r := get(t, c, tsA.URL+"/show"); !strings.Contains(r.body, "Grace") {
		t.Fatalf("A does not see B's change: %s", r.body)
	}
	sub := b.Subscribe(4)
	defer sub.Close()
	get(t, c, tsB.URL+"/show")
	e := <-sub.C
	if e.Stored == nil || !strings.HasPrefix(e.Stored.Row.Where, "redis key formtest:session:") || e.Stored.Values["name"] != "Grace" {
		t.Fatalf("B's exchange shows the row %+v", e.Stored)
	}
	req, _ := http.NewRequest(http.MethodPost, tsB.URL+"/logout", nil)
	do(t, c, req)
	if r := get(t, c, tsA.URL+"/show"); !strings.Contains(r.body, "No user in this session") {
		t.Fatalf("after logging out on B, A still has the session: %s", r.body)
	}
}

// TestRedisDownIs503AndRecovers stops Redis under a running server, then
// brings it back.
func TestRedisDownIs503AndRecovers(t *testing.T) {
	rs := redistest.Start(t)
	var logged strings.Builder
	var logMu sync.Mutex
	_, ts, c := newTestServer(t, Config{Backend: openRedis(t, rs), Logger: testLogger(&logMu, &logged)})
	if r := postForm(t, c, ts.URL+"/users", lessonForm()); r.status != http.StatusFound {
		t.Fatalf("POST /users = %d", r.status)
	}
	rs.Stop()
	for range 200 {
		if r := get(t, c, ts.URL+"/show"); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "try again") || strings.Contains(r.body, "127.0.0.1") {
			t.Fatalf("with Redis down GET /show = %d\n%s", r.status, r.body)
		}
	}
	logMu.Lock()
	if n := strings.Count(logged.String(), "level=ERROR"); n != 1 {
		t.Errorf("200 requests with Redis down wrote %d ERROR lines, want 1:\n%s", n, logged.String())
	}
	logMu.Unlock()
	rs.Restart() // an empty Redis: the old session is gone, as after a crash without persistence
	// After as many failed dials as its pool has connections, go-redis
	// dials again only once a second, so the first requests may still get
	// the 503 (and its Retry-After) for up to a second.
	back := time.Now()
	deadline := back.Add(5 * time.Second)
	for {
		r := postForm(t, c, ts.URL+"/users", lessonForm())
		if r.status == http.StatusFound {
			t.Logf("POST /users answered 302 %v after Redis came back", time.Since(back).Round(time.Millisecond))
			break
		}
		if r.status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("after Redis came back POST /users = %d %s", r.status, r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	logMu.Lock()
	if !strings.Contains(logged.String(), `msg="session store answering again"`) {
		t.Errorf("no line saying the store is back:\n%s", logged.String())
	}
	logMu.Unlock()
	if r := get(t, c, ts.URL+"/show"); r.status != http.StatusOK || !strings.Contains(r.body, "Ada") {
		t.Fatalf("after Redis came back GET /show = %d", r.status)
	}
}
