package tui

import (
	"bytes"
	"image/color"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// newTestModel returns a Model on a test server without a session
// database, with fixed dark styles, and the engine's tutor client.
func newTestModel(t *testing.T, progress engine.Progress) (*Model, *server.Server, *engine.Client) {
	t.Helper()
	e, srv := testEngine(t, progress, false)
	return newModelOn(t, e), srv, e.Tutor()
}

// newModelOn returns a Model on e with fixed dark styles.
func newModelOn(t *testing.T, e *engine.Engine) *Model {
	t.Helper()
	st := DefaultStyles(true)
	var saved []engine.Progress
	m, err := New(Options{
		Engine:       e,
		Form:         engine.Form{Name: "Ada", Email: "ada@example.com"},
		Styles:       &st,
		SaveProgress: func(p engine.Progress) error { saved = append(saved, p); return nil },
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

// feed hands m the observations its watcher got, until it has had n of
// them or a few seconds have passed.
func feed(t *testing.T, m *Model, n int) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for range n {
		select {
		case o := <-m.watch.C:
			m.Update(observationMsg{o})
		case <-deadline:
			t.Fatalf("observations: fewer than %d came", n)
		}
	}
}

// send delivers msg to m and carries out the commands it returns that
// produce the tutor's own messages (runs, renders, saves), as the program
// would.
func send(t *testing.T, m *Model, msg tea.Msg) {
	t.Helper()
	_, cmd := m.Update(msg)
	do(t, m, cmd)
}

func do(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			do(t, m, c)
		}
	case runMsg, secondMsg, renderMsg, savedMsg:
		send(t, m, msg)
	}
}

// press sends key presses, named as key.Matches names them.
func press(t *testing.T, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		send(t, m, keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen returns the model's view without escape codes.
func screen(m *Model) string { return ansi.Strip(m.View().Content) }

func TestModelWalksTheLesson(t *testing.T) {
	m, srv, r := newTestModel(t, engine.Progress{})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	// The live URL stands at the top, where the lessons say it is.
	if s := screen(m); !strings.Contains(s, "Stage 1 of 7: A page that cannot") || !strings.HasPrefix(s, m.eng.URL()+" · ") {
		t.Fatalf("first screen:\n%s", screen(m))
	}
	press(t, m, "enter")
	// Stage 1 posts the form, which the server reads and forgets, then asks
	// for the page.
	if sh := m.exchange.trip; sh == nil || len(sh.Hops) != 3 || sh.Hops[0].Method != "POST" || sh.Hops[0].Status != 302 || sh.Last().Path() != "/show" || sh.Last().Status != 200 {
		t.Fatalf("stage 1 run = %+v", sh)
	}
	if !m.Progress().IsDone("hardcoded") || m.focus != paneExchange {
		t.Errorf("after the run: progress %+v, focus %d", m.Progress(), m.focus)
	}
	if s := screen(m); !strings.Contains(s, "POST /users HTTP/1.1") || !strings.Contains(s, "No cookie went either way") {
		t.Errorf("stage 1 screen:\n%s", s)
	}
	if s := sessionScreen(t, m); !strings.Contains(s, "No session cookie") || strings.Contains(s, "the whole session travels") {
		t.Errorf("stage 1 session pane:\n%s", s)
	}

	press(t, m, "n")
	if srv.Stage() != server.StageSession || m.Stage() != 1 || m.exchange.trip != nil {
		t.Fatalf("after n: server stage %q, lesson %d", srv.Stage(), m.Stage())
	}
	press(t, m, "enter")
	s := screen(m)
	for _, want := range []string{"Set-Cookie: session=", "302 Found", `name = "Ada"`, `email = "ada@example.com"`, "✓ valid"} {
		if !strings.Contains(s, want) {
			t.Errorf("stage 2 screen lacks %q:\n%s", want, s)
		}
	}
	press(t, m, "right")
	if srv.Stage() != server.StageTemplate {
		t.Errorf("→ left the server in %q", srv.Stage())
	}
	press(t, m, "right", "right", "right")
	// Stage 6 keeps sessions in a database, and this server has none.
	if m.Stage() != 5 || srv.Storage() != server.StorageSigned || !strings.Contains(m.status.text, "started without one") {
		t.Errorf("stage 6 without a database: lesson %d, storage %q, status %q", m.Stage(), srv.Storage(), m.status.text)
	}
	press(t, m, "right")
	if srv.Stage() != server.StageGrow || srv.Storage() != server.StorageSigned {
		t.Errorf("stage 7: server in %q, %q", srv.Stage(), srv.Storage())
	}
	press(t, m, "right")
	// Past the last stage: the finish screen, which any key closes.
	if m.Stage() != 6 || !m.learn.finish || !strings.Contains(ansi.Strip(m.View().Content), "Challenges done yourself, in a browser or with curl: 0 of") {
		t.Errorf("n past the end: lesson %d, finish screen %v:\n%s", m.Stage(), m.learn.finish, ansi.Strip(m.View().Content))
	}
	press(t, m, "esc")
	if m.learn.finish || m.Stage() != 6 {
		t.Errorf("esc on the finish screen: finish %v, lesson %d", m.learn.finish, m.Stage())
	}
	press(t, m, "p", "left", "left", "left", "left", "left", "left")
	if srv.Stage() != server.StageHardcoded || m.Stage() != 0 || !strings.Contains(m.status.text, "first stage") {
		t.Errorf("p to the start: server %q, lesson %d, status %q", srv.Stage(), m.Stage(), m.status.text)
	}
	// Going back shows the stage's last run again.
	press(t, m, "n")
	if m.exchange.trip == nil || len(m.exchange.trip.Hops) != 2 {
		t.Errorf("stage 2's last run is not shown on return: %+v", m.exchange.trip)
	}

	// The stage list marks done stages and jumps.
	press(t, m, "l")
	s = screen(m)
	if !strings.Contains(s, "[✓] Stage 1") || !strings.Contains(s, "[✓] Stage 2") || !strings.Contains(s, "[ ] Stage 3") {
		t.Errorf("stage list:\n%s", s)
	}
	press(t, m, "down", "enter")
	if m.mode != modeMain || m.Stage() != 2 || srv.Stage() != server.StageTemplate {
		t.Errorf("list jump: mode %d, lesson %d, server %q", m.mode, m.Stage(), srv.Stage())
	}
	press(t, m, "l", "esc")
	if m.mode != modeMain || m.Stage() != 2 {
		t.Errorf("esc from the list: mode %d, lesson %d", m.mode, m.Stage())
	}

	// c clears the jar: the next run starts without a cookie.
	if len(r.Cookies()) != 1 {
		t.Fatalf("jar holds %d cookies before c", len(r.Cookies()))
	}
	press(t, m, "c")
	if len(r.Cookies()) != 0 {
		t.Errorf("c left %d cookies", len(r.Cookies()))
	}
	press(t, m, "enter")
	if c := m.exchange.trip.Cookies; len(c) != 2 || c[0].Sent {
		t.Errorf("after c the run sent a cookie first: %+v", c)
	}
	if m.Progress().Current != "template" || len(m.Progress().Done) != 3 {
		t.Errorf("progress = %+v", m.Progress())
	}
}

func TestModelForm(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{Current: "session"})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "f")
	if m.mode != modeForm || !strings.Contains(screen(m), "name:  Ada") {
		t.Fatalf("f did not open the form:\n%s", screen(m))
	}
	// Letters that are keys elsewhere (t, F, S, q) type in the form.
	press(t, m, "backspace", "backspace", "backspace", "B", "o", "b", "t", "F", "S", "q", "tab")
	for range len("ada@example.com") {
		press(t, m, "backspace")
	}
	press(t, m, "b", "@", "x", ".", "o", "r", "g", "enter")
	if got := m.Form(); got != (engine.Form{Name: "BobtFSq", Email: "b@x.org"}) {
		t.Errorf("form = %+v, want BobtFSq <b@x.org> (t, F, S and q type, they do nothing else)", got)
	}
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, `name = "BobtFSq"`) {
		t.Errorf("run after the form change:\n%s", s)
	}
	press(t, m, "f", "X", "esc")
	if m.Form().Name != "BobtFSq" || m.mode != modeMain {
		t.Errorf("esc kept the edit: %+v", m.Form())
	}
}

