package tui

import (
	"fmt"
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

// layout places the panes for the window size, focus and mode, then
// refreshes their content.
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
			m.vps[p].SetWidth(w)
			m.vps[p].SetHeight(max(0, heights[i]-1))
		}
		m.columns = append(m.columns, placedCol)
	}
	m.refresh()
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

// refresh sets every pane's content from the model's state.
func (m *Model) refresh() {
	m.refreshLesson()
	m.refreshExchange()
	m.refreshTraffic()
}

// lessonKey identifies the lesson pane's current rendering.
func (m *Model) lessonKey() renderKey {
	return renderKey{idx: m.idx, view: m.view, width: m.vps[paneLesson].Width(), style: m.styles.Name}
}

// lessonSource is the markdown the lesson pane shows: prose, wrapped to
// the pane, and code, which is not wrapped (the pane wraps its long lines).
func (m *Model) lessonSource() (prose, code string) {
	l := m.lessons[m.idx]
	switch m.view {
	case viewFlask:
		var b strings.Builder
		for _, c := range l.Flask {
			fmt.Fprintf(&b, "**%s**\n\n```%s\n%s```\n\n", c.Name, c.Lang, c.Source)
		}
		return "The lesson's Flask code for this stage.", b.String()
	case viewGo:
		return "The Go code the in-process server really runs in this stage, from " + goCodeSource(l) + ":", "```go\n" + m.goCode[m.idx] + "```\n"
	}
	return l.Text, ""
}

// refreshLesson sets the lesson pane from the markdown rendering if it is
// ready, and from the raw markdown, wrapped, until it is.
func (m *Model) refreshLesson() {
	vp := &m.vps[paneLesson]
	text, ok := m.rendered[m.lessonKey()]
	if !ok {
		prose, code := m.lessonSource()
		text = wrap(prose, vp.Width()-1) + "\n\n" + code
	}
	off := vp.YOffset()
	vp.SetContent(strings.TrimRight(text, "\n"))
	vp.SetYOffset(off)
}

// renderLesson renders the lesson pane's markdown, off the UI loop, unless
// it is already rendered. Prose keeps a margin on the right; code uses the
// whole width.
func (m *Model) renderLesson() tea.Cmd {
	k := m.lessonKey()
	if _, ok := m.rendered[k]; ok || k.width < 10 {
		return nil
	}
	prose, code := m.lessonSource()
	st := m.styles.Markdown
	return func() tea.Msg {
		text := renderMarkdown(prose, k.width-2, &st)
		if code != "" {
			text += "\n\n" + renderMarkdown(code, k.width, &st)
		}
		return renderMsg{key: k, text: text}
	}
}

// refreshExchange sets the exchange and session panes.
func (m *Model) refreshExchange() {
	ev, sv := &m.vps[paneExchange], &m.vps[paneSession]
	m.setCookieLine = -1
	if m.shown == nil {
		l := m.lessons[m.idx]
		msg := fmt.Sprintf("Press enter to send %s to %s and watch the exchange here.", l.Request, m.runner.URL())
		ev.SetContent(m.styles.Subtle.Render(wrap(msg, ev.Width())))
		sv.SetContent(m.styles.Subtle.Render(wrap("The session decoded from each Set-Cookie and Cookie header will appear here.", sv.Width())))
		return
	}
	r := renderer{st: &m.styles, width: ev.Width(), whole: m.whole}
	text, line := r.exchange(m.shown)
	m.setCookieLine = line
	off := ev.YOffset()
	ev.SetContent(text)
	ev.SetYOffset(off)
	r.width = sv.Width()
	off = sv.YOffset()
	sv.SetContent(r.session(m.shown))
	sv.SetYOffset(off)
}

// refreshTraffic sets the traffic pane and keeps the selection in view.
func (m *Model) refreshTraffic() {
	vp := &m.vps[paneTraffic]
	if len(m.trafficLog) == 0 {
		vp.SetContent(m.styles.Subtle.Render(fold("No requests yet. Open "+m.runner.URL()+" in a browser, or curl it.", vp.Width())))
		return
	}
	lines := make([]string, len(m.trafficLog))
	for i, t := range m.trafficLog {
		e := &t.e
		line := fmt.Sprintf("#%d %s %s %s → %d %s · %s", e.Seq, e.Start.Format("15:04:05"), sanitize(e.Method), sanitize(e.Target), e.Status, statusClass(e.Status), clientName(e.RequestHeader.Get("User-Agent")))
		if n := len(e.SetCookies()); n > 0 {
			line += " · Set-Cookie"
		}
		if e.Rejected != "" {
			line += " · cookie rejected"
		}
		if e.Dropped > 0 {
			line = fmt.Sprintf("(%d missed) ", e.Dropped) + line
		}
		marker := "  "
		if i == m.trafficSel {
			marker = "› "
		}
		line = fold(marker+line, vp.Width())
		if i == m.trafficSel && m.focus == paneTraffic {
			line = m.styles.Selected.Render(line)
		}
		lines[i] = line
	}
	vp.SetContentLines(lines)
	if m.trafficSel < vp.YOffset() {
		vp.SetYOffset(m.trafficSel)
	} else if h := vp.Height(); h > 0 && m.trafficSel >= vp.YOffset()+h {
		vp.SetYOffset(m.trafficSel - h + 1)
	}
}

