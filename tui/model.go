// Package tui is formtest's terminal tutorial: a Bubble Tea view over the
// lesson engine (lessons/engine), which walks through the sessions lesson
// stage by stage, runs each stage's exchange against the in-process form
// server, and shows every request and response in wire form, the raw
// Set-Cookie and Cookie headers, and the session the server decoded from
// them. It also writes the same tutorial as a plain transcript
// (WritePlain), over the same engine.
//
// The screen is made of components in the manner of soft-serve's panes,
// each with its own Update, View, SetSize and help keys: the lesson, the
// exchange, the session, the traffic list, the stage list, the form and
// the status line. The root Model keeps only focus, mode and layout.
//
// The package is handed everything it works with (an engine, a function
// that saves progress); it reads no flags, environment or files of its
// own.
package tui

import (
	"errors"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
)

// Options configures a Model.
type Options struct {
	// Engine is the lesson flow the tutor shows; it is at the stage to
	// resume.
	Engine *engine.Engine
	// Form is the demo form's starting values.
	Form engine.Form
	// Note, if set, is shown at start.
	Note string
	// SaveProgress, if set, is called (off the UI loop) whenever progress
	// changes.
	SaveProgress func(engine.Progress) error
	// KeyMap is the key bindings; nil means DefaultKeyMap.
	KeyMap *KeyMap
	// Styles fixes the styles. When nil, the tutor asks the terminal for its
	// background colour and picks light or dark styles.
	Styles *Styles
	// Now is the clock the challenges are timed with; nil means time.Now.
	Now func() time.Time

	// Classroom mode (classview.go): Class is the class the server
	// serves, fed by the caller; Join, how students reach it, shown first.
	// Both nil outside classroom mode.
	Class *classroom.Model
	Join  *classroom.Join
}

// pane names a pane of the screen.
type pane int

const (
	paneLesson pane = iota
	paneExchange
	paneSession
	paneTraffic
	numPanes
)

// mode is what the keys drive.
type mode int

const (
	modeMain mode = iota
	modeList
	modeForm
)

// component is a part of the screen: it takes messages, draws itself at
// the size it is given, and names the keys it answers to.
type component interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	ShortHelp() []key.Binding
}

// Model is the tutor's Bubble Tea model: the components, which of them
// has the focus, what the keys drive, and where each sits.
type Model struct {
	eng   *engine.Engine
	save  *saver
	watch *engine.Watcher

	keys        KeyMap
	styles      Styles
	stylesFixed bool
	help        help.Model

	width, height int
	focus         pane
	mode          mode
	// columns are the panes on screen, column by column, top to bottom,
	// with their heights (title line included).
	columns [][]placed

	header   *headerLine
	status   *statusLine
	lesson   *lessonPane
	exchange *exchangePane
	session  *sessionPane
	traffic  *trafficPane
	stages   *stageList
	form     *formPane

	// running is set while a run is out; runs are the last run of each
	// stage, shown again on return.
	running bool
	runs    map[int]*engine.Trip
	// growth is what the grow stage's last run came to.
	growth *engine.Growth

	// learn is the challenges, hints and predictions (challenges.go).
	learn *learning
	// class is classroom mode's state (classview.go); nil outside it.
	class *classView
}

// Messages.
type (
	// runMsg is a finished run, tamper or forge of stage idx.
	runMsg struct {
		idx    int
		run    *engine.RunResult
		attack *engine.AttackResult
		err    error
	}
	observationMsg struct{ o engine.Observation }
	savedMsg       struct{ err error }
)

