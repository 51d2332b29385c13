// Package cookiecodec decodes, verifies and explains session cookies made by
// gorilla/securecookie (gorilla/sessions), Flask (itsdangerous), Django,
// Express (cookie-session and express-session), Rails, Laravel, and JWTs.
//
// Each format lives in its own file (gorilla.go, flask.go, django.go,
// jwt.go, express.go, rails.go, laravel.go) behind one detector and one
// report model: Decode finds the format from the value's shape (see
// formats.go), and every format fills the same Result, which Explain and
// NewReport turn into the layers and JSON that serve's log, the tutor and
// inspect-cookie show.
//
// It is shared by formtest's serve log, the tutor's session panel and the
// inspect-cookie command. Decode never panics, on any input: values are
// capped before decoding, zlib output is capped, and gob payloads are read
// by a schema-less decoder of this package that limits sizes and nesting
// and runs no code of the types it decodes, so even an unverified cookie
// from an attacker is safe to decode.
//
// A signed cookie is readable by anyone who holds it: Decode shows its
// values without any key (unless the payload is encrypted), and says
// separately whether the signature checked out.
package cookiecodec

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Format names a cookie format.
type Format string

// The formats Decode knows.
const (
	Auto    Format = "auto"
	Gorilla Format = "gorilla"
	Flask   Format = "flask"
	// Django is django.core.signing as the signed_cookies session backend
	// uses it, and also a database session id (32 letters and digits).
	Django Format = "django"
	// Express is the cookie-session middleware: the values in the cookie,
	// the signature in a companion cookie named after it plus ".sig".
	Express Format = "express"
	// ExpressSession is express-session's signed session id (connect.sid).
	ExpressSession Format = "express-session"
	// Rails is a Rails 5.2+ signed or encrypted cookie.
	Rails Format = "rails"
	// Laravel is a cookie encrypted by Laravel's EncryptCookies.
	Laravel Format = "laravel"
	// JWT is a JSON Web Token (JWS compact form) kept in a cookie.
	JWT Format = "jwt"
)

// FormatNames lists the names ParseFormat accepts, auto first.
func FormatNames() []string {
	names := []string{string(Auto)}
	for _, c := range codecs() {
		names = append(names, string(c.format))
	}
	return names
}

// ParseFormat parses a format name ("" is auto); see FormatNames.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(s))
	if f == "" || f == Auto {
		return Auto, nil
	}
	if _, ok := codecFor(f); ok {
		return f, nil
	}
	return "", fmt.Errorf("cookiecodec: unknown format %q (want %s)", s, strings.Join(FormatNames(), ", "))
}

// Verdict is the outcome of checking a cookie's signature.
type Verdict string

// Signature verdicts.
const (
	Valid     Verdict = "valid"
	Invalid   Verdict = "invalid"
	Unchecked Verdict = "unchecked"
	// Unsigned is a cookie that carries no signature at all (a JWT with
	// alg "none"): anyone could have made it, so it is never valid.
	Unsigned Verdict = "unsigned"
)

// Size limits.
const (
	// MaxValueLen is the longest value Decode reads; a longer one is refused
	// before any decoding. It is twice what browsers keep.
	MaxValueLen = 8192
	// BrowserLimit is the most a browser keeps of one cookie's name and
	// value together (RFC 6265bis §5.4); gorilla refuses longer values.
	BrowserLimit = 4096
	// maxInflated caps a Flask payload after zlib decompression.
	maxInflated = 64 << 10
)

// DefaultSalt is the salt Flask signs session cookies with.
const DefaultSalt = "cookie-session"

// Default age limits of the two formats.
const (
	GorillaMaxAge = 30 * 24 * time.Hour
	FlaskMaxAge   = 31 * 24 * time.Hour
)

