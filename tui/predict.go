package tui

// Predict, observe, explain: before a run, tamper or forge whose stage
// asks a question, the tutor asks it in the challenge box; 1 to 4
// answer and run, the run's own key runs without answering, any other
// key puts the question away; a question passed is not asked again
// until the tutor restarts. After the run, the answer and why are shown
// beside the outcome.

import (
	"fmt"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
)

// pendingRun is a question asked before a run, and the run.
type pendingRun struct {
	p      lessons.Prediction
	before string // lessons.BeforeRun, BeforeTamper or BeforeForge
	stage  int    // the stage's index
	// choice is the answer given, from 1; 0 when the run went ahead
	// without one.
	choice int
}

// lines is the question with its numbered answers, escaped.
func (r *pendingRun) lines() []string {
	out := []string{sanitize("Predict first: " + r.p.Question)}
	for i, a := range r.p.Answers {
		out = append(out, sanitize(fmt.Sprintf("  %d. %s", i+1, a)))
	}
	return append(out, fmt.Sprintf("Press 1–%d to answer and run, or the run's key again to run without answering.", len(r.p.Answers)))
}

// runOf returns which run a key starts, "" for none.
func (m *Model) runOf(msg tea.KeyPressMsg) string {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Run):
		if m.focus == paneTraffic && m.traffic.len() > 0 {
			return "" // enter opens a traffic entry there
		}
		return lessons.BeforeRun
	case key.Matches(msg, k.Tamper):
		if m.eng.Tutor().SessionCookie() == "" {
			return "" // nothing to tamper with: runAttack says so
		}
		return lessons.BeforeTamper
	case key.Matches(msg, k.Forge):
		return lessons.BeforeForge
	}
	return ""
}

// askFirst asks the stage's question before a run key's run, when there
// is one not yet answered.
func (m *Model) askFirst(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	before := m.runOf(msg)
	if before == "" || m.running {
		return nil, false
	}
	st := m.eng.Current()
	p, answered, ok := m.learn.tracker.Prediction(st.Key, before)
	if !ok || answered || m.learn.passed[p.ID] {
		return nil, false
	}
	m.learn.pending = &pendingRun{p: p, before: before, stage: st.Index}
	m.status.set(fmt.Sprintf("Predict first: %s Press 1–%d (answers under the lesson), or the same key to run without answering.", p.Question, len(p.Answers)), false)
	m.focus = paneLesson // the question is in the lesson pane: give it the room
	m.layout()
	return nil, true
}

// predictionKey handles a key while a question is asked.
func (m *Model) predictionKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	l := m.learn
	r := l.pending
	if key.Matches(msg, m.keys.ChallengeKeys.Answer) {
		n, err := strconv.Atoi(msg.String())
		if err != nil || n < 1 || n > len(r.p.Answers) {
			m.status.set(fmt.Sprintf("This question has answers 1 to %d.", len(r.p.Answers)), true)
			return nil, true
		}
		if _, err := l.tracker.Answer(r.p.ID, n); err != nil {
			m.status.set(err.Error(), true)
			return nil, true
		}
		r.choice = n
		return tea.Batch(m.startAsked(r.before), m.saveProgress()), true
	}
	// Passed without an answer, the question is not asked again until
	// the tutor restarts (or x resets the stage).
	l.passed[r.p.ID] = true
	if before := m.runOf(msg); before != "" {
		// Any run key goes ahead without an answer: a question never blocks.
		return m.startAsked(before), true
	}
	// Any other key puts the question away and does its own work.
	l.pending = nil
	m.refreshFoot()
	return nil, false
}

// startAsked starts run before, keeping the question to explain after it.
func (m *Model) startAsked(before string) tea.Cmd {
	l := m.learn
	if l.pending != nil && l.pending.before == before {
		l.asked = l.pending
	}
	l.pending = nil
	m.refreshFoot()
	switch before {
	case lessons.BeforeTamper:
		return m.runAttack(engine.AttackTamper)
	case lessons.BeforeForge:
		return m.runAttack(engine.AttackForge)
	}
	return m.run()
}

// afterRun shows, beside a finished run's outcome, the answer to the
// question asked before it and why.
func (m *Model) afterRun(msg runMsg) {
	l := m.learn
	if l == nil {
		return
	}
	r := l.asked
	l.asked = nil
	if r == nil || r.stage != msg.idx || msg.idx != m.eng.Current().Index {
		return
	}
	right := r.p.Answers[r.p.Right-1]
	var verdict, short string
	switch {
	case r.choice == 0:
		verdict = fmt.Sprintf("You ran it without predicting. What happens: %d. %s", r.p.Right, right)
		short = "Not predicted"
	case r.choice == r.p.Right:
		verdict = fmt.Sprintf("✓ Your prediction was right: %d. %s", r.choice, right)
		short = fmt.Sprintf("✓ You predicted right (%d)", r.choice)
	default:
		verdict = fmt.Sprintf("✗ Your prediction, %d. %s, is not what happened: %d. %s", r.choice, r.p.Answers[r.choice-1], r.p.Right, right)
		short = fmt.Sprintf("✗ You predicted %d; it was %d", r.choice, r.p.Right)
	}
	l.detail, l.full = []string{sanitize(verdict), sanitize("Why: " + r.p.Explain)}, true
	// The verdict leads the status line, short, so it is seen at any
	// width; the outcome follows it, and the box under the lesson says why.
	m.status.set(short+" (why: under the lesson) · "+m.status.text+" · "+verdict, m.status.isErr)
	m.refreshFoot()
}
