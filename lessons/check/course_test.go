package check

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
)

// stagesOf returns the engine's stages for the embedded lessons, without
// a server.
func stagesOf(t *testing.T) []engine.Stage {
	t.Helper()
	h := newHarness(t, "hardcoded", false)
	return h.e.Stages()
}

func TestEmbeddedCourseCoversEveryStage(t *testing.T) {
	stages := stagesOf(t)
	c, err := Embedded(stages)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stages {
		if len(c.Challenges(st.Key)) == 0 {
			t.Errorf("stage %d (%s) has no challenge", st.Index+1, st.Key)
		}
	}
	// The runs that surprise people are asked about first.
	for _, want := range []struct{ stage, before string }{
		{"template/signed", lessons.BeforeTamper},
		{"template/signed", lessons.BeforeForge},
		{"template/encrypted", lessons.BeforeRun},
		{"grow/signed", lessons.BeforeRun},
	} {
		tr := NewTracker(c, engine.Progress{}, nil)
		if _, _, ok := tr.Prediction(want.stage, want.before); !ok {
			t.Errorf("no prediction before %s in %s", want.before, want.stage)
		}
	}
}

func TestNewCourseRefusesBadChecks(t *testing.T) {
	stages := stagesOf(t)
	work := func(stage string, check lessons.Check) []lessons.StageWork {
		src := `{"stage": "` + stage + `", "challenges": [{"id": "x", "title": "T", "goal": "G", "check": {"kind": "k"}, "hints": ["h"], "shell": ["curl {{.URL}}"], "success": "✓"}]}`
		w, err := lessons.ParseWork("x.json", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		w.Challenges[0].Check = check
		return []lessons.StageWork{w}
	}
	for _, tc := range []struct {
		name  string
		works []lessons.StageWork
		want  string
	}{
		{"unknown kind", work("session", lessons.Check{Kind: "telepathy"}), `unknown check kind "telepathy"`},
		{"unknown stage", work("nowhere", lessons.Check{Kind: "own-cookie-accepted"}), `no stage "nowhere"`},
		{"forge without a name", work("session", lessons.Check{Kind: "forged-accepted"}), `needs a "name"`},
		{"a name it does not read", work("session", lessons.Check{Kind: "own-cookie-accepted", Name: "admin"}), `takes no "name"`},
		{"own it does not read", work("session", lessons.Check{Kind: "tampered-refused", Own: true}), `takes no "own"`},
		{"bad server stage", work("session", lessons.Check{Kind: "own-cookie-accepted", ServerStage: "dance"}), "server_stage"},
		{"bad storage", work("session", lessons.Check{Kind: "own-cookie-accepted", Storage: "paper"}), "storage"},
	} {
		_, err := NewCourse(tc.works, stages)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	for k := range kindNames() {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k, got, err)
		}
	}
}

func TestHintsOneAtATimeEndingInTheLiveCommand(t *testing.T) {
	h := newHarness(t, "template", false)
	h.run()
	d := h.tr.HintData(h.e)
	if d.Cookie != h.e.Tutor().SessionCookie() || d.Forgotten != PlaceholderForgotten {
		t.Errorf("with no outside client yet, hint data = %+v", d)
	}
	ch, _ := h.tr.course.Challenge("cookie-by-hand")
	var got []Hint
	for range ch.HintCount() + 1 {
		hint, err := h.tr.NextHint("cookie-by-hand", d)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, hint)
	}
	for i, hint := range got[:ch.HintCount()] {
		if hint.N != i+1 || hint.Of != ch.HintCount() || hint.Last != (i+1 == ch.HintCount()) {
			t.Errorf("hint %d = %+v", i+1, hint)
		}
	}
	last := got[len(got)-1]
	if !last.Last || last.N != ch.HintCount() {
		t.Errorf("past the last, NextHint gave %+v, want the last again", last)
	}
	want := "curl -i -b 'session=" + d.Cookie + "' " + h.url + "/show"
	if !strings.Contains(last.Text, want) {
		t.Errorf("last hint %q lacks %q", last.Text, want)
	}
	if s := h.tr.Stage("template"); s[0].HintsShown != ch.HintCount() {
		t.Errorf("hints shown = %d", s[0].HintsShown)
	}
	if _, err := h.tr.NextHint("nope", d); err == nil {
		t.Error("a hint for an unknown challenge")
	}
}

