package tui

// This file is classroom mode's join screen: the URLs students open, the
// QR code of the first, and what the class is told (the session key, /me,
// each computer's budget, the stage for everyone). A QR code is 17 lines
// for a LAN URL, so on an 80x24 terminal the text goes beside the code
// rather than under it; a code is never cut, since a cut code does not
// scan.

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/classroom"
)

const (
	// joinGap is the space between the QR code and the text beside it.
	joinGap = 3
	// joinMinColumn is the narrowest the text beside the code may be: at
	// fewer cells a sentence becomes a column of single words.
	joinMinColumn = 30
	// joinMaxText is the widest the join screen's text is wrapped, so
	// that it stays readable on a wide projector.
	joinMaxText = 80
)

// joinTooSmall ends a join screen that could not show all of its text.
const joinTooSmall = "… The window is too small: enlarge it to see the rest."

// joinLines is the join screen, line by line, help included: stacked
// (the URLs, the code, the notes) when the screen is tall enough; the
// code on the left and the text on the right when it is wide enough;
// otherwise the code whole and the text cut, with a line that says so.
func (m *Model) joinLines() []string {
	j := m.class.join
	help := strings.Split(m.classHelpView(), "\n")
	avail := max(0, m.height-len(help))
	return append(fit(m.joinBody(j, avail), avail), help...)
}

// joinBody lays the join screen out in avail lines of m.width cells.
func (m *Model) joinBody(j *classroom.Join, avail int) []string {
	width := m.width
	tw := min(width, joinMaxText)
	qr := j.QR
	if len(j.URLs) == 0 {
		qr = nil
	}
	qw := 0
	if len(qr) > 0 {
		qw = ansi.StringWidth(qr[0])
	}
	warning, urls, scan := m.joinWarning(j, tw), m.joinURLs(j, tw), m.joinScan(j, tw)
	stacked := concat(warning, urls, scan, qr, blankBefore(m.joinNotes(j, tw, false)))
	if len(qr) == 0 || (width >= qw && len(stacked) <= avail) {
		return cutWith(stacked, avail, m.joinNotice(joinTooSmall))
	}
	cw := min(width-qw-joinGap, joinMaxText)
	if width >= qw && cw >= joinMinColumn {
		// Side by side: the warning and the URLs above at full width, as
		// long as that leaves room; what does not fit above goes in the
		// column, and the notes close up before the text is cut.
		var col []string
		for _, top := range []int{2, 1, 0} {
			for _, spaced := range []bool{true, false} {
				above := concat(warning, urls)
				col = concat(m.joinScan(j, cw), blankBefore(m.joinNotes(j, cw, spaced)))
				switch top {
				case 1:
					above, col = warning, concat(m.joinURLs(j, cw), col)
				case 0:
					above, col = nil, concat(m.joinWarning(j, cw), m.joinURLs(j, cw), col)
				}
				if len(above)+max(len(qr), len(col)) <= avail {
					return append(above, beside(qr, col, joinGap)...)
				}
			}
		}
		if avail > len(qr) {
			return append(beside(qr, col[:min(len(col), avail-1)], joinGap), m.joinNotice(joinTooSmall))
		}
	}
	if width >= qw && avail > len(qr) {
		// Too small for both: the code whole, the line that says where
		// it leads above it if there is room, then as much text as fits.
		head := scan[:min(len(scan), avail-len(qr)-1)]
		rest := concat(warning, urls, m.joinNotes(j, tw, false))
		return concat(head, qr, cutWith(rest, avail-len(head)-len(qr), m.joinNotice(joinTooSmall)))
	}
	// Too small for the code: the text, and what size the code needs.
	var need []string
	for _, l := range wrapLines(fmt.Sprintf("… The window is too small for the QR code: enlarge it to at least %d×%d to show it.", qw, len(qr)+2+m.height-avail), tw) {
		need = append(need, m.joinNotice(l))
	}
	return cutWith(concat(warning, urls, need, blankBefore(m.joinNotes(j, tw, false))), avail, m.joinNotice(joinTooSmall))
}

// joinWarning is the join's warning (the lesson's public key), wrapped to
// width and followed by a blank line; none when there is no warning.
func (m *Model) joinWarning(j *classroom.Join, width int) []string {
	if j.Warning == "" {
		return nil
	}
	var out []string
	for _, l := range wrapLines(sanitize(strings.ReplaceAll(j.Warning, "\n", " ")), width) {
		out = append(out, m.styles.Error.Render(l))
	}
	return append(out, "")
}

