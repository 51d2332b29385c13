// Package tui is formtest's terminal tutorial: a Bubble Tea program that
// walks through the sessions lesson stage by stage, runs each stage's
// exchange against the in-process form server, and shows every request and
// response in wire form, the raw Set-Cookie and Cookie headers, and the
// session decoded from them. It also writes the same tutorial as a plain
// transcript (WritePlain).
//
// The package is handed everything it works with (lessons, a server, a
// runner, a traffic channel, a function that saves progress); it reads no
// flags, environment or files of its own.
package tui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// maxTraffic is how many live exchanges the traffic list keeps.
const maxTraffic = 500

// runTimeout bounds one run of a stage's exchange.
const runTimeout = 15 * time.Second

// Options configures a Model.
type Options struct {
	// Lessons are the stages, in order. Each Stage must name a server stage.
	Lessons []lessons.Lesson
	// Server is the in-process form server; the tutor switches its stage.
	Server *server.Server
	// Runner sends the tutor's own requests to Server.
	Runner *Runner
	// Form is the demo form's starting values.
	Form Form
	// Progress is where to resume; Note, if set, is shown at start.
	Progress Progress
	Note     string
	// SaveProgress, if set, is called (off the UI loop) whenever progress
	// changes.
	SaveProgress func(Progress) error
	// Traffic, if set, delivers every exchange the server sees, for the
	// live traffic list.
	Traffic <-chan server.Exchange
	// KeyMap is the key bindings; nil means DefaultKeyMap.
	KeyMap *KeyMap
	// Styles fixes the styles. When nil, the tutor asks the terminal for its
	// background colour and picks light or dark styles.
	Styles *Styles
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

// lessonView is what the lesson pane shows.
type lessonView int

const (
	viewText lessonView = iota
	viewFlask
	viewGo
	numViews
)

func (v lessonView) String() string {
	return [...]string{"text", "Flask code", "Go code"}[v]
}

// mode is what the keys drive.
type mode int

const (
	modeMain mode = iota
	modeList
	modeForm
)

// Model is the tutor's Bubble Tea model.
type Model struct {
	lessons  []lessons.Lesson
	stages   []server.Stage
	storages []server.Storage
	goCode   []string
	srv      *server.Server
	runner   *Runner
	save     *saver
	traffic  <-chan server.Exchange

	keys        KeyMap
	styles      Styles
	stylesFixed bool
	help        help.Model

	width, height int
	idx           int
	progress      Progress
	focus         pane
	view          lessonView
	whole         bool
	mode          mode
	listSel       int

	form      Form
	inputs    [2]textinput.Model
	formField int

	vps      [numPanes]viewport.Model
	rendered map[renderKey]string
	// setCookieLine is the exchange pane's line of the first response
	// with a Set-Cookie or an error status, or -1.
	setCookieLine int
	// columns are the panes on screen, column by column, top to bottom,
	// with their heights (title line included).
	columns [][]placed

	runs       map[int]*Exchange
	running    bool
	shown      *Exchange
	trafficLog []trafficEntry
	trafficSel int
	// pending are recent runs still waiting for the server's account of
	// some hop; attack is the latest tamper or forge run.
	pending []*Exchange
	attack  *Exchange
	// growRuns counts the grow stage's posts since the jar was cleared;
	// growSizes are the session cookie's sizes they got back.
	growRuns  int
	growSizes []int

	status    string
	statusErr bool
}

// trafficEntry is one exchange of the live traffic list.
type trafficEntry struct {
	e  server.Exchange
	ex *Exchange // made when first opened
	// matched is set once the entry is filed under a tutor run's hop.
	matched bool
}

// renderKey identifies a rendering of a lesson pane.
type renderKey struct {
	idx   int
	view  lessonView
	width int
	style string
}

// Messages.
type (
	exchangeMsg struct {
		idx int
		ex  *Exchange
		err error
		// attack is set for a tamper or forge run.
		attack bool
	}
	trafficMsg struct{ e server.Exchange }
	renderMsg  struct {
		key  renderKey
		text string
	}
	savedMsg struct{ err error }
)

// New returns a Model for opts. It fails if a lesson names a stage the
// server does not have.
func New(opts Options) (*Model, error) {
	if len(opts.Lessons) == 0 {
		return nil, errors.New("tutor: no lessons")
	}
	if opts.Server == nil || opts.Runner == nil {
		return nil, errors.New("tutor: no server or runner")
	}
	m := &Model{
		lessons:  opts.Lessons,
		srv:      opts.Server,
		runner:   opts.Runner,
		save:     newSaver(opts.SaveProgress),
		traffic:  opts.Traffic,
		keys:     DefaultKeyMap(),
		styles:   DefaultStyles(true),
		help:     help.New(),
		form:     opts.Form,
		rendered: make(map[renderKey]string),
		runs:     make(map[int]*Exchange),
		status:   opts.Note,
		progress: opts.Progress,
	}
	if opts.KeyMap != nil {
		m.keys = *opts.KeyMap
	}
	if opts.Styles != nil {
		m.styles, m.stylesFixed = *opts.Styles, true
	}
	m.applyStyles()
	for _, l := range opts.Lessons {
		st, err := server.ParseStage(l.Stage)
		if err != nil {
			return nil, fmt.Errorf("tutor: lesson %s: %w", l.File, err)
		}
		storage, err := lessonStorage(l)
		if err != nil {
			return nil, fmt.Errorf("tutor: lesson %s: %w", l.File, err)
		}
		code, err := goCode(l, st)
		if err != nil {
			return nil, fmt.Errorf("tutor: lesson %s: %w", l.File, err)
		}
		m.stages = append(m.stages, st)
		m.storages = append(m.storages, storage)
		m.goCode = append(m.goCode, code)
	}
	for i := range m.vps {
		m.vps[i] = viewport.New()
		m.vps[i].SoftWrap = true
		m.vps[i].MouseWheelEnabled = false
	}
	for i := range m.inputs {
		m.inputs[i] = textinput.New()
		m.inputs[i].CharLimit = 200
		m.inputs[i].SetVirtualCursor(false) // the real cursor: no blink timer
	}
	m.applyStyles()
	m.inputs[0].Prompt, m.inputs[1].Prompt = "name:  ", "email: "
	// Resume where the learner stopped.
	for i, l := range m.lessons {
		if progressKey(l) == opts.Progress.Current {
			m.idx = i
		}
	}
	if m.idx > 0 && m.status == "" {
		m.status = fmt.Sprintf("Welcome back: resuming at stage %d.", m.idx+1)
	}
	m.progress.Current = progressKey(m.lessons[m.idx])
	if err := m.srv.SetStage(m.stages[m.idx]); err != nil {
		return nil, err
	}
	if note := m.applyStorage(m.storages[m.idx]); note != "" && m.status == "" {
		m.status = note
	}
	m.width, m.height = 80, 24
	m.layout()
	return m, nil
}

// Init starts listening for traffic and asks for the background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.waitTraffic()}
	if !m.stylesFixed {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// waitTraffic waits for the next exchange the server saw.
func (m *Model) waitTraffic() tea.Cmd {
	if m.traffic == nil {
		return nil
	}
	c := m.traffic
	return func() tea.Msg {
		e, ok := <-c
		if !ok {
			return nil
		}
		return trafficMsg{e}
	}
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, m.renderLesson()
	case tea.BackgroundColorMsg:
		if !m.stylesFixed {
			m.styles = DefaultStyles(msg.IsDark())
			m.applyStyles()
			m.refresh()
			return m, m.renderLesson()
		}
		return m, nil
	case renderMsg:
		m.rendered[msg.key] = msg.text
		if msg.key == m.lessonKey() {
			m.refreshLesson()
		}
		return m, nil
	case exchangeMsg:
		return m, m.finishRun(msg)
	case trafficMsg:
		m.trafficLog = append(m.trafficLog, trafficEntry{e: msg.e})
		m.match(len(m.trafficLog) - 1)
		if n := len(m.trafficLog) - maxTraffic; n > 0 {
			m.trafficLog = m.trafficLog[n:]
			m.trafficSel = max(0, m.trafficSel-n)
		}
		if m.trafficSel == len(m.trafficLog)-2 || len(m.trafficLog) == 1 {
			m.trafficSel = len(m.trafficLog) - 1 // follow the newest
		}
		m.refreshTraffic()
		return m, m.waitTraffic()
	case savedMsg:
		if msg.err != nil {
			m.setStatus("Progress not saved: "+msg.err.Error(), true)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	if m.mode == modeForm {
		var cmd tea.Cmd
		m.inputs[m.formField], cmd = m.inputs[m.formField].Update(msg)
		return m, cmd
	}
	return m, nil
}

// key handles a key press.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
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
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
	case key.Matches(msg, k.Run):
		if m.focus == paneTraffic && len(m.trafficLog) > 0 {
			m.openTraffic(m.trafficSel)
			return nil
		}
		return m.run()
	case key.Matches(msg, k.Next):
		return m.setLesson(m.idx + 1)
	case key.Matches(msg, k.Prev):
		return m.setLesson(m.idx - 1)
	case key.Matches(msg, k.Form):
		m.mode = modeForm
		m.formField = 0
		m.inputs[0].SetValue(m.form.Name)
		m.inputs[1].SetValue(m.form.Email)
		m.inputs[1].Blur()
		m.layout()
		return m.inputs[0].Focus()
	case key.Matches(msg, k.Focus):
		if msg.String() == "shift+tab" {
			m.focus = (m.focus + numPanes - 1) % numPanes
		} else {
			m.focus = (m.focus + 1) % numPanes
		}
		m.layout()
	case key.Matches(msg, k.View):
		m.view = (m.view + 1) % numViews
		m.vps[paneLesson].GotoTop()
		m.refreshLesson()
		return m.renderLesson()
	case key.Matches(msg, k.Whole):
		m.whole = !m.whole
		if m.whole {
			m.setStatus("Showing long values and bodies whole (v folds them again).", false)
		} else {
			m.setStatus("Long values folded with … (v shows them whole).", false)
		}
		m.refresh()
	case key.Matches(msg, k.Clear):
		m.runner.ClearCookies()
		m.growRuns, m.growSizes = 0, nil
		m.setStatus("Cookie jar cleared, as in a new browser: the next request carries no cookie.", false)
	case key.Matches(msg, k.Tamper):
		return m.runAttack(false)
	case key.Matches(msg, k.Forge):
		return m.runAttack(true)
	case key.Matches(msg, k.Storage):
		m.cycleStorage()
	case key.Matches(msg, k.List):
		m.mode = modeList
		m.listSel = m.idx
		m.layout()
	default:
		m.scroll(msg)
	}
	return nil
}

// scroll moves the focused pane, or the traffic selection.
func (m *Model) scroll(msg tea.KeyPressMsg) {
	k := &m.keys
	vp := &m.vps[m.focus]
	if m.focus == paneTraffic && len(m.trafficLog) > 0 {
		sel := m.trafficSel
		switch {
		case key.Matches(msg, k.Up):
			sel--
		case key.Matches(msg, k.Down):
			sel++
		case key.Matches(msg, k.PageUp):
			sel -= max(1, vp.Height())
		case key.Matches(msg, k.PageDown):
			sel += max(1, vp.Height())
		case key.Matches(msg, k.Top):
			sel = 0
		case key.Matches(msg, k.Bottom):
			sel = len(m.trafficLog) - 1
		}
		m.trafficSel = max(0, min(sel, len(m.trafficLog)-1))
		m.refreshTraffic()
		return
	}
	switch {
	case key.Matches(msg, k.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	}
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.listSel = max(0, m.listSel-1)
	case key.Matches(msg, k.Down):
		m.listSel = min(len(m.lessons)-1, m.listSel+1)
	case key.Matches(msg, k.Accept):
		m.mode = modeMain
		m.layout()
		return m.setLesson(m.listSel)
	case key.Matches(msg, k.Back), key.Matches(msg, k.List):
		m.mode = modeMain
		m.layout()
	case key.Matches(msg, k.Quit):
		return tea.Quit
	}
	return nil
}

func (m *Model) formKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.mode = modeMain
		m.layout()
		m.setStatus("Form unchanged.", false)
		return nil
	case key.Matches(msg, k.Accept):
		m.form = Form{Name: strings.TrimSpace(m.inputs[0].Value()), Email: strings.TrimSpace(m.inputs[1].Value())}
		m.mode = modeMain
		m.layout()
		m.setStatus(fmt.Sprintf("Form saved: name=%q email=%q. Press enter to post it.", m.form.Name, m.form.Email), false)
		return nil
	case key.Matches(msg, k.NextField), key.Matches(msg, k.PrevField):
		m.inputs[m.formField].Blur()
		m.formField = 1 - m.formField
		return m.inputs[m.formField].Focus()
	}
	var cmd tea.Cmd
	m.inputs[m.formField], cmd = m.inputs[m.formField].Update(msg)
	return cmd
}

