package sessionstore

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// makeReadOnly makes the file at path unwritable, even for root (chattr +i
// where it works, else chmod), and undoes it when the test ends. It skips
// the test when neither makes the file unwritable.
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
			t.Skipf("chattr +i %s: %v %s", path, err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	} else {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		f.Close()
		t.Skipf("%s is still writable", path)
	}
}

func faultOf(err error) (Fault, bool) {
	ue, ok := errors.AsType[*UnavailableError](err)
	if !ok {
		return 0, false
	}
	return ue.Fault, true
}

func TestSQLiteReadOnlyFileFailsAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := OpenSQLite(t.Context(), path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	makeReadOnly(t, path)
	s, err = OpenSQLite(t.Context(), path, SQLiteOptions{})
	if err == nil {
		s.Close()
		t.Fatal("OpenSQLite of an unwritable database succeeded; the first post would fail instead")
	}
	f, ok := faultOf(err)
	if !ok || f.Temporary() {
		t.Errorf("OpenSQLite(unwritable) = %v (fault %v), want a permanent *UnavailableError", err, f)
	}
	t.Logf("error: %v (fault %v)", err, f)
}

func TestSQLiteFileDeletedWhileOpen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestSQLite(t, path, SQLiteOptions{})
	exp := time.Now().Add(time.Hour)
	if err := s.Save(ctx, "a", []byte("x"), exp); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	err := s.Save(ctx, "b", []byte("y"), exp)
	if f, ok := faultOf(err); !ok || f != FaultGone || f.Temporary() {
		t.Fatalf("Save after the file was deleted = %v, want a permanent FaultGone", err)
	}
	if err := s.Delete(ctx, "a"); err == nil {
		t.Error("Delete after the file was deleted succeeded")
	}
	if _, err := s.DeleteExpired(ctx); err == nil {
		t.Error("cleanup after the file was deleted succeeded")
	}

	// Another file put in its place is not the database the store holds.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if f, _ := faultOf(s.Save(ctx, "b", []byte("y"), exp)); f != FaultGone {
		t.Errorf("Save after the file was replaced: fault %v, want FaultGone", f)
	}
}

func TestSQLiteCanceledIsNotAFailure(t *testing.T) {
	s := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := s.Load(ctx, "a"); err == nil {
		t.Error("Load with a canceled context succeeded")
	} else if f, _ := faultOf(err); f != FaultCanceled {
		t.Errorf("Load with a canceled context: %v (fault %v), want FaultCanceled", err, f)
	}
	if f, _ := faultOf(s.Save(ctx, "a", nil, time.Now().Add(time.Hour))); f != FaultCanceled {
		t.Errorf("Save with a canceled context: fault %v, want FaultCanceled", f)
	}
}

func TestSQLiteWriteQueueTimesOutAsBusy(t *testing.T) {
	s := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{BusyTimeout: 100 * time.Millisecond})
	// A statement that would run for minutes holds the writer until the
	// writer's own bound (twice the busy timeout and a second) interrupts
	// it. It is queued by hand, so that the test can wait until the writer
	// has taken it.
	slow := &writeReq{
		query: `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c`,
		done:  make(chan writeResult, 1),
	}
	s.writes <- slow
	for slow.state.Load() != reqTaken {
		time.Sleep(time.Millisecond)
	}
	err := s.Save(t.Context(), "a", nil, time.Now().Add(time.Hour))
	if f, _ := faultOf(err); f != FaultBusy || !f.Temporary() {
		t.Errorf("Save behind a stuck write = %v, want a temporary FaultBusy", err)
	}
	if res := <-slow.done; !errors.Is(res.err, context.DeadlineExceeded) {
		t.Errorf("the endless statement ended with %v, want the writer's deadline", res.err)
	}
	if err := s.Save(t.Context(), "b", nil, time.Now().Add(time.Hour)); err != nil {
		t.Errorf("Save once the writer is free: %v", err)
	}
}
