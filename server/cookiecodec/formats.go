package cookiecodec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// codec is one format's room: how to decode it, how to check keys
// against it, and how Explain names it. A new format is one new codec in
// codecs and one new file.
type codec struct {
	format Format
	// title names the format for people.
	title string
	// decode reads value into res; opts.Name is already defaulted.
	decode func(value string, opts *Options, res *Result) error
	// verifier prepares key checks of value; nil when the format carries
	// no key-checkable signature.
	verifier func(value string, opts *Options) (Verifier, error)
}

// codecs lists every format Decode knows, in the order --format names
// them.
func codecs() []codec {
	return []codec{
		{Gorilla, "gorilla/securecookie (gorilla/sessions)", decodeGorilla, newGorillaVerifier},
		{Flask, "Flask (itsdangerous)", decodeFlask, newFlaskVerifier},
		{Django, "Django (django.core.signing)", decodeDjango, newDjangoVerifier},
		{Express, "Express cookie-session (keygrip)", decodeExpress, newExpressVerifier},
		{ExpressSession, "express-session (cookie-signature)", decodeExpressSession, newExpressSessionVerifier},
		{Rails, "Rails (ActionDispatch::Cookies)", decodeRails, newRailsVerifier},
		{Laravel, "Laravel (EncryptCookies)", decodeLaravel, newLaravelVerifier},
		{JWT, "JSON Web Token (JWS)", decodeJWT, newJWTVerifier},
	}
}

// codecFor returns the codec of format f.
func codecFor(f Format) (codec, bool) {
	for _, c := range codecs() {
		if c.format == f {
			return c, true
		}
	}
	return codec{}, false
}

// Title names format f for people, "" for an unknown format.
func (f Format) Title() string {
	c, _ := codecFor(f)
	return c.title
}

// detect tells the format from the value's shape alone.
func detect(value string) (Format, error) { return detectNamed(value, "") }

// detectNamed tells the format from the value's shape; the cookie's name
// only sharpens the message when the shape says nothing.
func detectNamed(value, name string) (Format, error) {
	switch {
	case strings.HasPrefix(value, "s:") && strings.Contains(value, "."), name == "connect.sid":
		return ExpressSession, nil
	case looksRails(value):
		return Rails, nil
	case looksDjango(value):
		return Django, nil
	case looksGorilla(value):
		return Gorilla, nil
	case looksJWT(value):
		return JWT, nil
	case strings.Contains(value, ".") && checkAlphabet(value, false, true) == nil:
		return Flask, nil
	}
	if obj, ok := stdBase64JSON(value); ok {
		if _, iv := obj["iv"]; iv {
			if _, v := obj["value"]; v {
				return Laravel, nil
			}
		}
		return Express, nil
	}
	if isDjangoID(value) {
		return Django, nil
	}
	if strings.ContainsAny(value, "+/") && isStdBase64(value) {
		// Standard base64 of nothing known: most likely a gorilla or Flask
		// cookie whose alphabet was changed on the way.
		return "", checkAlphabet(value, true, true)
	}
	if i := strings.IndexFunc(value, func(r rune) bool { return !isBase64URL(r) && r != '=' && r != '+' && r != '/' }); i >= 0 {
		return "", fmt.Errorf("cookiecodec: not a cookie format formtest knows: %s at offset %d fits none of them", quoteByte(value[i]), i)
	}
	who := ""
	switch {
	case name == "PHPSESSID":
		who = " (PHPSESSID is PHP's own session id)"
	case name == "JSESSIONID":
		who = " (JSESSIONID is a Java servlet session id)"
	case strings.HasPrefix(strings.ToLower(name), "asp.net"):
		who = " (an ASP.NET session id)"
	}
	return "", fmt.Errorf("cookiecodec: no known format: no signature or timestamp inside; an opaque token like this is usually the id of a server-side session%s, readable only by the server", who)
}

