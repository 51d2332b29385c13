package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// lessonView is what the lesson pane shows.
type lessonView int

const (
	viewText lessonView = iota
	viewMore            // the lesson's extra detail (Lesson.More), when it has some
	viewFlask
	viewGo
	numViews
)

func (v lessonView) String() string {
	return [...]string{"text", "more", "Flask code", "Go code"}[v]
}

// renderKey identifies a rendering of a lesson pane.
type renderKey struct {
	idx   int
	view  lessonView
	width int
	style string
}

// renderMsg carries a lesson rendering made off the UI loop.
type renderMsg struct {
	key  renderKey
	text string
}

// lessonPane shows the current stage's text, its Flask code or the Go
// code the server runs, as rendered markdown. Renderings are kept by
// stage, view, width and style, so going back or resizing to a width seen
// before renders nothing.
type lessonPane struct {
	st     *Styles
	keys   *KeyMap
	stages []engine.Stage
	vp     viewport.Model

	idx      int
	view     lessonView
	rendered map[renderKey]string
	// shown is the key of what the viewport holds.
	shown renderKey
	raw   bool // the viewport holds the raw markdown, until the rendering comes
	// height is the pane's height; foot, the challenge box drawn under the
	// viewport (challenges.go), takes its last lines.
	height int
	foot   []string
}

func newLessonPane(st *Styles, keys *KeyMap, stages []engine.Stage) *lessonPane {
	return &lessonPane{st: st, keys: keys, stages: stages, vp: newViewport(), rendered: make(map[renderKey]string)}
}

// newViewport returns a viewport that wraps long lines and ignores the
// mouse.
func newViewport() viewport.Model {
	vp := viewport.New()
	vp.SoftWrap = true
	vp.MouseWheelEnabled = false
	return vp
}

// setStage shows stage i's text from the top.
func (p *lessonPane) setStage(i int) {
	p.idx, p.view = i, viewText
	p.vp.GotoTop()
	p.refresh()
}

// cycleView shows the next of text, more (when the lesson has more),
// Flask code and Go code.
func (p *lessonPane) cycleView() tea.Cmd {
	p.view = (p.view + 1) % numViews
	if p.view == viewMore && p.stages[p.idx].Lesson.More == "" {
		p.view++
	}
	p.vp.GotoTop()
	p.refresh()
	return p.render()
}

func (p *lessonPane) key() renderKey {
	return renderKey{idx: p.idx, view: p.view, width: p.vp.Width(), style: p.st.Name}
}

// source is the markdown the pane shows: prose, wrapped to the pane, and
// code, which is not wrapped (the pane wraps its long lines).
func (p *lessonPane) source() (prose, code string) {
	st := p.stages[p.idx]
	switch p.view {
	case viewFlask:
		var b strings.Builder
		for _, c := range st.Lesson.Flask {
			fmt.Fprintf(&b, "**%s**\n\n```%s\n%s```\n\n", c.Name, c.Lang, c.Source)
		}
		return flaskHeading(st) + ", for this stage:", b.String()
	case viewGo:
		return "The Go code the in-process server really runs in this stage, from `" + strings.Join(st.GoFiles, "` and `") + "`:", "```go\n" + st.GoCode + "```\n"
	case viewMore:
		return st.Lesson.More, ""
	}
	if st.Lesson.More != "" {
		return st.Lesson.Text + "\n\n*There is more about this stage: press **s**.*", ""
	}
	return st.Lesson.Text, ""
}

// refresh sets the viewport from the rendering if it is ready, and from
// the raw markdown, wrapped, until it is. It does nothing when the
// viewport already holds that.
func (p *lessonPane) refresh() {
	k := p.key()
	text, ok := p.rendered[k]
	if k == p.shown && (ok != p.raw) {
		return
	}
	if !ok {
		prose, code := p.source()
		text = wrap(prose, p.vp.Width()-1) + "\n\n" + code
	}
	off := p.vp.YOffset()
	p.vp.SetContent(strings.TrimRight(text, "\n"))
	p.vp.SetYOffset(off)
	p.shown, p.raw = k, !ok
}

// render renders the pane's markdown, off the UI loop, unless it is
// already rendered. Prose keeps a margin on the right; code uses the
// whole width.
func (p *lessonPane) render() tea.Cmd {
	k := p.key()
	if _, ok := p.rendered[k]; ok || k.width < 10 {
		return nil
	}
	prose, code := p.source()
	st := p.st.Markdown
	return func() tea.Msg {
		text := renderMarkdown(prose, k.width-2, &st)
		if code != "" {
			text += "\n\n" + renderMarkdown(code, k.width, &st)
		}
		return renderMsg{key: k, text: text}
	}
}

// styleChanged is called when the styles change: renderings are keyed by
// style, so only the viewport needs refilling.
func (p *lessonPane) styleChanged() { p.refresh() }

// Update takes a finished rendering, or scrolls.
func (p *lessonPane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case renderMsg:
		p.rendered[msg.key] = msg.text
		if msg.key == p.key() {
			p.refresh()
		}
	case tea.KeyPressMsg:
		scroll(&p.vp, p.keys, msg)
	}
	return nil
}

// View draws the pane's lines.
func (p *lessonPane) View() string {
	if len(p.foot) == 0 {
		return p.vp.View()
	}
	return p.vp.View() + "\n" + strings.Join(p.foot, "\n")
}

// setFoot puts lines under the viewport, which gives up their room.
func (p *lessonPane) setFoot(lines []string) {
	if len(lines) > p.height {
		lines = lines[:p.height]
	}
	p.foot = lines
	p.vp.SetHeight(max(0, p.height-len(lines)))
}

// SetSize sizes the pane; only a new width changes what it shows.
func (p *lessonPane) SetSize(width, height int) {
	p.vp.SetWidth(width)
	p.height = height
	p.vp.SetHeight(max(0, height-len(p.foot)))
	p.refresh()
}

// ShortHelp names the pane's keys.
func (p *lessonPane) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.View, p.keys.Up, p.keys.Down}
}

func (p *lessonPane) title() string { return "Lesson · " + p.view.String() + " (s switches)" }

func (p *lessonPane) scrollPercent() (int, bool) { return percent(&p.vp) }

// scroll moves vp by a key, if it is a scrolling key.
func scroll(vp *viewport.Model, k *KeyMap, msg tea.KeyPressMsg) {
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

// percent is how far vp is scrolled, when it has more lines than it shows.
func percent(vp *viewport.Model) (int, bool) {
	if vp.TotalLineCount() > vp.Height() && vp.Height() > 0 {
		return int(vp.ScrollPercent() * 100), true
	}
	return 0, false
}