// setLesson moves to lesson i and switches the server to its stage.
func (m *Model) setLesson(i int) tea.Cmd {
	if i < 0 || i >= len(m.lessons) {
		if i >= len(m.lessons) {
			m.setStatus("This is the last stage. Press l to list the stages, q to quit.", false)
		} else {
			m.setStatus("This is the first stage.", false)
		}
		return nil
	}
	if err := m.srv.SetStage(m.stages[i]); err != nil {
		m.setStatus(err.Error(), true)
		return nil
	}
	note := m.applyStorage(m.storages[i])
	m.idx = i
	m.view = viewText
	m.shown = m.runs[i]
	m.focus = paneLesson
	m.vps[paneLesson].GotoTop()
	m.vps[paneExchange].GotoTop()
	m.vps[paneSession].GotoTop()
	m.progress.Current = progressKey(m.lessons[i])
	if note != "" {
		m.setStatus(note, true)
	} else {
		m.setStatus(fmt.Sprintf("Stage %d: the server now runs the %q stage, sessions: %s. Press enter to run %s.", i+1, m.stages[i], storageName(m.srv.Storage()), m.lessons[i].Request), false)
	}
	m.layout()
	return tea.Batch(m.renderLesson(), m.saveProgress())
}

// run starts the current stage's exchange.
func (m *Model) run() tea.Cmd {
	if m.running {
		return nil
	}
	m.running = true
	l := m.lessons[m.idx]
	m.setStatus("Running "+l.Request.String()+"…", false)
	idx, runner, form, srv, storage := m.idx, m.runner, m.form, m.srv, m.srv.Storage()
	if m.stages[m.idx] == server.StageGrow && l.Request.Method == http.MethodPost {
		m.growRuns++
		form.Note = growNote(m.growRuns)
	}
	return func() tea.Msg {
		// The run belongs to the program, not to a caller's context: it
		// ends with its own timeout, and quitting does not wait for it.
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		ex, err := runner.Run(ctx, l.Request.Method, l.Request.Path, form)
		ex.Storage = storage
		lookupStored(ctx, srv, ex)
		return exchangeMsg{idx: idx, ex: ex, err: err}
	}
}

