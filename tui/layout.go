package tui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// wideWidth is the width from which the panes sit in two columns.
const wideWidth = 120

// placed is a pane placed on screen with its height, title line included.
type placed struct {
	p      pane
	height int
}

// paneWeight is each pane's share of the spare height before focus; the
// traffic list gets none unless it has the focus.
func paneWeight(p pane) int {
	return [...]int{3, 4, 4, 0}[p]
}

// layout places the panes for the window size, focus and mode, and gives
// each component its size. A component whose width did not change keeps
// its content as it is.
func (m *Model) layout() {
	m.help.SetWidth(m.width)
	avail := max(0, m.height-2-lipgloss.Height(m.helpView()))
	if m.mode == modeForm {
		avail = max(0, avail-3)
	}
	var cols [][]pane
	if m.width >= wideWidth {
		cols = [][]pane{{paneLesson, paneTraffic}, {paneExchange, paneSession}}
	} else {
		cols = [][]pane{{paneLesson, paneExchange, paneSession, paneTraffic}}
	}
	m.traffic.focused = m.focus == paneTraffic
	m.columns = m.columns[:0]
	for c, col := range cols {
		weights := make([]int, len(col))
		least := make([]int, len(col))
		for i, p := range col {
			weights[i], least[i] = paneWeight(p), 2
			if p == m.focus {
				weights[i] = max(2, weights[i]*3)
			}
			if p == paneTraffic && p != m.focus && len(col) > 2 {
				// Its title line names the latest request; the list
				// itself opens with the focus.
				least[i] = 1
			}
		}
		heights := split(avail, weights, least)
		var placedCol []placed
		w := m.colWidth(c, len(cols))
		for i, p := range col {
			placedCol = append(placedCol, placed{p: p, height: heights[i]})
			m.component(p).SetSize(w, max(0, heights[i]-1))
		}
		m.columns = append(m.columns, placedCol)
	}
	m.stages.SetSize(m.width, avail)
	m.form.SetSize(m.width, 3)
	m.refreshFoot() // the challenge box, challenges.go
	m.classLayout() // classroom mode (classview.go)
}

// component returns pane p's component.
func (m *Model) component(p pane) component {
	return [...]component{m.lesson, m.exchange, m.session, m.traffic}[p]
}

// colWidth is the width of column c of n.
func (m *Model) colWidth(c, n int) int {
	if n == 1 {
		return m.width
	}
	left := (m.width - 1) * 2 / 5 // the exchange needs the room more than the text
	if c == 0 {
		return left
	}
	return m.width - 1 - left
}

// split divides total among weights, giving each pane at least its least
// when there is room, and returns heights that sum to total.
func split(total int, weights, least []int) []int {
	out := make([]int, len(weights))
	if total <= 0 {
		return out
	}
	need := 0
	for _, l := range least {
		need += l
	}
	if total < need {
		// Not enough room for every pane: the heaviest first.
		for total > 0 {
			best := -1
			for i, w := range weights {
				if out[i] == 0 && (best < 0 || w > weights[best]) {
					best = i
				}
			}
			if best < 0 {
				break
			}
			out[best] = min(least[best], total)
			total -= out[best]
		}
		return out
	}
	sum := 0
	for _, w := range weights {
		sum += w
	}
	rest := total - need
	used := 0
	for i, w := range weights {
		out[i] = least[i]
		if sum > 0 {
			out[i] += rest * w / sum
		}
		used += out[i]
	}
	// Hand out what rounding left to the heaviest pane.
	best := 0
	for i, w := range weights {
		if w > weights[best] {
			best = i
		}
	}
	out[best] += total - used
	return out
}

