package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// maxTraffic is how many live exchanges the traffic list keeps.
const maxTraffic = 500

// trafficEntry is one exchange of the live traffic list.
type trafficEntry struct {
	o    engine.Observation
	line string // the entry's line, escaped, unfolded
	// folded is line folded to the pane's width, less the marker's two
	// cells, when drawnWidth was that width.
	folded string
	trip   *engine.Trip // made when first opened
}

// trafficPane lists every exchange the server saw, newest last, each
// with the client that sent it; enter opens one in the exchange and
// session panes.
type trafficPane struct {
	st      *Styles
	keys    *KeyMap
	url     string
	vp      viewport.Model
	entries []trafficEntry
	sel     int
	focused bool
	// drawnWidth and drawnFocused are what the viewport's lines were
	// drawn for.
	drawnWidth   int
	drawnFocused bool
}

func newTrafficPane(st *Styles, keys *KeyMap, url string) *trafficPane {
	p := &trafficPane{st: st, keys: keys, url: url, vp: newViewport(), drawnWidth: -1}
	p.vp.SoftWrap = false
	return p
}

// entryLine is an observation's line in the list. Everything in it that
// a client sent is escaped.
func entryLine(o engine.Observation) string {
	e := &o.Exchange
	line := fmt.Sprintf("#%d %s %s %s → %d %s · %s", e.Seq, e.Start.Format("15:04:05"), sanitize(e.Method), sanitize(e.Target), e.Status, statusClass(e.Status), sanitize(o.Label))
	if len(e.SetCookies()) > 0 {
		line += " · Set-Cookie"
	}
	if e.Rejected != "" {
		line += " · cookie rejected"
	}
	if e.Dropped+o.Missed > 0 {
		line = fmt.Sprintf("(%d missed) ", e.Dropped+o.Missed) + line
	}
	return line
}

// add appends an observation, following the newest when the selection
// was on the one before.
func (p *trafficPane) add(o engine.Observation) {
	line := entryLine(o)
	p.entries = append(p.entries, trafficEntry{o: o, line: line, folded: fold(line, p.drawnWidth-2)})
	if n := len(p.entries) - maxTraffic; n > 0 {
		p.entries = p.entries[n:]
		p.sel = max(0, p.sel-n)
	}
	if p.sel == len(p.entries)-2 || len(p.entries) == 1 {
		p.sel = len(p.entries) - 1
	}
	p.refresh()
}

func (p *trafficPane) len() int { return len(p.entries) }

// open returns the selected entry as a trip, or nil when there is none.
func (p *trafficPane) open() *engine.Trip {
	if len(p.entries) == 0 {
		return nil
	}
	t := &p.entries[p.sel]
	if t.trip == nil {
		t.trip = engine.TripOf(t.o)
	}
	return t.trip
}

// refresh sets the viewport's lines and keeps the selection in view.
func (p *trafficPane) refresh() {
	w := p.vp.Width()
	if len(p.entries) == 0 {
		p.vp.SetContent(p.st.Subtle.Render(fold("No requests yet. Open "+p.url+" in a browser, or curl it.", w)))
		p.drawnWidth = w
		return
	}
	if w != p.drawnWidth {
		// Only a new width folds every line again.
		for i := range p.entries {
			p.entries[i].folded = fold(p.entries[i].line, w-2)
		}
	}
	lines := make([]string, len(p.entries))
	for i, t := range p.entries {
		marker := "  "
		if i == p.sel {
			marker = "› "
		}
		line := marker + t.folded
		if i == p.sel && p.focused {
			line = p.st.Selected.Render(line)
		}
		lines[i] = line
	}
	p.vp.SetContentLines(lines)
	p.drawnWidth, p.drawnFocused = w, p.focused
	p.follow()
}

// follow keeps the selection in view.
func (p *trafficPane) follow() {
	if p.sel < p.vp.YOffset() {
		p.vp.SetYOffset(p.sel)
	} else if h := p.vp.Height(); h > 0 && p.sel >= p.vp.YOffset()+h {
		p.vp.SetYOffset(p.sel - h + 1)
	}
}

// Update moves the selection.
func (p *trafficPane) Update(msg tea.Msg) tea.Cmd {
	msg2, ok := msg.(tea.KeyPressMsg)
	if !ok || len(p.entries) == 0 {
		return nil
	}
	k := p.keys
	sel := p.sel
	switch {
	case key.Matches(msg2, k.Up):
		sel--
	case key.Matches(msg2, k.Down):
		sel++
	case key.Matches(msg2, k.PageUp):
		sel -= max(1, p.vp.Height())
	case key.Matches(msg2, k.PageDown):
		sel += max(1, p.vp.Height())
	case key.Matches(msg2, k.Top):
		sel = 0
	case key.Matches(msg2, k.Bottom):
		sel = len(p.entries) - 1
	}
	p.sel = max(0, min(sel, len(p.entries)-1))
	p.refresh()
	return nil
}

func (p *trafficPane) View() string { return p.vp.View() }

// SetSize sizes the pane; lines are folded again only for a new width.
func (p *trafficPane) SetSize(width, height int) {
	p.vp.SetWidth(width)
	p.vp.SetHeight(height)
	if width == p.drawnWidth && p.focused == p.drawnFocused {
		p.follow()
		return
	}
	p.refresh()
}

// styleChanged draws the selection in the new styles.
func (p *trafficPane) styleChanged() { p.refresh() }

func (p *trafficPane) ShortHelp() []key.Binding {
	return []key.Binding{withHelp(p.keys.Run, "open"), p.keys.Up, p.keys.Down}
}

func (p *trafficPane) title() string {
	if p.vp.Height() == 0 && len(p.entries) > 0 {
		e := &p.entries[len(p.entries)-1].o.Exchange
		return fmt.Sprintf("Traffic to %s · %d · latest #%d %s %s → %d · tab to list", p.url, len(p.entries), e.Seq, e.Method, e.Target, e.Status)
	}
	return fmt.Sprintf("Traffic · %d request(s) to %s", len(p.entries), p.url)
}

func (p *trafficPane) scrollPercent() (int, bool) { return percent(&p.vp) }