// runAttack tampers with the jar's session cookie, or forges one, and
// sends GET /show with it.
func (m *Model) runAttack(forged bool) tea.Cmd {
	if m.running {
		return nil
	}
	if !forged && m.runner.SessionCookie() == "" {
		m.setStatus(capitalize(noCookie)+" (press enter to run it).", true)
		return nil
	}
	m.running = true
	if forged {
		m.setStatus("Forging a session cookie for admin and sending GET /show…", false)
	} else {
		m.setStatus("Tampering with the session cookie and sending GET /show…", false)
	}
	idx, runner, srv, storage := m.idx, m.runner, m.srv, m.srv.Storage()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		var ex *Exchange
		var err error
		if forged {
			ex, err = forge(ctx, runner, storage)
		} else {
			ex, err = tamper(ctx, runner)
		}
		if ex != nil {
			ex.Storage = storage
			lookupStored(ctx, srv, ex)
		}
		return exchangeMsg{idx: idx, ex: ex, err: err, attack: true}
	}
}

// applyStorage switches the server to storage st, and the runner's
// decoding with it. When the server has no database for StorageServer it
// keeps signed cookies, and the returned note says so.
func (m *Model) applyStorage(st server.Storage) (note string) {
	if err := m.srv.SetStorage(st); err != nil {
		note = "This stage keeps sessions in a database, and the tutor was started without one (see tutor --store), so the server keeps signed cookies instead."
		if err := m.srv.SetStorage(server.StorageSigned); err != nil {
			note = err.Error()
		}
	}
	m.runner.SetDecodeOptions(m.srv.DecodeOptions())
	return note
}

