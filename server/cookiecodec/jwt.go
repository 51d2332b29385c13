package cookiecodec

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"math"
	"strings"
	"time"
)

// jwtHash is the hash of an HMAC JWT algorithm, nil for any other.
func jwtHash(alg string) func() hash.Hash {
	switch alg {
	case "HS256":
		return sha256.New
	case "HS384":
		return sha512.New384
	case "HS512":
		return sha512.New
	}
	return nil
}

// decodeJWT reads a JWS in compact form: header.claims.signature.
func decodeJWT(value string, opts *Options, res *Result) error {
	if err := checkAlphabet(value, false, true); err != nil {
		return err
	}
	parts := strings.Split(value, ".")
	if len(parts) != 3 {
		return fmt.Errorf("cookiecodec: not a JWT: %d dot-separated parts, want header.claims.signature", len(parts))
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return fmt.Errorf("cookiecodec: malformed JWT header base64: %w", err)
	}
	hv, err := parseJSONValue(hb)
	header, ok := hv.(map[string]any)
	if err != nil || !ok {
		return errors.New("cookiecodec: malformed JWT: the header is not a JSON object")
	}
	alg, _ := header["alg"].(string)
	res.About = []string{
		"A JSON Web Token: a header naming the algorithm, the claims, and a signature,",
		"each base64url. The claims are readable by anyone; the signature only stops",
		"them being changed. Whoever knows an HMAC (HS256) secret can make new tokens.",
	}
	res.Parts = Parts{
		Payload:     parts[1],
		MAC:         parts[2],
		SignedInput: abbreviate(parts[0], 16) + "." + abbreviate(parts[1], 16),
		Shape:       "header.claims.signature, each base64url without padding",
		Algorithm:   alg,
		Fields: []Field{
			{"header", MarshalValue(header)},
			{"claims", fmt.Sprintf("%s (%d characters)", abbreviate(parts[1], 48), len(parts[1]))},
			{"signature", fmt.Sprintf("%s (%d characters)", abbreviate(parts[2], 48), len(parts[2]))},
		},
	}
	if h := jwtHash(alg); h != nil {
		res.Parts.Algorithm = "HMAC-" + strings.Replace(alg, "HS", "SHA", 1)
		res.Parts.KeyDerivation = "the secret itself is the HMAC key"
	}
	switch {
	case strings.EqualFold(alg, "none"):
		res.Parts.SignedInput = ""
		res.Parts.Fields[2].Value = "(empty: nothing is signed)"
		res.Signature, res.Reason = Unsigned, `alg "none": the token carries no signature, so anyone could have written it; a server that accepts it lets anyone log in as anyone`
		if parts[2] != "" {
			res.Warnings = append(res.Warnings, `alg "none" but a signature is attached: a library that trusts the header skips it`)
		}
	case jwtHash(alg) == nil:
		res.Reason = fmt.Sprintf("alg %q is not an HMAC: it is checked with the issuer's public key, which formtest does not take", EscapeText(alg))
		if len(opts.Secrets) > 0 {
			res.Warnings = append(res.Warnings, "--secret checks only HMAC (HS256/384/512) tokens")
		}
	case len(opts.Secrets) > 0:
		v, err := newJWTVerifier(value, opts)
		if err != nil {
			return err
		}
		verifyWith(v, opts, res, fmt.Sprintf("no key verifies this token with %s: the secret is wrong or the token was altered", alg))
	}

	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return fmt.Errorf("cookiecodec: malformed JWT claims base64: %w", err)
	}
	res.Payload = claims
	res.Serializer = "json"
	cv, err := parseJSONValue(claims)
	if err != nil {
		res.PayloadError = err.Error()
		return fmt.Errorf("cookiecodec: JWT claims: %w", err)
	}
	setValues(cv, res)
	if res.Values == nil {
		return nil
	}
	if t, ok := jwtTime(res.Values["iat"]); ok {
		res.IssuedAt = t
		checkMaxAge(res, opts, 0)
		if res.MaxAge > 0 && !res.Now.Before(t.Add(res.MaxAge)) {
			res.Expired = true // jsonwebtoken: too old when now >= iat + maxAge
		}
		if t.After(res.Now.Add(time.Minute)) {
			res.Warnings = append(res.Warnings, "issued (iat) in the future: the clocks disagree")
		}
	}
	if t, ok := jwtTime(res.Values["exp"]); ok {
		res.ExpiresAt = t
		if !res.Now.Before(t) {
			res.Expired = true
		}
	} else {
		res.Warnings = append(res.Warnings, "no exp claim: the token never expires, so a stolen one works for ever")
	}
	if t, ok := jwtTime(res.Values["nbf"]); ok {
		res.NotBefore = t
		if res.Now.Before(t) {
			res.Expired = true
			res.Warnings = append(res.Warnings, fmt.Sprintf("not valid yet: nbf is %s", t.Format("2006-01-02 15:04:05 UTC")))
		}
	}
	return nil
}

// jwtTime reads a NumericDate claim.
func jwtTime(v any) (time.Time, bool) {
	var f float64
	switch x := v.(type) {
	case int64:
		f = float64(x)
	case float64:
		f = x
	default:
		return time.Time{}, false
	}
	if math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// jwtVerifier checks HMAC-SHA2(key, header.claims).
type jwtVerifier struct {
	h        *hmacer
	msg, mac []byte
}

func newJWTVerifier(value string, opts *Options) (Verifier, error) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 || strings.Count(value, ".") != 2 {
		return nil, errors.New("cookiecodec: not a JWT: want header.claims.signature")
	}
	hb, err := base64.RawURLEncoding.DecodeString(value[:strings.IndexByte(value, '.')])
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed JWT header: %w", err)
	}
	hv, _ := parseJSONValue(hb)
	header, _ := hv.(map[string]any)
	alg, _ := header["alg"].(string)
	h := jwtHash(alg)
	if h == nil {
		if strings.EqualFold(alg, "none") {
			return nil, ErrNoSignature
		}
		return nil, fmt.Errorf("cookiecodec: JWT alg %q is not an HMAC: no secret key to search for", EscapeText(alg))
	}
	mac, err := base64.RawURLEncoding.DecodeString(value[i+1:])
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed JWT signature: %w", err)
	}
	return &jwtVerifier{h: newHMACer(h), msg: []byte(value[:i]), mac: mac}, nil
}

func (v *jwtVerifier) Verify(key []byte) bool { return v.h.equal(key, v.msg, nil, v.mac) }
