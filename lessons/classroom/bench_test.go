package classroom

import (
	"fmt"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
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
