package cookiecodec

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// Verifier tells whether a key signed one cookie. It is made once per
// cookie by NewVerifier, which prepares everything that does not depend
// on the key, so Verify does only the key's own work (and, for the HMAC
// formats, allocates nothing). A Verifier is not safe for concurrent use:
// make one per goroutine.
type Verifier interface {
	// Verify reports whether key (the secret as the framework holds it:
	// SECRET_KEY, secret_key_base, APP_KEY's bytes...) made the cookie.
	Verify(key []byte) bool
}

// SlowVerifier is a Verifier whose every check is slow by design (a key
// derivation such as Rails' PBKDF2). Cost says why, for the user.
type SlowVerifier interface {
	Verifier
	Cost() string
}

// ErrNoSignature is returned by NewVerifier for a cookie that carries no
// signature to check keys against: a bare session id, or a JWT with alg
// "none".
var ErrNoSignature = errors.New("cookiecodec: the cookie carries no signature to check a key against")

// NewVerifier prepares key checks of value, a cookie value, under opts:
// Format (Auto detects it), Name, Salt and Companions are used; Secrets
// are not.
func NewVerifier(value string, opts Options) (Verifier, error) {
	format, err := ParseFormat(string(opts.Format))
	if err != nil {
		return nil, err
	}
	if opts.Name == "" {
		opts.Name = "session"
	}
	if format == Auto {
		if format, err = detectNamed(value, opts.Name); err != nil {
			return nil, err
		}
	}
	c, _ := codecFor(format)
	return c.verifier(value, &opts)
}

// hmacer computes HMACs with reusable hashes, for key checks that must
// allocate nothing.
type hmacer struct {
	inner, outer hash.Hash
	pad          [128]byte // one block of key ^ ipad or opad
	sum          [64]byte
	derived      [64]byte
	out          [64]byte // the MAC equal computes
	key          [64]byte // room for a key derived before the MAC
}

func newHMACer(h func() hash.Hash) *hmacer { return &hmacer{inner: h(), outer: h()} }

// mac computes HMAC(key, msg1‖msg2) into out[:0] and returns it.
func (c *hmacer) mac(out, key, msg1, msg2 []byte) []byte {
	bs := c.inner.BlockSize()
	if len(key) > bs {
		c.outer.Reset()
		c.outer.Write(key)
		key = c.outer.Sum(c.derived[:0])
	}
	pad := c.pad[:bs]
	copy(pad, key)
	clear(pad[len(key):])
	for i := range pad {
		pad[i] ^= 0x36
	}
	c.inner.Reset()
	c.inner.Write(pad)
	c.inner.Write(msg1)
	c.inner.Write(msg2)
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	c.outer.Reset()
	c.outer.Write(pad)
	c.outer.Write(c.inner.Sum(c.sum[:0]))
	return c.outer.Sum(out[:0])
}

// equalMAC checks a computed MAC against the cookie's.
func (c *hmacer) equal(key, msg1, msg2, want []byte) bool {
	return hmac.Equal(c.mac(c.out[:], key, msg1, msg2), want)
}

// gorillaVerifier checks HMAC-SHA256(key, name|ts|payload).
type gorillaVerifier struct {
	h        *hmacer
	msg, mac []byte
}

func newGorillaVerifier(value string, opts *Options) (Verifier, error) {
	raw, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed base64: %w", err)
	}
	parts := bytes.SplitN(raw, []byte("|"), 3)
	if len(parts) != 3 {
		return nil, errors.New("cookiecodec: not a gorilla cookie: want timestamp|payload|mac")
	}
	return &gorillaVerifier{h: newHMACer(sha256.New), msg: fmt.Appendf(nil, "%s|%s|%s", opts.Name, parts[0], parts[1]), mac: parts[2]}, nil
}

func (v *gorillaVerifier) Verify(key []byte) bool { return v.h.equal(key, v.msg, nil, v.mac) }

// flaskVerifier checks itsdangerous's HMAC-SHA1(HMAC-SHA1(key, salt), payload.ts).
type flaskVerifier struct {
	h              *hmacer
	salt, msg, mac []byte
}

func newFlaskVerifier(value string, opts *Options) (Verifier, error) {
	msg, mac, err := splitFlaskSignature(value)
	if err != nil {
		return nil, err
	}
	return &flaskVerifier{h: newHMACer(sha1.New), salt: []byte(flaskSalt(opts.Salt)), msg: []byte(msg), mac: mac}, nil
}

// splitFlaskSignature splits a Flask (itsdangerous) value into what is
// signed, "payload.timestamp", and the signature after the last '.'.
func splitFlaskSignature(value string) (signed string, mac []byte, err error) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return "", nil, errors.New("cookiecodec: not a Flask cookie: no '.' found")
	}
	mac, err = base64.RawURLEncoding.DecodeString(value[i+1:])
	if err != nil {
		return "", nil, fmt.Errorf("cookiecodec: malformed signature: %w", err)
	}
	return value[:i], mac, nil
}

// flaskSalt is salt, or Flask's own when it is "".
func flaskSalt(salt string) string {
	if salt == "" {
		return DefaultSalt
	}
	return salt
}

func (v *flaskVerifier) Verify(key []byte) bool {
	k := v.h.mac(v.h.key[:sha1.Size], key, v.salt, nil)
	return v.h.equal(k, v.msg, nil, v.mac)
}
