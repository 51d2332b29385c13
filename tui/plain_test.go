package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/formtest/formtest/server"
)

func TestWritePlain(t *testing.T) {
	srv, r := testServer(t, server.StageHardcoded)
	var b strings.Builder
	err := WritePlain(context.Background(), &b, PlainOptions{Lessons: testLessons(t), Server: srv, Runner: r, Form: Form{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatalf("WritePlain: %v", err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\a") {
		t.Error("transcript holds escape codes")
	}
	stages := strings.Split(out, "\nStage ")
	if len(stages) != 4 {
		t.Fatalf("transcript has %d stage headings, want 3", len(stages)-1)
	}
	for i, want := range []struct {
		heading string
		lines   []string
		absent  []string
	}{
		{"1: A page that cannot remember", []string{"GET /show HTTP/1.1", "HTTP/1.1 200 OK", `<h3 id="name">Jay</h3>`, "No session cookie"}, []string{"Set-Cookie:", "Cookie:"}},
		{"2: The session travels in a cookie", []string{"POST /users HTTP/1.1", "HTTP/1.1 302 Found", "Set-Cookie: session=", "GET /show HTTP/1.1", "Cookie: session=", `name = "Ada"`, `<h3 id="name">Ada</h3>`, "Signed, not encrypted"}, nil},
		{"3: The template reads the session", []string{"POST /users HTTP/1.1", "Set-Cookie: session=", "Cookie: session=", `email = "ada@example.com"`, "showUserTemplate"}, nil},
	} {
		s := stages[i+1]
		if !strings.HasPrefix(s, want.heading+"\n") {
			t.Errorf("stage %d heading = %q, want %q", i+1, strings.SplitN(s, "\n", 2)[0], want.heading)
		}
		for _, l := range want.lines {
			if !strings.Contains(s, l) {
				t.Errorf("stage %d lacks %q", i+1, l)
			}
		}
		for _, l := range want.absent {
			if strings.Contains(s, "\n"+l) {
				t.Errorf("stage %d holds %q", i+1, l)
			}
		}
	}
	if srv.Stage() != server.StageTemplate {
		t.Errorf("server left in stage %q, want template", srv.Stage())
	}
	// The transcript, normalised, is kept as a sample for the README.
	golden.RequireEqual(t, []byte(normalize(out)))
}

func TestWritePlainStopsOnError(t *testing.T) {
	srv, r := testServer(t, server.StageHardcoded)
	ls := testLessons(t)
	ls[0].Stage = "nonsense"
	var b strings.Builder
	if err := WritePlain(context.Background(), &b, PlainOptions{Lessons: ls, Server: srv, Runner: r}); err == nil {
		t.Error("WritePlain with a bad stage succeeded")
	}
	path := filepath.Join(t.TempDir(), "f")
	f, _ := os.Create(path)
	f.Close() // writes to a closed file fail
	if err := WritePlain(context.Background(), f, PlainOptions{Lessons: testLessons(t), Server: srv, Runner: r}); err == nil {
		t.Error("WritePlain to a closed file succeeded")
	}
}
