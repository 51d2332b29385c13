package accessible

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server/cookiecodec"
)

// The sentences of the view, made for listening: numbers as numbers,
// verdicts as words, long values by their length and first characters.
// Every string a client or the server's record holds goes through
// esc before it is printed.

// esc escapes client-sent text for the terminal.
func esc(s string) string { return cookiecodec.EscapeText(s) }

// Long values are announced, not read: a value longer than longValue is
// said as its length and its first valueLead characters.
const (
	longValue = 32
	valueLead = 8
)

// CookieValue says a cookie value: whole when short, else "180
// characters, beginning MTc2NDYy" (show cookie reads it whole).
func CookieValue(v string) string {
	v = esc(v)
	if len(v) <= longValue {
		return v
	}
	return fmt.Sprintf("%d characters, beginning %s", len(v), v[:valueLead])
}

// idText says a session id: a random string is spelt out letter by
// letter, so one longer than a few letters is said by its length and its
// first ones (show cookie reads it whole).
func idText(id string) string {
	id = esc(id)
	if len(id) <= valueLead {
		return id
	}
	return fmt.Sprintf("%d characters, beginning %s", len(id), id[:valueLead])
}

// Text says a value of free text: whole when short, else its length and
// its first words.
func Text(v string) string {
	v = esc(v)
	if utf8.RuneCountInString(v) <= 2*longValue {
		return v
	}
	cut := 3 * valueLead
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("a text of %d characters, beginning %q", utf8.RuneCountInString(v), strings.TrimSpace(v[:cut]))
}

// HeaderLine says one line of a message head, escaped, with the session
// cookie's value announced rather than read.
func HeaderLine(line string) string {
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return esc(line)
	}
	switch {
	case strings.EqualFold(name, "Set-Cookie"), strings.EqualFold(name, "Cookie"):
		parts := strings.Split(value, ";")
		for i, p := range parts {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && (i == 0 || strings.EqualFold(name, "Cookie")) && len(v) > longValue {
				parts[i] = " " + esc(k) + "=(" + CookieValue(v) + ")"
				continue
			}
			parts[i] = esc(p)
		}
		return esc(name) + ":" + strings.Join(parts, ";")
	}
	return esc(line)
}

// FormSentence says a url-encoded form body: "the form: name is Ada,
// email is ada@example.com".
func FormSentence(body []byte) string {
	v, err := url.ParseQuery(string(body))
	if err != nil || len(v) == 0 {
		return fmt.Sprintf("%d bytes that are not a form", len(body))
	}
	keys := orderedKeys(v)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		for _, x := range v[k] {
			parts = append(parts, esc(k)+" is "+valueOrEmpty(Text(x)))
		}
	}
	return "the form: " + strings.Join(parts, ", ")
}

func valueOrEmpty(s string) string {
	if s == "" {
		return "empty"
	}
	return s
}

// orderedKeys are a map's keys with name and email first, as the form
// has them, then the rest in alphabetical order.
func orderedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		switch k {
		case "name":
			return 0
		case "email":
			return 1
		}
		return 2
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return keys
}

// The parts of an HTML page a summary names.
var (
	titleRE   = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	headingRE = regexp.MustCompile(`(?is)<h[1-6][^>]*>(.*?)</h[1-6]>`)
	tagRE     = regexp.MustCompile(`(?s)<[^>]*>`)
)

// maxHeadings bounds the headings a summary names.
const maxHeadings = 6

// BodySummary says what a body is without reading it: "an HTML page of
// 945 bytes; title: Form Test Show; headings: User, Ada, ada@example.com".
// size is the whole body's size; body may be cut short.
func BodySummary(contentType string, body []byte, size int64) string {
	if size == 0 {
		return "empty"
	}
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	mt = strings.TrimSpace(mt)
	if mt != "text/html" {
		if mt == "" {
			mt = "unknown type"
		}
		return fmt.Sprintf("%s of %d bytes", bytesOf(mt), size)
	}
	s := fmt.Sprintf("an HTML page of %d bytes", size)
	if m := titleRE.FindSubmatch(body); m != nil {
		if t := pageText(m[1]); t != "" {
			s += "; title: " + t
		}
	}
	var hs []string
	for _, m := range headingRE.FindAllSubmatch(body, maxHeadings+1) {
		// "User:" is heard as "User" and a pause; the colon before the
		// list's comma only doubles the pause.
		t := strings.TrimRight(pageText(m[1]), ":")
		if t == "" {
			t = "an empty heading"
		}
		hs = append(hs, t)
	}
	switch {
	case len(hs) > maxHeadings:
		s += "; headings: " + strings.Join(hs[:maxHeadings], ", ") + " and more"
	case len(hs) > 0:
		s += "; headings: " + strings.Join(hs, ", ")
	}
	return s
}

func bytesOf(mt string) string {
	switch {
	case strings.HasPrefix(mt, "text/plain"):
		return "plain text"
	case strings.Contains(mt, "json"):
		return "JSON"
	}
	return esc(mt)
}

// pageText is an HTML fragment as text: tags dropped, entities decoded,
// spaces collapsed, escaped.
func pageText(b []byte) string {
	t := html.UnescapeString(tagRE.ReplaceAllString(string(b), " "))
	return esc(strings.Join(strings.Fields(t), " "))
}

// plural says n things: "1 value", "2 values".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ValuesSentence says a session's values: "2 values: name is Ada, email
// is ada@example.com", or "no values" for an empty session.
func ValuesSentence(values map[string]any) string {
	if len(values) == 0 {
		return "no values"
	}
	keys := orderedKeys(values)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = esc(k) + " is " + valueText(values[k])
	}
	return plural(len(keys), "value", "values") + ": " + strings.Join(parts, ", ")
}