func TestModelResumes(t *testing.T) {
	m, srv, _ := newTestModel(t, engine.Progress{Current: "template", Done: []string{"hardcoded"}})
	if m.Stage() != 2 || srv.Stage() != server.StageTemplate || !strings.Contains(m.status.text, "resuming at stage 3") {
		t.Errorf("resume: lesson %d, server %q, status %q", m.Stage(), srv.Stage(), m.status.text)
	}
	m, srv, _ = newTestModel(t, engine.Progress{Current: "no-such-stage"})
	if m.Stage() != 0 || srv.Stage() != server.StageHardcoded {
		t.Errorf("unknown saved stage: lesson %d, server %q", m.Stage(), srv.Stage())
	}
}

func TestModelTraffic(t *testing.T) {
	m, srv, _ := newTestModel(t, engine.Progress{Current: "session"})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	// A request from a browser: a client outside the engine, which the
	// server sees and the engine tags as from outside.
	browser, err := engine.NewClient("browser", "curl/8.5.0", m.eng.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := browser.Do(t.Context(), "POST", "/users", engine.Form{Name: "Eve", Email: "eve@example.com"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	feed(t, m, 2)
	if s := screen(m); !strings.Contains(s, "· 2 · latest #2 GET /show → 200") {
		t.Errorf("traffic list does not follow the newest:\n%s", s)
	}
	press(t, m, "tab", "tab", "tab")
	if m.focus != paneTraffic || !strings.Contains(ansi.Strip(m.helpView()), "enter open") {
		t.Fatalf("focus %d, help %q", m.focus, ansi.Strip(m.helpView()))
	}
	if s := screen(m); !strings.Contains(s, "#1 ") || !strings.Contains(s, "POST /users → 302 redirect · curl · Set-Cookie") {
		t.Errorf("traffic list:\n%s", s)
	}
	press(t, m, "up", "enter")
	if sh := m.exchange.trip; sh == nil || sh.Title != "traffic #1" || sh.Label != "curl" || sh.Own() {
		t.Fatalf("opened %+v", sh)
	}
	if s := screen(m); !strings.Contains(s, "traffic #1 from curl") || !strings.Contains(s, `name = "Eve"`) {
		t.Errorf("opened traffic:\n%s", s)
	}
	press(t, m, "shift+tab")
	if m.focus != paneLesson {
		t.Errorf("shift+tab from exchange: focus %d, want the lesson pane", m.focus)
	}
	// The tutor's own run is in the list too, tagged with its client.
	press(t, m, "enter")
	feed(t, m, 2)
	if s := m.traffic.entries[len(m.traffic.entries)-1].line; !strings.Contains(s, "GET /show → 200 success · tutor") {
		t.Errorf("the tutor's request in the list: %q", s)
	}
	// The list is capped.
	for i := range maxTraffic + 5 {
		m.Update(observationMsg{engine.Observation{Exchange: server.Exchange{Seq: uint64(100 + i), Method: "GET", Target: "/", Status: 200}}})
	}
	if len(m.traffic.entries) != maxTraffic {
		t.Errorf("traffic list holds %d, want %d", len(m.traffic.entries), maxTraffic)
	}
	_ = srv
}

func TestModelFitsTheTerminal(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{Current: "session"})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "enter")
	check := func(name string) {
		t.Helper()
		lines := strings.Split(m.View().Content, "\n")
		if len(lines) != m.height {
			t.Errorf("%s at %dx%d: %d lines", name, m.width, m.height, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > m.width {
				t.Errorf("%s at %dx%d: line %d is %d cells: %q", name, m.width, m.height, i, w, ansi.Strip(l))
			}
		}
	}
	for _, size := range [][2]int{{80, 24}, {60, 20}, {120, 40}, {200, 50}, {100, 30}, {40, 12}, {20, 6}} {
		send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		check("main")
		press(t, m, "tab")
		check("focus moved")
		press(t, m, "v")
		check("whole values")
		press(t, m, "v", "s")
		check("Flask code")
		press(t, m, "s")
		check("Go code")
		press(t, m, "s", "?")
		check("full help")
		press(t, m, "?", "l")
		check("stage list")
		press(t, m, "esc", "f")
		check("form")
		press(t, m, "esc")
	}
}

func TestModelQuits(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m, _, _ := newTestModel(t, engine.Progress{})
		if _, cmd := m.Update(keyMsg(k)); cmd == nil || cmd() != tea.Quit() {
			t.Errorf("%s does not quit", k)
		}
	}
	m, _, _ := newTestModel(t, engine.Progress{})
	press(t, m, "f")
	if _, cmd := m.Update(keyMsg("ctrl+c")); cmd == nil || cmd() != tea.Quit() {
		t.Error("ctrl+c does not quit from the form")
	}
}

func TestNewRejectsBadLessons(t *testing.T) {
	srv, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}})
	if err != nil {
		t.Fatal(err)
	}
	ls := testLessons(t)
	ls[1].Stage = "nope"
	if _, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: "http://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "2-session.md") {
		t.Errorf("engine.New with a bad stage: %v", err)
	}
	if _, err := engine.New(engine.Options{Server: srv, URL: "http://127.0.0.1:1"}); err == nil {
		t.Error("engine.New without lessons succeeded")
	}
	if _, err := New(Options{}); err == nil {
		t.Error("New without an engine succeeded")
	}
}