// cycleStorage switches where the server keeps sessions: signed cookie,
// encrypted cookie, database (when there is one), and round again.
func (m *Model) cycleStorage() {
	next := nextStorage(m.srv.Storage(), m.srv.Backend() != nil)
	if note := m.applyStorage(next); note != "" {
		m.setStatus(note, true)
		return
	}
	msg := fmt.Sprintf("Sessions now: %s. %s. Cookies from before no longer count; press enter to run the stage.", storageName(next), capitalize(storageSentence(next)))
	if next == server.StorageSigned && m.srv.Backend() == nil {
		msg += " (No database: S skips server-side sessions.)"
	}
	m.setStatus(msg, false)
}

// match files traffic entry i under the pending run it answers, if any.
func (m *Model) match(i int) {
	t := &m.trafficLog[i]
	if t.matched {
		return
	}
	for j, ex := range m.pending {
		if !observe(ex, &t.e) {
			continue
		}
		t.matched = true
		if observed(ex) {
			m.pending = slices.Delete(m.pending, j, j+1)
		}
		if ex == m.attack && ex == m.shown {
			if text, bad := attackOutcome(ex); text != "" {
				m.setStatus(text, bad)
			}
		}
		if ex == m.shown {
			m.refreshExchange()
		}
		return
	}
}

