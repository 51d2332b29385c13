package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing, so a benchmark
// measures the handler and not the recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }

// BenchmarkBudget measures classroom mode's budget alone, in front of a
// handler that does nothing, with a class of 30, 300 and 3,000 addresses
// taking turns: "allowed" has budget to spare, "refused" has spent it (the
// 429 path a flood takes).
//
//	go test ./server -run '^$' -bench Budget -benchmem
func BenchmarkBudget(b *testing.B) {
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, tc := range []struct {
		name  string
		class Classroom
	}{
		{"allowed", Classroom{Rate: 1e9, Burst: 1e9}},
		{"refused", Classroom{Rate: 1e-9, Burst: 1}},
	} {
		for _, n := range []int{30, 300, 3000} {
			b.Run(fmt.Sprintf("%s/clients=%d", tc.name, n), func(b *testing.B) {
				s, err := New(Config{Keys: [][]byte{[]byte(LessonKey)}, Classroom: &tc.class})
				if err != nil {
					b.Fatal(err)
				}
				h := s.budget(noop)
				reqs := classRequests(n)
				w := &discardWriter{h: make(http.Header)}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					clear(w.h)
					h.ServeHTTP(w, reqs[i%n])
					i++
				}
			})
		}
	}
}

// BenchmarkClassroomIndex is GET / through the whole server with and
// without classroom mode, from 300 addresses, to show what the budget adds
// to a real request.
func BenchmarkClassroomIndex(b *testing.B) {
	for _, tc := range []struct {
		name  string
		class *Classroom
	}{{"off", nil}, {"on", &Classroom{Rate: 1e9, Burst: 1e9}}} {
		b.Run(tc.name, func(b *testing.B) {
			s, err := New(Config{Keys: [][]byte{[]byte(LessonKey)}, Classroom: tc.class})
			if err != nil {
				b.Fatal(err)
			}
			reqs := classRequests(300)
			w := &discardWriter{h: make(http.Header)}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				clear(w.h)
				s.ServeHTTP(w, reqs[i%len(reqs)])
				if w.status != 0 && w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
				i++
			}
		})
	}
}

// classRequests returns n requests for GET /, each from an address of its
// own (10.0.0.0 and on).
func classRequests(n int) []*http.Request {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/", nil)
		reqs[i].RemoteAddr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 40000).String()
	}
	return reqs
}