// helpView renders the help for the current mode.
func (m *Model) helpView() string {
	switch m.mode {
	case modeList:
		return m.help.View(listKeys{&m.keys})
	case modeForm:
		return m.help.View(formKeys{&m.keys})
	}
	keys := m.keys
	if m.focus == paneTraffic && len(m.trafficLog) > 0 {
		keys.Run = withHelp(keys.Run, "open")
	}
	if m.lessons[m.idx].Storage != "" {
		return m.help.View(storageKeys{keys})
	}
	return m.help.View(keys)
}

// View draws the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "formtest tutor"
	if m.mode == modeForm {
		if c := m.inputs[m.formField].Cursor(); c != nil {
			c.Y += m.height - lipgloss.Height(m.helpView()) - 2 + m.formField
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
	var lines []string
	lines = append(lines, m.headerLine(), m.statusLine())
	if m.mode == modeList {
		lines = append(lines, m.stageList()...)
	} else {
		lines = append(lines, m.panes()...)
	}
	if m.mode == modeForm {
		lines = append(lines, m.formLines()...)
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

// headerLine is the top line: where the learner is in the lesson.
func (m *Model) headerLine() string {
	l := m.lessons[m.idx]
	mark := ""
	if m.progress.IsDone(progressKey(l)) {
		mark = " ✓"
	}
	// The storage stays in view: the title gives way first.
	tail := mark + " · " + storageName(m.srv.Storage())
	s := fmt.Sprintf("formtest tutor · Stage %d of %d: ", m.idx+1, len(m.lessons))
	s += fold(l.Title, max(8, m.width-ansi.StringWidth(s)-ansi.StringWidth(tail))) + tail
	return m.styles.Header.Render(fold(s, m.width))
}

// statusLine is the second line: the server, the form, and the last news.
func (m *Model) statusLine() string {
	s := m.status
	if s == "" {
		s = fmt.Sprintf("server %s · form %s <%s> · %d cookie(s) in the jar", m.runner.URL(), m.form.Name, m.form.Email, len(m.runner.Cookies()))
	}
	s = fold(sanitize(s), m.width)
	if m.statusErr {
		return m.styles.Error.Render(s)
	}
	return m.styles.Status.Render(s)
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
				cols[c] = append(cols[c], strings.Split(m.vps[pl.p].View(), "\n")...)
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

// paneTitle is a pane's title line. The focused pane is marked with ▶ and
// bold, so focus does not rest on colour.
func (m *Model) paneTitle(p pane, width int) string {
	var name string
	switch p {
	case paneLesson:
		name = "Lesson · " + m.view.String() + " (s switches)"
	case paneExchange:
		name = "Exchange"
		if m.shown != nil {
			name += " · " + m.shown.Title
			if m.shown.Source != "tutor" {
				name += " from " + m.shown.Source
			}
		}
	case paneSession:
		name = "Session · decoded cookies"
		if m.shown != nil && m.shown.Storage != "" {
			name += " · " + storageName(m.shown.Storage)
		}
	case paneTraffic:
		name = fmt.Sprintf("Traffic · %d request(s) to %s", len(m.trafficLog), m.runner.URL())
		if m.vps[p].Height() == 0 && len(m.trafficLog) > 0 {
			e := &m.trafficLog[len(m.trafficLog)-1].e
			name = fmt.Sprintf("Traffic to %s · %d · latest #%d %s %s → %d · tab to list", m.runner.URL(), len(m.trafficLog), e.Seq, sanitize(e.Method), sanitize(e.Target), e.Status)
		}
	}
	vp := &m.vps[p]
	if total := vp.TotalLineCount(); total > vp.Height() && vp.Height() > 0 {
		name += fmt.Sprintf(" · %d%%", int(vp.ScrollPercent()*100))
	}
	if p == m.focus {
		return m.styles.PaneTitleFocused.Render(fold("▶ "+name, width))
	}
	return m.styles.PaneTitle.Render(fold("  "+name, width))
}

// stageList draws the list of stages, done ones marked.
func (m *Model) stageList() []string {
	lines := []string{m.styles.Section.Render(fold("Stages (enter goes to one, esc closes)", m.width)), ""}
	for i, l := range m.lessons {
		mark := "[ ]"
		if m.progress.IsDone(progressKey(l)) {
			mark = "[✓]"
		}
		cur := "  "
		if i == m.idx {
			cur = "▸ "
		}
		line := fold(fmt.Sprintf("%s%s Stage %d: %s", cur, mark, i+1, l.Title), m.width)
		switch {
		case i == m.listSel:
			line = m.styles.Selected.Render(line)
		case m.progress.IsDone(progressKey(l)):
			line = m.styles.Done.Render(line)
		}
		lines = append(lines, line)
	}
	done := 0
	for _, l := range m.lessons {
		if m.progress.IsDone(progressKey(l)) {
			done++
		}
	}
	lines = append(lines, "", m.styles.Subtle.Render(fold(fmt.Sprintf("%d of %d stages done. ▸ marks the current stage.", done, len(m.stages)), m.width)))
	return lines
}

// formLines draws the form editor under the panes.
func (m *Model) formLines() []string {
	title := m.styles.Section.Render(fold("Demo form posted to POST /users (tab: next field, enter: save, esc: cancel)", m.width))
	return []string{title, fold(m.inputs[0].View(), m.width), fold(m.inputs[1].View(), m.width)}
}
