package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// TestProgramFlow drives the real Bubble Tea program: start, run stage 1,
// go to stage 2, run it, and find the Set-Cookie line and the decoded
// values on screen; then quit and check the final model.
func TestProgramFlow(t *testing.T) {
	e, srv := testEngine(t, engine.Progress{}, false)
	var saved []engine.Progress
	m, err := New(Options{
		Engine:       e,
		Form:         engine.Form{Name: "Ada", Email: "ada@example.com"},
		SaveProgress: func(p engine.Progress) error { saved = append(saved, p); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI)),
	)
	// The renderer writes only the cells that change, so a phrase on screen
	// may reach the output in pieces. Wait for single words, then check
	// whole lines in the final view.
	waitFor := func(words ...string) { t.Helper(); waitForWords(t, tm, words...) }
	waitFor("Stage", "quit")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("HTTP/1.1", "remember")
	tm.Type("n")
	waitFor("travels")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("Set-Cookie:", "valid", "ada@example.com")
	tm.Type("q")
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if !ok {
		t.Fatal("final model is not a *Model")
	}
	view := ansi.Strip(fm.View().Content)
	for _, want := range []string{"Stage 2 of 7", "HTTP/1.1 302 Found", "Set-Cookie: session=", `values     email = "ada@example.com", name = "Ada"`, "✓ valid"} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
	if p := fm.Progress(); p.Current != "session" || !p.IsDone("hardcoded") || !p.IsDone("session") {
		t.Errorf("final progress = %+v, want stages 1 and 2 done, on stage 2", p)
	}
	if srv.Stage() != server.StageSession {
		t.Errorf("server stage = %q, want session", srv.Stage())
	}
	if n := fm.traffic.len(); n < 5 {
		t.Errorf("traffic list holds %d exchanges, want the tutor's 5 requests", n)
	}
	if len(saved) == 0 || saved[len(saved)-1].Current != "session" {
		t.Errorf("progress saves = %+v", saved)
	}
}

// TestProgramTamperForgeStorage drives the real program through stage 4:
// run it, tamper with the cookie (t) and see the server's reason for
// rejecting it, forge one for admin (F) and see it accepted, then switch
// the server to encrypted cookies (S).
func TestProgramTamperForgeStorage(t *testing.T) {
	e, srv := testEngine(t, engine.Progress{Current: "template/signed"}, true)
	m, err := New(Options{
		Engine: e,
		Form:   engine.Form{Name: "Ada", Email: "ada@example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI)),
	)
	waitFor := func(words ...string) { t.Helper(); waitForWords(t, tm, words...) }
	waitFor("Stage", "secret", "signed")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("Set-Cookie:")
	tm.Type("t")
	waitFor("tampered", "REJECTED", "bad", "signature")
	tm.Type("F")
	waitFor("forged", "accepted", "admin")
	tm.Type("S")
	waitFor("encrypted")
	tm.Type("q")
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if !ok {
		t.Fatal("final model is not a *Model")
	}
	view := ansi.Strip(fm.View().Content)
	for _, want := range []string{"Stage 4 of 7", "· encrypted cookie", "Sessions now: encrypted cookie", "Exchange · GET /show, forged cookie", "The tutor forged a session cookie claiming name=admin"} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
	if srv.Storage() != server.StorageEncrypted {
		t.Errorf("server storage = %q, want encrypted", srv.Storage())
	}
	if v, rej := fm.runs[3].Verdict(); v != engine.VerdictAccepted || rej != "" {
		t.Errorf("server verdict on the forged cookie = %v %q; want accepted", v, rej)
	}
	if last := fm.runs[3]; last.Attack != engine.AttackForge || !strings.Contains(last.Title, "forged") {
		t.Errorf("last attack = %+v", last)
	}
}

// waitForWords waits until the program's output, stripped of escape codes,
// holds every one of words.
func waitForWords(t *testing.T, tm *teatest.TestModel, words ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		s := ansi.Strip(string(b))
		for _, w := range words {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}
