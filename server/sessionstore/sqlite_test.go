package sessionstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTestSQLite(t testing.TB, path string, opts SQLiteOptions) *SQLite {
	t.Helper()
	s, err := OpenSQLite(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("OpenSQLite(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteBackend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	s := openTestSQLite(t, path, SQLiteOptions{})
	if s.Kind() != "sqlite" {
		t.Errorf("Kind() = %q, want sqlite", s.Kind())
	}
	testBackend(t, s)

	ctx := context.Background()
	if err := s.Save(ctx, "w", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	row, _, _ := s.Row(ctx, "w")
	if want := "sqlite table sessions in " + path; row.Where != want {
		t.Errorf("Row.Where = %q, want %q", row.Where, want)
	}
}

func TestSQLiteWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	openTestSQLite(t, path, SQLiteOptions{})
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestSQLitePersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := OpenSQLite(ctx, path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour)
	for i := range 10 {
		if err := s.Save(ctx, fmt.Sprint("id", i), []byte(fmt.Sprint("data", i)), exp); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	select {
	case <-s.done:
	default:
		t.Error("Close returned before the cleanup goroutine stopped")
	}

	s2 := openTestSQLite(t, path, SQLiteOptions{})
	for i := range 10 {
		data, ok, err := s2.Load(ctx, fmt.Sprint("id", i))
		if want := fmt.Sprint("data", i); err != nil || !ok || string(data) != want {
			t.Errorf("after reopen Load(id%d) = %q, %v, %v; want %q", i, data, ok, err, want)
		}
	}
}

func TestSQLiteExpiredRows(t *testing.T) {
	ctx := context.Background()
	s := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{CleanupInterval: time.Hour})
	if err := s.Save(ctx, "old", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "new", []byte("y"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Load(ctx, "old"); ok || err != nil {
		t.Errorf("Load(expired) = ok %v, err %v; want false, nil", ok, err)
	}
	// Until cleanup runs the row is still there, and Row shows it.
	row, ok, err := s.Row(ctx, "old")
	if !ok || err != nil || !row.Expires.Before(time.Now()) {
		t.Errorf("Row(expired) = %+v, %v, %v; want the row with a past expiry", row, ok, err)
	}
	n, err := s.DeleteExpired(ctx)
	if n != 1 || err != nil {
		t.Errorf("DeleteExpired = %d, %v; want 1, nil", n, err)
	}
	if _, ok, _ := s.Row(ctx, "old"); ok {
		t.Error("expired row still present after DeleteExpired")
	}
	if _, ok, _ := s.Load(ctx, "new"); !ok {
		t.Error("DeleteExpired removed a live row")
	}
}

func TestSQLiteCleanupGoroutine(t *testing.T) {
	ctx := context.Background()
	s := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{CleanupInterval: 10 * time.Millisecond})
	if err := s.Save(ctx, "old", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "new", []byte("y"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, ok, err := s.Row(ctx, "old")
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cleanup did not delete the expired row within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, ok, _ := s.Row(ctx, "new"); !ok {
		t.Error("cleanup removed a live row")
	}
}

func TestSQLiteConcurrentSaves(t *testing.T) {
	ctx := context.Background()
	s := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{BusyTimeout: 10 * time.Second})
	const workers, each = 8, 25
	exp := time.Now().Add(time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := s.Save(ctx, id, []byte(id), exp); err != nil {
					errs <- err
				}
				// Everyone also fights over one row.
				if err := s.Save(ctx, "shared", []byte(id), exp); err != nil {
					errs <- err
				}
				if _, _, err := s.Load(ctx, "shared"); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent: %v", err)
	}
	for w := range workers {
		for i := range each {
			id := fmt.Sprintf("w%d-%d", w, i)
			if data, ok, err := s.Load(ctx, id); !ok || err != nil || string(data) != id {
				t.Errorf("Load(%s) = %q, %v, %v", id, data, ok, err)
			}
		}
	}
}

func TestSQLiteLocked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestSQLite(t, path, SQLiteOptions{BusyTimeout: 50 * time.Millisecond})
	if err := s.Save(ctx, "a", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	err = s.Save(ctx, "b", []byte("y"), time.Now().Add(time.Hour))
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Kind != "sqlite" || ue.Op != "save" {
		t.Fatalf("Save while locked = %v, want *UnavailableError sqlite/save", err)
	}
	if !strings.Contains(err.Error(), "locked") || !strings.HasPrefix(err.Error(), "sqlite store unavailable: save: ") {
		t.Errorf("error = %q, want \"sqlite store unavailable: save: ...locked...\"", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Save while locked took %v, want about the 50ms busy timeout", d)
	}
	if err := s.Delete(ctx, "a"); !errors.As(err, &ue) || ue.Op != "delete" {
		t.Errorf("Delete while locked = %v, want *UnavailableError delete", err)
	}

	// Once the lock is gone the store works again.
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "b", []byte("y"), time.Now().Add(time.Hour)); err != nil {
		t.Errorf("Save after unlock: %v", err)
	}
}

func TestSQLiteClosed(t *testing.T) {
	ctx := context.Background()
	s := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{})
	s.Close()
	_, _, err := s.Load(ctx, "a")
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Op != "load" {
		t.Errorf("Load after Close = %v, want *UnavailableError load", err)
	}
	if err := s.Save(ctx, "a", nil, time.Now().Add(time.Hour)); !errors.As(err, &ue) || ue.Op != "save" {
		t.Errorf("Save after Close = %v, want *UnavailableError save", err)
	}
	if _, _, err := s.Row(ctx, "a"); !errors.As(err, &ue) || ue.Op != "row" {
		t.Errorf("Row after Close = %v, want *UnavailableError row", err)
	}
}

func TestSQLiteMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	path := filepath.Join(dir, "s.db")
	s, err := OpenSQLite(context.Background(), path, SQLiteOptions{})
	if err == nil {
		s.Close()
		t.Fatal("OpenSQLite in a missing directory succeeded")
	}
	if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("error = %q, want it to say %s does not exist", err, dir)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenSQLite created %s", dir)
	}
}

func TestSQLiteOddPath(t *testing.T) {
	// Characters that mean something in a URI must reach the file name.
	path := filepath.Join(t.TempDir(), "a b?c#d%20.db")
	openTestSQLite(t, path, SQLiteOptions{}).Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at %q: %v", path, err)
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	b, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatalf("Open(sqlite:): %v", err)
	}
	defer b.Close()
	if _, ok := b.(*SQLite); !ok {
		t.Errorf("Open(sqlite:) = %T, want *SQLite", b)
	}

	for _, spec := range []string{"", "sqlite:", "postgres://u:hunter2@h/db", "redis:/x", "/tmp/x.db"} {
		b, err := Open(ctx, spec)
		if err == nil || b != nil {
			t.Errorf("Open(%q) = %v, %v; want nil and an error", spec, b, err)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q) error shows the password: %v", spec, err)
		}
		if !strings.Contains(err.Error(), "sqlite:PATH") {
			t.Errorf("Open(%q) error = %q, want it to name the accepted forms", spec, err)
		}
	}

	b, err = Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "missing", "s.db"))
	if err == nil || b != nil {
		t.Errorf("Open(sqlite: missing dir) = %#v, %v; want nil Backend and an error", b, err)
	}
}
