package cookiecodec

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// legacyEpoch is 2011-01-01 in Unix seconds: itsdangerous before 1.1
// counted its timestamps from there.
const legacyEpoch = 1293840000

// flaskKey derives itsdangerous's signing key with the "hmac" derivation:
// HMAC-SHA1(secret, salt).
func flaskKey(secret []byte, salt string) []byte {
	m := hmac.New(sha1.New, secret)
	m.Write([]byte(salt))
	return m.Sum(nil)
}

// flaskMAC is the raw itsdangerous signature of signed under secret.
func flaskMAC(secret []byte, salt, signed string) []byte {
	m := hmac.New(sha1.New, flaskKey(secret, salt))
	m.Write([]byte(signed))
	return m.Sum(nil)
}

// decodeFlask reads a Flask session cookie (itsdangerous
// URLSafeTimedSerializer): payload.timestamp.signature, the payload
// zlib-compressed when it starts with '.'.
func decodeFlask(value string, opts *Options, res *Result) error {
	if err := checkAlphabet(value, false, true); err != nil {
		return err
	}
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return errors.New("cookiecodec: not a Flask cookie: no '.' found")
	}
	signed, sig := value[:i], value[i+1:]
	j := strings.LastIndexByte(signed, '.')
	if j < 0 {
		return errors.New("cookiecodec: not a Flask cookie: the timestamp is missing (want payload.timestamp.signature)")
	}
	payload64, ts64 := signed[:j], signed[j+1:]
	if strings.HasPrefix(payload64, ".") {
		res.Compressed = true
		payload64 = payload64[1:]
	}
	if strings.Contains(payload64, ".") {
		return fmt.Errorf("cookiecodec: not a Flask cookie: %d dots, want 2 (or 3 when compressed)", strings.Count(value, "."))
	}
	salt := flaskSalt(opts.Salt)
	res.Parts = Parts{
		Timestamp:   ts64,
		Payload:     payload64,
		MAC:         sig,
		SignedInput: abbreviate(signed[:j], 24) + "." + ts64,
	}
	tsb, err := base64.RawURLEncoding.DecodeString(ts64)
	if err != nil || len(tsb) == 0 || len(tsb) > 8 {
		hint := ""
		if len(ts64) > 11 {
			hint = "; three base64 parts with a long middle one look like a JWT, which formtest does not read"
		}
		return fmt.Errorf("cookiecodec: malformed timestamp %q: want base64 of big-endian Unix seconds%s", ts64, hint)
	}
	var buf [8]byte
	copy(buf[8-len(tsb):], tsb)
	sec := int64(binary.BigEndian.Uint64(buf[:]))
	if sec < 0 {
		return fmt.Errorf("cookiecodec: malformed timestamp %q", ts64)
	}
	res.IssuedAt = time.Unix(sec, 0).UTC()
	if sec < legacyEpoch {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the timestamp is before 2011: if an itsdangerous older than 1.1 made this cookie, it counts from 2011-01-01 and was issued %s", time.Unix(sec+legacyEpoch, 0).UTC().Format("2006-01-02 15:04:05 UTC")))
	}
	if len(value) > 4093 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the value is %d bytes: Flask warns above 4093", len(value)))
	}

	if len(opts.Secrets) > 0 {
		res.Signature = Invalid
		mac, err := base64.RawURLEncoding.DecodeString(sig)
		switch {
		case err != nil:
			res.Reason = "the signature is not base64url: the cookie was altered"
		case len(mac) != sha1.Size:
			res.Reason = fmt.Sprintf("the signature is %d bytes, but HMAC-SHA1 makes %d: the cookie was cut or altered, or signed with another digest", len(mac), sha1.Size)
		default:
			for i, k := range opts.Secrets {
				if hmac.Equal(flaskMAC(k, salt, signed), mac) {
					res.Signature, res.KeyIndex = Valid, i
					break
				}
			}
			if res.Signature != Valid {
				res.Reason = fmt.Sprintf("no key verifies this cookie with salt %q: the key is wrong or the cookie was altered", salt)
			}
		}
	}

	maxAge := opts.MaxAge
	if maxAge == 0 {
		maxAge = FlaskMaxAge
	}
	age := res.Now.Unix() - sec
	if maxAge > 0 {
		res.MaxAge = maxAge
		// itsdangerous: "Signature age N > M seconds", or "< 0 seconds".
		if age > int64(maxAge/time.Second) {
			res.Expired = true
		} else if age < 0 {
			res.Expired = true
			res.Warnings = append(res.Warnings, "issued in the future: itsdangerous rejects a cookie whose age is below 0")
		}
	}

	payload, err := signedPayload(payload64, res)
	if err != nil {
		return err
	}
	res.Serializer = "tagged json"
	v, err := parseTaggedJSON(payload)
	if err != nil {
		res.PayloadError = err.Error()
		return fmt.Errorf("cookiecodec: %w", err)
	}
	setValues(v, res)
	return nil
}

