package tui

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

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

// wrap word-wraps s to width cells; 0 or less means no limit.
func wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	return ansi.Wrap(s, width, "")
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
func (r renderer) exchange(ex *Exchange) (string, int) {
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
		from := "sent by the " + ex.Source
		if ex.Source != "tutor" {
			from = "from " + ex.Source + "; headers sorted by name (the server does not see their order)"
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
			what += ": followed with " + ex.Hops[i+1].Method + " " + pathOf(ex.Hops[i+1].URL)
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

// hopNotes are the remarks on a hop: its own, then the server's account of
// it, the rejected cookie first.
func hopNotes(h Hop) []string {
	notes := slices.Clone(h.Notes)
	if o := h.Observed; o != nil {
		if o.Rejected != "" {
			notes = append(notes, "the server rejected the session cookie ("+o.Rejected+") and treated the request as having no session")
		}
		notes = append(notes, o.Notes...)
	}
	return notes
}

// pathOf returns the path and query of a URL string.
func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return rest[j:]
		}
		return "/"
	}
	return u
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

// session renders the session cookies of ex, decoded, with where the
// server kept the session and what it made of the cookie it was sent.
func (r renderer) session(ex *Exchange) string {
	if ex == nil {
		return r.st.Subtle.Render(wrap("No exchange yet.", r.width))
	}
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	// On screen the pane's title names the storage; lines are dear there.
	storageLine := r.plain && ex.Storage != ""
	if storageLine {
		add(r.field("storage", string(ex.Storage)+": "+storageSentence(ex.Storage))...)
	}
	if len(ex.Cookies) == 0 {
		add(r.st.Subtle.Render(wrap("No session cookie in this exchange: the client sent none and the server set none. Nothing links these requests to any before or after them.", r.width)))
		return strings.Join(lines, "\n")
	}
	for i, c := range ex.Cookies {
		if i > 0 || storageLine {
			add("")
		}
		where := fmt.Sprintf("← Set-Cookie, response %d (%s %s)", c.Hop+1, ex.Hops[c.Hop].Method, pathOf(ex.Hops[c.Hop].URL))
		if c.Sent {
			where = fmt.Sprintf("→ Cookie, request %d (%s %s)", c.Hop+1, ex.Hops[c.Hop].Method, pathOf(ex.Hops[c.Hop].URL))
		}
		if c.Deleted {
			add(r.st.Section.Render(r.foldWidth(where + " · deletes the session")))
			continue
		}
		mark, verdict := r.verdict(c)
		add(r.st.Section.Render(r.foldWidth(where)) + " " + mark)
		if c.Sent {
			if o := ex.Hops[c.Hop].Observed; o != nil && o.Rejected != "" {
				add(r.st.Bad.Render(indentWrap("✗ REJECTED by the server: "+sanitize(o.Rejected), r.width, "  ")))
			} else if o != nil {
				add(r.field("server", "✓ accepted the cookie")...)
			}
		}
		if c.Sent && c.SameAsSet {
			add(r.st.Subtle.Render(indentWrap("the value set above, handed back unchanged by the client: "+verdict, r.width, "  ")))
			continue
		}
		if r.whole && !r.plain {
			add(r.explain(c)...)
			add(r.stored(c)...)
			continue
		}
		if res := c.Result; res != nil && res.Values != nil {
			label := "values"
			switch {
			case res.Signature == cookiecodec.Invalid:
				label = "unverified" // what the cookie claims; the server ignores it
			case res.Encrypted:
				label = "decrypted"
			}
			add(r.values(label, res.Values)...)
		}
		add(r.field("verdict", verdict)...)
		add(r.stored(c)...)
		if l := c.Layers; l != nil {
			ts := l.Timestamp
			if !l.Issued.IsZero() {
				ts += " (" + l.Issued.Format("2006-01-02 15:04:05 UTC") + ")"
			}
			add(r.field("timestamp", sanitize(ts))...)
			ser := l.Serializer
			if ser == "" {
				ser = "serialised"
			}
			switch {
			case c.Result.Encrypted && c.Result.Values == nil:
				add(r.field("payload", "ciphertext (AES-256-CTR), base64url "+r.value(l.Payload)+"; no block key here to read it")...)
			case c.Result.Encrypted:
				add(r.field("payload", fmt.Sprintf("ciphertext (AES-256-CTR), base64url %s; the server's block key decrypts it to %d bytes of %s", r.value(l.Payload), l.PayloadSize, ser))...)
			default:
				add(r.field("payload", fmt.Sprintf("%d bytes of %s, base64url %s", l.PayloadSize, ser, r.value(l.Payload)))...)
			}
			add(r.field("signature", fmt.Sprintf("%d bytes of HMAC-SHA256 %s", len(l.Signature)/2, r.value(l.Signature)))...)
			add(r.field("signs", sanitize(l.SignedInput)+" (name|timestamp|payload)")...)
		}
		add(r.field("size", fmt.Sprintf("%d bytes: base64url(timestamp|payload|signature)", len(c.Value)))...)
		if !c.Sent {
			add(r.st.Subtle.Render(indentWrap(cookieMoral(c), r.width, "  ")))
		}
	}
	return strings.Join(lines, "\n")
}

