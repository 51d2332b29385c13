package tui

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
)

// classPane is the class view of classroom mode: one row per client of
// the class, in the order they arrived, under the stage's counts; enter
// opens a client's latest exchanges and decoded session.
//
// It holds a copy of the rows, taken when the class model signals a
// change (refresh), and draws only the rows in view, so a frame costs the
// same with 30 clients or 3,000.
type classPane struct {
	st    *Styles
	keys  *KeyMap
	class *classroom.Model

	rows    []classroom.Row
	summary classroom.Summary
	stage   engine.Stage
	// counts are how many students did each of the stage's challenges,
	// when the class has a tracker (classroom.Model.Challenges).
	counts []check.ClassCount
	// heads is head's lines, worked out again by refresh and SetSize.
	heads []string
	sel   int // index into rows
	off   int // first row in view
	// follow keeps the selection on the newest row while it is there.
	follow bool
	// emails shows whole emails instead of masked ones; the view asks
	// for confirmation before setting it.
	emails bool
	// spacing is blank lines between rows: 1 in the presenter layout.
	spacing int

	width, height int

	// detail is the open client, or nil.
	detail *classDetail
}

// classDetail is one client opened: its exchanges, one shown at a time in
// wire form with the decoded session under it.
type classDetail struct {
	key   classroom.Key
	obs   []engine.Observation
	idx   int
	vp    viewport.Model
	drawn drawKey
}

// seq is the sequence number of the exchange shown, or 0.
func (d *classDetail) seq() uint64 {
	if d.idx < 0 || d.idx >= len(d.obs) {
		return 0
	}
	return d.obs[d.idx].Exchange.Seq
}

func newClassPane(st *Styles, keys *KeyMap, class *classroom.Model) *classPane {
	return &classPane{st: st, keys: keys, class: class, follow: true}
}

// refresh takes a new copy of the rows and the counts of stage st.
func (p *classPane) refresh(st engine.Stage) {
	p.stage = st
	p.rows = p.class.Rows()
	p.summary = p.class.Summary(st.Server)
	if tr := p.class.Challenges(); tr != nil {
		p.counts = tr.Class(st.Key)
	}
	p.heads = p.head()
	if p.follow && len(p.rows) > 0 {
		p.sel = len(p.rows) - 1
	}
	p.sel = min(p.sel, max(0, len(p.rows)-1))
	p.scrollToSel()
	if d := p.detail; d != nil {
		// The open client's new exchanges: on its latest, go on to the
		// newest; otherwise stay on the one shown.
		latest, shown := d.idx == len(d.obs)-1, d.seq()
		d.obs = p.class.Exchanges(d.key)
		d.idx = len(d.obs) - 1
		if !latest {
			for i, o := range d.obs {
				if o.Exchange.Seq == shown {
					d.idx = i
				}
			}
		}
		if d.seq() != shown {
			d.drawn = drawKey{}
			p.drawDetail()
		}
	}
}

// rowsInView is how many rows fit under the pane's header lines.
func (p *classPane) rowsInView() int {
	room := p.height - p.headLines()
	return max(1, (room+p.spacing)/(1+p.spacing))
}

// headLines is the lines above the rows: the counts, the challenges and
// the column names.
func (p *classPane) headLines() int { return len(p.heads) + 1 + p.spacing }

// head works out the lines above the column names: the class's counts in
// the stage, then a line (or more, wrapped) for each of the stage's
// challenges, saying how many students did it; without a tracker, what
// the class did to its cookies.
func (p *classPane) head() []string {
	out := []string{p.st.Label.Render(sanitize(summaryLine(p.summary)))}
	if len(p.counts) == 0 {
		return append(out, p.st.Subtle.Render(sanitize(challengeLine(p.summary))))
	}
	for _, c := range p.counts {
		// A mark as well as the words, so that colour is not the only sign
		// of a challenge some student did.
		mark, style := "· ", p.st.Subtle
		if c.Students > 0 {
			mark, style = "✓ ", p.st.Good
		}
		for _, l := range strings.Split(indentWrap(sanitize(c.Said()), p.width, "  "), "\n") {
			if strings.HasPrefix(l, "  ") {
				l = l[2:]
			}
			out = append(out, style.Render(mark+l))
			mark = "  "
		}
	}
	return out
}

