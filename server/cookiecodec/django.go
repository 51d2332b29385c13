package cookiecodec

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
	"time"
)

// DjangoSalt is the salt Django's signed_cookies session backend signs
// with.
const DjangoSalt = "django.contrib.sessions.backends.signed_cookies"

// DjangoMaxAge is Django's default SESSION_COOKIE_AGE: two weeks.
const DjangoMaxAge = 1209600 * time.Second

// base62 is the alphabet of Django's timestamps (django.utils.baseconv).
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// djangoSalt is the salt to use: Flask's default salt, which inspect-cookie
// passes when --salt is not given, means Django's own.
func djangoSalt(opts *Options) string {
	if opts.Salt == "" || opts.Salt == DefaultSalt {
		return DjangoSalt
	}
	return opts.Salt
}

// djangoKey is salted_hmac's key: digest(salt + "signer" + SECRET_KEY).
func djangoKey(h func() hash.Hash, salt string, secret []byte) []byte {
	d := h()
	d.Write([]byte(salt + "signer"))
	d.Write(secret)
	return d.Sum(nil)
}

// isDjangoID reports whether value is shaped like a Django database
// session key: 32 characters of [a-z0-9].
func isDjangoID(value string) bool {
	if len(value) != 32 {
		return false
	}
	for i := range len(value) {
		c := value[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// decodeBase62 reads a Django base62 number (at most 11 digits, so it
// fits an int64).
func decodeBase62(s string) (int64, bool) {
	if s == "" || len(s) > 11 {
		return 0, false
	}
	var n int64
	for i := range len(s) {
		d := strings.IndexByte(base62, s[i])
		if d < 0 {
			return 0, false
		}
		n = n*62 + int64(d)
	}
	return n, n >= 0
}

// splitDjango splits payload:timestamp:signature from the right, as
// Django's signers do.
func splitDjango(value string) (payload, ts, sig string, ok bool) {
	i := strings.LastIndexByte(value, ':')
	if i < 0 {
		return "", "", "", false
	}
	signed, sig := value[:i], value[i+1:]
	j := strings.LastIndexByte(signed, ':')
	if j < 0 {
		return signed, "", sig, true
	}
	return signed[:j], signed[j+1:], sig, true
}

// decodeDjango reads a Django signed_cookies session (or recognises a
// database session id).
func decodeDjango(value string, opts *Options, res *Result) error {
	if isDjangoID(value) {
		res.SessionID = value
		res.Reason = "a database session id carries no signature: the server looks it up in its table"
		res.About = []string{
			"Django's default session backend (the database) sends only a random key:",
			"32 lowercase letters and digits. The values live in the django_session table",
			"on the server; the cookie only names the row. (PHP's PHPSESSID looks alike.)",
		}
		return nil
	}
	payload64, ts, sig, ok := splitDjango(value)
	if !ok {
		return fmt.Errorf("cookiecodec: not a Django cookie: no ':' separator")
	}
	if err := checkAlphabet(strings.TrimPrefix(payload64, "."), false, false); err != nil {
		return fmt.Errorf("%w (in the payload)", err)
	}
	salt := djangoSalt(opts)
	res.About = []string{
		"Django's signed_cookies session backend keeps the whole session in the",
		"cookie, signed by django.core.signing: readable by anyone, changeable by no one",
		"without the SECRET_KEY.",
	}
	res.Compressed = strings.HasPrefix(payload64, ".")
	algorithm, digest := "HMAC-SHA256", "SHA256"
	switch len(sig) {
	case 43:
	case 27:
		algorithm, digest = "HMAC-SHA1", "SHA1"
		res.Warnings = append(res.Warnings, "a legacy HMAC-SHA1 signature: Django 3.1 and 3.2 still accept it, 4.0 and later do not")
	}
	shape := "payload:timestamp:signature, each base64url without padding (the timestamp base62)"
	if res.Compressed {
		shape = ".payload:timestamp:signature (the leading '.' means zlib; it is signed too)"
	}
	res.Parts = Parts{
		Timestamp:     ts,
		Payload:       strings.TrimPrefix(payload64, "."),
		MAC:           sig,
		SignedInput:   abbreviate(payload64, 24) + ":" + ts,
		Shape:         shape,
		Algorithm:     algorithm,
		KeyDerivation: fmt.Sprintf("%s(%q + \"signer\" + SECRET_KEY)", digest, salt),
		Fields: []Field{
			{"payload", fmt.Sprintf("%s (%d characters)", abbreviate(strings.TrimPrefix(payload64, "."), 48), len(payload64))},
			{"timestamp", ts + " (base62 Unix seconds)"},
			{"signature", fmt.Sprintf("%s (%s, base64url)", sig, algorithm)},
		},
	}
	if ts == "" {
		res.Parts.Fields[1].Value = "(none: signed by a plain Signer, which states no time)"
		res.Warnings = append(res.Warnings, "no timestamp: the session backend signs with a TimestampSigner, so Django would not load this cookie")
	} else {
		sec, ok := decodeBase62(ts)
		if !ok {
			return fmt.Errorf("cookiecodec: malformed timestamp %q: want base62 Unix seconds", ts)
		}
		res.IssuedAt = time.Unix(sec, 0).UTC()
		checkMaxAge(res, opts, DjangoMaxAge)
		if res.Now.Before(res.IssuedAt.Add(-time.Minute)) {
			res.Warnings = append(res.Warnings, "issued in the future: the clocks disagree")
		}
	}
	if len(opts.Secrets) > 0 {
		v, err := newDjangoVerifier(value, opts)
		if err != nil {
			return err
		}
		verifyWith(v, opts, res, fmt.Sprintf("no key verifies this cookie with salt %q: the SECRET_KEY is wrong or the cookie was altered", salt))
		if res.Signature == Invalid && len(sig) != 43 && len(sig) != 27 {
			res.Reason = fmt.Sprintf("the signature is %d characters, but HMAC-SHA256 makes 43 (and the legacy SHA1 27): the cookie was cut or altered", len(sig))
		}
	}

	payload, err := signedPayload(res.Parts.Payload, res)
	if err != nil {
		return err
	}
	res.Serializer = "json"
	v, err := parseJSONValue(payload)
	if err != nil {
		res.PayloadError = err.Error()
		return fmt.Errorf("cookiecodec: %w", err)
	}
	setValues(v, res)
	if _, ok := res.Values["_auth_user_id"]; ok {
		res.About = append(res.About, "_auth_user_id names the logged-in user; _auth_user_hash ties the session to their password.")
	}
	return nil
}

// djangoVerifier checks salted_hmac signatures: HMAC(digest(salt +
// "signer" + key), payload:timestamp), SHA256 or the legacy SHA1.
type djangoVerifier struct {
	prefix   []byte // salt + "signer"
	msg, mac []byte
	h        *hmacer
	d        hash.Hash
	key      [64]byte
}

func newDjangoVerifier(value string, opts *Options) (Verifier, error) {
	i := strings.LastIndexByte(value, ':')
	if i < 0 || isDjangoID(value) {
		return nil, ErrNoSignature
	}
	mac, err := base64.RawURLEncoding.DecodeString(value[i+1:])
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed signature: %w", err)
	}
	h := sha256.New
	if len(mac) == sha1.Size {
		h = sha1.New
	}
	return &djangoVerifier{prefix: []byte(djangoSalt(opts) + "signer"), msg: []byte(value[:i]), mac: mac, h: newHMACer(h), d: h()}, nil
}

func (v *djangoVerifier) Verify(key []byte) bool {
	v.d.Reset()
	v.d.Write(v.prefix)
	v.d.Write(key)
	return v.h.equal(v.d.Sum(v.key[:0]), v.msg, nil, v.mac)
}
