package sessionstore

import (
	"cmp"
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formtest/formtest/server/internal/redistest"
)

func openTestRedis(t testing.TB, url string) *Redis {
	t.Helper()
	r, err := OpenRedis(context.Background(), url)
	if err != nil {
		t.Fatalf("OpenRedis: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRedisBackend(t *testing.T) {
	srv := redistest.Start(t)
	r := openTestRedis(t, srv.URL)
	if r.Kind() != "redis" {
		t.Errorf("Kind() = %q, want redis", r.Kind())
	}
	testBackend(t, r)

	ctx := context.Background()
	if err := r.Save(ctx, "w", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	row, _, _ := r.Row(ctx, "w")
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	db := cmp.Or(strings.TrimPrefix(u.Path, "/"), "0")
	if want := "redis key formtest:session:w at " + u.Host + "/" + db; row.Where != want {
		t.Errorf("Row.Where = %q, want %q", row.Where, want)
	}
}

func TestRedisExpiry(t *testing.T) {
	srv := redistest.Start(t)
	r := openTestRedis(t, srv.URL)
	ctx := context.Background()
	if err := r.Save(ctx, "a", []byte("x"), time.Now().Add(150*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := r.Load(ctx, "a"); !ok || err != nil {
		t.Fatalf("Load before expiry = %v, %v; want true, nil", ok, err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, ok, err := r.Load(ctx, "a"); ok || err != nil {
		t.Errorf("Load after expiry = %v, %v; want false, nil", ok, err)
	}
}

func TestRedisDownAndRecovery(t *testing.T) {
	srv := redistest.Start(t)
	r := openTestRedis(t, srv.URL)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	if err := r.Save(ctx, "a", []byte("x"), exp); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	start := time.Now()
	var ue *UnavailableError
	if _, _, err := r.Load(ctx, "a"); !errors.As(err, &ue) || ue.Kind != "redis" || ue.Op != "load" {
		t.Errorf("Load with Redis down = %v, want *UnavailableError redis/load", err)
	}
	if err := r.Save(ctx, "a", []byte("y"), exp); !errors.As(err, &ue) || ue.Op != "save" {
		t.Errorf("Save with Redis down = %v, want *UnavailableError save", err)
	}
	if err := r.Delete(ctx, "a"); !errors.As(err, &ue) || ue.Op != "delete" {
		t.Errorf("Delete with Redis down = %v, want *UnavailableError delete", err)
	}
	if _, _, err := r.Row(ctx, "a"); !errors.As(err, &ue) || ue.Op != "row" {
		t.Errorf("Row with Redis down = %v, want *UnavailableError row", err)
	}
	// Enough failures that go-redis stops dialing on each call and probes
	// in the background instead.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 10 {
				if _, _, err := r.Load(ctx, "a"); !errors.As(err, new(*UnavailableError)) {
					t.Errorf("Load with Redis down = %v, want *UnavailableError", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("204 calls against a down Redis took %v, want a few seconds at most", d)
	}

	// Redis comes back (empty: it has no persistence); the same client
	// reconnects without being reopened.
	t.Logf("%v of calls against a down Redis", time.Since(start))
	srv.Restart()
	restarted := time.Now()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := r.Save(ctx, "b", []byte("z"), exp)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Save still failing 10s after Redis restarted: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("recovered %v after the restart", time.Since(restarted))
	if data, ok, err := r.Load(ctx, "b"); !ok || err != nil || string(data) != "z" {
		t.Errorf("Load after recovery = %q, %v, %v; want \"z\", true, nil", data, ok, err)
	}
}

func TestOpenRedisDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now

	start := time.Now()
	b, err := Open(context.Background(), "redis://127.0.0.1:"+strconv.Itoa(port)+"/3")
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Kind != "redis" || ue.Op != "open" || b != nil {
		t.Fatalf("Open(down redis) = %v, %v; want nil, *UnavailableError redis/open", b, err)
	}
	if !strings.HasPrefix(err.Error(), "redis store unavailable: open: ") {
		t.Errorf("error = %q", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open against a down Redis took %v", d)
	}
}

func TestOpenRedisBadURL(t *testing.T) {
	_, err := OpenRedis(context.Background(), "redis://u:hunter2@h:notaport/x")
	if err == nil {
		t.Fatal("OpenRedis(bad URL) succeeded")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
	var ue *UnavailableError
	if errors.As(err, &ue) {
		t.Errorf("bad URL is %v, an *UnavailableError; want a plain error", err)
	}
}
