// Package redistest gives tests a real Redis server.
//
// Start uses the server named by $FORMTEST_REDIS_URL when it is set.
// Otherwise it runs its own redis-server from PATH on a free loopback port,
// one per call, and kills it when the test ends. When neither is available
// the test is skipped, or fails if $FORMTEST_REQUIRE_REDIS is 1.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a Redis server for one test.
type Server struct {
	// URL is the server's redis:// URL, with a database number.
	URL string

	tb       testing.TB
	port     int
	dir      string
	mu       sync.Mutex
	cmd      *exec.Cmd
	waitErr  chan error
	logs     *syncBuffer
	external bool
}

// Start returns a Redis server for tb and its URL.
//
// With $FORMTEST_REDIS_URL set, that server is used, and the database the
// URL names is emptied with FLUSHDB at every Start, so point it at a
// scratch database, and run packages one at a time (go test -p 1) so that
// one package's FLUSHDB does not wipe another's keys. Restart and Stop
// cannot control such a server, so they skip the test.
//
// Otherwise Start runs redis-server on a free 127.0.0.1 port, without
// persistence, waits until it answers PING, and kills it in tb.Cleanup.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if u := os.Getenv("FORMTEST_REDIS_URL"); u != "" {
		s := &Server{URL: u, tb: tb, external: true}
		s.flush()
		return s
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		const missing = "redis-server not found on PATH (Debian: apt-get install redis-server) and FORMTEST_REDIS_URL unset"
		if os.Getenv("FORMTEST_REQUIRE_REDIS") == "1" {
			tb.Fatal(missing + ", but FORMTEST_REQUIRE_REDIS=1 requires the Redis tests")
		}
		tb.Skip(missing + "; skipping Redis tests")
	}
	s := &Server{tb: tb, dir: tb.TempDir(), logs: &syncBuffer{}}
	tb.Cleanup(s.kill)
	// A free port can be taken between choosing it and redis-server
	// binding it; try a few.
	for attempt := 0; ; attempt++ {
		s.port = freePort(tb)
		err := s.start(bin)
		if err == nil {
			break
		}
		if attempt == 4 {
			tb.Fatalf("redistest: %v\nredis-server output:\n%s", err, s.logs.String())
		}
	}
	s.URL = "redis://127.0.0.1:" + strconv.Itoa(s.port) + "/0"
	return s
}

// Restart kills the server and starts a new, empty one on the same port, as
// a Redis that crashed and came back. It skips the test for an external
// server.
func (s *Server) Restart() {
	s.tb.Helper()
	if s.external {
		s.tb.Skip("redistest: cannot restart the server at FORMTEST_REDIS_URL")
	}
	s.kill()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		s.tb.Fatalf("redistest: restart: %v", err)
	}
	if err := s.start(bin); err != nil {
		s.tb.Fatalf("redistest: restart: %v\nredis-server output:\n%s", err, s.logs.String())
	}
}

// Stop kills the server, as a Redis that went down. It skips the test for an
// external server.
func (s *Server) Stop() {
	s.tb.Helper()
	if s.external {
		s.tb.Skip("redistest: cannot stop the server at FORMTEST_REDIS_URL")
	}
	s.kill()
}

func (s *Server) start(bin string) error {
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
	)
	cmd.Stdout = s.logs
	cmd.Stderr = s.logs
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	s.mu.Lock()
	s.cmd, s.waitErr = cmd, waitErr
	s.mu.Unlock()

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-waitErr:
			waitErr <- err // for kill
			return fmt.Errorf("redis-server on port %d exited: %v", s.port, err)
		default:
		}
		if ping(addr) == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.kill()
	return fmt.Errorf("redis-server on port %d did not answer PING within 10s", s.port)
}

// kill stops the server started by start, if it is running, and waits for
// it to exit.
func (s *Server) kill() {
	s.mu.Lock()
	cmd, waitErr := s.cmd, s.waitErr
	s.cmd, s.waitErr = nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-waitErr
}

// flush empties the external server's database.
func (s *Server) flush() {
	s.tb.Helper()
	opts, err := redis.ParseURL(s.URL)
	if err != nil {
		s.tb.Fatalf("redistest: FORMTEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.FlushDB(ctx).Err(); err != nil {
		s.tb.Fatalf("redistest: FLUSHDB on FORMTEST_REDIS_URL: %v", err)
	}
}

// ping sends PING in RESP to addr and checks for +PONG.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("redistest: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer is a bytes.Buffer safe for the writes of exec's copying
// goroutines and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