func (p *classPane) scrollToSel() {
	n := p.rowsInView()
	if p.sel < p.off {
		p.off = p.sel
	}
	if p.sel >= p.off+n {
		p.off = p.sel - n + 1
	}
	p.off = max(0, min(p.off, len(p.rows)-n))
}

// SetSize sizes the pane.
func (p *classPane) SetSize(width, height int) {
	p.width, p.height = width, height
	p.heads = p.head()
	p.scrollToSel()
	if d := p.detail; d != nil {
		d.vp.SetWidth(width)
		d.vp.SetHeight(max(1, height-1))
		p.drawDetail()
	}
}

// Update moves the selection, opens a client (enter) and closes it (esc).
func (p *classPane) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := p.keys
	if d := p.detail; d != nil {
		switch {
		case key.Matches(km, k.Back):
			p.detail = nil
		case km.String() == "[" && d.idx > 0:
			d.idx--
			p.drawDetail()
		case km.String() == "]" && d.idx < len(d.obs)-1:
			d.idx++
			p.drawDetail()
		default:
			scroll(&d.vp, k, km)
		}
		return nil
	}
	n := p.rowsInView()
	switch {
	case key.Matches(km, k.Up):
		p.sel--
	case key.Matches(km, k.Down):
		p.sel++
	case key.Matches(km, k.PageUp):
		p.sel -= n
	case key.Matches(km, k.PageDown):
		p.sel += n
	case key.Matches(km, k.Top):
		p.sel = 0
	case key.Matches(km, k.Bottom):
		p.sel = len(p.rows) - 1
	case key.Matches(km, k.Run):
		p.open()
		return nil
	default:
		return nil
	}
	p.sel = max(0, min(p.sel, len(p.rows)-1))
	p.follow = p.sel == len(p.rows)-1
	p.scrollToSel()
	return nil
}

// open opens the selected client's exchanges, the latest shown.
func (p *classPane) open() {
	if len(p.rows) == 0 {
		return
	}
	k := p.rows[p.sel].Key
	obs := p.class.Exchanges(k)
	d := &classDetail{key: k, obs: obs, idx: len(obs) - 1, vp: newViewport()}
	d.vp.SetWidth(p.width)
	d.vp.SetHeight(max(1, p.height-1))
	p.detail = d
	p.drawDetail()
}

// drawDetail draws the open client's exchange and session, unless the
// viewport holds that drawing already.
func (p *classPane) drawDetail() {
	d := p.detail
	if d == nil {
		return
	}
	var t *engine.Trip
	if d.idx >= 0 && d.idx < len(d.obs) {
		t = engine.TripOf(d.obs[d.idx])
	}
	k := drawKey{width: p.width, style: p.st.Name, whole: p.emails, extra: strconv.FormatUint(d.seq(), 10)}
	if k == d.drawn {
		return
	}
	d.drawn = k
	r := renderer{st: p.st, width: p.width}
	if t == nil {
		d.vp.SetContent(p.st.Subtle.Render(wrap("None of this client's exchanges are kept any more (the class view keeps the latest of each client, and a bounded number in all).", p.width)))
		return
	}
	text, _ := r.exchange(t)
	text += "\n\n" + p.st.Section.Render("Session, as the server decoded it") + "\n" + r.session(t)
	if !p.emails {
		text = maskEmails(text, d.obs)
	}
	d.vp.SetContent(text)
	d.vp.GotoTop()
}

