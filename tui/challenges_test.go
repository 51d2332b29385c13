package tui

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// learnerBrowser is the learner's own browser, which the tutor knows
// nothing of: a Go client with a cookie jar of its own.
func learnerBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 5 * time.Second}
}

// postAndShow posts the form from c, then loads /show: three requests
// (the post, the redirect to the form, /show).
func postAndShow(t *testing.T, c *http.Client, base, name string) {
	t.Helper()
	resp, err := c.PostForm(base+"/users", url.Values{"name": {name}, "email": {strings.ToLower(name) + "@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(base + "/show")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// savedProgress collects what the tutor saves, safe for the saves that
// run off the UI loop.
type savedProgress struct {
	mu sync.Mutex
	ps []engine.Progress
}

func (s *savedProgress) save(p engine.Progress) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ps = append(s.ps, p)
	return nil
}

// challengeSaved reports whether the last save records challenge id.
func (s *savedProgress) challengeSaved(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ps) == 0 {
		return false
	}
	return slices.ContainsFunc(s.ps[len(s.ps)-1].Challenges, func(d engine.ChallengeDone) bool { return d.ID == id })
}

// TestProgramTicksTheLearnersBrowser drives the real program while the
// test plays the learner's own browser against the tutor's server: the
// challenge is ticked on screen at once, in words, and saved.
func TestProgramTicksTheLearnersBrowser(t *testing.T) {
	e, _ := testEngine(t, engine.Progress{}, false)
	var saved savedProgress
	m, err := New(Options{Engine: e, Form: engine.Form{Name: "Ada", Email: "ada@example.com"}, SaveProgress: saved.save})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI)),
	)
	waitForWords(t, tm, "Challenges:", "0", "of", "1", "done")
	postAndShow(t, learnerBrowser(t), e.URL(), "Lin")
	waitForWords(t, tm, "Challenge", "done:", "✓", "Go-http-client", "posted", "checked")
	deadline := time.Now().Add(5 * time.Second)
	for !saved.challengeSaved("post-without-cookie") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !saved.challengeSaved("post-without-cookie") {
		t.Error("the ticked challenge was not saved")
	}
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	view := ansi.Strip(fm.View().Content)
	for _, want := range []string{"Challenges: 1 of 1 done", "[✓] done:  1.1 Send the form from your own browser", "Challenge done: ✓ Go-http-client at 127.0.0.1 posted the form"} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
	if p := fm.Progress(); len(p.Challenges) != 1 || p.Challenges[0].ID != "post-without-cookie" || len(p.Challenges[0].Seqs) == 0 {
		t.Errorf("progress challenges = %+v", p.Challenges)
	}
}

// TestTutorsOwnClientsNeverTick runs the stages' exchanges with the
// tutor's client and with the second browser inside the tutor (o): none
// of it ticks a challenge, though the same requests from the learner's
// own browser would. The second browser's run is shown beside the
// tutor's: side by side when wide, one under the other when narrow.
func TestTutorsOwnClientsNeverTick(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{})
	send(t, m, tea.WindowSizeMsg{Width: 160, Height: 48})
	press(t, m, "enter")
	feed(t, m, 3) // POST /users, GET /, GET /show
	press(t, m, "o")
	feed(t, m, 3)
	press(t, m, "n", "enter")
	feed(t, m, 2) // POST /users, GET /show
	press(t, m, "o")
	feed(t, m, 2)
	press(t, m, "c", "o") // the second browser again, its jar still full
	feed(t, m, 2)
	if s := m.learn.tracker.Summary(); s.ChallengesDone != 0 {
		t.Errorf("the tutor's own clients ticked %d challenge(s): %+v", s.ChallengesDone, m.Progress().Challenges)
	}
	if p := m.Progress(); len(p.Challenges) != 0 {
		t.Errorf("progress records challenges: %+v", p.Challenges)
	}
	view := ansi.Strip(m.View().Content)
	side := false
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "The tutor's browser") && strings.Contains(l, "Second browser, Grace") {
			side = true
		}
	}
	if !side || !strings.Contains(view, `email = "grace@example.com"`) || !strings.Contains(m.status.text, "Second browser (Grace, its own jar)") {
		t.Errorf("wide: the two browsers are not side by side (status %q):\n%s", m.status.text, view)
	}
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 40})
	press(t, m, "tab") // the exchange pane, with room
	view = ansi.Strip(m.View().Content)
	if !strings.Contains(view, "── The tutor's browser") || strings.Contains(view, "Second browser, Grace (its own jar) │") {
		t.Errorf("narrow: the two browsers are not one under the other:\n%s", view)
	}
	// Going to another stage shows the tutor's run alone again.
	press(t, m, "p")
	if m.exchange.second != nil || m.session.second != nil {
		t.Error("the second browser's trip stayed on another stage")
	}

	// The same exchange from the learner's browser does tick.
	press(t, m, "n")
	postAndShow(t, learnerBrowser(t), m.eng.URL(), "Lin")
	feed(t, m, 2)
	if d, _ := m.learn.tracker.Count("session"); d != 1 {
		t.Errorf("the learner's browser ticked %d of stage 2's challenges, want 1", d)
	}
}