func TestSaverKeepsTheNewest(t *testing.T) {
	var got []string
	s := newSaver(func(p engine.Progress) error { got = append(got, p.Current); return nil })
	older := s.cmd(engine.Progress{Current: "hardcoded"})
	newer := s.cmd(engine.Progress{Current: "session"})
	newer()
	if msg := older(); msg != nil {
		t.Errorf("an older save ran after a newer one: %v", msg)
	}
	if len(got) != 1 || got[0] != "session" {
		t.Errorf("saved %v, want only the newest", got)
	}
	if newSaver(nil) != nil {
		t.Error("newSaver(nil) is not nil")
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		total          int
		weights, least []int
		want           []int
	}{
		{20, []int{1, 1}, []int{2, 2}, []int{10, 10}},
		{21, []int{3, 12, 4, 0}, []int{2, 2, 2, 1}, []int{4, 12, 4, 1}},
		{5, []int{1, 3, 1}, []int{2, 2, 2}, []int{2, 2, 1}},
		{0, []int{1, 1}, []int{2, 2}, []int{0, 0}},
		{6, []int{0, 0}, []int{1, 1}, []int{5, 1}},
	}
	for _, tt := range tests {
		if got := split(tt.total, tt.weights, tt.least); !slices.Equal(got, tt.want) {
			t.Errorf("split(%d, %v, %v) = %v, want %v", tt.total, tt.weights, tt.least, got, tt.want)
		}
	}
}

