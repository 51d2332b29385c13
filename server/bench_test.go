package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/formtest/formtest/server/baseline"
	"github.com/formtest/formtest/server/internal/redistest"
	"github.com/formtest/formtest/server/sessionstore"
)

// BenchmarkRoutes measures each route of formtest's server, unobserved, next
// to the baseline server doing the same with nothing else:
//
//	go test ./server -run '^$' -bench Routes -benchmem
func BenchmarkRoutes(b *testing.B) {
	key := []byte(LessonKey)
	s, err := New(Config{Keys: [][]byte{key}, Stage: StageTemplate})
	if err != nil {
		b.Fatal(err)
	}
	handlers := []struct {
		name string
		h    http.Handler
	}{{"formtest", s}, {"baseline", baseline.Handler(key, s.pages)}}
	for _, h := range handlers {
		cookie := sessionCookie(b, h.h)
		b.Run(h.name+"/GET_index", func(b *testing.B) {
			benchRequest(b, h.h, func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, http.StatusOK)
		})
		b.Run(h.name+"/POST_users", func(b *testing.B) {
			benchRequest(b, h.h, func() *http.Request { return formRequest(lessonForm()) }, http.StatusFound)
		})
		b.Run(h.name+"/GET_show", func(b *testing.B) {
			benchRequest(b, h.h, func() *http.Request {
				r := httptest.NewRequest(http.MethodGet, "/show", nil)
				r.AddCookie(cookie)
				return r
			}, http.StatusOK)
		})
	}
}

// BenchmarkObserved is GET /show with one subscriber listening, the cost
// of the exchange stream that serve's log and the tutor read.
func BenchmarkObserved(b *testing.B) {
	s, err := New(Config{Keys: [][]byte{[]byte(LessonKey)}, Stage: StageTemplate})
	if err != nil {
		b.Fatal(err)
	}
	sub := s.Subscribe(1024)
	defer sub.Close()
	go func() {
		for range sub.C {
		}
	}()
	cookie := sessionCookie(b, s)
	benchRequest(b, s, func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/show", nil)
		r.AddCookie(cookie)
		return r
	}, http.StatusOK)
}

func sessionCookie(b *testing.B, h http.Handler) *http.Cookie {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, formRequest(lessonForm()))
	c, err := http.ParseSetCookie(rec.Header().Get("Set-Cookie"))
	if err != nil {
		b.Fatalf("no session cookie: %v", err)
	}
	return c
}

func benchRequest(b *testing.B, h http.Handler, req func() *http.Request, status int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req())
		if rec.Code != status {
			b.Fatalf("status %d, want %d: %s", rec.Code, status, strings.TrimSpace(rec.Body.String()))
		}
	}
}

// BenchmarkHTTP sends GET / over real loopback connections to each server,
// in parallel, so net/http's own work is counted as well:
//
//	go test ./server -run '^$' -bench HTTP -count 6 | benchstat -
func BenchmarkHTTP(b *testing.B) {
	key := []byte(LessonKey)
	s, err := New(Config{Keys: [][]byte{key}, Stage: StageTemplate})
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"formtest", s}, {"baseline", baseline.Handler(key, s.pages)}} {
		b.Run(h.name+"/GET_index", func(b *testing.B) {
			ts := httptest.NewServer(h.h)
			defer ts.Close()
			c := ts.Client()
			c.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					res, err := c.Get(ts.URL + "/")
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			})
		})
	}
}

// BenchmarkStores measures the three routes with the session kept
// in each place formtest can keep it: a signed cookie, an encrypted cookie,
// a SQLite row and a Redis key (skipped without redis-server):
//
//	go test ./server -run '^$' -bench Stores -benchmem
func BenchmarkStores(b *testing.B) {
	key := [][]byte{[]byte(LessonKey)}
	setups := []struct {
		name    string
		storage Storage
		backend func(b *testing.B) sessionstore.Backend
	}{
		{"cookie_signed", StorageSigned, nil},
		{"cookie_encrypted", StorageEncrypted, nil},
		{"sqlite", StorageServer, func(b *testing.B) sessionstore.Backend {
			db, err := sessionstore.Open(b.Context(), "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		}},
		{"redis", StorageServer, func(b *testing.B) sessionstore.Backend { return openRedis(b, redistest.Start(b)) }},
	}
	for _, st := range setups {
		b.Run(st.name, func(b *testing.B) {
			cfg := Config{Keys: key, Stage: StageTemplate, Storage: st.storage}
			if st.backend != nil {
				cfg.Backend = st.backend(b)
			}
			s, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			cookie := sessionCookie(b, s)
			b.Run("GET_index", func(b *testing.B) {
				benchRequest(b, s, func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, http.StatusOK)
			})
			b.Run("POST_users", func(b *testing.B) {
				benchRequest(b, s, func() *http.Request { return formRequest(lessonForm()) }, http.StatusFound)
			})
			b.Run("GET_show", func(b *testing.B) {
				benchRequest(b, s, func() *http.Request {
					r := httptest.NewRequest(http.MethodGet, "/show", nil)
					r.AddCookie(cookie)
					return r
				}, http.StatusOK)
			})
		})
	}
}
