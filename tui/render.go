package tui

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server/cookiecodec"
)

// sanitize escapes control characters, invalid UTF-8 and other
// unprintable runes in s, so that nothing a client sends can move the
// cursor or recolour the terminal. It is cookiecodec's escaping, shared
// with inspect-cookie.
func sanitize(s string) string { return cookiecodec.EscapeText(s) }

// fold cuts s to width cells with an ellipsis. A width of 0 or less means
// no limit.
func fold(s string, width int) string {
	if width <= 0 || ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// wrap word-wraps s to width cells; 0 or less means no limit. ansi.Wrap
// can leave the space it broke at on a line, before a word that starts
// with a hyphen ("or use --secret-file"), one cell too many: it goes.
func wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	w := ansi.Wrap(s, width, "")
	if !strings.Contains(w, " \n") && !strings.HasSuffix(w, " ") {
		return w
	}
	lines := strings.Split(w, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = strings.TrimRight(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}

// indentWrap word-wraps s to width cells, prefix included, and starts every
// line with prefix.
func indentWrap(s string, width int, prefix string) string {
	if width > 0 {
		s = ansi.Wrap(s, max(10, width-ansi.StringWidth(prefix)), "")
	}
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// statusClass names a status code's class in words.
func statusClass(code int) string {
	switch {
	case code >= 500:
		return "server error"
	case code >= 400:
		return "client error"
	case code >= 300:
		return "redirect"
	case code >= 200:
		return "success"
	default:
		return "informational"
	}
}

// renderer draws exchanges and sessions at a width, with styles.
type renderer struct {
	st *Styles
	// width is the width to fold to; 0 folds nothing.
	width int
	// whole shows long values and bodies whole instead of folded.
	whole bool
	// plain marks the plain transcript: full cookie values, no key hints.
	plain bool
}

// headerLine renders a "Name: value" line. Long values are folded with an
// ellipsis; a cookie's value is folded in the middle so that its
// attributes stay in view.
func (r renderer) headerLine(line string) string {
	line = sanitize(line)
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return r.st.HeaderValue.Render(r.foldWidth(line))
	}
	value = strings.TrimPrefix(value, " ")
	isCookie := strings.EqualFold(name, "Set-Cookie") || strings.EqualFold(name, "Cookie")
	room := r.width - ansi.StringWidth(name) - 2
	if !r.whole && r.width > 0 && ansi.StringWidth(value) > room {
		if isCookie {
			value = foldCookie(value, room)
		} else {
			value = fold(value, room)
		}
	}
	if isCookie {
		return r.st.Cookie.Render(name+":") + " " + r.st.Cookie.Render(value)
	}
	return r.st.HeaderName.Render(name+":") + " " + r.st.HeaderValue.Render(value)
}

// foldWidth folds s to the renderer's width unless it shows values whole.
func (r renderer) foldWidth(s string) string {
	if r.whole {
		return s
	}
	return fold(s, r.width)
}

// foldCookie fits a cookie header value into room cells. The cookie's
// value is cut short first, so that its attributes stay in view; if they
// still do not fit, the end is cut.
func foldCookie(v string, room int) string {
	nv, attrs, _ := strings.Cut(v, ";")
	if attrs != "" {
		attrs = ";" + attrs
	}
	name, val, _ := strings.Cut(nv, "=")
	keep := max(12, room-ansi.StringWidth(name)-2-ansi.StringWidth(attrs))
	if keep < len(val) {
		val = val[:keep] + "…"
	}
	return fold(name+"="+val+attrs, room)
}

// exchange renders ex in wire form. It returns the text and the line of the
// first status line that comes with a Set-Cookie or an error, or -1.
func (r renderer) exchange(ex *engine.Trip) (string, int) {
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	setCookieLine := -1
	if ex.Action != "" {
		add(r.st.Bad.Render(wrap(sanitize(ex.Action), r.width)))
		if r.plain {
			add("")
		}
	}
	// The transcript leaves a blank line before each labelled section; on
	// screen the labels stand out by themselves and the lines are dear.
	for i, h := range ex.Hops {
		if i > 0 && r.plain {
			add("")
		}
		from := "sent by the " + sanitize(ex.Label)
		if !ex.Own() {
			from = "from " + sanitize(ex.Label) + "; headers sorted by name (the server does not see their order)"
		}
		add(r.st.Section.Render(r.foldWidth(fmt.Sprintf("→ Request %d of %d · %s", i+1, len(ex.Hops), from))))
		for j, line := range h.RequestHead {
			if j == 0 {
				add(r.st.StartLine.Render(r.foldWidth(sanitize(line))))
				continue
			}
			add(r.headerLine(line))
		}
		if len(h.RequestBody) > 0 {
			add("")
			add(r.body(h.RequestBody, int64(len(h.RequestBody)), false)...)
		}
		if h.Status == 0 {
			continue
		}
		if r.plain {
			add("")
		}
		what := statusClass(h.Status)
		if h.Status >= 300 && h.Status < 400 && i+1 < len(ex.Hops) {
			what += ": followed with " + sanitize(ex.Hops[i+1].Method+" "+ex.Hops[i+1].Path())
		}
		add(r.st.Section.Render(r.foldWidth(fmt.Sprintf("← Response %d of %d · %d %s · %s", i+1, len(ex.Hops), h.Status, http.StatusText(h.Status), what))))
		if (len(h.SetCookies) > 0 || h.Status >= 400) && setCookieLine < 0 {
			setCookieLine = len(lines) - 1
		}
		for j, line := range h.ResponseHead {
			if j == 0 {
				add(r.st.statusStyle(h.Status).Render(r.foldWidth(sanitize(line))))
				continue
			}
			add(r.headerLine(line))
		}
		if h.BodySize > 0 {
			add("")
			add(r.body(h.ResponseBody, h.BodySize, true)...)
		}
		for _, n := range hopNotes(h) {
			add(r.st.Subtle.Render(wrap("note: "+sanitize(n), r.width)))
		}
	}
	if ex.Err != nil {
		add("", r.st.Error.Render(wrap("stopped: "+sanitize(ex.Err.Error()), r.width)))
	}
	return strings.Join(lines, "\n"), setCookieLine
}

// hopNotes are the server's remarks on a hop, from its record, the
// rejected cookie first.
func hopNotes(h engine.Hop) []string {
	var notes []string
	if o := h.Record; o != nil {
		if h.Verdict() == engine.VerdictRejected {
			notes = append(notes, "the server rejected the session cookie and treated the request as having no session (the Session pane says why)")
		}
		notes = append(notes, o.Notes...)
	}
	return notes
}

// body renders a message body: whole when short or when asked, otherwise
// folded to the lines a reader cares about and a size.
func (r renderer) body(b []byte, size int64, response bool) []string {
	text := strings.TrimRight(string(b), "\n")
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return []string{r.st.Subtle.Render(fmt.Sprintf("[%d bytes of binary body, not shown]", size))}
	}
	all := strings.Split(text, "\n")
	if r.whole || (!response && len(all) == 1 && len(text) <= 200) {
		out := make([]string, 0, len(all))
		for _, l := range all {
			out = append(out, r.st.Body.Render(r.foldWidth(sanitize(l))))
		}
		if int64(len(b)) < size {
			out = append(out, r.st.Subtle.Render(fmt.Sprintf("[… %d more bytes not kept]", size-int64(len(b)))))
		}
		return out
	}
	var out []string
	for _, l := range all {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "<h1") || strings.HasPrefix(t, "<h3") || strings.HasPrefix(t, `<p class="error"`) {
			out = append(out, r.st.Body.Render(fold(sanitize(t), r.width)))
		}
		if len(out) == 4 {
			break
		}
	}
	hint := "; v shows it whole"
	if r.plain {
		hint = ""
	}
	what := "body"
	if len(out) > 0 {
		what = "body folded to its headings"
	}
	out = append(out, r.st.Subtle.Render(fold(fmt.Sprintf("[%s: %d bytes, %d lines%s]", what, size, len(all), hint), r.width)))
	return out
}
