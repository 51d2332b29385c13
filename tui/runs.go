package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// runTimeout bounds one run of a stage's exchange.
const runTimeout = 15 * time.Second

// run starts the current stage's exchange.
func (m *Model) run() tea.Cmd {
	if m.running {
		return nil
	}
	m.running = true
	st := m.eng.Current()
	m.status.set("Running "+st.Runs()+"…", false)
	e, form := m.eng, m.form.values()
	return func() tea.Msg {
		// The run belongs to the program, not to a caller's context: it
		// ends with its own timeout, and quitting does not wait for it.
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		res, err := e.Run(ctx, e.Tutor(), form)
		return runMsg{idx: st.Index, run: &res, err: err}
	}
}

// runAttack tampers with the jar's session cookie, or forges one, and
// sends GET /show with it.
func (m *Model) runAttack(kind engine.AttackKind) tea.Cmd {
	if m.running {
		return nil
	}
	c := m.eng.Tutor()
	if kind == engine.AttackTamper && c.SessionCookie() == "" {
		m.status.set(errorStatus(engine.ErrNoCookie), true)
		return nil
	}
	m.running = true
	if kind == engine.AttackForge {
		m.status.set("Forging a session cookie for admin and sending GET /show…", false)
	} else {
		m.status.set("Tampering with the session cookie and sending GET /show…", false)
	}
	e, idx := m.eng, m.eng.Current().Index
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		var res engine.AttackResult
		var err error
		if kind == engine.AttackForge {
			res, err = e.Forge(ctx, c)
		} else {
			res, err = e.Tamper(ctx, c)
		}
		return runMsg{idx: idx, attack: &res, err: err}
	}
}

// finishRun shows a finished run.
func (m *Model) finishRun(msg runMsg) tea.Cmd {
	m.running = false
	var t *engine.Trip
	switch {
	case msg.run != nil:
		t = msg.run.Trip
	case msg.attack != nil:
		t = msg.attack.Trip
	}
	if t == nil {
		m.status.set(errorStatus(msg.err), true)
		return nil
	}
	m.runs[msg.idx] = t
	if msg.idx != m.eng.Current().Index {
		return nil
	}
	m.show(t, false)
	if msg.err != nil {
		m.status.set(msg.err.Error(), true)
		return nil
	}
	if msg.attack != nil {
		m.status.set(attackStatus(*msg.attack))
		return nil
	}
	m.status.set(runStatus(*msg.run))
	if msg.run.Growth != nil {
		m.growth = msg.run.Growth
	}
	if msg.run.Done {
		return m.saveProgress()
	}
	return nil
}
