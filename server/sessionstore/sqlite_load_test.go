package sessionstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSQLiteNoWriteLostUnderLoad posts from 100 goroutines at once, as
// serve's handlers do under wrk at c=100, with the default options. Every
// write must land: a session store for one machine must not lose a write
// to its own concurrency.
func TestSQLiteNoWriteLostUnderLoad(t *testing.T) {
	ctx := context.Background()
	s := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{})
	const workers, each = 100, 30
	exp := time.Now().Add(time.Hour)
	var (
		wg     sync.WaitGroup
		failed atomic.Int64
		first  atomic.Value
	)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				err := s.Save(ctx, id, []byte(id), exp)
				if err == nil {
					_, _, err = s.Load(ctx, id)
				}
				if err != nil {
					failed.Add(1)
					first.CompareAndSwap(nil, err)
				}
			}
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d writes failed under load; first: %v", n, workers*each, first.Load())
	}
	for w := range workers {
		for i := range each {
			id := fmt.Sprintf("w%d-%d", w, i)
			if data, ok, err := s.Load(ctx, id); !ok || err != nil || string(data) != id {
				t.Fatalf("Load(%s) = %q, %v, %v after the load", id, data, ok, err)
			}
		}
	}
}

func TestSQLiteSyncSpec(t *testing.T) {
	dir := t.TempDir()
	for spec, want := range map[string]int{
		"sqlite:" + filepath.Join(dir, "full.db"):                    2,
		"sqlite:" + filepath.Join(dir, "full2.db") + "?sync=full":    2,
		"sqlite:" + filepath.Join(dir, "normal.db") + "?sync=normal": 1,
	} {
		b, err := Open(t.Context(), spec)
		if err != nil {
			t.Fatalf("Open(%s): %v", spec, err)
		}
		s := b.(*SQLite)
		var got int
		if err := s.w.QueryRowContext(t.Context(), "PRAGMA synchronous").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Open(%s): synchronous = %d, want %d", spec, got, want)
		}
		s.Close()
	}
	for _, spec := range []string{"sqlite:x.db?sync=off", "sqlite:?sync=normal"} {
		if err := CheckSpec(spec); err == nil {
			t.Errorf("CheckSpec(%q) = nil, want an error", spec)
		}
	}
	// Any other "?" is part of the file name.
	odd := filepath.Join(dir, "a?b.db")
	b, err := Open(t.Context(), "sqlite:"+odd)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := os.Stat(odd); err != nil {
		t.Errorf("sqlite:%s did not create that file: %v", odd, err)
	}
}

// TestSQLiteBadWriteFailsAlone queues a failing statement among many good
// writes, which the writer commits in batches: only the bad one fails.
func TestSQLiteBadWriteFailsAlone(t *testing.T) {
	ctx := context.Background()
	s := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{})
	exp := time.Now().Add(time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Go(func() {
			if i%50 == 7 {
				if _, err := s.write(ctx, "save", `INSERT INTO sessions (id, data, expires) VALUES (NULL, NULL, NULL)`); err == nil {
					errs <- fmt.Errorf("a NOT NULL violation was written")
				} else if f, _ := faultOf(err); f != FaultConstraint {
					errs <- fmt.Errorf("the bad write failed with %v (fault %v), want FaultConstraint", err, f)
				}
				return
			}
			id := fmt.Sprint("id", i)
			if err := s.Save(ctx, id, []byte(id), exp); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sessions`).Scan(&n); err != nil || n != 196 {
		t.Errorf("%d rows (%v), want the 196 good writes", n, err)
	}
}
