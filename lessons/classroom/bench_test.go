package classroom

import (
	"fmt"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// classSizes are the class sizes the benchmarks measure.
var classSizes = []int{30, 300, 3000}

// BenchmarkAdd measures taking in one observation, the clients of a class
// taking turns, with the default bounds (so at 3,000 clients every row has
// its full 16 exchanges until the 4,096 in all run out).
func BenchmarkAdd(b *testing.B) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, n := range classSizes {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			m := New(Options{})
			obs := make([]engine.Observation, n)
			for i := range obs {
				obs[i] = observation(addr(i), firefox, t0)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Add(obs[i%n])
				i++
			}
		})
	}
}

// BenchmarkRows measures the snapshot a view draws from: every row,
// sorted and labelled, and the stage's summary.
func BenchmarkRows(b *testing.B) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, n := range classSizes {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			m := New(Options{})
			for i := range n {
				m.Add(observation(addr(i), firefox, t0.Add(time.Duration(i)*time.Millisecond)))
			}
			b.ReportAllocs()
			for b.Loop() {
				if rows := m.Rows(); len(rows) != n {
					b.Fatalf("%d rows", len(rows))
				}
				m.Summary(server.StageTemplate)
			}
		})
	}
}

// BenchmarkRow measures one row looked up, as the plain class log does
// for every request.
func BenchmarkRow(b *testing.B) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, n := range classSizes {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			m := New(Options{})
			for i := range n {
				m.Add(observation(addr(i), firefox, t0.Add(time.Duration(i)*time.Millisecond)))
			}
			k := Key{addr(n / 2), "Firefox"}
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := m.Row(k); !ok {
					b.Fatal("no row")
				}
			}
		})
	}
}

// BenchmarkAddWithChallenges is BenchmarkAdd with the class tracker the
// tutor gives the model (check.NewClassTracker), each request carrying
// the session cookie the server set for its client and getting it again,
// as a class on the session stage does.
func BenchmarkAddWithChallenges(b *testing.B) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ls, err := lessons.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}})
	if err != nil {
		b.Fatal(err)
	}
	e, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: "http://127.0.0.1:1"})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	course, err := check.Embedded(e.Stages())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range classSizes {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			m := New(Options{Challenges: check.NewClassTracker(course, nil)})
			obs := make([]engine.Observation, n)
			for i := range obs {
				o := observation(addr(i), firefox, t0)
				v := fmt.Sprintf("MTc2NzIyNTY2MHxEdi1CQkFFQ180SUFBUkFCRUFBQV8tMzNfNEFBQWc9PXw%08d", i)
				o.Exchange.Target, o.Exchange.IncomingCookie = "/show", v
				o.Exchange.In = &server.DecodedCookie{Value: v, Result: &cookiecodec.Result{Signature: cookiecodec.Valid}}
				o.Exchange.Out = []server.DecodedCookie{{Value: v, Result: &cookiecodec.Result{Signature: cookiecodec.Valid}}}
				o.Exchange.Session = map[string]any{"name": "Ann", "email": "ann@example.com"}
				obs[i] = o
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Add(obs[i%n])
				i++
			}
		})
	}
}