// maxValueText is how much of a session value is shown unless values are
// shown whole.
const maxValueText = 120

// cookieMoral is what a set cookie teaches, by what it holds.
func cookieMoral(c Cookie) string {
	switch res := c.Result; {
	case res != nil && res.SessionID != "":
		return "Only an id: the values stay in the server's database, so the cookie stays small however much the session holds, and the signature stops anyone making up an id."
	case res != nil && res.Encrypted:
		return "Signed and encrypted: the browser carries values it cannot read; only the server's keys can decrypt them, or make a cookie the server will accept."
	}
	return "Signed, not encrypted: anyone holding this cookie can read the values; only the secret key can sign a changed one the server will accept."
}

// values renders session values under label: on one line when they fit,
// so a short pane still shows them, else a line each.
func (r renderer) values(label string, values map[string]any) []string {
	if len(values) == 0 {
		return r.field(label, "(empty session)")
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	vals := make([]string, len(keys))
	for j, k := range keys {
		v := formatValue(values[k])
		if !r.whole && len(v) > maxValueText {
			// A long value (the grow stage's notes) is cut short at a rune
			// boundary; v shows it whole.
			cut := maxValueText
			for cut > 0 && !utf8.RuneStart(v[cut]) {
				cut--
			}
			v = fmt.Sprintf("%s… (%d bytes)", v[:cut], len(v))
		}
		vals[j] = sanitize(k) + " = " + sanitize(v)
	}
	if one := r.field(label, strings.Join(vals, ", ")); r.width <= 0 || ansi.StringWidth(one[0]) <= r.width && !strings.HasSuffix(one[0], "…") {
		return one
	}
	var out []string
	for j, v := range vals {
		if j > 0 {
			label = ""
		}
		out = append(out, r.field(label, v)...)
	}
	return out
}

// stored renders the session id a cookie carries and the database row it
// points to.
func (r renderer) stored(c Cookie) []string {
	if c.Result == nil || c.Result.SessionID == "" {
		return nil
	}
	out := r.field("session id", sanitize(c.Result.SessionID)+" (the cookie holds only this id)")
	switch {
	case !c.StoredChecked:
	case c.StoredErr != nil:
		out = append(out, r.field("row", "could not be read: "+sanitize(c.StoredErr.Error()))...)
	case c.Stored == nil:
		out = append(out, r.field("row", "none: the database holds no session with this id")...)
	default:
		row := c.Stored.Row
		out = append(out, r.field("row", fmt.Sprintf("%s, id %s, %d bytes, expires %s", sanitize(row.Where), sanitize(row.ID), len(row.Data), row.Expires.UTC().Format("2006-01-02 15:04:05 UTC")))...)
		out = append(out, r.values("row values", c.Stored.Values)...)
	}
	return out
}

// explain renders cookiecodec's full, layer by layer explanation of c, the
// one inspect-cookie prints, wrapped to the pane.
func (r renderer) explain(c Cookie) []string {
	var out []string
	for _, sec := range cookiecodec.Explain(c.Result, c.Err) {
		title := r.st.Label
		switch sec.Tone {
		case cookiecodec.Good:
			title = r.st.Good
		case cookiecodec.Bad, cookiecodec.Caution:
			title = r.st.Bad
		}
		out = append(out, "  "+title.Render(sec.Title))
		for _, l := range sec.Lines {
			out = append(out, r.st.Value.Render(indentWrap(l, r.width, "    ")))
		}
	}
	return out
}

// value shows a long value folded, unless values are shown whole.
func (r renderer) value(s string) string {
	s = sanitize(s)
	if r.whole || r.plain || len(s) <= 24 {
		return s
	}
	return s[:20] + "…"
}

// field renders a labelled line of the session panel.
func (r renderer) field(label, value string) []string {
	const labelWidth = 11
	pad := strings.Repeat(" ", max(0, labelWidth-len(label)))
	line := "  " + r.st.Label.Render(label) + pad + r.st.Value.Render(value)
	if r.whole {
		return []string{line}
	}
	return []string{fold(line, r.width)}
}

// verdict returns a short mark and a sentence for a cookie's check.
func (r renderer) verdict(c Cookie) (mark, text string) {
	res := c.Result
	switch {
	case c.Err != nil && (res == nil || res.Signature != "invalid"):
		return r.st.Bad.Render("✗ undecodable"), "could not be decoded: " + sanitize(c.Err.Error())
	case res.Signature == "invalid":
		return r.st.Bad.Render("✗ bad signature"), "signature does not verify: " + sanitize(res.Reason)
	case res.Signature != "valid":
		return r.st.Subtle.Render("? unchecked"), "signature not checked: " + sanitize(res.Reason)
	case res.Expired:
		return r.st.Bad.Render("✗ expired"), "signature valid, but expired (issued " + res.IssuedAt.Format("2006-01-02 15:04 UTC") + ")"
	}
	return r.st.Good.Render("✓ valid"), "signature valid (HMAC-SHA256 with the server's key), not expired"
}

// formatValue formats a session value as compact JSON, as inspect-cookie
// does.
func formatValue(v any) string { return cookiecodec.MarshalValue(v) }