// looksRails reports whether value has the shape of a Rails cookie:
// base64--hexdigest (signed) or base64--base64--base64 with a 12-byte IV
// and a 16-byte tag (encrypted).
func looksRails(value string) bool {
	parts := strings.Split(value, "--")
	switch len(parts) {
	case 2:
		return isHex(parts[1]) && (len(parts[1]) == 40 || len(parts[1]) == 64) && isStdBase64(parts[0])
	case 3:
		iv, err1 := base64.StdEncoding.DecodeString(parts[1])
		tag, err2 := base64.StdEncoding.DecodeString(parts[2])
		return err1 == nil && err2 == nil && len(iv) == 12 && len(tag) == 16 && isStdBase64(parts[0])
	}
	return false
}

// looksDjango reports whether value is payload:timestamp:signature (or
// payload:signature) with a base62 timestamp and a base64url signature.
func looksDjango(value string) bool {
	payload, ts, sig, ok := splitDjango(value)
	if !ok || payload == "" || sig == "" {
		return false
	}
	for _, r := range sig {
		if !isBase64URL(r) {
			return false
		}
	}
	for i := range len(ts) {
		if strings.IndexByte(base62, ts[i]) < 0 {
			return false
		}
	}
	return true
}

// looksJWT reports whether value is header.claims.signature with a header
// that is a JSON object naming an "alg".
func looksJWT(value string) bool {
	parts := strings.Split(value, ".")
	if len(parts) != 3 || len(parts[0]) < 4 || len(parts[0]) > 1024 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(b, &h) != nil {
		return false
	}
	_, ok := h["alg"].(string)
	return ok
}

// stdBase64JSON decodes value as standard base64 (padded or not) of a
// JSON object.
func stdBase64JSON(value string) (map[string]any, bool) {
	if len(value) < 4 || !isStdBase64(value) {
		return nil, false
	}
	b, err := decodeStdBase64(value)
	if err != nil || len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	var obj map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	if d.Decode(&obj) != nil {
		return nil, false
	}
	return obj, true
}

// decodeStdBase64 decodes standard base64, padded or not, tolerating the
// URL alphabet too (some proxies rewrite it).
func decodeStdBase64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// isStdBase64 reports whether s uses only the characters of base64 (either
// alphabet, with padding).
func isStdBase64(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isBase64URL(r) && r != '+' && r != '/' && r != '=' {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// checkExpiry marks res expired against a time the cookie states.
// At exactly exp the cookie is expired unless inclusive is set (Laravel
// still reads its cookie session then).
func checkExpiry(res *Result, exp time.Time, inclusive bool) {
	res.ExpiresAt = exp.UTC()
	if exp.IsZero() {
		return
	}
	if res.Now.After(exp) || !inclusive && res.Now.Equal(exp) {
		res.Expired = true
	}
}

// checkMaxAge applies a max age (opts.MaxAge, or def when zero) to the
// issue time in res: older than the max age is expired.
func checkMaxAge(res *Result, opts *Options, def time.Duration) {
	maxAge := opts.MaxAge
	if maxAge == 0 {
		maxAge = def
	}
	if maxAge <= 0 || res.IssuedAt.IsZero() {
		return
	}
	res.MaxAge = maxAge
	if res.Now.Sub(res.IssuedAt) > maxAge {
		res.Expired = true
	}
}

// verifyWith checks opts.Secrets with v and records the verdict in res;
// fail is the reason when no key verifies.
func verifyWith(v Verifier, opts *Options, res *Result, fail string) {
	if len(opts.Secrets) == 0 {
		return
	}
	res.Signature = Invalid
	for i, k := range opts.Secrets {
		if v.Verify(k) {
			res.Signature, res.Reason, res.KeyIndex = Valid, "", i
			return
		}
	}
	res.Reason = fail
}

// parseJSONValue parses a JSON payload (bounded by the caller) into
// JSON-friendly values.
func parseJSONValue(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	if d.More() {
		return nil, errors.New("json: extra data after the value")
	}
	return normalizeJSON(v), nil
}

// setPlainValue files a decoded value of a format whose cookies may hold
// any value (Rails, Laravel): a map is the session's values, anything else
// is shown as the one value "value".
func setPlainValue(v any, res *Result) {
	if m, ok := v.(map[string]any); ok {
		res.Values = m
		return
	}
	res.Values = map[string]any{"value": v}
	res.Warnings = append(res.Warnings, "the cookie holds a single "+jsonKind(v)+", not a map of values: shown as \"value\"")
}
