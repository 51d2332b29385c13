package tui

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server/cookiecodec"
)

// session renders the session cookies of ex, decoded, with where the
// server kept the session and what it made of the cookie it was sent.
func (r renderer) session(ex *engine.Trip) string {
	if ex == nil {
		return r.st.Subtle.Render(wrap("No exchange yet.", r.width))
	}
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	if len(ex.Cookies) == 0 {
		// No session, so nothing to say about where one would travel.
		add(r.st.Subtle.Render(wrap("No session cookie in this exchange: the client sent none and the server set none. Nothing links these requests to any before or after them.", r.width)))
		return strings.Join(lines, "\n")
	}
	// On screen the pane's title names the storage; lines are dear there.
	storageLine := r.plain && ex.Storage != ""
	if storageLine {
		add(r.field("storage", string(ex.Storage)+": "+engine.StorageSentence(ex.Storage))...)
	}
	for i, c := range ex.Cookies {
		if i > 0 || storageLine {
			add("")
		}
		hop := ex.Hops[c.Hop]
		req := sanitize(hop.Method + " " + hop.Path())
		where := fmt.Sprintf("← Set-Cookie, response %d (%s)", c.Hop+1, req)
		if c.Sent {
			where = fmt.Sprintf("→ Cookie, request %d (%s)", c.Hop+1, req)
		}
		if c.Deleted {
			add(r.st.Section.Render(r.foldWidth(where + " · deletes the session")))
			continue
		}
		mark, verdict := r.verdict(c)
		add(r.st.Section.Render(r.foldWidth(where)) + " " + mark)
		rejected := false
		if c.Sent {
			switch hop.Verdict() {
			case engine.VerdictRejected:
				// The server's reason says it all: the verdict line below
				// would only say it again.
				rejected = true
				add(r.st.Bad.Render(indentWrap("✗ REJECTED by the server: "+sanitize(hop.Record.Rejected), r.width, "  ")))
			case engine.VerdictAccepted:
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
		if !rejected {
			add(r.field("verdict", verdict)...)
		}
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
		add(r.field("size", fmt.Sprintf("%d bytes with the name, of the %d a browser keeps (value alone: %d)", c.Size(), cookiecodec.BrowserLimit, len(c.Value)))...)
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
func cookieMoral(c engine.Cookie) string {
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
func (r renderer) stored(c engine.Cookie) []string {
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
func (r renderer) explain(c engine.Cookie) []string {
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

// verdict returns a short mark and a sentence for a cookie's own check.
func (r renderer) verdict(c engine.Cookie) (mark, text string) {
	res := c.Result
	switch c.Check() {
	case engine.CheckUndecodable:
		return r.st.Bad.Render("✗ undecodable"), "could not be decoded: " + sanitize(c.Err.Error())
	case engine.CheckBadSignature:
		return r.st.Bad.Render("✗ bad signature"), "signature does not verify: " + sanitize(res.Reason)
	case engine.CheckUnchecked:
		return r.st.Subtle.Render("? unchecked"), "signature not checked: " + sanitize(res.Reason)
	case engine.CheckExpired:
		return r.st.Bad.Render("✗ expired"), "signature valid, but expired (issued " + res.IssuedAt.Format("2006-01-02 15:04 UTC") + ")"
	}
	return r.st.Good.Render("✓ valid"), "signature valid (HMAC-SHA256 with the server's key), not expired"
}

// formatValue formats a session value as compact JSON, as inspect-cookie
// does.
func formatValue(v any) string { return cookiecodec.MarshalValue(v) }