// finishRun shows a finished run.
func (m *Model) finishRun(msg exchangeMsg) tea.Cmd {
	m.running = false
	if msg.ex == nil {
		m.setStatus(msg.err.Error(), true)
		return nil
	}
	m.runs[msg.idx] = msg.ex
	m.pending = append(m.pending, msg.ex)
	if n := len(m.pending) - 8; n > 0 {
		m.pending = m.pending[n:]
	}
	if msg.attack {
		m.attack = msg.ex
	}
	// The server's account of a hop may have come before the response.
	for i := max(0, len(m.trafficLog)-16); i < len(m.trafficLog); i++ {
		m.match(i)
	}
	if msg.idx != m.idx {
		return nil
	}
	m.shown = msg.ex
	m.focus = paneExchange
	m.layout()
	if line := m.setCookieLine; line >= 0 {
		m.vps[paneExchange].SetYOffset(line)
	} else {
		m.vps[paneExchange].GotoTop()
	}
	m.vps[paneSession].GotoTop()
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		return nil
	}
	if msg.attack {
		if text, bad := attackOutcome(msg.ex); text != "" {
			m.setStatus(text, bad)
		} else {
			m.setStatus(fmt.Sprintf("%s answered %d: the Session pane shows the server's verdict on the cookie.", msg.ex.Title, msg.ex.Hops[len(msg.ex.Hops)-1].Status), false)
		}
		return nil
	}
	last := msg.ex.Hops[len(msg.ex.Hops)-1]
	if m.stages[m.idx] == server.StageGrow {
		if s, ok := m.growStatus(msg.ex); ok {
			m.setStatus(s, last.Status >= 400)
			if last.Status >= 400 {
				return nil
			}
			m.progress = m.progress.markDone(progressKey(m.lessons[m.idx]))
			return m.saveProgress()
		}
	}
	var sent, set int
	for _, c := range msg.ex.Cookies {
		if c.Sent {
			sent++
		} else {
			set++
		}
	}
	switch {
	case last.Status >= 400:
		m.setStatus(fmt.Sprintf("%s ended in %d %s: see the exchange for why.", msg.ex.Title, last.Status, http.StatusText(last.Status)), true)
		return nil
	case set > 0 && sent > 0:
		m.setStatus("The server set a session cookie and the client sent it back: tab to the Session pane to see it decoded.", false)
	case set > 0:
		m.setStatus("The server set a session cookie: tab to the Session pane to see it decoded.", false)
	case sent > 0:
		m.setStatus("The client sent its session cookie; this stage does not use it.", false)
	default:
		m.setStatus("No cookie went either way: the server will not remember this visit.", false)
	}
	m.progress = m.progress.markDone(progressKey(m.lessons[m.idx]))
	return m.saveProgress()
}