// helpView renders the help for the current mode: the stage's keys, and
// the focused component's.
func (m *Model) helpView() string {
	switch m.mode {
	case modeList:
		return m.help.View(listKeys{&m.keys})
	case modeForm:
		return m.help.View(formKeys{&m.keys})
	}
	keys := m.keys
	if m.focus == paneTraffic && m.traffic.len() > 0 {
		keys.Run = withHelp(keys.Run, "open")
	}
	if m.help.ShowAll {
		return m.help.View(keys)
	}
	line := m.help.ShortHelpView(keys.ShortHelp())
	if m.eng.Current().Lesson.Storage != "" {
		// The stages on where sessions are kept ask for more keys than
		// one line holds: they get a second.
		line += "\n" + m.help.ShortHelpView(keys.stageKeys())
	}
	if m.class != nil { // classroom mode: its keys (classview.go)
		line += "\n" + m.help.ShortHelpView(m.classTutorKeys())
	}
	return line
}

// View draws the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "formtest tutor"
	if m.mode == modeForm {
		if c := m.form.cursor(); c != nil {
			c.Y += m.height - lipgloss.Height(m.helpView()) - 2
			v.Cursor = c
		}
	}
	return v
}

// render draws the screen's content: exactly height lines, none wider
// than width.
func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if s, ok := m.classRender(); ok { // classroom mode (classview.go)
		return s
	}
	st := m.eng.Current()
	var lines []string
	lines = append(lines,
		m.header.view(st, m.eng.Progress().IsDone(st.Key), m.eng.Storage(), m.eng.URL(), len(m.eng.Stages()), m.width),
		m.status.view(m.form.values(), len(m.eng.Tutor().Cookies()), m.width))
	if m.mode == modeList {
		lines = append(lines, strings.Split(m.stages.View(), "\n")...)
	} else if m.learn != nil && m.learn.finish {
		lines = append(lines, m.finishLines()...) // challenges.go
	} else {
		lines = append(lines, m.panes()...)
	}
	if m.mode == modeForm {
		lines = append(lines, strings.Split(m.form.View(), "\n")...)
	}
	helpLines := strings.Split(m.helpView(), "\n")
	body := max(0, m.height-len(helpLines))
	for len(lines) < body {
		lines = append(lines, "")
	}
	lines = append(lines[:body], helpLines...)
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > m.width {
			lines[i] = ansi.Truncate(l, m.width, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// panes draws the panes, column by column.
func (m *Model) panes() []string {
	cols := make([][]string, len(m.columns))
	for c, col := range m.columns {
		w := m.colWidth(c, len(m.columns))
		for _, pl := range col {
			if pl.height <= 0 {
				continue
			}
			cols[c] = append(cols[c], m.paneTitle(pl.p, w))
			if pl.height > 1 {
				cols[c] = append(cols[c], strings.Split(m.component(pl.p).View(), "\n")...)
			}
		}
	}
	if len(cols) == 1 {
		return cols[0]
	}
	// Two columns, side by side, with a rule between them.
	n := max(len(cols[0]), len(cols[1]))
	w0 := m.colWidth(0, 2)
	rule := m.styles.Rule.Render("│")
	out := make([]string, n)
	for i := range n {
		var a, b string
		if i < len(cols[0]) {
			a = cols[0][i]
		}
		if i < len(cols[1]) {
			b = cols[1][i]
		}
		if pad := w0 - ansi.StringWidth(a); pad > 0 {
			a += strings.Repeat(" ", pad)
		}
		out[i] = a + rule + b
	}
	return out
}

// titled is a component with a title line.
type titled interface {
	title() string
	scrollPercent() (int, bool)
}

// paneTitle is a pane's title line. The focused pane is marked with ▶ and
// bold, so focus does not rest on colour. Titles may hold client-sent
// text, so the whole line is escaped.
func (m *Model) paneTitle(p pane, width int) string {
	t := m.component(p).(titled)
	name := t.title()
	if pct, ok := t.scrollPercent(); ok {
		name += " · " + strconv.Itoa(pct) + "%"
	}
	name = sanitize(name)
	if p == m.focus {
		return m.styles.PaneTitleFocused.Render(fold("▶ "+name, width))
	}
	return m.styles.PaneTitle.Render(fold("  "+name, width))
}
