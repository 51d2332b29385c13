// Package enginetest starts what a test of the lesson flow needs: the
// lesson's form server on a loopback port and an engine over it. It is for
// the tests of the packages that drive the engine (the challenges, the
// views); the engine's own tests, inside its package, cannot import it.
package enginetest

import (
	"testing"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/servertest"
	"github.com/formtest/formtest/server/sessionstore"
)

// Options says what to start.
type Options struct {
	// Progress is where the engine resumes.
	Progress engine.Progress
	// DB gives the server a session database, an SQLite file in a
	// temporary directory, so that the database stages run.
	DB bool
	// Lessons are the stages; nil means the embedded lessons.
	Lessons []lessons.Lesson
}

// Engine is what New started.
type Engine struct {
	*engine.Engine
	// Server is the form server, on the lesson's public key with signed
	// cookies; URL is where it listens.
	Server *server.Server
	URL    string
}

// New starts the form server for the test and returns an engine over it.
// Both stop when the test ends.
func New(tb testing.TB, opts Options) Engine {
	tb.Helper()
	cfg := server.Config{Keys: [][]byte{[]byte(server.LessonKey)}, Storage: server.StorageSigned}
	if opts.DB {
		b, err := sessionstore.Open(tb.Context(), "sqlite:"+tb.TempDir()+"/s.db")
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { b.Close() })
		cfg.Backend = b
	}
	srv, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	u := servertest.Serve(tb, srv.HTTPServer("").Handler)
	ls := opts.Lessons
	if ls == nil {
		if ls, err = lessons.Embedded(); err != nil {
			tb.Fatal(err)
		}
	}
	e, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: u, Progress: opts.Progress})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(e.Close)
	return Engine{Engine: e, Server: srv, URL: u}
}
