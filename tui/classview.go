package tui

// This file is the tutor's classroom mode (formtest tutor --classroom):
// the join screen (URLs and QR code), the class screen (classPane), the
// presenter layout for a projector, and the notes that a stage or storage
// switch applies to the whole class. model.go and layout.go call into it
// at a few marked places; outside classroom mode (Options.Class nil) none
// of it runs.

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
)

// classScreen is what classroom mode shows.
type classScreen int

const (
	// screenJoin is how to join: the URLs and the QR code. It opens first.
	screenJoin classScreen = iota
	// screenClass is the class list.
	screenClass
	// screenTutor is the ordinary tutor screen.
	screenTutor
)

// classMinGap is the least time between two copies of the class's rows:
// one frame at the tutor's 30 frames a second. A busy class changes many
// times a frame; the screen cannot show more than one.
const classMinGap = time.Second / 30

// classKeyMap holds classroom mode's own keys.
type classKeyMap struct {
	Class     key.Binding
	Join      key.Binding
	Presenter key.Binding
	Emails    key.Binding
	Confirm   key.Binding
}

func defaultClassKeyMap() classKeyMap {
	return classKeyMap{
		Class:     key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "class/tutor")),
		Join:      key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "join (QR)")),
		Presenter: key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "presenter")),
		Emails:    key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "emails")),
		Confirm:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
	}
}

// classView is classroom mode's state in the Model.
type classView struct {
	model *classroom.Model
	join  *classroom.Join
	keys  classKeyMap
	pane  *classPane

	screen    classScreen
	presenter bool
	// confirming is set while the tutor asks whether to show emails.
	confirming bool
	// last is when the rows were last copied.
	last time.Time
	now  func() time.Time

	// pending are the class's observations not yet in the traffic list:
	// a class sends hundreds a second, so they join it once a frame
	// (with the class's rows), not one by one.
	pending []engine.Observation
	// frame is the last screen drawn; fresh reports that nothing it
	// shows has changed since, so the next View returns it as it is.
	// inner is set while the tutor's own screen is drawn for it.
	frame        string
	fresh, inner bool

	// done is closed when the tutor quits, so that the goroutine waiting
	// for the class to change ends with the program.
	done chan struct{}
}

// classChangedMsg says the class changed.
type classChangedMsg struct{}

// initClass sets classroom mode up from opts. model.go calls it.
func (m *Model) initClass(opts Options) {
	if opts.Class == nil {
		return
	}
	c := &classView{model: opts.Class, join: opts.Join, keys: defaultClassKeyMap(), now: time.Now, done: make(chan struct{})}
	c.pane = newClassPane(&m.styles, &m.keys, opts.Class)
	c.screen = screenClass
	if opts.Join != nil {
		c.screen = screenJoin
	}
	c.pane.refresh(m.eng.Current())
	m.class = c
}

// waitClass waits for the class to change, then for the rest of the
// frame, so that a class sending hundreds of requests a second costs one
// copy of the rows a frame. It gives up, with no message, when the tutor
// quits.
func (m *Model) waitClass() tea.Cmd {
	if m.class == nil {
		return nil
	}
	c, last, now, done, fed := m.class.model.Changed(), m.class.last, m.class.now, m.class.done, m.class.model.Fed()
	return func() tea.Msg {
		select {
		case <-c:
		case <-done:
			return nil
		case <-fed:
			// The class's feed ended (the tutor is stopping from outside,
			// its context done): nothing more will change.
			return nil
		}
		if d := classMinGap - now().Sub(last); d > 0 {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
			case <-done:
				return nil
			}
		}
		return classChangedMsg{}
	}
}

// classQuit ends classroom mode's waiting as the tutor quits; the Model's
// quit calls it.
func (m *Model) classQuit() {
	c := m.class
	if c == nil {
		return
	}
	select {
	case <-c.done:
	default:
		close(c.done)
	}
}

// classTouch marks the frame stale for any message but a class's
// observation, which changes nothing on screen until it joins the traffic
// list.
func (m *Model) classTouch(msg tea.Msg) {
	if m.class == nil {
		return
	}
	if o, ok := msg.(observationMsg); ok && !o.o.Own() {
		return
	}
	m.class.fresh = false
}

// classObservation queues a class's observation for the traffic list; it
// reports false for the tutor's own, which join the list at once.
func (m *Model) classObservation(o engine.Observation) bool {
	c := m.class
	if c == nil || o.Own() {
		return false
	}
	if len(c.pending) >= maxTraffic {
		c.pending = c.pending[1:] // the list keeps no more than that
	}
	c.pending = append(c.pending, o)
	return true
}