// joinURLs is where students join, a URL a line (its interface after it,
// or under it when there is no room), followed by a blank line; or, with
// no URL, plainly that no other device can reach this machine.
func (m *Model) joinURLs(j *classroom.Join, width int) []string {
	st := &m.styles
	var out []string
	if len(j.URLs) == 0 {
		for _, l := range wrapLines("This machine has no network address beyond loopback, so no other device can reach the tutor.", width) {
			out = append(out, st.Error.Render(l))
		}
		out = append(out, wrapLines("Join the class's network (Wi-Fi or cable) and start the tutor again. On this machine it answers at "+sanitize(j.Local), width)...)
		return append(out, "")
	}
	for _, l := range wrapLines("Students join at (on the same network as this machine):", width) {
		out = append(out, st.Header.Render(l))
	}
	for _, u := range j.URLs {
		url, iface := sanitize(u.URL), classroom.SafeText(u.Iface, 16)
		switch {
		case iface != "" && ansi.StringWidth("  "+url+"  "+iface) <= width:
			out = append(out, "  "+url+"  "+st.Subtle.Render(iface))
			iface = ""
		case ansi.StringWidth("  "+url) <= width:
			out = append(out, "  "+url)
		default:
			// A URL is one word: cut it where the column ends, not
			// where a word wrap would leave it on a line of its own.
			out = append(out, strings.Split(ansi.Hardwrap(url, width, false), "\n")...)
		}
		if iface != "" { // not on the URL's line
			out = append(out, "    "+st.Subtle.Render(iface))
		}
	}
	return append(out, "")
}

// joinScan is the line above the QR code, which says what it opens.
func (m *Model) joinScan(j *classroom.Join, width int) []string {
	if len(j.URLs) == 0 || len(j.QR) == 0 {
		return nil
	}
	return wrapLines("Scan to open "+sanitize(j.URLs[0].URL)+":", width)
}

// joinNotes are the join's notes (the key, /me and the budget, and the
// stage for the whole class), wrapped to width; spaced puts a blank line
// between them, for a narrow column.
func (m *Model) joinNotes(j *classroom.Join, width int, spaced bool) []string {
	var out []string
	for i, t := range j.Notes() {
		if spaced && i > 0 {
			out = append(out, "")
		}
		out = append(out, wrapLines(sanitize(t), width)...)
	}
	return out
}

// joinNotice styles a line that says the screen is too small.
func (m *Model) joinNotice(s string) string { return m.styles.Subtle.Render(s) }

// wrapLines word-wraps plain text s to width cells, as lines. ansi.Wrap
// can leave the space it broke at on the line, a cell too many; it goes.
func wrapLines(s string, width int) []string {
	var out []string
	for _, l := range strings.Split(wrap(s, width), "\n") {
		l = strings.TrimRight(l, " ")
		if width > 0 && ansi.StringWidth(l) > width {
			out = append(out, strings.Split(ansi.Hardwrap(l, width, false), "\n")...)
			continue
		}
		out = append(out, l)
	}
	return out
}

// concat joins blocks of lines.
func concat(blocks ...[]string) []string {
	var out []string
	for _, b := range blocks {
		out = append(out, b...)
	}
	return out
}

// blankBefore puts a blank line before lines, when there are any.
func blankBefore(lines []string) []string {
	if len(lines) == 0 {
		return nil
	}
	return append([]string{""}, lines...)
}

// cutWith returns the first n lines, the last of them notice when lines
// had more than n.
func cutWith(lines []string, n int, notice string) []string {
	switch {
	case len(lines) <= n:
		return lines
	case n <= 0:
		return nil
	}
	return append(lines[:n-1:n-1], notice)
}

// beside puts right to the right of left, gap cells apart, line by line:
// left's lines are taken as they are (the same width each), and where
// right is longer, its lines keep their column.
func beside(left, right []string, gap int) []string {
	lw := 0
	if len(left) > 0 {
		lw = ansi.StringWidth(left[0])
	}
	out := make([]string, max(len(left), len(right)))
	for i := range out {
		l := strings.Repeat(" ", lw)
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) && right[i] != "" {
			l += strings.Repeat(" ", gap) + right[i]
		}
		out[i] = l
	}
	return out
}
