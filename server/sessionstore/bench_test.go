package sessionstore

import (
	"context"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formtest/formtest/server/internal/redistest"
)

// BenchmarkBackend measures one Save and one Load of a typical session (the
// lesson's name and email) against each backend.
func BenchmarkBackend(b *testing.B) {
	data, err := Encode(map[any]any{"name": "Ada Lovelace", "email": "ada@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	open := map[string]func(*testing.B) Backend{
		"sqlite": func(b *testing.B) Backend {
			return openTestSQLite(b, filepath.Join(b.TempDir(), "s.db"), SQLiteOptions{})
		},
		"redis": func(b *testing.B) Backend {
			return openTestRedis(b, redistest.Start(b).URL)
		},
	}
	for _, kind := range []string{"sqlite", "redis"} {
		b.Run(kind, func(b *testing.B) {
			be := open[kind](b)
			ctx := context.Background()
			exp := time.Now().Add(time.Hour)
			b.Run("save", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if err := be.Save(ctx, "id"+strconv.Itoa(i%1000), data, exp); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("load", func(b *testing.B) {
				for i := range 1000 {
					if err := be.Save(ctx, "id"+strconv.Itoa(i), data, exp); err != nil {
						b.Fatal(err)
					}
				}
				i := 0
				for b.Loop() {
					if _, ok, err := be.Load(ctx, "id"+strconv.Itoa(i%1000)); !ok || err != nil {
						b.Fatalf("Load = %v, %v", ok, err)
					}
					i++
				}
			})
		})
	}
}

// BenchmarkSQLiteParallelSave saves from 100 goroutines at once (50 per
// GOMAXPROCS on this 2-core machine), as serve's handlers do under load:
// the writer commits what is waiting in one transaction, so the cost of a
// flush to disk is shared.
func BenchmarkSQLiteParallelSave(b *testing.B) {
	data, err := Encode(map[any]any{"name": "Ada Lovelace", "email": "ada@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	s := openTestSQLite(b, filepath.Join(b.TempDir(), "s.db"), SQLiteOptions{})
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	var n atomic.Int64
	b.SetParallelism(50)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Save(ctx, "id"+strconv.FormatInt(n.Add(1)%10000, 10), data, exp); err != nil {
				b.Fatal(err)
			}
		}
	})
}
