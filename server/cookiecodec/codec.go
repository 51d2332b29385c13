// Package cookiecodec decodes, verifies and explains session cookies made by
// gorilla/securecookie (gorilla/sessions) and by Flask (itsdangerous).
//
// It is shared by formtest's serve log, the tutor's session panel and the
// inspect-cookie command. Decode never panics, on any input.
package cookiecodec

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Format names a cookie format.
type Format string

// The formats Decode knows.
const (
	Auto    Format = "auto"
	Gorilla Format = "gorilla"
	Flask   Format = "flask"
)

// Verdict is the outcome of checking a cookie's signature.
type Verdict string

// Signature verdicts.
const (
	Valid     Verdict = "valid"
	Invalid   Verdict = "invalid"
	Unchecked Verdict = "unchecked"
)

// Options says how to decode and verify a cookie.
type Options struct {
	// Format forces a format; "" or Auto detects it from the value's shape.
	Format Format
	// Name is the cookie's name. gorilla binds it into the MAC. Default "session".
	Name string
	// Secrets are the keys to verify with; any of them may verify (key
	// rotation). None means the signature is left unchecked.
	Secrets [][]byte
	// MaxAge is how old a cookie may be. Zero means the format's default
	// (30 days for gorilla, 31 for Flask); negative disables the check.
	MaxAge time.Duration
	// Now is the time to check age against; zero means time.Now().
	Now time.Time
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
	// Values holds the session's values in JSON-friendly form, nil when
	// they could not be read.
	Values map[string]any
	// SessionID is set when the payload is a bare string: the id of a
	// server-side session.
	SessionID string
	Warnings  []string
}

// Decode decodes value, a cookie value, and verifies it with opts. It
// returns an error only when the value cannot be read as a cookie at all.
func Decode(value string, opts Options) (*Result, error) {
	name := opts.Name
	if name == "" {
		name = "session"
	}
	res := &Result{Format: Gorilla, Name: name, Size: len(value), Signature: Unchecked}
	if len(value) > 4096 {
		return res, fmt.Errorf("cookiecodec: value is %d bytes, over the 4096-byte limit", len(value))
	}
	raw, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return res, fmt.Errorf("cookiecodec: base64: %w", err)
	}
	parts := bytes.SplitN(raw, []byte("|"), 3)
	if len(parts) != 3 {
		return res, errors.New("cookiecodec: not a gorilla cookie: want timestamp|payload|mac")
	}
	ts, err := strconv.ParseInt(string(parts[0]), 10, 64)
	if err != nil {
		return res, fmt.Errorf("cookiecodec: bad timestamp %q", parts[0])
	}
	res.IssuedAt = time.Unix(ts, 0).UTC()
	if len(opts.Secrets) > 0 {
		res.Signature = Invalid
		res.Reason = "no key verifies this cookie under the name " + strconv.Quote(name)
		for _, k := range opts.Secrets {
			m := hmac.New(sha256.New, k)
			fmt.Fprintf(m, "%s|%s|%s", name, parts[0], parts[1])
			if hmac.Equal(m.Sum(nil), parts[2]) {
				res.Signature, res.Reason = Valid, ""
				break
			}
		}
	}
	maxAge := opts.MaxAge
	if maxAge == 0 {
		maxAge = 30 * 24 * time.Hour
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if maxAge > 0 && res.IssuedAt.Add(maxAge).Before(now) {
		res.Expired = true
	}
	payload, err := base64.URLEncoding.DecodeString(string(parts[1]))
	if err != nil {
		return res, fmt.Errorf("cookiecodec: payload base64: %w", err)
	}
	var m map[any]any
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&m); err != nil {
		return res, fmt.Errorf("cookiecodec: gob: %w", err)
	}
	res.Values = make(map[string]any, len(m))
	for k, v := range m {
		res.Values[fmt.Sprint(k)] = v
	}
	return res, nil
}