// valueText says one session value: a text as itself (or its length when
// long), a list by its length and first item, anything else as JSON.
func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return valueOrEmpty(Text(x))
	case []any:
		if len(x) == 0 {
			return "an empty list"
		}
		return fmt.Sprintf("a list of %s, the first %s", plural(len(x), "item", "items"), valueText(x[0]))
	}
	return valueOrEmpty(Text(cookiecodec.MarshalValue(v)))
}

// sentence ends escaped text s with one full stop.
func sentence(s string) string {
	return strings.TrimRight(esc(s), ". ") + "."
}

// CheckSentence says what a cookie's own check found.
func CheckSentence(c engine.Cookie) string {
	res := c.Result
	switch c.Check() {
	case engine.CheckUndecodable:
		return "It could not be decoded: " + esc(errText(c.Err)) + "."
	case engine.CheckBadSignature:
		return "The signature is not valid: " + esc(res.Reason) + "."
	case engine.CheckUnchecked:
		return "The signature was not checked: " + esc(res.Reason) + "."
	case engine.CheckExpired:
		return "The signature is valid, but the cookie has expired."
	}
	return "The signature is valid."
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// CookieSentences say what one session cookie of trip t holds and what
// the server made of it, in short sentences.
func CookieSentences(t *engine.Trip, c engine.Cookie) []string {
	var out []string
	hop := t.Hops[c.Hop]
	if c.Sent {
		s := "This request carries the session cookie, " + CookieValue(c.Value) + "."
		if c.SameAsSet {
			s = "This request carries the session cookie the server set above, handed back unchanged."
		}
		out = append(out, s)
		switch hop.Verdict() {
		case engine.VerdictAccepted:
			out = append(out, "The server accepted it.")
		case engine.VerdictRejected:
			out = append(out, "The server refused it: "+sentence(hop.Record.Rejected)+" It answered as if there were no session.")
		case engine.VerdictUnknown:
			out = append(out, "The server's record of this request did not arrive, so its verdict is unknown.")
		}
		if c.SameAsSet {
			return out
		}
	} else {
		if c.Deleted {
			return []string{"The response deletes the session cookie."}
		}
		out = append(out, fmt.Sprintf("The response sets the session cookie: %d bytes with its name, of the %d a browser keeps.", c.Size(), cookiecodec.BrowserLimit))
		if c.Result != nil && c.Result.Attributes != nil {
			out = append(out, AttributesSentence(*c.Result.Attributes)...)
		}
	}
	res := c.Result
	switch {
	case res == nil:
	case res.SessionID != "":
		out = append(out, "The cookie holds only a session id, "+idText(res.SessionID)+"; the values are in the server's database.")
	case res.Encrypted && res.Values != nil:
		out = append(out, "The cookie is encrypted; the server's key decrypts it to "+ValuesSentence(res.Values)+".")
	case res.Encrypted:
		out = append(out, "The cookie is encrypted, and nothing here can read it.")
	case res.Values != nil && (res.Signature == cookiecodec.Invalid || c.Sent && hop.Verdict() == engine.VerdictRejected):
		out = append(out, "The cookie claims "+ValuesSentence(res.Values)+".")
	case res.Values != nil:
		out = append(out, "The cookie holds "+ValuesSentence(res.Values)+".")
	}
	if !(c.Sent && hop.Verdict() == engine.VerdictRejected) {
		out = append(out, CheckSentence(c))
	}
	switch {
	case !c.StoredChecked:
	case c.StoredErr != nil:
		out = append(out, "The database row could not be read: "+esc(c.StoredErr.Error())+".")
	case c.Stored == nil:
		out = append(out, "The database holds no row with this id.")
	default:
		out = append(out, fmt.Sprintf("The database row, %d bytes, holds %s.", len(c.Stored.Row.Data), ValuesSentence(c.Stored.Values)))
	}
	return out
}

// TripLines read a trip in order: each request then its response, each
// head line on its own line, the body summarised, and after each message
// what its session cookie holds.
func TripLines(t *engine.Trip) []string {
	var out []string
	n := len(t.Hops)
	for i, h := range t.Hops {
		which := func(kind string) string {
			if n == 1 {
				return kind + ":"
			}
			return fmt.Sprintf("%s %d of %d:", kind, i+1, n)
		}
		out = append(out, which("Request"))
		for _, l := range h.RequestHead {
			out = append(out, HeaderLine(l))
		}
		if len(h.RequestBody) > 0 {
			out = append(out, "Request body, "+FormSentence(h.RequestBody)+".")
		}
		out = append(out, cookieLines(t, i, true)...)
		if h.Status == 0 {
			out = append(out, "No response.")
			continue
		}
		out = append(out, which("Response"))
		ct := ""
		for _, l := range h.ResponseHead {
			out = append(out, HeaderLine(l))
			if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Content-Type") {
				ct = strings.TrimSpace(v)
			}
		}
		out = append(out, "Response body: "+BodySummary(ct, h.ResponseBody, h.BodySize)+".")
		if h.Record != nil {
			for _, note := range h.Record.Notes {
				out = append(out, "The server noted: "+sentence(note))
			}
		}
		out = append(out, cookieLines(t, i, false)...)
	}
	if t.Err != nil {
		out = append(out, "The exchange stopped: "+esc(t.Err.Error())+".")
	}
	return out
}

// cookieLines are the sentences about the cookies hop i sent (sent) or
// set.
func cookieLines(t *engine.Trip, i int, sent bool) []string {
	var out []string
	for _, c := range t.Cookies {
		if c.Hop == i && c.Sent == sent {
			out = append(out, CookieSentences(t, c)...)
		}
	}
	return out
}
