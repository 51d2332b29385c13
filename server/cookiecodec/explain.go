package cookiecodec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Tone says how a Section of an explanation should look.
type Tone int

// Tones of a section.
const (
	Neutral Tone = iota
	Good
	Caution
	Bad
)

// Section is one layer of a cookie's explanation: a title and lines of
// plain text. Every line is safe to print: control characters that came
// from the cookie are escaped.
type Section struct {
	Title string
	Tone  Tone
	Lines []string
}

// Explain walks through a decoded cookie layer by layer, in the order it
// was made: size; base64 and its parts; when it was issued; the payload;
// the values; the signature's verdict; what the cookie's readability
// means; the Set-Cookie attributes; warnings. decodeErr, if not nil, is
// the error Decode returned with res.
func Explain(res *Result, decodeErr error) []Section {
	var out []Section
	add := func(title string, tone Tone, lines ...string) {
		for i, l := range lines {
			lines[i] = EscapeText(l)
		}
		out = append(out, Section{Title: title, Tone: tone, Lines: lines})
	}
	if res == nil {
		if decodeErr != nil {
			add("error", Bad, decodeErr.Error())
		}
		return out
	}
	format := res.Format.Title()
	if res.Size == 0 {
		add("cookie", Neutral, fmt.Sprintf("name     %s", res.Name), "value    (empty)")
	} else {
		add("cookie", Neutral,
			fmt.Sprintf("name     %s", res.Name),
			fmt.Sprintf("format   %s", format),
			fmt.Sprintf("size     %d bytes of value, %d with the name (browsers keep at most %d)", res.Size, res.Size+len(res.Name), BrowserLimit))
	}

	if len(res.About) > 0 {
		add("what it is", Neutral, slices.Clone(res.About)...)
	}

	p := res.Parts
	if p.Shape != "" {
		add("parts", Neutral, explainParts(p)...)
	} else if p.Timestamp != "" {
		var lines []string
		if res.Format == Gorilla {
			lines = append(lines,
				"base64url(timestamp|payload|mac), each part inside again base64 or raw:",
				fmt.Sprintf("timestamp  %s (decimal Unix seconds)", p.Timestamp),
				fmt.Sprintf("payload    %s (%d characters of base64url)", abbreviate(p.Payload, 48), len(p.Payload)),
				fmt.Sprintf("mac        %s (HMAC-SHA256, %d bytes)", abbreviate(p.MAC, 32), len(p.MAC)/2),
				fmt.Sprintf("signed     %s", p.SignedInput),
				"           the cookie's name is signed but not stored: verify under the same name")
		} else {
			shape := "payload.timestamp.signature"
			if res.Compressed {
				shape = ".payload.timestamp.signature (the leading '.' means zlib)"
			}
			lines = append(lines,
				shape+", each part base64url without padding:",
				fmt.Sprintf("payload    %s (%d characters)", abbreviate(p.Payload, 48), len(p.Payload)),
				fmt.Sprintf("timestamp  %s (big-endian Unix seconds)", p.Timestamp),
				fmt.Sprintf("signature  %s (HMAC-SHA1)", p.MAC),
				fmt.Sprintf("signed     %s, keyed by HMAC-SHA1(secret key, salt)", p.SignedInput))
		}
		add("parts", Neutral, lines...)
	}

	if !res.IssuedAt.IsZero() || !res.ExpiresAt.IsZero() || !res.NotBefore.IsZero() {
		tone := Neutral
		var lines []string
		if !res.IssuedAt.IsZero() {
			lines = append(lines, fmt.Sprintf("issued   %s (%s)", res.IssuedAt.Format("2006-01-02 15:04:05 UTC"), ago(res.Age())))
		}
		if !res.NotBefore.IsZero() {
			lines = append(lines, fmt.Sprintf("valid    from %s (%s)", res.NotBefore.Format("2006-01-02 15:04:05 UTC"), ago(res.Now.Sub(res.NotBefore))))
		}
		if !res.ExpiresAt.IsZero() {
			word := "expires "
			if !res.Now.Before(res.ExpiresAt) {
				word, tone = "EXPIRED ", Bad
			}
			lines = append(lines, fmt.Sprintf("%s %s (%s), as the cookie itself states", word, res.ExpiresAt.Format("2006-01-02 15:04:05 UTC"), ago(res.Now.Sub(res.ExpiresAt))))
		}
		if res.Expired {
			tone = Bad
		}
		switch {
		case res.IssuedAt.IsZero():
		case res.MaxAge <= 0 && !res.ExpiresAt.IsZero():
		case res.MaxAge <= 0 && res.Format == JWT:
			lines = append(lines, "max age  none: a token's lifetime is its exp claim (--max-age checks iat too)")
		case res.MaxAge <= 0:
			lines = append(lines, "max age  not checked")
		case res.Now.Sub(res.IssuedAt) > res.MaxAge:
			tone = Bad
			lines = append(lines, fmt.Sprintf("EXPIRED  at %s: older than the max age of %s", res.IssuedAt.Add(res.MaxAge).Format("2006-01-02 15:04:05 UTC"), days(res.MaxAge)))
		default:
			lines = append(lines, fmt.Sprintf("expires  %s (max age %s)", res.IssuedAt.Add(res.MaxAge).Format("2006-01-02 15:04:05 UTC"), days(res.MaxAge)))
		}
		add("issued", tone, lines...)
	}

	if res.Payload != nil || res.PayloadError != "" {
		var lines []string
		switch {
		case res.Encrypted && res.Values == nil && res.SessionID == "" && len(res.Payload) == 0:
			lines = append(lines, "encrypted: "+res.PayloadError)
		case res.Encrypted && res.Values == nil && res.SessionID == "":
			lines = append(lines, fmt.Sprintf("%d bytes, encrypted: %s", len(res.Payload), res.PayloadError))
		case res.Serializer == "php serialize":
			lines = append(lines, fmt.Sprintf("%d bytes of PHP serialize() output, read without running any PHP (objects are only named):", len(res.Payload)))
			lines = append(lines, abbreviate(string(res.Payload), 400))
		case res.Serializer == "gob":
			how := ""
			if res.Encrypted {
				how = ", after AES-CTR decryption with the block key"
			}
			lines = append(lines, fmt.Sprintf("%d bytes of gob%s: Go's binary encoding, type descriptions first, then the values", len(res.Payload), how))
			lines = append(lines, hexPreview(res.Payload, 32))
		default:
			how := ""
			if res.Compressed {
				how = fmt.Sprintf(", zlib-inflated from %d", base64RawLen(len(res.Parts.Payload)))
			}
			lines = append(lines, fmt.Sprintf("%d bytes of %s%s:", len(res.Payload), strings.Replace(res.Serializer, "json", "JSON", 1), how))
			lines = append(lines, abbreviate(string(res.Payload), 400))
		}
		if res.PayloadError != "" && !res.Encrypted {
			lines = append(lines, "cannot read it: "+res.PayloadError)
		}
		add("payload", Neutral, lines...)
	}

	switch {
	case res.SessionID != "" && res.Values == nil:
		add("session id", Neutral, res.SessionID, "a server-side session id: the values live on the server, and the cookie only names them")
	case res.Values != nil:
		lines := FormatValues(res.Values)
		if res.SessionID != "" {
			lines = append([]string{"(session " + res.SessionID + ")"}, lines...)
		}
		add("values", Neutral, lines...)
	}

	switch res.Signature {
	case Valid:
		if res.WellKnownKey != "" {
			add("signature", Bad,
				fmt.Sprintf("VALID, but signed with the well-known key %q,", res.WellKnownKey), // %q escapes what a terminal acts on
				"found in the "+EscapeText(res.WellKnownFrom)+": ANYONE CAN FORGE THIS SESSION.")
			break
		}
		add("signature", Good, fmt.Sprintf("VALID: verified with key #%d", res.KeyIndex+1))
	case Invalid:
		add("signature", Bad, "INVALID: "+res.Reason)
	case Unsigned:
		add("signature", Bad, "UNSIGNED: "+res.Reason)
	default:
		if res.Reason == "" {
			add("signature", Caution, "UNCHECKED: the cookie could not be read far enough to check it")
			break
		}
		add("signature", Caution, "UNCHECKED: "+res.Reason)
	}

	switch {
	case res.Signature == Unsigned:
		add("readable and writable by anyone", Bad,
			"This token is not signed at all: anyone can read the values above, and anyone",
			"can write a token like it with any values. Only a server that refuses alg \"none\" is safe.")
	case res.ReadWithoutKey() && res.Values == nil:
		// Only an id: there is nothing in the cookie to read.
	case res.ReadWithoutKey():
		add("readable by anyone", Caution,
			"This cookie is signed, not encrypted: anyone holding it can read the values above,",
			"without any key, as this command just did. The signature only stops them being changed.")
	case res.Encrypted && res.Values != nil:
		key := "the key"
		if res.Format == Gorilla {
			key = "the block key"
		}
		add("encrypted", Good, "The payload is encrypted: without "+key+", nobody can read the values.")
	}

	if a := res.Attributes; a != nil {
		lines := []string{
			"Path       " + orNone(a.Path),
			"Domain     " + orNone(a.Domain),
		}
		switch {
		case a.MaxAge != nil:
			lines = append(lines, fmt.Sprintf("Max-Age    %d seconds", *a.MaxAge))
		case a.Expires != nil:
			lines = append(lines, "Expires    "+a.Expires.Format(time.RFC1123))
		default:
			lines = append(lines, "lifetime   a browser-session cookie (no Max-Age or Expires)")
		}
		lines = append(lines,
			fmt.Sprintf("HttpOnly   %v", a.HTTPOnly),
			fmt.Sprintf("Secure     %v", a.Secure),
			"SameSite   "+orNone(a.SameSite))
		if a.Partitioned {
			lines = append(lines, "Partitioned")
		}
		add("Set-Cookie attributes", Neutral, lines...)
	}
	if len(res.Warnings) > 0 {
		add("warnings", Caution, slices.Clone(res.Warnings)...)
	}
	if decodeErr != nil {
		add("error", Bad, decodeErr.Error())
	}
	return out
}