func TestCookieSafe(t *testing.T) {
	// Only a gorilla cookie's characters go into a hint's shell line
	// between single quotes.
	for v, want := range map[string]bool{
		"MTc5NjE1NDM1NnxEWDhF-_==": true,
		"":                         false,
		"x'$(id)'":                 false,
		"a b":                      false,
		"a\x1b[2J":                 false,
		strings.Repeat("A", 5000):  false,
	} {
		if got := cookieSafe(v); got != want {
			t.Errorf("cookieSafe(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestProgressSavedAndResumed(t *testing.T) {
	h := newHarness(t, "session", false)
	ff := h.browser(firefoxUA)
	ff.post("Ada", "ada@example.com", "")
	first := h.expect("own-cookie-back")["own-cookie-back"]
	if _, err := h.tr.Answer("predict-tamper", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := h.tr.Answer("predict-forge", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := h.tr.Answer("predict-forge", 9); err == nil {
		t.Error("answer 9 of 2 accepted")
	}
	if _, err := h.tr.Answer("nope", 1); err == nil {
		t.Error("an answer to an unknown prediction accepted")
	}
	p := h.e.Progress()
	h.tr.Fill(&p)
	path := filepath.Join(t.TempDir(), "progress.json")
	if err := engine.SaveProgress(path, p); err != nil {
		t.Fatal(err)
	}
	loaded, note := engine.LoadProgress(path)
	if note != "" {
		t.Fatalf("load: %s", note)
	}
	if len(loaded.Challenges) != 1 || loaded.Challenges[0].ID != "own-cookie-back" || loaded.Challenges[0].Said != first.Said || len(loaded.Challenges[0].Seqs) != 2 {
		t.Fatalf("saved challenges = %+v", loaded.Challenges)
	}
	if len(loaded.Predictions) != 2 || !loaded.Predictions[0].Right || loaded.Predictions[1].Right {
		t.Fatalf("saved predictions = %+v", loaded.Predictions)
	}

	// A new run resumes: the challenge stays done and does not tick again.
	h2 := newHarnessFrom(t, "session", false, loaded)
	st := h2.tr.Stage("session")
	if !st[0].Done || st[0].Tick != nil || st[0].Record.Said != first.Said || st[1].Done {
		t.Errorf("resumed stage = %+v", st)
	}
	h2.browser(firefoxUA).post("Ada", "ada@example.com", "")
	h2.expect()
	if a, ok := h2.tr.Answered("predict-tamper"); !ok || !a.Right || a.Choice != 2 {
		t.Errorf("resumed answer = %+v, %v", a, ok)
	}
	if done, total := h2.tr.Count("session"); done != 1 || total != 2 {
		t.Errorf("count = %d of %d", done, total)
	}
	s := h2.tr.Summary()
	if s.ChallengesDone != 1 || s.PredictionsAnswered != 2 || s.Right != 1 || s.StagesComplete != 0 {
		t.Errorf("summary = %+v", s)
	}

	// x on stage 4 forgets its answers, and only those; stage 2 then.
	h2.tr.ResetStage("template/signed")
	if _, ok := h2.tr.Answered("predict-tamper"); ok {
		t.Error("reset kept stage 4's answer")
	}
	h2.tr.ResetStage("session")
	if done, _ := h2.tr.Count("session"); done != 0 {
		t.Error("reset kept stage 2's challenge")
	}
	h2.browser(chromeUA).post("Bea", "bea@example.com", "")
	h2.expect("own-cookie-back")
	var p2 engine.Progress
	h2.tr.Fill(&p2)
	if len(p2.Challenges) != 1 || len(p2.Predictions) != 0 {
		t.Errorf("after resets, progress = %+v", p2)
	}
}

func TestWorksheet(t *testing.T) {
	h := newHarness(t, "hardcoded", false)
	var b bytes.Buffer
	if err := h.tr.course.Worksheet(&b, h.tr.HintData(h.e)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"cannot check what you do",
		"Stage 1: ",
		"Stage 7: ",
		"  [ ] 2.2 A second client gets no user",
		"        curl -i " + h.url + "/show\n",
		"        curl -i -d name=Ada -d email=ada@example.com " + h.url + "/users\n",
		"hint 1: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("worksheet lacks %q", want)
		}
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "        ") {
			continue // a command, never wrapped
		}
		if n := len([]rune(line)); n > worksheetWidth {
			t.Errorf("line %d is %d wide: %q", i+1, n, line)
		}
	}
	if strings.Contains(out, "{{") {
		t.Error("a template was left unrendered")
	}

	// For --plain, after the tutor's runs: its cookie is filled in.
	if _, err := h.e.Goto(1); err != nil {
		t.Fatal(err)
	}
	h.run()
	if h.e.Tutor().SessionCookie() == "" {
		t.Fatal("the tutor's run left no cookie")
	}
	b.Reset()
	if err := h.tr.course.WorksheetFor(&b, h.e); err != nil {
		t.Fatal(err)
	}
	if want := "curl -i -b 'session=" + h.e.Tutor().SessionCookie() + "' " + h.url + "/show"; !strings.Contains(b.String(), want) {
		t.Errorf("worksheet lacks %q", want)
	}
}