// Options says how to decode and verify a cookie.
type Options struct {
	// Format forces a format; "" or Auto detects it from the value's shape.
	Format Format
	// Name is the cookie's name. gorilla, Rails, Laravel and Express bind
	// it into what they sign. Default "session".
	Name string
	// Secrets are the keys to verify with; any of them may verify (key
	// rotation). None means the signature is left unchecked. For gorilla
	// they are hash keys, for Flask secret keys.
	Secrets [][]byte
	// BlockKeys are gorilla AES keys (16, 24 or 32 bytes) to decrypt an
	// encrypted payload with. BlockKeys[i] pairs with Secrets[i], but every
	// block key is tried.
	BlockKeys [][]byte
	// Salt is Flask's or Django's signing salt; "" means the format's
	// default (DefaultSalt for Flask, DjangoSalt for Django, which also
	// takes Flask's DefaultSalt to mean its own).
	Salt string
	// Companions are the other cookies sent with this one, by name: an
	// Express cookie-session's "<name>.sig" signature, or the data cookie of
	// a Laravel cookie session (named after the session id).
	Companions map[string]string
	// MaxAge is how old a cookie may be. Zero means the format's default
	// (30 days for gorilla, 31 for Flask); negative disables the check.
	MaxAge time.Duration
	// Now is the time to check age against; zero means time.Now().
	Now time.Time
}

// Parts are a cookie's signed parts as the cookie carries them.
type Parts struct {
	// Timestamp is the issue time as written in the cookie: decimal Unix
	// seconds (gorilla) or base64 big-endian seconds (Flask).
	Timestamp string
	// Payload is the serialized values, base64 (and for Flask maybe zlib).
	Payload string
	// MAC is the signature: hex of the HMAC-SHA256 (gorilla) or the
	// base64 HMAC-SHA1 (Flask), or as the format writes it.
	MAC string
	// SignedInput is what the MAC covers, with the payload abbreviated.
	SignedInput string
	// Shape says how the value is put together, in words, for the formats
	// other than gorilla and Flask (whose Explain knows them).
	Shape string
	// Fields are the value's parts in order, labelled, for those formats.
	Fields []Field
	// Algorithm names the signature's or the cipher's algorithm.
	Algorithm string
	// KeyDerivation says how the key is made from the secret.
	KeyDerivation string
}

// Field is one labelled part of a cookie, for display.
type Field struct {
	Label string
	Value string
}

// Result is what Decode learned about a cookie.
type Result struct {
	Format    Format
	Name      string
	Size      int
	Signature Verdict
	// Reason explains an invalid or unchecked signature.
	Reason   string
	Expired  bool
	IssuedAt time.Time
	// ExpiresAt is the expiry the cookie itself states (JWT exp, Rails
	// exp, Laravel expires), zero when it states none.
	ExpiresAt time.Time
	// NotBefore is a JWT's nbf, zero when absent.
	NotBefore time.Time
	// About says in plain words what this kind of cookie is.
	About []string
	// Values holds the session's values in JSON-friendly form, nil when
	// they could not be read.
	Values map[string]any
	// SessionID is set when the payload is a bare string: the id of a
	// server-side session.
	SessionID string
	Warnings  []string

	// WellKnownKey, set by the caller that found the key in a list of
	// well-known keys (and printable: hex:... for binary keys), makes the
	// explanation say that anyone can forge the cookie; WellKnownFrom names
	// the list.
	WellKnownKey, WellKnownFrom string
	// KeyIndex is the index in Options.Secrets of the key that verified
	// the signature, or -1.
	KeyIndex int
	// Encrypted reports a gorilla payload encrypted with a block key.
	Encrypted bool
	// Compressed reports a zlib-compressed Flask or Django payload.
	Compressed bool
	// Serializer names the payload's encoding: "gob", "json", "tagged
	// json" or "php serialize".
	Serializer string
	// Parts are the signed parts as the cookie carries them.
	Parts Parts
	// Payload is the serialized values after base64, decryption and
	// decompression: gob bytes or JSON text.
	Payload []byte
	// PayloadError says why Values could not be read, when they could not.
	PayloadError string
	// MaxAge is the age limit that was applied; zero means none.
	MaxAge time.Duration
	// Now is the time the age was checked against.
	Now time.Time
	// Attributes are the attributes of the Set-Cookie line the value came
	// from, if it came from one. Decode leaves them nil; see ParseInput.
	Attributes *Attributes
}

// Age returns how long ago the cookie was issued, as of the check.
func (r *Result) Age() time.Duration {
	if r.IssuedAt.IsZero() {
		return 0
	}
	return r.Now.Sub(r.IssuedAt)
}

// ReadWithoutKey reports whether the values were read although no key
// proved them: the cookie is signed, not encrypted, so anyone can read it.
func (r *Result) ReadWithoutKey() bool {
	return (r.Values != nil || r.SessionID != "") && !r.Encrypted
}

