package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons/engine"
)

// TestTutorBinaryInTmuxTicksAChallenge runs the real formtest binary in a
// tmux terminal of 80x24 while the test plays the learner's browser
// against the URL on its top line: the tutor says the challenge is done,
// and the progress file keeps it. It needs tmux, and skips without it.
func TestTutorBinaryInTmuxTicksAChallenge(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "formtest")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state := filepath.Join(dir, "state")
	sock := fmt.Sprintf("formtest-test-%d", os.Getpid())
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	cmd := fmt.Sprintf("env XDG_STATE_HOME=%s TERM=xterm-256color %s tutor --store cookie", state, bin)
	run("new-session", "-d", "-s", "tutor", "-x", "80", "-y", "24", cmd)
	t.Cleanup(func() { exec.Command(tmux, "-L", sock, "kill-server").Run() })
	screen := func() string { return run("capture-pane", "-p", "-t", "tutor") }
	waitScreen := func(what string, ok func(string) bool) string {
		t.Helper()
		var s string
		for start := time.Now(); time.Since(start) < 15*time.Second; time.Sleep(50 * time.Millisecond) {
			if s = screen(); ok(s) {
				return s
			}
		}
		t.Fatalf("the screen never showed %s:\n%s", what, s)
		return ""
	}
	urlRe := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	s := waitScreen("the live URL", func(s string) bool { return urlRe.MatchString(s) && strings.Contains(s, "Challenges:") })
	base := urlRe.FindString(s)

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	resp, err := browser.PostForm(base+"/users", url.Values{"name": {"Lin"}, "email": {"lin@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, err = browser.Get(base + "/show"); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitScreen("the tick", func(s string) bool {
		return strings.Contains(s, "Challenge done: ✓") && strings.Contains(s, "[✓] done:  1.1 Send the form from your own browser")
	})
	run("send-keys", "-t", "tutor", "q")

	path := filepath.Join(state, "formtest", "tutor.json")
	var p engine.Progress
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(50 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &p) == nil && len(p.Challenges) > 0 {
			break
		}
	}
	if len(p.Challenges) != 1 || p.Challenges[0].ID != "post-without-cookie" {
		t.Errorf("saved challenges = %+v", p.Challenges)
	}
}
