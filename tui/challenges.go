package tui

// This file wires issue 13's challenges (package lessons/check) into the
// tutor: the tracker fed from the traffic watcher, the challenge box at
// the foot of the lesson pane, hints, the stage reset and the finish
// screen. Predictions are in predict.go, the second client in second.go.

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
)

// ChallengeKeys are the keys of the challenges, predictions and the
// second client.
type ChallengeKeys struct {
	// Hint shows the next hint of the first challenge not done; Reset
	// forgets the stage's challenges after a yes; Finish opens the finish
	// screen; Second runs the stage's exchange as a second browser.
	Hint   key.Binding
	Reset  key.Binding
	Finish key.Binding
	Second key.Binding
	// Answer answers a prediction (1 to 4); Yes confirms a reset.
	Answer key.Binding
	Yes    key.Binding
}

// defaultChallengeKeys returns the default ChallengeKeys.
func defaultChallengeKeys() ChallengeKeys {
	return ChallengeKeys{
		Hint:   key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		Reset:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reset stage")),
		Finish: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "finish")),
		Second: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "2nd browser")),
		Answer: key.NewBinding(key.WithKeys("1", "2", "3", "4"), key.WithHelp("1–4", "answer")),
		Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
	}
}

// learning is the tutor's state for the challenges: the tracker, and what
// the challenge box shows.
type learning struct {
	course  *check.Course
	tracker *check.Tracker

	// stage is the progress key of the stage the box was drawn for; a new
	// one clears detail, the question and the second client's trip.
	stage string
	// detail is what the box shows under the list: a hint, how a
	// challenge was checked, a prediction's outcome. Its lines are
	// escaped.
	detail []string
	// full is set when detail is what the learner just asked for (a
	// hint, a prediction's outcome): it may take the whole pane.
	full bool
	// pending is the question asked before a run, until answered or
	// passed; asked is the question of the run under way.
	pending *pendingRun
	asked   *pendingRun
	// passed are the questions the learner passed without answering in
	// this run of the tutor: they are not asked again until it restarts.
	passed map[string]bool
	// confirmReset is set while "x" waits for y or n.
	confirmReset bool
	// finish is set while the finish screen is up.
	finish bool
	// second is the second browser, made on first use.
	second *engine.Client
}

// initLearning builds the course and tracker over opts.Engine and hooks
// them into the model's components.
func (m *Model) initLearning(opts Options) error {
	course, err := check.Embedded(m.eng.Stages())
	if err != nil {
		return fmt.Errorf("tutor: challenges: %w", err)
	}
	m.learn = &learning{course: course, tracker: check.NewTracker(course, m.eng.Progress(), opts.Now), passed: make(map[string]bool)}
	m.learn.stage = m.eng.Current().Key
	m.stages.counts = m.learn.tracker.Count
	return nil
}

// observe feeds the tracker an observation from the traffic watcher and
// says each challenge it ticks, at once, and saves progress.
func (m *Model) observe(o engine.Observation) tea.Cmd {
	if m.class != nil && !o.Own() && !o.TutorMachine {
		// In a classroom the students' work is counted per student by the
		// class's own tracker (the class screen shows it); the tutor's
		// challenges are the teacher's, done from this machine. It still
		// learns which cookies the students were given.
		m.learn.tracker.Learn(o)
		return nil
	}
	ticks := m.learn.tracker.Observe(o)
	if len(ticks) == 0 {
		return nil
	}
	l := m.learn
	last := ticks[len(ticks)-1]
	// The sentence starts with ✓ and says in words what was seen; it holds
	// client-sent text, which the tracker escaped and the status line
	// escapes again.
	m.status.set("Challenge done: "+last.Said, false)
	cur := m.eng.Current().Key
	l.detail, l.full = nil, false
	for _, t := range ticks {
		if t.Challenge.Stage != cur {
			continue
		}
		l.detail = append(l.detail, sanitize("How this was checked ("+t.Challenge.Title+"):"))
		for _, line := range t.How.Lines() {
			l.detail = append(l.detail, sanitize(line))
		}
	}
	m.refreshFoot()
	return m.saveProgress()
}

// progressToSave is the engine's progress with the tracker's challenges
// and answers filled in.
func (m *Model) progressToSave() engine.Progress {
	p := m.eng.Progress()
	if m.learn != nil {
		m.learn.tracker.Fill(&p)
	}
	return p
}

