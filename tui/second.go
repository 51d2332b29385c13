package tui

// A second browser inside the tutor, for learners without one of their
// own: "o" runs the stage's exchange as another engine client, with its
// own cookie jar and the form name Grace, and the exchange and session
// panes show the two clients side by side (one under the other when
// narrow). It is one of the engine's own clients, so it never ticks a
// challenge: challenges are for clients outside the tutor.

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/engine"
)

// secondName is the second client's name in the engine; secondForm the
// form it posts.
const secondName = "second browser"

var secondForm = engine.Form{Name: "Grace", Email: "grace@example.com"}

// secondMsg is a finished run of the second client.
type secondMsg struct {
	idx int
	run engine.RunResult
	err error
}

// runSecond runs the current stage's exchange as the second browser.
func (m *Model) runSecond() tea.Cmd {
	if m.running {
		return nil
	}
	l := m.learn
	if l.second == nil {
		// The tutor's User-Agent: the server and the tracker know it for
		// one of the tutor's own clients whatever the pairing says.
		c, err := m.eng.NewClient(secondName, engine.UserAgent)
		if err != nil {
			m.status.set("No second browser: "+err.Error(), true)
			return nil
		}
		l.second = c
	}
	m.running = true
	st := m.eng.Current()
	m.status.set("Running "+st.Runs()+" as a second browser, with its own cookie jar and the name Grace…", false)
	e, c := m.eng, l.second
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		res, err := e.Run(ctx, c, secondForm)
		return secondMsg{idx: st.Index, run: res, err: err}
	}
}

// finishSecond shows the second browser's run beside the tutor's.
func (m *Model) finishSecond(msg secondMsg) {
	m.running = false
	if msg.run.Trip == nil {
		m.status.set(errorStatus(msg.err), true)
		return
	}
	if msg.idx != m.eng.Current().Index {
		return
	}
	m.setSecondTrip(msg.run.Trip)
	if msg.err != nil {
		m.status.set(msg.err.Error(), true)
		return
	}
	text, isErr := runStatus(msg.run)
	m.status.set("Second browser (Grace, its own jar): "+text+" Each browser has its own cookie, so its own session; the tutor's runs and this one never tick a challenge.", isErr)
	m.focus = paneExchange
	m.layout()
}

// setSecondTrip shows t beside the tutor's trip in the exchange and
// session panes; nil shows the tutor's alone.
func (m *Model) setSecondTrip(t *engine.Trip) {
	m.exchange.second = t
	m.session.second = t
	m.exchange.refresh(m.exchange.stage.Key)
	m.session.refresh("")
}

// drawPair draws the tutor's trip and the second browser's, each under
// a heading: side by side when each gets 40 cells, else one under the
// other.
func (v *tripView) drawPair(r renderer) string {
	const minCol = 40
	heads := [2]string{"The tutor's browser (its own jar)", "Second browser, Grace (its own jar)"}
	trips := [2]*engine.Trip{v.trip, v.second}
	if r.width >= 2*minCol+1 {
		w := (r.width - 1) / 2
		var cols [2]string
		// The tutor's trip is drawn last: what the exchange pane notes of
		// a drawing (where its news is) is then the tutor's.
		for i := 1; i >= 0; i-- {
			rr := r
			rr.width = w
			cols[i] = foldLines(v.st.Section.Render(fold(heads[i], w))+"\n"+v.draw(rr, trips[i]), w)
		}
		left := lipgloss.NewStyle().Width(w).Render(cols[0])
		n := max(lipgloss.Height(left), lipgloss.Height(cols[1]))
		rule := strings.TrimSuffix(strings.Repeat(v.st.Rule.Render("│")+"\n", n), "\n")
		return lipgloss.JoinHorizontal(lipgloss.Top, left, rule, cols[1])
	}
	var parts [2]string
	for i := 1; i >= 0; i-- { // the tutor's last, as above
		parts[i] = v.st.Section.Render(fold("── "+heads[i], r.width)) + "\n" + v.draw(r, trips[i])
	}
	return parts[0] + "\n\n" + parts[1]
}

// foldLines cuts every line of s to width cells.
func foldLines(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return strings.Join(lines, "\n")
}