// maskEmails masks in text every email the client submitted in obs, as
// the form's body and the session show them, so that the projected view
// shows no email whole until the teacher asks.
func maskEmails(text string, obs []engine.Observation) string {
	seen := map[string]bool{}
	var pairs []string
	for _, o := range obs {
		raw := strings.TrimSpace(o.Exchange.Form.Get("email"))
		if raw == "" || seen[raw] {
			continue
		}
		seen[raw] = true
		masked := classroom.MaskEmail(raw)
		for _, form := range []string{sanitize(raw), url.QueryEscape(raw), strconv.Quote(raw)[1 : len(strconv.Quote(raw))-1]} {
			pairs = append(pairs, form, masked)
		}
	}
	if len(pairs) == 0 {
		return text
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// ShortHelp names the pane's keys.
func (p *classPane) ShortHelp() []key.Binding {
	if p.detail != nil {
		return []key.Binding{
			key.NewBinding(key.WithKeys("[", "]"), key.WithHelp("[ ]", "older/newer")),
			p.keys.Up, p.keys.Down, withHelp(p.keys.Back, "back to the class"),
		}
	}
	return []key.Binding{p.keys.Up, p.keys.Down, withHelp(p.keys.Run, "open client")}
}

// View draws the pane: exactly height lines, none wider than width.
func (p *classPane) View() string {
	lines := p.lines()
	for len(lines) < p.height {
		lines = append(lines, "")
	}
	lines = lines[:max(0, p.height)]
	for i, l := range lines {
		lines[i] = fold(l, p.width)
	}
	return strings.Join(lines, "\n")
}

func (p *classPane) lines() []string {
	if d := p.detail; d != nil {
		title := "Client " + p.detailLabel()
		if len(d.obs) > 0 {
			title += fmt.Sprintf(" · exchange %d of %d kept", d.idx+1, len(d.obs))
		}
		return append([]string{p.st.Section.Render(sanitize(title))}, strings.Split(d.vp.View(), "\n")...)
	}
	out := make([]string, 0, p.height)
	out = append(out, p.heads...)
	for range p.spacing {
		out = append(out, "")
	}
	c := p.columns()
	out = append(out, p.st.Section.Render(c.line("  ", "client", "browser", "name", "email", "storage", "done", "session")))
	if len(p.rows) == 0 {
		out = append(out, p.st.Subtle.Render(wrap("No student has connected yet. Students open the URL (J shows it with the QR code) and each appears here as a row.", p.width)))
		return out
	}
	end := min(len(p.rows), p.off+p.rowsInView())
	for i := p.off; i < end; i++ {
		r := &p.rows[i]
		marker := "  "
		if i == p.sel {
			marker = "› "
		}
		email := r.Email
		if p.emails {
			email = r.Address
		}
		line := c.line(marker, r.Label, r.Browser, r.Name, email, engine.StorageName(r.Storage), p.doneWords(r), sessionWords(r))
		switch {
		case i == p.sel:
			line = p.st.Selected.Render(line)
		case r.Verdict == engine.VerdictRejected:
			line = p.st.Bad.Render(line)
		}
		out = append(out, line)
		if i < end-1 {
			for range p.spacing {
				out = append(out, "")
			}
		}
	}
	return out
}

// detailLabel is the open client's label and browser.
func (p *classPane) detailLabel() string {
	d := p.detail
	if r, ok := p.class.Row(d.key); ok {
		return r.Label + " (" + d.key.Addr.String() + ", " + r.Browser + ")"
	}
	return d.key.Addr.String()
}

// doneWords is how many of the stage's challenges r's student did, such
// as "1/2"; "" without a tracker or when the stage has none.
func (p *classPane) doneWords(r *classroom.Row) string {
	tr := p.class.Challenges()
	if tr == nil {
		return ""
	}
	if r.Tutor {
		// This machine's work is the teacher's own (the tutor's
		// challenges), not counted for the class.
		return "you"
	}
	done, total := tr.StudentDone(r.Addr, p.stage.Key)
	if total == 0 {
		return ""
	}
	return strconv.Itoa(done) + "/" + strconv.Itoa(total)
}

// classColumns are the widths of the class list's columns; the session's
// verdict, last, takes what is left.
type classColumns struct{ label, browser, name, email, storage, done int }

func (p *classPane) columns() classColumns {
	c := classColumns{label: 7, browser: 9, name: 16, email: 6, storage: 19}
	if p.class.Challenges() != nil {
		c.done = 4
	}
	if p.emails {
		c.email = 24
	}
	if p.width >= 110 {
		c.name = 24
	}
	return c
}

// line lays a row out in the columns.
func (c classColumns) line(marker, label, browser, name, email, storage, done, session string) string {
	var b strings.Builder
	b.WriteString(marker)
	for _, f := range []struct {
		s string
		w int
	}{{label, c.label}, {browser, c.browser}, {name, c.name}, {email, c.email}, {storage, c.storage}, {done, c.done}} {
		if f.w == 0 {
			continue
		}
		s := fold(f.s, f.w)
		b.WriteString(s)
		b.WriteString(strings.Repeat(" ", max(0, f.w-ansi.StringWidth(s))+1))
	}
	b.WriteString(session)
	return b.String()
}

// sessionWords is a row's session verdict in words, with a mark so that
// it does not rest on colour.
func sessionWords(r *classroom.Row) string {
	w := verdictWords(r)
	if r.Tampered > 0 {
		w += fmt.Sprintf(" · tampered %d× (refused)", r.Tampered)
	}
	if r.Foreign > 0 {
		w += " · sent a cookie never set for it"
	}
	if r.Verdict == engine.VerdictRejected {
		w += ": " + r.Rejected // the longest part, last
	}
	return w
}

// verdictWords is the verdict on a row's latest cookie in words.
func verdictWords(r *classroom.Row) string {
	switch r.Verdict {
	case engine.VerdictRejected:
		return "✗ cookie refused"
	case engine.VerdictAccepted:
		if r.HasSession {
			return "✓ holds a session"
		}
		return "✓ cookie, empty session"
	}
	if r.HasSession {
		return "✓ session just set"
	}
	return "· no session"
}

// summaryLine is the class's counts in the stage on screen.
func summaryLine(s classroom.Summary) string {
	line := s.String()
	if s.Submitted > 0 {
		line += fmt.Sprintf("; %d submitted the form", s.Submitted)
	}
	if s.Clients > s.InStage {
		line += fmt.Sprintf("; %d clients in all", s.Clients)
	}
	if s.Tutor > 0 {
		line += " (this machine's browsers, \"you\", not counted)"
	}
	if s.Evicted > 0 {
		line += fmt.Sprintf(" (%d forgotten to make room)", s.Evicted)
	}
	if s.Missed > 0 {
		line += fmt.Sprintf(" (%d requests not counted: the view fell behind)", s.Missed)
	}
	return line
}

// challengeLine counts the class's attacks on its own sessions.
func challengeLine(s classroom.Summary) string {
	var parts []string
	if s.Tampered > 0 {
		refused := "it was refused"
		if s.Tampered > 1 {
			refused = fmt.Sprintf("all %d were refused", s.Tampered)
		}
		parts = append(parts, fmt.Sprintf("%s tampered with a cookie; %s", students(s.Tampered), refused))
	}
	if s.Foreign > 0 {
		parts = append(parts, fmt.Sprintf("%s sent a cookie the server never gave them (forged with the key, or copied), and it was accepted", students(s.Foreign)))
	}
	if len(parts) == 0 {
		return "Nobody has tampered with a cookie yet."
	}
	return strings.Join(parts, "; ") + "."
}

func students(n int) string {
	if n == 1 {
		return "1 student"
	}
	return strconv.Itoa(n) + " students"
}