// New returns a Model over opts.Engine.
func New(opts Options) (*Model, error) {
	if opts.Engine == nil {
		return nil, errors.New("tutor: no engine")
	}
	e := opts.Engine
	m := &Model{
		eng:    e,
		save:   newSaver(opts.SaveProgress),
		keys:   DefaultKeyMap(),
		styles: DefaultStyles(true),
		help:   help.New(),
		runs:   make(map[int]*engine.Trip),
	}
	if opts.KeyMap != nil {
		m.keys = *opts.KeyMap
	}
	if opts.Styles != nil {
		m.styles, m.stylesFixed = *opts.Styles, true
	}
	st := &m.styles
	m.header = &headerLine{st: st}
	m.status = &statusLine{st: st, url: e.URL()}
	m.lesson = newLessonPane(st, &m.keys, e.Stages())
	m.exchange = newExchangePane(st, &m.keys, e.URL())
	m.session = newSessionPane(st, &m.keys)
	m.traffic = newTrafficPane(st, &m.keys, e.URL())
	m.stages = &stageList{st: st, keys: &m.keys, stages: e.Stages()}
	m.form = newFormPane(st, &m.keys, opts.Form)
	if err := m.initLearning(opts); err != nil {
		return nil, err
	}
	m.applyStyles()
	cur := e.Current()
	m.lesson.setStage(cur.Index)
	m.exchange.setStage(cur)
	m.status.set(opts.Note, false)
	if cur.Index > 0 && opts.Note == "" {
		m.status.set(fmt.Sprintf("Welcome back: resuming at stage %d.", cur.Index+1), false)
	}
	if sc, err := e.Goto(cur.Index); err != nil {
		return nil, err
	} else if sc.NoDatabase && m.status.text == "" {
		m.status.set(noDatabaseNote, false)
	}
	m.watch = e.Watch(256)
	m.initClass(opts) // classroom mode (classview.go)
	m.width, m.height = 80, 24
	m.layout()
	return m, nil
}

// Init starts listening for traffic and asks for the background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.waitObservation(), m.waitClass()}
	if !m.stylesFixed {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// waitObservation waits for the next exchange the server saw.
func (m *Model) waitObservation() tea.Cmd {
	c := m.watch.C
	return func() tea.Msg {
		o, ok := <-c
		if !ok {
			return nil
		}
		return observationMsg{o}
	}
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.classTouch(msg) // classroom mode (classview.go)
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, m.lesson.render()
	case tea.BackgroundColorMsg:
		if !m.stylesFixed {
			m.styles = DefaultStyles(msg.IsDark())
			m.applyStyles()
			m.layout()
			return m, m.lesson.render()
		}
		return m, nil
	case renderMsg:
		return m, m.lesson.Update(msg)
	case runMsg:
		cmd := m.finishRun(msg)
		m.afterRun(msg)
		return m, cmd
	case secondMsg:
		m.finishSecond(msg)
		return m, nil
	case classChangedMsg: // classroom mode (classview.go)
		return m, m.classChanged()
	case observationMsg:
		// One watcher, fanned out: the challenges see every observation;
		// the traffic list gets it now, or once a frame in classroom mode.
		learned := m.observe(msg.o)
		if m.classObservation(msg.o) { // classroom mode: queued (classview.go)
			return m, tea.Batch(learned, m.waitObservation())
		}
		m.traffic.add(msg.o)
		return m, tea.Batch(learned, m.waitObservation())
	case savedMsg:
		if msg.err != nil {
			m.status.set("Progress not saved: "+msg.err.Error(), true)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	if m.mode == modeForm {
		return m, m.form.Update(msg)
	}
	return m, nil
}

// quit ends the program: it stops what waits on its behalf (classroom
// mode's wait for the class), then quits.
func (m *Model) quit() tea.Cmd {
	m.classQuit() // classroom mode (classview.go)
	return tea.Quit
}

// key handles a key press.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.quit()
	}
	if cmd, ok := m.classKey(msg); ok { // classroom mode (classview.go)
		return cmd
	}
	if cmd, ok := m.learnKey(msg); ok { // challenges.go
		return cmd
	}
	switch m.mode {
	case modeList:
		return m.listKey(msg)
	case modeForm:
		return m.formKey(msg)
	}
	k := &m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
	case key.Matches(msg, k.Run):
		if m.focus == paneTraffic {
			if t := m.traffic.open(); t != nil {
				m.show(t, false)
				m.status.set(fmt.Sprintf("Showing traffic #%d from %s. Press enter in another pane to run the stage again.", t.Seq, sanitize(t.Label)), false)
				return nil
			}
		}
		return m.run()
	case key.Matches(msg, k.Next):
		return m.setStage(m.eng.Current().Index + 1)
	case key.Matches(msg, k.Prev):
		return m.setStage(m.eng.Current().Index - 1)
	case key.Matches(msg, k.Form):
		m.mode = modeForm
		m.layout()
		return m.form.open()
	case key.Matches(msg, k.Focus):
		m.focus = (m.focus + 1) % numPanes
		m.layout()
	case key.Matches(msg, k.FocusBack):
		m.focus = (m.focus + numPanes - 1) % numPanes
		m.layout()
	case key.Matches(msg, k.View):
		return m.lesson.cycleView()
	case key.Matches(msg, k.Whole):
		whole := !m.exchange.whole
		m.exchange.setWhole(whole)
		m.session.setWhole(whole)
		if whole {
			m.status.set("Showing long values and bodies whole (v folds them again).", false)
		} else {
			m.status.set("Long values folded with … (v shows them whole).", false)
		}
	case key.Matches(msg, k.Clear):
		m.eng.Tutor().Clear()
		m.status.set("Cookie jar cleared, as in a new browser: the next request carries no cookie.", false)
	case key.Matches(msg, k.Tamper):
		return m.runAttack(engine.AttackTamper)
	case key.Matches(msg, k.Forge):
		return m.runAttack(engine.AttackForge)
	case key.Matches(msg, k.Storage):
		sc, err := m.eng.CycleStorage()
		if err != nil {
			m.status.set(err.Error(), true)
			return nil
		}
		m.status.set(storageStatus(sc, m.eng.HasDatabase()))
		m.classStageNote(sc.NoDatabase) // classroom mode: the whole class moves
	case key.Matches(msg, k.List):
		m.mode = modeList
		m.stages.open(m.eng.Current().Index)
		m.stages.setProgress(m.eng.Progress())
		m.layout()
	default:
		return m.focused().Update(msg)
	}
	return nil
}

