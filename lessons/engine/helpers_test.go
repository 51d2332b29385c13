package engine

import (
	"testing"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/servertest"
	"github.com/formtest/formtest/server/sessionstore"
)

// testEngine starts the form server on a loopback port, with a session
// database when db is set, and returns an engine over it at the stage
// whose progress key is at ("" for the first).
func testEngine(t *testing.T, at string, db bool) *Engine {
	t.Helper()
	return testEngineAt(t, at, db, nil)
}

// testEngineAt is testEngine with the clock now. (enginetest.New does the
// same for the packages that drive the engine; these tests, inside the
// package, cannot import it.)
func testEngineAt(t *testing.T, at string, db bool, now func() time.Time) *Engine {
	t.Helper()
	cfg := server.Config{Keys: [][]byte{[]byte(server.LessonKey)}, Storage: server.StorageSigned}
	if db {
		b, err := sessionstore.Open(t.Context(), "sqlite:"+t.TempDir()+"/s.db")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		cfg.Backend = b
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	url := servertest.Serve(t, srv)
	ls, err := lessons.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Lessons: ls, Server: srv, URL: url, Progress: Progress{Current: at}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}