// learnKey handles the keys of the challenges before the main keys; it
// reports false for a key it leaves to them.
func (m *Model) learnKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	l := m.learn
	if l == nil || m.mode != modeMain {
		return nil, false
	}
	ck := &m.keys.ChallengeKeys
	switch {
	case l.finish:
		l.finish = false
		m.layout()
		if key.Matches(msg, m.keys.Quit) {
			return m.quit(), true
		}
		return nil, true
	case l.confirmReset:
		l.confirmReset = false
		if key.Matches(msg, ck.Yes) {
			m.resetStage()
			return m.saveProgress(), true
		}
		m.status.set("Challenges kept: nothing was reset.", false)
		return nil, true
	case l.pending != nil:
		return m.predictionKey(msg)
	}
	switch {
	case key.Matches(msg, ck.Hint):
		m.hint()
		return nil, true
	case key.Matches(msg, ck.Reset):
		st := m.eng.Current()
		if len(l.course.Challenges(st.Key)) == 0 && len(l.course.Predictions(st.Key)) == 0 {
			m.status.set(fmt.Sprintf("Stage %d has no challenges or questions to reset.", st.Index+1), false)
			return nil, true
		}
		l.confirmReset = true
		m.status.set(fmt.Sprintf("Reset stage %d's challenges, predictions and hints, to do them again? Press y for yes, any other key for no.", st.Index+1), false)
		return nil, true
	case key.Matches(msg, ck.Finish):
		m.openFinish()
		return nil, true
	case key.Matches(msg, m.keys.Next) && m.eng.Current().Index == len(m.eng.Stages())-1:
		// Past the last stage: the finish screen.
		m.openFinish()
		return nil, true
	case key.Matches(msg, ck.Second):
		return m.runSecond(), true
	}
	return m.askFirst(msg)
}

// hint shows the next hint of the stage's first challenge not done.
func (m *Model) hint() {
	l := m.learn
	st := m.eng.Current()
	list := l.tracker.Stage(st.Key)
	if len(list) == 0 {
		m.status.set(fmt.Sprintf("Stage %d has no challenges to do outside the tutor.", st.Index+1), false)
		return
	}
	var todo *check.Status
	for i := range list {
		if !list[i].Done {
			todo = &list[i]
			break
		}
	}
	if todo == nil {
		m.status.set(fmt.Sprintf("✓ All of stage %d's challenges are done: no hint needed (x resets them).", st.Index+1), false)
		return
	}
	h, err := l.tracker.NextHint(todo.Challenge.ID, l.tracker.HintData(m.eng))
	if err != nil {
		m.status.set("No hint: "+err.Error(), true)
		return
	}
	label := fmt.Sprintf("Hint %d of %d for %q", h.N, h.Of, todo.Challenge.Title)
	short := fmt.Sprintf("Hint %d of %d:", h.N, h.Of)
	if h.Last {
		label += " (the exact steps; copy the command)"
		short = fmt.Sprintf("Hint %d of %d, the exact steps:", h.N, h.Of)
	}
	l.detail, l.full = []string{short}, true
	for _, line := range strings.Split(h.Text, "\n") {
		l.detail = append(l.detail, sanitize(line))
	}
	m.status.set(label+", in the challenge box under the lesson. h shows the next.", false)
	m.focus = paneLesson // the box is in the lesson pane: give it the room
	m.layout()
}

// resetStage forgets the current stage's challenges, after a yes.
func (m *Model) resetStage() {
	st := m.eng.Current()
	m.learn.tracker.ResetStage(st.Key)
	for _, p := range m.learn.course.Predictions(st.Key) {
		delete(m.learn.passed, p.ID) // asked again, like the rest of the stage
	}
	m.learn.detail, m.learn.full = nil, false
	m.status.set(fmt.Sprintf("Stage %d's challenges, predictions and hints are reset: do them again.", st.Index+1), false)
	m.refreshFoot()
}

// openFinish shows the finish screen.
func (m *Model) openFinish() {
	m.learn.finish = true
	m.status.set("The finish screen: any key returns to the lesson, q quits.", false)
	m.layout()
}