// focused returns the component that has the focus.
func (m *Model) focused() component {
	return [...]component{m.lesson, m.exchange, m.session, m.traffic}[m.focus]
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Accept):
		m.mode = modeMain
		m.layout()
		return m.setStage(m.stages.sel)
	case key.Matches(msg, k.Back), key.Matches(msg, k.List):
		m.mode = modeMain
		m.layout()
	case key.Matches(msg, k.Quit):
		return m.quit()
	default:
		return m.stages.Update(msg)
	}
	return nil
}

func (m *Model) formKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.mode = modeMain
		m.layout()
		m.status.set("Form unchanged.", false)
		return nil
	case key.Matches(msg, k.Accept):
		f := m.form.accept()
		m.mode = modeMain
		m.layout()
		m.status.set(fmt.Sprintf("Form saved: name=%q email=%q. Press enter to post it.", f.Name, f.Email), false)
		return nil
	}
	return m.form.Update(msg)
}

// setStage moves to stage i and shows its last run, if any.
func (m *Model) setStage(i int) tea.Cmd {
	sc, err := m.eng.Goto(i)
	if err != nil {
		m.status.set(errorStatus(err), !errors.Is(err, engine.ErrPastLast) && !errors.Is(err, engine.ErrBeforeFirst))
		return nil
	}
	st := sc.Stage
	m.lesson.setStage(i)
	m.exchange.setStage(st)
	m.show(m.runs[i], true)
	m.focus = paneLesson
	if sc.NoDatabase {
		m.status.set(noDatabaseNote, true)
	} else {
		m.status.set(fmt.Sprintf("Stage %d: the server now runs the %q stage, sessions: %s. Press enter to run %s.", i+1, st.Server, engine.StorageName(sc.Storage), st.Runs()), false)
	}
	m.classStageNote(sc.NoDatabase) // classroom mode: the whole class moves
	m.layout()
	return tea.Batch(m.lesson.render(), m.saveProgress())
}

// show puts trip t in the exchange and session panes; top scrolls both to
// their beginning.
func (m *Model) show(t *engine.Trip, top bool) {
	m.exchange.show(t)
	m.session.show(t)
	if !top {
		m.focus = paneExchange
		m.layout()
		m.exchange.scrollToNews()
		m.session.top()
	}
}

// saveProgress saves progress off the UI loop.
func (m *Model) saveProgress() tea.Cmd {
	if m.save == nil {
		return nil
	}
	return m.save.cmd(m.progressToSave())
}

// applyStyles hands the styles to the bubbles that keep their own.
func (m *Model) applyStyles() {
	m.help.Styles = m.styles.Help
	m.form.applyStyles()
	m.lesson.styleChanged()
	m.exchange.styleChanged()
	m.session.styleChanged()
	m.traffic.styleChanged()
}

// lastGrowth is what the grow stage's last run came to, or nil.
func (m *Model) lastGrowth() *engine.Growth { return m.growth }

// Form returns the demo form's current values.
func (m *Model) Form() engine.Form { return m.form.values() }

// Progress returns the learner's progress.
func (m *Model) Progress() engine.Progress { return m.progressToSave() }

// Stage returns the index of the current lesson, from 0.
func (m *Model) Stage() int { return m.eng.Current().Index }