// flushTraffic puts the queued observations in the traffic list, drawing
// it once.
func (m *Model) flushTraffic() {
	c := m.class
	if len(c.pending) == 0 {
		return
	}
	for _, o := range c.pending {
		m.traffic.push(o)
	}
	clear(c.pending)
	c.pending = c.pending[:0]
	m.traffic.refresh()
}

// classChanged takes the class's new rows and waits for the next change.
func (m *Model) classChanged() tea.Cmd {
	m.flushTraffic()
	c := m.class
	c.last = c.now()
	if c.screen == screenTutor && !c.presenter {
		// Not on screen: C takes a copy when it shows the class.
		return m.waitClass()
	}
	c.pane.refresh(m.eng.Current())
	return m.waitClass()
}

// classKey handles a key in classroom mode, before the tutor's own keys;
// it reports whether it did.
func (m *Model) classKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	c := m.class
	if c == nil || m.mode != modeMain {
		return nil, false
	}
	ck, k := &c.keys, &m.keys
	if c.confirming {
		c.confirming = false
		if key.Matches(msg, ck.Confirm) {
			c.pane.emails = true
			m.status.set("Emails shown whole on the projected screen. E masks them again.", false)
		} else {
			m.status.set("Emails stay masked.", false)
		}
		m.layout()
		return nil, true
	}
	if c.screen == screenJoin {
		switch {
		case key.Matches(msg, ck.Join), key.Matches(msg, k.Back), key.Matches(msg, k.Accept):
			c.screen = screenClass
			m.status.set("Students appear below as they connect. J shows the join code again; C switches to the tutor.", false)
			m.layout()
			return nil, true
		case key.Matches(msg, k.Quit), key.Matches(msg, k.Help):
			return nil, false
		}
		return nil, true // the join screen stays until it is closed
	}
	switch {
	case key.Matches(msg, ck.Join):
		c.screen = screenJoin
		m.layout()
		return nil, true
	case key.Matches(msg, ck.Class):
		if c.screen == screenClass {
			c.screen = screenTutor
			m.status.set("The tutor's own screen; C shows the class again.", false)
		} else {
			c.screen = screenClass
			c.pane.refresh(m.eng.Current())
			m.status.set("The class: one row per student's browser. Enter opens one.", false)
		}
		m.layout()
		return nil, true
	case key.Matches(msg, ck.Presenter):
		c.presenter = !c.presenter
		c.pane.refresh(m.eng.Current())
		if c.presenter && c.screen == screenTutor {
			m.focus = paneExchange
		}
		m.layout()
		return nil, true
	case key.Matches(msg, ck.Emails):
		if c.pane.emails {
			c.pane.emails = false
			m.status.set("Emails masked again.", false)
		} else {
			c.confirming = true
			m.status.set("Show every student's email whole on this projected screen? Press y to show them, any other key to keep them masked.", true)
		}
		m.layout()
		return nil, true
	}
	if c.screen != screenClass {
		return nil, false
	}
	switch {
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down), key.Matches(msg, k.PageUp), key.Matches(msg, k.PageDown),
		key.Matches(msg, k.Top), key.Matches(msg, k.Bottom), key.Matches(msg, k.Run):
		return c.pane.Update(msg), true
	case c.pane.detail != nil && (key.Matches(msg, k.Back) || msg.String() == "[" || msg.String() == "]"):
		return c.pane.Update(msg), true
	}
	return nil, false
}

// classLayout sizes classroom mode's panes; layout calls it last, so in
// the presenter layout its sizes win.
func (m *Model) classLayout() {
	c := m.class
	if c == nil {
		return
	}
	c.pane.spacing = 0
	switch {
	case c.presenter && c.screen == screenClass:
		c.pane.spacing = 1
		c.pane.SetSize(max(0, m.width-2*presenterMargin), max(0, m.height-presenterChrome))
	case c.presenter && c.screen == screenTutor:
		m.exchange.SetSize(max(0, m.width-2*presenterMargin), max(0, m.height-presenterChrome))
	default:
		c.pane.SetSize(m.width, max(0, m.height-2-lipgloss.Height(m.classHelpView())))
	}
}

// The presenter layout: a margin on each side, and the stage's title, a
// blank line, the pane, a blank line and a line of keys.
const (
	presenterMargin = 2
	presenterChrome = 4
)