// TestHintsTickAndReset asks for hints one at a time up to the exact
// command, sees the challenge done by the learner's browser with how it
// was checked, counted in the stage list, then reset after x and y.
func TestHintsTickAndReset(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{})
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 40})
	press(t, m, "h")
	if !strings.Contains(m.status.text, "Hint 1 of 3") || !strings.Contains(strings.Join(m.learn.detail, "\n"), "The tutor's server is a real web server") {
		t.Errorf("first hint: status %q, box %q", m.status.text, m.learn.detail)
	}
	press(t, m, "h", "h")
	box := strings.Join(m.learn.detail, "\n")
	if !strings.Contains(m.status.text, "Hint 3 of 3") || !strings.Contains(box, "curl -i -d name=Ada -d email=ada@example.com "+m.eng.URL()+"/users") {
		t.Errorf("last hint: status %q, box:\n%s", m.status.text, box)
	}
	postAndShow(t, learnerBrowser(t), m.eng.URL(), "Lin")
	feed(t, m, 3)
	view := ansi.Strip(m.View().Content)
	for _, want := range []string{"Challenges: 1 of 1 done", "[✓] done:  1.1", "How this was checked (Send the form from your own browser):", "from Go-http-client at 127.0.0.1"} {
		if !strings.Contains(view, want) {
			t.Errorf("after the tick the view lacks %q:\n%s", want, view)
		}
	}
	press(t, m, "h")
	if !strings.Contains(m.status.text, "All of stage 1's challenges are done") {
		t.Errorf("h when all are done: %q", m.status.text)
	}
	press(t, m, "l")
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "Stage 1: A page that cannot remember · 1/1 challenges") {
		t.Errorf("stage list lacks the count:\n%s", view)
	}
	press(t, m, "esc", "x", "n")
	if d, _ := m.learn.tracker.Count("hardcoded"); d != 1 || m.Stage() != 0 || !strings.Contains(m.status.text, "nothing was reset") {
		t.Errorf("x then n: %d done, stage %d, status %q", d, m.Stage(), m.status.text)
	}
	press(t, m, "x", "y")
	if d, _ := m.learn.tracker.Count("hardcoded"); d != 0 || len(m.Progress().Challenges) != 0 {
		t.Errorf("x then y left %d done, progress %+v", d, m.Progress().Challenges)
	}
	press(t, m, "e")
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "Challenges done yourself, in a browser or with curl: 0 of 9") {
		t.Errorf("finish screen:\n%s", view)
	}
}

