package tui

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// tooLarge is the status line's code and text for a session that outgrew
// its cookie, whatever the server picks.
var tooLarge = fmt.Sprintf("%d %s", server.StatusSessionTooLarge, http.StatusText(server.StatusSessionTooLarge))

func TestWritePlain(t *testing.T) {
	e, srv := testEngine(t, engine.Progress{}, true)
	var b strings.Builder
	err := WritePlain(context.Background(), &b, PlainOptions{Engine: e, Form: engine.Form{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatalf("WritePlain: %v", err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\a") {
		t.Error("transcript holds escape codes")
	}
	stages := strings.Split(out, "\nStage ")
	if len(stages) != 8 {
		t.Fatalf("transcript has %d stage headings, want 7", len(stages)-1)
	}
	for i, want := range []struct {
		heading string
		lines   []string
		absent  []string
	}{
		{"1: A page that cannot remember", []string{"GET /show HTTP/1.1", "HTTP/1.1 200 OK", `<h3 id="name">Jay</h3>`, "No session cookie"}, []string{"Set-Cookie:", "Cookie:"}},
		{"2: The session travels in a cookie", []string{"POST /users HTTP/1.1", "HTTP/1.1 302 Found", "Set-Cookie: session=", "GET /show HTTP/1.1", "Cookie: session=", `name = "Ada"`, `<h3 id="name">Ada</h3>`, "Signed, not encrypted"}, nil},
		{"3: The template reads the session", []string{"POST /users HTTP/1.1", "Set-Cookie: session=", "Cookie: session=", `email = "ada@example.com"`, "showUserTemplate"}, nil},
		{"4: The secret key, and what it protects", []string{
			"func newSignedStore", "Exchange: tamper with the cookie (t), then GET /show", "The tutor tampered with the session cookie",
			"✗ REJECTED by the server: bad signature", "<h1>No user in this session</h1>", "Verdict: The server rejected the tampered cookie: bad signature",
			"Exchange: forge a cookie for admin (F), then GET /show", `<h3 id="name">admin</h3>`, `name = "admin"`, "Verdict: The server accepted the forged cookie",
		}, nil},
		{"5: Signed is not encrypted", []string{"func newEncryptedStore", "Sessions: encrypted", "ciphertext (AES-256-CTR)", `decrypted  email = "ada@example.com", name = "Ada"`, "Signed and encrypted"}, []string{"  values "}},
		{"6: Cookies vs a database", []string{"func newServerStore", "Sessions: server", "session id SESSIONID", "row        sqlite table sessions in PATH, id SESSIONID", `row values email = "ada@example.com", name = "Ada"`, "Only an id"}, []string{"REJECTED"}},
		{"7: Store only what you need", []string{
			"createUserGrow", "Run 1: POST /users with note 1 (700 bytes) → 302 Found; session cookie",
			"→ " + tooLarge + ": the session would not fit in a cookie", "HTTP/1.1 " + tooLarge,
			"Now the server keeps sessions in its database", "Exchange: POST /users, note 4, session in the database", "database row", "notes = [",
		}, nil},
	} {
		s := normalize(stages[i+1])
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
	if srv.Stage() != server.StageGrow || srv.Storage() != server.StorageServer {
		t.Errorf("server left in stage %q, storage %q; want grow, server", srv.Stage(), srv.Storage())
	}
	// The transcript, normalised, is kept as a sample for the README.
	golden.RequireEqual(t, []byte(normalize(out)))
}

func TestWritePlainStopsOnError(t *testing.T) {
	e, _ := testEngine(t, engine.Progress{}, false)
	path := filepath.Join(t.TempDir(), "f")
	f, _ := os.Create(path)
	f.Close() // writes to a closed file fail
	if err := WritePlain(context.Background(), f, PlainOptions{Engine: e}); err == nil {
		t.Error("WritePlain to a closed file succeeded")
	}
	// A run that fails stops the transcript with its error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b strings.Builder
	if err := WritePlain(ctx, &b, PlainOptions{Engine: e}); err == nil {
		t.Error("WritePlain with a cancelled context succeeded")
	}
}