// goldenView renders m's view with profile, normalised, for a golden file.
func goldenView(t *testing.T, m *Model, profile colorprofile.Profile) []byte {
	t.Helper()
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: profile}
	if _, err := w.WriteString(m.View().Content); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(normalize(b.String()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		name := func(s string) string { return s }
		t.Run(strings.ReplaceAll(strings.Trim(strings.Join(strings.Fields(strings.Repeat("x ", 0)), ""), " "), "", "")+
			name(map[int]string{80: "80x24", 60: "60x20"}[size[0]]), func(t *testing.T) {
			m, _, _ := newTestModel(t, engine.Progress{})
			send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			t.Run("start", func(t *testing.T) { golden.RequireEqual(t, goldenView(t, m, colorprofile.NoTTY)) })
			press(t, m, "n", "enter")
			t.Run("stage2-run", func(t *testing.T) { golden.RequireEqual(t, goldenView(t, m, colorprofile.NoTTY)) })
			press(t, m, "tab")
			t.Run("stage2-session", func(t *testing.T) { golden.RequireEqual(t, goldenView(t, m, colorprofile.NoTTY)) })
			press(t, m, "l")
			t.Run("list", func(t *testing.T) { golden.RequireEqual(t, goldenView(t, m, colorprofile.NoTTY)) })
		})
	}
	// One view in colour, to pin the styles.
	m, _, _ := newTestModel(t, engine.Progress{})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "n", "enter")
	golden.RequireEqualEscape(t, goldenView(t, m, colorprofile.ANSI256), true)
}

// BenchmarkFirstFrame measures what stands between start and the first
// frame on the model's side: building the model and rendering a view.
func BenchmarkFirstFrame(b *testing.B) {
	srv, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}})
	if err != nil {
		b.Fatal(err)
	}
	ls, err := lessons.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	st := DefaultStyles(true)
	for b.Loop() {
		e, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: "http://127.0.0.1:1"})
		if err != nil {
			b.Fatal(err)
		}
		m, err := New(Options{Engine: e, Styles: &st})
		if err != nil {
			b.Fatal(err)
		}
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		if m.View().Content == "" {
			b.Fatal("empty view")
		}
		e.Close()
	}
}