// signedPayload decodes the base64url payload of an itsdangerous-style
// cookie (Flask's, and Django's, whose signing has the same shape),
// inflates it when res.Compressed, and keeps it in res.Payload.
func signedPayload(payload64 string, res *Result) ([]byte, error) {
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(payload64, "="))
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed payload base64: %w", err)
	}
	if res.Compressed {
		if payload, err = inflate(payload); err != nil {
			res.PayloadError = err.Error()
			return nil, fmt.Errorf("cookiecodec: %w", err)
		}
	}
	res.Payload = payload
	return payload, nil
}

// inflate decompresses zlib data, refusing output over maxInflated.
func inflate(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, maxInflated+1))
	if err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	if len(out) > maxInflated {
		return nil, fmt.Errorf("zlib: too large: the payload inflates to over %d bytes (a zlib bomb?)", maxInflated)
	}
	return out, nil
}

// parseTaggedJSON parses Flask's tagged JSON and untags it.
func parseTaggedJSON(b []byte) (any, error) {
	v, err := parseJSONValue(b)
	if err != nil {
		return nil, err
	}
	return untag(v), nil
}

// untag undoes flask.json.tag.TaggedJSONSerializer, inside out as Flask
// does: a one-key object whose key is a tag becomes the tagged value.
func untag(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = untag(x[i])
		}
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = untag(e)
		}
		if len(x) != 1 {
			return x
		}
		for tag, e := range x {
			if u, ok := untagOne(tag, e); ok {
				return u
			}
		}
		return x
	}
	return v
}

// untagOne converts one tagged value; ok is false for an unknown tag or a
// value that does not fit it (left as it was).
func untagOne(tag string, v any) (any, bool) {
	s, isString := v.(string)
	switch tag {
	case " di":
		if m, ok := v.(map[string]any); ok && len(m) == 1 {
			for k, e := range m {
				return map[string]any{strings.TrimSuffix(k, "__"): e}, true
			}
		}
	case " t":
		if l, ok := v.([]any); ok {
			return l, true
		}
	case " b":
		if isString {
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				return map[string]any{"$bytes": hex.EncodeToString(b)}, true
			}
		}
	case " m":
		if isString {
			return map[string]any{"$markup": s}, true
		}
	case " u":
		if isString && len(s) == 32 {
			s = strings.ToLower(s)
			if _, err := hex.DecodeString(s); err == nil {
				return map[string]any{"$uuid": s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]}, true
			}
		}
	case " d":
		if isString {
			if t, err := http.ParseTime(s); err == nil {
				return map[string]any{"$datetime": t.UTC().Format(http.TimeFormat)}, true
			}
			return map[string]any{"$datetime": s}, true
		}
	}
	return nil, false
}

// normalizeJSON turns json.Numbers into int64 or float64 where they fit.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x
	case []any:
		for i := range x {
			x[i] = normalizeJSON(x[i])
		}
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeJSON(e)
		}
	}
	return v
}
