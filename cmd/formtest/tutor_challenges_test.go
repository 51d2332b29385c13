package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons/engine"
)

// TestRunTutorTicksAndResumesAChallenge runs the real tutor command while
// the test plays the learner's browser against the URL it serves: the
// challenge is ticked and saved in the progress file, resumed on the next
// start, and forgotten by --reset.
func TestRunTutorTicksAndResumesAChallenge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "formtest", "tutor.json")
	urls := make(chan string, 1)
	hasTick := func(p engine.Progress) bool {
		return len(p.Challenges) == 1 && p.Challenges[0].ID == "post-without-cookie" && strings.Contains(p.Challenges[0].Said, "✓")
	}
	screen := runTUI(t, &tutorOptions{StatePath: path, ready: func(u string) { urls <- u }}, func(w io.Writer) {
		base := <-urls
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Error(err)
			return
		}
		browser := &http.Client{Jar: jar, Timeout: 5 * time.Second}
		if resp, err := browser.PostForm(base+"/users", url.Values{"name": {"Lin"}, "email": {"lin@example.com"}}); err == nil {
			resp.Body.Close()
		}
		if resp, err := browser.Get(base + "/show"); err == nil {
			resp.Body.Close()
		}
		waitProgress(t, path, hasTick)
		io.WriteString(w, "q")
	})
	if !strings.Contains(screen, "Challenge done: ✓") {
		t.Errorf("the tick was not said on screen:\n%s", screen)
	}

	screen = runTUI(t, &tutorOptions{StatePath: path}, func(w io.Writer) { io.WriteString(w, "q") })
	if !strings.Contains(screen, "Challenges: 1 of 1 done") {
		t.Errorf("the saved challenge is not shown done on the next start:\n%s", screen)
	}
	if p := readProgress(t, path); !hasTick(p) {
		t.Errorf("progress after a resume = %+v", p)
	}

	runTUI(t, &tutorOptions{StatePath: path, Reset: true}, func(w io.Writer) { io.WriteString(w, "q") })
	if p := readProgress(t, path); len(p.Challenges) != 0 {
		t.Errorf("--reset kept challenges: %+v", p.Challenges)
	}
}