// Decode decodes value, a cookie value, and verifies it with opts. It
// returns an error when the value cannot be read as a cookie at all (the
// Result is then nil), or when its payload cannot be decoded (the Result
// then holds what was learned before the failure: the signature verdict,
// the issue time, the parts). A bad signature or an expired cookie is not
// an error: see Result.Signature and Result.Expired. An encrypted gorilla
// payload with no block key to read it is not an error either: Values is
// nil, Encrypted true and PayloadError says why.
func Decode(value string, opts Options) (*Result, error) {
	name := opts.Name
	if name == "" {
		name = "session"
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	res := &Result{Name: name, Size: len(value), Signature: Unchecked, KeyIndex: -1, Now: now.UTC()}
	format, err := ParseFormat(string(opts.Format))
	if err != nil {
		return nil, err
	}
	if len(value) > MaxValueLen {
		return nil, fmt.Errorf("cookiecodec: the value is %d bytes; refusing anything over %d (browsers keep at most %d)", len(value), MaxValueLen, BrowserLimit)
	}
	if strings.TrimSpace(value) == "" {
		return nil, errors.New("cookiecodec: the cookie value is empty")
	}
	if format == Auto {
		if format, err = detectNamed(value, name); err != nil {
			return nil, err
		}
	}
	res.Format = format
	c, _ := codecFor(format)
	if len(name)+len(value) > BrowserLimit {
		res.Warnings = append(res.Warnings, fmt.Sprintf("name and value are %d bytes: browsers drop a cookie over %d bytes, saying so only in their developer tools", len(name)+len(value), BrowserLimit))
	}
	if len(opts.Secrets) == 0 {
		res.Reason = "no key given: the signature was not checked"
	}
	opts.Name = name
	return res, c.decode(value, &opts, res)
}

// looksGorilla reports whether value starts like base64url of
// "<decimal timestamp>|".
func looksGorilla(value string) bool {
	n := min(len(value)/4*4, 24)
	if n == 0 {
		return false
	}
	b, err := base64.URLEncoding.DecodeString(value[:n])
	if err != nil {
		return false
	}
	digits := 0
	for digits < len(b) && b[digits] >= '0' && b[digits] <= '9' {
		digits++
	}
	return digits > 0 && (digits == len(b) || b[digits] == '|')
}

func isBase64URL(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// checkAlphabet returns an error naming the first character of s that is
// not base64url (or '=' when padded is set, or '.' when dots is set).
func checkAlphabet(s string, padded, dots bool) error {
	for i := range len(s) {
		c := s[i]
		if isBase64URL(rune(c)) || padded && c == '=' || dots && c == '.' {
			continue
		}
		hint := ""
		switch c {
		case '+', '/':
			hint = " (standard base64; cookies use the URL alphabet, - and _)"
		case '\r', '\n':
			hint = " (a line break inside the value)"
		case '%':
			hint = " (the value is URL-encoded)"
		}
		return fmt.Errorf("cookiecodec: malformed: %s at offset %d is not a base64url character%s", quoteByte(c), i, hint)
	}
	return nil
}

func quoteByte(c byte) string { return fmt.Sprintf("%q", string([]byte{c})) }

// ParseKey parses a key as given on a command line: "hex:..." and
// "base64:..." (standard or URL alphabet, padded or not) for binary keys,
// anything else as its own bytes.
func ParseKey(s string) ([]byte, error) {
	switch {
	case strings.HasPrefix(s, "hex:"):
		k, err := hex.DecodeString(s[len("hex:"):])
		if err != nil {
			return nil, fmt.Errorf("cookiecodec: hex key: %w", err)
		}
		if len(k) == 0 {
			return nil, errors.New("cookiecodec: empty key")
		}
		return k, nil
	case strings.HasPrefix(s, "base64:"):
		b := s[len("base64:"):]
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if k, err := enc.Strict().DecodeString(b); err == nil {
				if len(k) == 0 {
					return nil, errors.New("cookiecodec: empty key")
				}
				return k, nil
			}
		}
		return nil, errors.New("cookiecodec: base64 key: not valid base64")
	case s == "":
		return nil, errors.New("cookiecodec: empty key")
	}
	return []byte(s), nil
}

// abbreviate shortens a long part of a cookie for display.
func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n/2] + "…" + s[len(s)-n/2:]
}