// growStatus sums up a run of the grow stage: the size of the cookie it
// got back, run by run, or why it got none.
func (m *Model) growStatus(ex *Exchange) (string, bool) {
	first := ex.Hops[0]
	if first.Method != http.MethodPost {
		return "", false
	}
	if first.Status == server.StatusSessionTooLarge {
		return fmt.Sprintf("Note %d: %d: the session would not fit in a cookie (browsers keep at most %d bytes). Press S until the title says the session is in the database (encrypted comes first), then enter.", m.growRuns, server.StatusSessionTooLarge, cookiecodec.BrowserLimit), true
	}
	size := setCookieSize(ex)
	if size == 0 {
		return "", false
	}
	m.growSizes = append(m.growSizes, size)
	sizes := make([]string, len(m.growSizes))
	for i, n := range m.growSizes {
		sizes[i] = strconv.Itoa(n)
	}
	text := fmt.Sprintf("Note %d added: the session cookie is %d bytes of the %d a browser keeps (so far: %s).", m.growRuns, size, cookiecodec.BrowserLimit, strings.Join(sizes, ", "))
	if n := storedSize(ex); n > 0 {
		text += fmt.Sprintf(" The database row holds %d bytes.", n)
	}
	return text, true
}

// storedSize is the size of the last database row ex's cookies point to,
// or 0.
func storedSize(ex *Exchange) int {
	n := 0
	for _, c := range ex.Cookies {
		if c.Stored != nil {
			n = len(c.Stored.Row.Data)
		}
	}
	return n
}

// setCookieSize is the size of the session cookie's name and value in the
// first Set-Cookie of ex that sets one, what a browser counts against its
// limit; 0 when none was set.
func setCookieSize(ex *Exchange) int {
	for _, c := range ex.Cookies {
		if !c.Sent && !c.Deleted {
			return len(server.CookieName) + len(c.Value)
		}
	}
	return 0
}

// openTraffic shows entry i of the traffic list in the exchange and session
// panes.
func (m *Model) openTraffic(i int) {
	t := &m.trafficLog[i]
	if t.ex == nil {
		t.ex = FromServer(t.e, m.srv.DecodeOptionsFor(t.e.Storage))
	}
	m.shown = t.ex
	m.focus = paneExchange
	m.layout()
	m.vps[paneExchange].GotoTop()
	m.vps[paneSession].GotoTop()
	m.setStatus(fmt.Sprintf("Showing traffic #%d from %s. Press enter in another pane to run the stage again.", t.e.Seq, t.ex.Source), false)
}

// saveProgress saves progress off the UI loop.
func (m *Model) saveProgress() tea.Cmd {
	if m.save == nil {
		return nil
	}
	p := m.progress
	p.Done = append([]string(nil), p.Done...)
	return m.save.cmd(p)
}

// saver runs progress saves, which Bubble Tea may run concurrently, one at
// a time and never older over newer.
type saver struct {
	save func(Progress) error

	mu      sync.Mutex
	next    uint64 // sequence number of the latest save asked for
	written uint64 // sequence number of the latest save done
}

func newSaver(save func(Progress) error) *saver {
	if save == nil {
		return nil
	}
	return &saver{save: save}
}

// cmd returns a command that saves p unless a newer save got there first.
func (s *saver) cmd(p Progress) tea.Cmd {
	s.mu.Lock()
	s.next++
	seq := s.next
	s.mu.Unlock()
	return func() tea.Msg {
		s.mu.Lock()
		defer s.mu.Unlock()
		if seq < s.written {
			return nil
		}
		s.written = seq
		return savedMsg{s.save(p)}
	}
}

// applyStyles hands the styles to the bubbles that keep their own.
func (m *Model) applyStyles() {
	m.help.Styles = m.styles.Help
	for i := range m.inputs {
		m.inputs[i].SetStyles(m.styles.Input)
	}
}

func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusErr = s, isErr
}

// Form returns the demo form's current values.
func (m *Model) Form() Form { return m.form }

// Progress returns the learner's progress.
func (m *Model) Progress() Progress { return m.progress }

// Stage returns the index of the current lesson, from 0.
func (m *Model) Stage() int { return m.idx }
