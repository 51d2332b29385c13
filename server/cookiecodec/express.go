package cookiecodec

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ExpressSigSuffix names cookie-session's companion cookie: the session
// cookie's name plus ".sig" holds its signature.
const ExpressSigSuffix = ".sig"

// decodeExpress reads an Express cookie-session cookie: base64 of the
// session's JSON, with its keygrip signature in the "<name>.sig" cookie.
func decodeExpress(value string, opts *Options, res *Result) error {
	if !isStdBase64(value) {
		i := strings.IndexFunc(value, func(r rune) bool { return !isBase64URL(r) && r != '+' && r != '/' && r != '=' })
		return fmt.Errorf("cookiecodec: malformed: %s at offset %d is not a base64 character", quoteByte(value[i]), i)
	}
	sigName := opts.Name + ExpressSigSuffix
	sig, haveSig := opts.Companions[sigName]
	res.About = []string{
		"Express's cookie-session middleware keeps the whole session in the cookie as",
		"base64 JSON: readable by anyone. Its signature travels in a second cookie,",
		fmt.Sprintf("%s, an HMAC-SHA1 (keygrip) of %q; the first of the app's keys signs.", sigName, opts.Name+"=<value>"),
	}
	res.Parts = Parts{
		Payload:       value,
		MAC:           sig,
		SignedInput:   opts.Name + "=" + abbreviate(value, 24),
		Shape:         "base64(JSON), standard alphabet, padded; the signature in the companion cookie",
		Algorithm:     "HMAC-SHA1 (keygrip), base64url without padding",
		KeyDerivation: "each of the app's keys is an HMAC key as it is",
		Fields: []Field{
			{"payload", fmt.Sprintf("%s (%d characters of base64)", abbreviate(value, 48), len(value))},
			{sigName, orNone(sig)},
		},
	}
	switch {
	case !haveSig && len(opts.Secrets) > 0:
		res.Signature = Invalid
		res.Reason = fmt.Sprintf("no %s cookie came with it: cookie-session (signed by default) refuses a session without its signature; if you have it, give the whole Cookie header", sigName)
	case !haveSig:
		res.Reason = fmt.Sprintf("no %s cookie came with it, so there is no signature to check: give the whole Cookie header", sigName)
		res.Warnings = append(res.Warnings, fmt.Sprintf("without %s, cookie-session (signed by default) ignores this cookie", sigName))
	case len(opts.Secrets) > 0:
		v, err := newExpressVerifier(value, opts)
		if err != nil {
			return err
		}
		verifyWith(v, opts, res, fmt.Sprintf("no key verifies %s over %q: the key is wrong, the cookie was altered, or it was signed under another name", sigName, opts.Name+"=…"))
	}
	payload, err := decodeStdBase64(value)
	if err != nil {
		return fmt.Errorf("cookiecodec: malformed base64: %w", err)
	}
	res.Payload = payload
	res.Serializer = "json"
	v, err := parseJSONValue(payload)
	if err != nil {
		res.PayloadError = err.Error()
		return fmt.Errorf("cookiecodec: %w", err)
	}
	setValues(v, res)
	return nil
}

// expressVerifier checks keygrip's HMAC-SHA1(key, "name=value").
type expressVerifier struct {
	h        *hmacer
	msg, mac []byte
}

func newExpressVerifier(value string, opts *Options) (Verifier, error) {
	sig, ok := opts.Companions[opts.Name+ExpressSigSuffix]
	if !ok {
		return nil, fmt.Errorf("%w: the %s cookie is missing", ErrNoSignature, opts.Name+ExpressSigSuffix)
	}
	mac, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(sig, "="))
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed %s: %w", opts.Name+ExpressSigSuffix, err)
	}
	return &expressVerifier{h: newHMACer(sha1.New), msg: []byte(opts.Name + "=" + value), mac: mac}, nil
}

func (v *expressVerifier) Verify(key []byte) bool { return v.h.equal(key, v.msg, nil, v.mac) }

// splitExpressSession splits "s:<id>.<signature>" at the last '.', as
// cookie-signature's unsign does.
func splitExpressSession(value string) (id, sig string, err error) {
	rest, ok := strings.CutPrefix(value, "s:")
	if !ok {
		return "", "", errors.New(`cookiecodec: not an express-session cookie: it does not start with "s:"`)
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return "", "", errors.New("cookiecodec: not an express-session cookie: no '.' before the signature")
	}
	return rest[:i], rest[i+1:], nil
}

// decodeExpressSession reads express-session's signed session id.
func decodeExpressSession(value string, opts *Options, res *Result) error {
	id, sig, err := splitExpressSession(value)
	if err != nil {
		return err
	}
	if strings.ContainsFunc(id, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return errors.New("cookiecodec: malformed express-session id: it holds control characters")
	}
	res.SessionID = id
	res.About = []string{
		"express-session sends only a signed session id: \"s:\" + id + \".\" + signature.",
		"The values live in the server's session store (memory, Redis, a database);",
		"the signature only stops a visitor from guessing or inventing ids.",
	}
	res.Parts = Parts{
		Payload:       id,
		MAC:           sig,
		SignedInput:   id,
		Shape:         `s:<id>.<signature>, URL-encoded in the cookie`,
		Algorithm:     "HMAC-SHA256, standard base64 without '=' (cookie-signature)",
		KeyDerivation: "the secret option is the HMAC key as it is",
		Fields: []Field{
			{"prefix", `s: (a signed value)`},
			{"id", id},
			{"signature", sig},
		},
	}
	if len(opts.Secrets) > 0 {
		v, err := newExpressSessionVerifier(value, opts)
		if err != nil {
			return err
		}
		verifyWith(v, opts, res, "no secret verifies this session id: the secret is wrong or the cookie was altered")
	}
	return nil
}

// expressSessionVerifier checks cookie-signature's HMAC-SHA256(key, id).
type expressSessionVerifier struct {
	h        *hmacer
	msg, mac []byte
}

func newExpressSessionVerifier(value string, opts *Options) (Verifier, error) {
	id, sig, err := splitExpressSession(value)
	if err != nil {
		return nil, err
	}
	mac, err := decodeStdBase64(sig)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed express-session signature: %w", err)
	}
	return &expressSessionVerifier{h: newHMACer(sha256.New), msg: []byte(id), mac: mac}, nil
}

func (v *expressSessionVerifier) Verify(key []byte) bool { return v.h.equal(key, v.msg, nil, v.mac) }
