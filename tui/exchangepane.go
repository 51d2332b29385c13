package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/formtest/formtest/lessons/engine"
)

// tripView is what the exchange and session panes share: a trip drawn
// into a viewport, drawn again only when the trip, the width, the styles
// or the folding change.
type tripView struct {
	st    *Styles
	keys  *KeyMap
	vp    viewport.Model
	trip  *engine.Trip
	whole bool
	// second is the second browser's trip, shown beside trip (second.go).
	second *engine.Trip
	// drawn is what the viewport holds.
	drawn drawKey
	draw  func(r renderer, t *engine.Trip) string
}

// drawKey identifies a drawing of a trip.
type drawKey struct {
	trip   *engine.Trip
	second *engine.Trip
	width  int
	whole  bool
	style  string
	extra  string
}

// refresh draws the trip unless the viewport already holds that drawing.
func (v *tripView) refresh(extra string) {
	k := drawKey{trip: v.trip, second: v.second, width: v.vp.Width(), whole: v.whole, style: v.st.Name, extra: extra}
	if k == v.drawn {
		return
	}
	r := renderer{st: v.st, width: v.vp.Width(), whole: v.whole}
	off := v.vp.YOffset()
	if v.second != nil {
		v.vp.SetContent(v.drawPair(r))
	} else {
		v.vp.SetContent(v.draw(r, v.trip))
	}
	v.vp.SetYOffset(off)
	v.drawn = k
}

func (v *tripView) View() string { return v.vp.View() }

func (v *tripView) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		scroll(&v.vp, v.keys, msg)
	}
	return nil
}

func (v *tripView) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Whole, v.keys.Up, v.keys.Down}
}

func (v *tripView) scrollPercent() (int, bool) { return percent(&v.vp) }

func (v *tripView) top() { v.vp.GotoTop() }

// exchangePane shows a trip in wire form, hop by hop.
type exchangePane struct {
	tripView
	url string
	// stage is the current stage, for the hint shown before any run.
	stage engine.Stage
	// newsLine is the line of the first response with a Set-Cookie or an
	// error status, or -1.
	newsLine int
}

func newExchangePane(st *Styles, keys *KeyMap, url string) *exchangePane {
	p := &exchangePane{url: url, newsLine: -1}
	p.tripView = tripView{st: st, keys: keys, vp: newViewport()}
	p.draw = func(r renderer, t *engine.Trip) string {
		if t == nil {
			p.newsLine = -1
			msg := fmt.Sprintf("Press enter to send %s to %s and watch the exchange here.", p.stage.Runs(), p.url)
			return r.st.Subtle.Render(wrap(msg, r.width))
		}
		text, line := r.exchange(t)
		p.newsLine = line
		return text
	}
	return p
}

func (p *exchangePane) setStage(st engine.Stage) { p.stage = st; p.refresh(st.Key) }

func (p *exchangePane) show(t *engine.Trip) { p.trip = t; p.vp.GotoTop(); p.refresh(p.stage.Key) }

func (p *exchangePane) setWhole(w bool) { p.whole = w; p.refresh(p.stage.Key) }

func (p *exchangePane) styleChanged() { p.refresh(p.stage.Key) }

// scrollToNews scrolls to the first response with a Set-Cookie or an
// error, or to the top.
func (p *exchangePane) scrollToNews() {
	if p.newsLine >= 0 {
		p.vp.SetYOffset(p.newsLine)
	} else {
		p.vp.GotoTop()
	}
}

// SetSize sizes the pane; only a new width draws the trip again.
func (p *exchangePane) SetSize(width, height int) {
	p.vp.SetWidth(width)
	p.vp.SetHeight(height)
	p.refresh(p.stage.Key)
}

func (p *exchangePane) title() string {
	name := "Exchange"
	if t := p.trip; t != nil {
		name += " · " + t.Title
		if !t.Own() {
			name += " from " + t.Label
		}
	}
	if p.second != nil {
		name += " · beside the second browser's"
	}
	return name
}

// sessionPane shows the session cookies of a trip as the server decoded
// them, with its verdicts and the database rows.
type sessionPane struct{ tripView }

func newSessionPane(st *Styles, keys *KeyMap) *sessionPane {
	p := &sessionPane{}
	p.tripView = tripView{st: st, keys: keys, vp: newViewport()}
	p.draw = func(r renderer, t *engine.Trip) string {
		if t == nil {
			return r.st.Subtle.Render(wrap("The session decoded from each Set-Cookie and Cookie header will appear here.", r.width))
		}
		return r.session(t)
	}
	return p
}

func (p *sessionPane) show(t *engine.Trip) { p.trip = t; p.vp.GotoTop(); p.refresh("") }

func (p *sessionPane) setWhole(w bool) { p.whole = w; p.refresh("") }

func (p *sessionPane) styleChanged() { p.refresh("") }

// SetSize sizes the pane; only a new width draws the session again.
func (p *sessionPane) SetSize(width, height int) {
	p.vp.SetWidth(width)
	p.vp.SetHeight(height)
	p.refresh("")
}

func (p *sessionPane) title() string {
	name := "Session · decoded cookies"
	if t := p.trip; t != nil && t.Storage != "" && len(t.Cookies) > 0 {
		name += " · " + engine.StorageName(t.Storage)
	}
	return name
}