// TestPredictionsNeverBlock asks stage 4's question before the tamper,
// answers it with 2 and sees the answer and why beside the outcome, kept
// in progress; the forge's question is passed by pressing F again, and
// put away by any other key.
func TestPredictionsNeverBlock(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{Current: "template/signed", Predictions: noPredictions})
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 40})
	press(t, m, "enter") // stage 4 asks nothing before its run
	if m.learn.pending != nil || m.runs[3] == nil {
		t.Fatalf("enter: pending %v, run %v", m.learn.pending, m.runs[3])
	}
	press(t, m, "t")
	view := ansi.Strip(m.View().Content)
	if m.learn.pending == nil || !strings.Contains(view, "Predict first: The tutor will change one letter") || !strings.Contains(view, "2. Refuse the cookie") {
		t.Fatalf("t asked nothing:\n%s", view)
	}
	if m.runs[3].Attack != engine.AttackNone {
		t.Fatal("t ran before the question was answered")
	}
	press(t, m, "2")
	if m.runs[3].Attack != engine.AttackTamper || !strings.Contains(m.status.text, "✓ Your prediction was right: 2.") || !strings.Contains(strings.Join(m.learn.detail, " "), "Why: The signature is an HMAC") {
		t.Errorf("after 2: attack %q, status %q, box %q", m.runs[3].Attack, m.status.text, m.learn.detail)
	}
	if p := m.Progress(); len(p.Predictions) != 1 || p.Predictions[0].ID != "predict-tamper" || p.Predictions[0].Choice != 2 || !p.Predictions[0].Right {
		t.Errorf("progress predictions = %+v", p.Predictions)
	}
	press(t, m, "t") // answered: runs at once
	if m.learn.pending != nil {
		t.Error("an answered question was asked again")
	}
	press(t, m, "F", "F")
	if m.runs[3].Attack != engine.AttackForge || !strings.Contains(m.status.text, "You ran it without predicting. What happens: 1. admin") {
		t.Errorf("F F: attack %q, status %q", m.runs[3].Attack, m.status.text)
	}
	before := m.runs[3]
	press(t, m, "F")
	if m.learn.pending != nil || m.runs[3] == before || m.runs[3].Attack != engine.AttackForge || len(m.Progress().Predictions) != 1 {
		t.Errorf("a question passed was asked again (%v), F did not forge at once, or it was answered: %+v", m.learn.pending, m.Progress().Predictions)
	}

	// Stage 5 asks before its run; esc puts the question away, runs
	// nothing, and the next enter runs at once.
	press(t, m, "n", "enter")
	if m.learn.pending == nil || m.runs[4] != nil {
		t.Fatalf("stage 5's enter: pending %v, run %v", m.learn.pending, m.runs[4])
	}
	press(t, m, "esc", "enter")
	if m.learn.pending != nil || m.runs[4] == nil || len(m.Progress().Predictions) != 1 {
		t.Errorf("esc then enter: pending %v, run %v, predictions %+v", m.learn.pending, m.runs[4], m.Progress().Predictions)
	}
}

// TestChallengesResume starts from saved progress with a challenge done:
// it is shown done, counted, and saved again as it was.
func TestChallengesResume(t *testing.T) {
	done := engine.ChallengeDone{ID: "post-without-cookie", Stage: "hardcoded", Said: "✓ seen before", Seqs: []uint64{1, 3}, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	m, _, _ := newTestModel(t, engine.Progress{Current: "hardcoded", Challenges: []engine.ChallengeDone{done}})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "Challenges: 1 of 1 done") || !strings.Contains(view, "[✓] done:  1.1") {
		t.Errorf("resumed challenge not shown done:\n%s", view)
	}
	if p := m.Progress(); len(p.Challenges) != 1 || p.Challenges[0].ID != done.ID || !p.Challenges[0].At.Equal(done.At) {
		t.Errorf("progress after resume = %+v", p.Challenges)
	}
}

// TestChallengeViewsFitEverySize draws the challenge box, a question, the
// two browsers and the finish screen at sizes down to 1x1: every frame
// has exactly the window's lines, none wider than it.
func TestChallengeViewsFitEverySize(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{Current: "template/signed", Predictions: noPredictions})
	press(t, m, "enter", "o", "t") // a run, the second browser's, the tamper's question
	if m.exchange.second == nil || m.learn.pending == nil {
		t.Fatalf("second browser %v, question %v", m.exchange.second, m.learn.pending)
	}
	check := func(state string) {
		t.Helper()
		for _, size := range [][2]int{{1, 1}, {10, 3}, {20, 5}, {40, 12}, {60, 20}, {80, 24}, {81, 30}, {120, 40}, {200, 60}} {
			send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			lines := strings.Split(m.View().Content, "\n")
			if len(lines) != size[1] {
				t.Errorf("%s at %dx%d: %d lines", state, size[0], size[1], len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%s at %dx%d: line %d is %d cells wide", state, size[0], size[1], i, w)
				}
			}
		}
	}
	check("question")
	press(t, m, "2", "h", "h")
	check("answer and hints")
	press(t, m, "e")
	check("finish screen")
}