// refreshFoot draws the challenge box into the foot of the lesson pane.
func (m *Model) refreshFoot() {
	l := m.learn
	if l == nil {
		return
	}
	st := m.eng.Current()
	if st.Key != l.stage {
		l.stage, l.detail, l.full, l.pending, l.confirmReset = st.Key, nil, false, nil, false
		m.setSecondTrip(nil)
	}
	m.lesson.setFoot(m.footLines(m.lesson.vp.Width(), m.lesson.height))
}

// footLines is the challenge box for a lesson pane of width by height:
// a heading, each challenge done or not in words, and the detail (a
// question, a hint, how one was checked). It takes at most half the
// pane, two thirds when there is a detail.
func (m *Model) footLines(width, height int) []string {
	l := m.learn
	st := m.eng.Current()
	list := l.tracker.Stage(st.Key)
	var detail []string
	if l.pending != nil {
		detail = l.pending.lines()
	} else {
		detail = l.detail
	}
	if len(list) == 0 && len(detail) == 0 {
		return nil
	}
	room := height / 2
	switch {
	case l.pending != nil, l.full && len(detail) > 0:
		room = height // the learner asked for it: the text can wait
	case len(detail) > 0:
		room = height * 2 / 3
	}
	if room < 2 || width < 10 {
		return nil
	}
	done := 0
	for _, s := range list {
		if s.Done {
			done++
		}
	}
	head := fmt.Sprintf("── Challenges: %d of %d done · h hint · o other browser · x reset", done, len(list))
	if len(list) == 0 {
		head = "── This stage has no challenges"
	}
	var items []string
	for i, s := range list {
		mark := "[ ] to do:"
		if s.Done {
			mark = "[✓] done: "
		}
		line := fmt.Sprintf("%s %d.%d %s", mark, st.Index+1, i+1, s.Challenge.Title)
		items = append(items, fold(sanitize(line), width))
	}
	var det []string
	for _, d := range detail {
		det = append(det, strings.Split(wrap(d, width), "\n")...)
	}
	// The heading, then up to three challenges, then the detail (what the
	// learner just asked for), then the other challenges.
	room-- // the heading
	keep := min(len(items), 3, room)
	if l.pending != nil {
		keep = 0 // the question, whole, comes first
	}
	room -= keep
	if len(det) > room {
		if room <= 0 {
			det = nil
		} else {
			det = append(det[:room-1], "… (more: a taller window shows the rest)")
		}
	}
	room -= len(det)
	if len(items) > keep+room {
		items = items[:keep+max(0, room)]
	}
	out := []string{m.styles.Section.Render(fold(head, width))}
	for _, it := range items {
		if strings.HasPrefix(it, "[✓]") {
			it = m.styles.Done.Render(it)
		}
		out = append(out, it)
	}
	return append(out, det...)
}

// finishLines is the finish screen: the stages, challenges and
// predictions done, summed up, and each stage's count.
func (m *Model) finishLines() []string {
	l := m.learn
	s := l.tracker.Summary()
	p := m.eng.Progress()
	stages := m.eng.Stages()
	done := 0
	for _, st := range stages {
		if p.IsDone(st.Key) {
			done++
		}
	}
	w := m.width
	lines := []string{m.styles.Section.Render(fold("The end of the lesson: what you did", w)), ""}
	for _, t := range []string{
		fmt.Sprintf("Stages run in the tutor: %d of %d.", done, len(stages)),
		fmt.Sprintf("Challenges done yourself, in a browser or with curl: %d of %d; every challenge done in %d of %d stages.", s.ChallengesDone, s.Challenges, s.StagesComplete, s.StagesWithChallenges),
		fmt.Sprintf("Predictions answered: %d of %d, %d of them right.", s.PredictionsAnswered, s.Predictions, s.Right),
	} {
		lines = append(lines, strings.Split(wrap(t, w), "\n")...)
	}
	lines = append(lines, "")
	for _, st := range stages {
		mark := "[ ]"
		if p.IsDone(st.Key) {
			mark = "[✓]"
		}
		line := fmt.Sprintf("%s Stage %d: %s", mark, st.Index+1, st.Lesson.Title)
		if d, n := l.tracker.Count(st.Key); n > 0 {
			line += fmt.Sprintf(" · %d/%d challenges", d, n)
		}
		lines = append(lines, fold(line, w))
	}
	lines = append(lines, "", m.styles.Subtle.Render(fold("Any key returns to the lesson; q quits. Progress is saved.", w)))
	return lines
}