// classHelpView is the help line of the class screen.
func (m *Model) classHelpView() string {
	c := m.class
	ck, k := &c.keys, &m.keys
	if c.confirming {
		return m.help.ShortHelpView([]key.Binding{withHelp(ck.Confirm, "show emails"), key.NewBinding(key.WithHelp("any key", "keep them masked"))})
	}
	if c.screen == screenJoin {
		return m.help.ShortHelpView([]key.Binding{withHelp(k.Accept, "to the class"), k.Quit})
	}
	if m.help.ShowAll {
		return m.help.View(k) + "\n" + m.help.ShortHelpView([]key.Binding{ck.Class, ck.Join, ck.Presenter, ck.Emails})
	}
	return m.help.ShortHelpView(append(c.pane.ShortHelp(), k.Next, k.Prev, k.Storage, k.Help)) + "\n" +
		m.help.ShortHelpView([]key.Binding{ck.Class, ck.Join, ck.Presenter, ck.Emails, k.List, k.Quit})
}

// classTutorKeys are classroom mode's keys on the tutor's own screen.
func (m *Model) classTutorKeys() []key.Binding {
	ck := &m.class.keys
	return []key.Binding{withHelp(ck.Class, "the class"), ck.Join, ck.Presenter}
}

// classRender draws classroom mode's screens; it reports false when the
// tutor's own screen is to be drawn.
func (m *Model) classRender() (string, bool) {
	c := m.class
	if c == nil || c.inner {
		return "", false
	}
	if c.fresh {
		return c.frame, true
	}
	s, ok := m.classScreenView()
	if !ok {
		c.inner = true
		s = m.render()
		c.inner = false
	}
	c.frame, c.fresh = s, true
	return s, true
}

// classScreenView draws classroom mode's own screens; it reports false
// for the tutor's.
func (m *Model) classScreenView() (string, bool) {
	c := m.class
	if m.mode != modeMain {
		return "", false
	}
	var lines []string
	switch {
	case c.screen == screenJoin:
		lines = m.joinLines()
	case c.presenter && c.screen == screenClass:
		lines = m.presenterLines(c.pane.View())
	case c.presenter:
		lines = m.presenterLines(m.exchange.View())
	case c.screen == screenClass:
		st := m.eng.Current()
		lines = append(lines,
			m.header.view(st, m.eng.Progress().IsDone(st.Key), m.eng.Storage(), m.eng.URL(), len(m.eng.Stages()), m.width),
			m.status.view(m.form.values(), len(m.eng.Tutor().Cookies()), m.width))
		lines = append(lines, strings.Split(c.pane.View(), "\n")...)
		help := strings.Split(m.classHelpView(), "\n")
		lines = append(fit(lines, m.height-len(help)), help...)
	default:
		return "", false
	}
	return strings.Join(fitWidth(fit(lines, m.height), m.width), "\n"), true
}

// presenterLines lays out the presenter layout around a pane's view.
func (m *Model) presenterLines(body string) []string {
	c := m.class
	st := m.eng.Current()
	title := fmt.Sprintf("Stage %d of %d: %s · %s", st.Index+1, len(m.eng.Stages()), st.Lesson.Title, engine.StorageName(m.eng.Storage()))
	if c.screen == screenTutor {
		title += " · " + c.pane.summary.String()
	}
	margin := strings.Repeat(" ", presenterMargin)
	lines := []string{m.styles.Header.Render(fold(sanitize(title), m.width)), ""}
	for _, l := range strings.Split(body, "\n") {
		lines = append(lines, margin+l)
	}
	lines = fit(lines, m.height-1)
	hint := "P leaves the presenter view · C class/tutor · n/p stage · q quit"
	if c.confirming || m.status.isErr {
		hint = m.status.text
	}
	return append(lines, m.styles.Subtle.Render(fold(sanitize(hint), m.width)))
}

// classStageNote says, in classroom mode, that a stage or storage switch
// moved the whole class; setStage and the storage key call it after
// setting their own status.
func (m *Model) classStageNote(noDatabase bool) {
	c := m.class
	if c == nil || noDatabase {
		return
	}
	st := m.eng.Current()
	m.status.set(fmt.Sprintf("Stage %d for the whole class: every student now meets the %q stage; sessions: %s.",
		st.Index+1, st.Server, engine.StorageName(m.eng.Storage())), false)
	c.pane.refresh(st)
}

// fit pads or cuts lines to exactly n.
func fit(lines []string, n int) []string {
	n = max(0, n)
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines[:n]
}

// fitWidth cuts every line to width cells.
func fitWidth(lines []string, width int) []string {
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return lines
}
