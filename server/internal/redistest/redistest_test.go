package redistest

import (
	"net"
	"net/url"
	"testing"
)

func TestStartStopRestart(t *testing.T) {
	s := Start(t)
	u, err := url.Parse(s.URL)
	if err != nil || u.Scheme != "redis" {
		t.Fatalf("URL = %q, want redis://HOST:PORT/DB", s.URL)
	}
	if s.external {
		t.Skip("FORMTEST_REDIS_URL is set; Stop and Restart cannot be tested")
	}
	if err := ping(u.Host); err != nil {
		t.Fatalf("PING after Start: %v", err)
	}
	s.Stop()
	if err := ping(u.Host); err == nil {
		t.Fatal("PING answered after Stop")
	}
	s.Stop() // stopping twice is harmless
	s.Restart()
	if err := ping(u.Host); err != nil {
		t.Fatalf("PING after Restart: %v", err)
	}
	if h, _, _ := net.SplitHostPort(u.Host); h != "127.0.0.1" {
		t.Errorf("host = %q, want 127.0.0.1", h)
	}
}