func TestModelBackgroundAndHostileTraffic(t *testing.T) {
	e, _ := testEngine(t, engine.Progress{}, false)
	m, err := New(Options{Engine: e})
	if err != nil {
		t.Fatal(err)
	}
	if cmd := m.Init(); cmd == nil {
		t.Fatal("Init asks nothing of the terminal")
	}
	send(t, m, tea.BackgroundColorMsg{Color: color.White})
	if m.styles.Name != "light" {
		t.Errorf("on a white background the style set is %q, want light", m.styles.Name)
	}
	send(t, m, tea.BackgroundColorMsg{Color: color.Black})
	if m.styles.Name != "dark" {
		t.Errorf("on a black background the style set is %q, want dark", m.styles.Name)
	}
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(observationMsg{engine.Observation{Label: engine.ClientLabel("evil\x1b[31m"), Exchange: server.Exchange{Seq: 1, Method: "GET", Target: "/\x1b]0;pwned\x07\x1b[2J", Status: 404,
		RequestHeader: map[string][]string{"User-Agent": {"evil\x1b[31m"}}}}})
	press(t, m, "tab", "tab", "tab", "enter")
	v := m.View().Content
	if strings.Contains(v, "\x1b]0;pwned") || strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\a") {
		t.Errorf("a hostile request target reached the screen unescaped:\n%q", v)
	}
	if !strings.Contains(ansi.Strip(v), `\x1b]0;pwned\a`) {
		t.Errorf("the escaped target is not shown:\n%s", ansi.Strip(v))
	}
}

// TestResizeDrawsOnlyWhatChanged checks that a new height redraws no pane
// content, and a new width redraws each pane once.
func TestResizeDrawsOnlyWhatChanged(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{Current: "session"})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "enter")
	draws := 0
	for _, v := range []*tripView{&m.exchange.tripView, &m.session.tripView} {
		draw := v.draw
		v.draw = func(r renderer, tr *engine.Trip) string { draws++; return draw(r, tr) }
	}
	lessonShown := m.lesson.shown
	trafficWidth := m.traffic.drawnWidth
	for _, h := range []int{30, 20, 40} {
		send(t, m, tea.WindowSizeMsg{Width: 80, Height: h})
	}
	if draws != 0 || m.lesson.shown != lessonShown || m.traffic.drawnWidth != trafficWidth {
		t.Errorf("new heights redrew: %d trip drawings, lesson %+v (was %+v)", draws, m.lesson.shown, lessonShown)
	}
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 40})
	if draws != 2 || m.lesson.shown.width == lessonShown.width || m.traffic.drawnWidth == trafficWidth {
		t.Errorf("a new width: %d trip drawings, want 2 (exchange and session); lesson width %d", draws, m.lesson.shown.width)
	}
	// Back to a width seen before: the lesson's rendering is kept.
	rendered := len(m.lesson.rendered)
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if len(m.lesson.rendered) != rendered {
		t.Errorf("the lesson was rendered again at a width it had: %d renderings, was %d", len(m.lesson.rendered), rendered)
	}
}

// TestLessonMoreBehindS checks that a stage whose lesson keeps extra
// detail after "<!-- more -->" says so, and shows it on s before the Flask
// code; a stage without skips straight to the Flask code.
func TestLessonMoreBehindS(t *testing.T) {
	m, _, _ := newTestModel(t, engine.Progress{Current: "session"})
	send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	if m.eng.Current().Lesson.More == "" {
		t.Fatal("stage 2's lesson has no more text to test with")
	}
	if prose, _ := m.lesson.source(); !strings.Contains(prose, "There is more about this stage: press **s**") {
		t.Errorf("stage 2's text does not end by saying there is more:\n%s", prose)
	}
	for _, want := range []lessonView{viewMore, viewFlask, viewGo, viewText} {
		press(t, m, "s")
		if m.lesson.view != want {
			t.Fatalf("after s: view %v, want %v", m.lesson.view, want)
		}
	}
	press(t, m, "n")
	if m.eng.Current().Lesson.More != "" {
		t.Skip("stage 3 has more text too")
	}
	press(t, m, "s")
	if m.lesson.view != viewFlask {
		t.Errorf("stage 3 without more: s shows %v, want Flask code", m.lesson.view)
	}
}