// explainParts lists the parts of a cookie of the formats that describe
// themselves (all but gorilla and Flask).
func explainParts(p Parts) []string {
	lines := []string{p.Shape + ":"}
	width := 9
	for _, f := range p.Fields {
		width = max(width, len(f.Label)+1)
	}
	for _, f := range p.Fields {
		lines = append(lines, fmt.Sprintf("%-*s %s", width, f.Label, f.Value))
	}
	if p.SignedInput != "" && p.Algorithm != "" {
		lines = append(lines, fmt.Sprintf("%-*s %s, with %s", width, "signed", p.SignedInput, p.Algorithm))
	} else if p.Algorithm != "" {
		lines = append(lines, fmt.Sprintf("%-*s %s", width, "algorithm", p.Algorithm))
	}
	if p.KeyDerivation != "" {
		lines = append(lines, fmt.Sprintf("%-*s %s", width, "key", p.KeyDerivation))
	}
	return lines
}

// ExplainText is Explain as plain text: each section's title, then its
// lines indented.
func ExplainText(res *Result, decodeErr error) string {
	var b strings.Builder
	for i, s := range Explain(res, decodeErr) {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s.Title)
		b.WriteByte('\n')
		for _, l := range s.Lines {
			b.WriteString("  ")
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// FormatValues formats session values one per line, "key = value", keys
// sorted, values as JSON. Control characters are escaped.
func FormatValues(values map[string]any) []string {
	if len(values) == 0 {
		return []string{"(no values: an empty session)"}
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	lines := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if name == "" || strings.ContainsAny(name, " =\"") {
			name = strconv.Quote(name)
		}
		lines = append(lines, EscapeText(name+" = "+abbreviate(MarshalValue(values[k]), 600)))
	}
	return lines
}

// MarshalValue is a value as compact JSON, HTML characters left as they are.
func MarshalValue(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// EscapeText escapes what a terminal could act on or a reader could not
// see: control characters (C0, DEL and C1), invalid UTF-8, format
// characters (bidi embeddings, overrides, isolates and marks; zero-width
// spaces and joiners; the byte-order mark), separators other than the
// ASCII space, private-use and unassigned code points, and the few
// letters and marks that draw nothing (Hangul fillers, the combining
// grapheme joiner). Each is written as a Go escape (\x9b, \u202e), so
// it shows; printable text, non-ASCII letters included, is left as is.
// It is the one escaper for text a client sent, wherever it is printed.
func EscapeText(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !visible(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, n := utf8.DecodeRuneInString(s[i:])
		w = n
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case visible(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// visible reports whether r prints as itself: a printable rune or the
// ASCII space, and not one of the printable runes that draw nothing.
func visible(r rune) bool {
	switch r {
	case ' ':
		return true
	case '\u034f', '\u115f', '\u1160', '\u17b4', '\u17b5', '\u3164', '\uffa0':
		// Combining grapheme joiner, Hangul fillers, Khmer inherent
		// vowels: letters or marks by category, blank on screen.
		return false
	}
	return unicode.IsPrint(r)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// ago says how long ago d was, or how far ahead.
func ago(d time.Duration) string {
	if d < 0 {
		return round(-d) + " in the future"
	}
	return round(d) + " ago"
}

func round(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
	}
	return d.Truncate(time.Second).String()
}

func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

// hexPreview shows the first n bytes of b in hex.
func hexPreview(b []byte, n int) string {
	more := ""
	if len(b) > n {
		b, more = b[:n], " …"
	}
	return fmt.Sprintf("% x%s", b, more)
}

// base64RawLen is how many bytes n characters of unpadded base64 hold.
func base64RawLen(n int) int { return n * 6 / 8 }
