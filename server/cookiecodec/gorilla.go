package cookiecodec

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// gorillaNames are cookie names to try when a gorilla MAC fails under the
// given name, to tell a wrong name from a wrong key.
func gorillaNames() []string {
	return []string{"session", "session-name", "session_name", "sessions", "sess", "formtest", "mysession", "my-session", "app", "auth", "user", "cookie-name", "cookie", "_session", "gorilla", "store"}
}

// gorillaMAC is HMAC-SHA256(key, name|ts|payload), as securecookie signs.
func gorillaMAC(key []byte, name string, ts, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(name))
	m.Write([]byte{'|'})
	m.Write(ts)
	m.Write([]byte{'|'})
	m.Write(payload)
	return m.Sum(nil)
}

// decodeGorilla reads a gorilla/securecookie value into res, in
// securecookie's order: base64, parts, MAC (the name bound in), timestamp,
// decryption, deserialization.
func decodeGorilla(value string, opts *Options, res *Result) error {
	if err := checkAlphabet(value, true, false); err != nil {
		return err
	}
	raw, err := base64.URLEncoding.Strict().DecodeString(value)
	if err != nil {
		return fmt.Errorf("cookiecodec: malformed base64: %w", err)
	}
	parts := bytes.SplitN(raw, []byte("|"), 3)
	if len(parts) != 3 {
		return fmt.Errorf("cookiecodec: not a gorilla cookie: it decodes to %d '|'-separated parts, want timestamp|payload|mac", len(parts))
	}
	ts, payload64, mac := parts[0], parts[1], parts[2]
	sec, err := strconv.ParseInt(string(ts), 10, 64)
	if err != nil || sec < 0 || len(ts) > 12 {
		return fmt.Errorf("cookiecodec: malformed timestamp %q: want decimal Unix seconds", ts)
	}
	res.IssuedAt = time.Unix(sec, 0).UTC()
	res.Parts = Parts{
		Timestamp:   string(ts),
		Payload:     string(payload64),
		MAC:         hex.EncodeToString(mac),
		SignedInput: res.Name + "|" + string(ts) + "|" + abbreviate(string(payload64), 24),
	}
	if len(value) > BrowserLimit {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the value is %d bytes: gorilla/securecookie refuses values over %d", len(value), BrowserLimit))
	}

	if len(opts.Secrets) > 0 {
		res.Signature = Invalid
		for i, k := range opts.Secrets {
			if hmac.Equal(gorillaMAC(k, res.Name, ts, payload64), mac) {
				res.Signature, res.Reason, res.KeyIndex = Valid, "", i
				break
			}
		}
		if res.Signature == Invalid {
			res.Reason = gorillaFailure(opts.Secrets, res.Name, ts, payload64, mac)
		}
	}

	maxAge := opts.MaxAge
	if maxAge == 0 {
		maxAge = GorillaMaxAge
	}
	if maxAge > 0 {
		res.MaxAge = maxAge
		// securecookie: expired when t1 < now - maxAge, in whole seconds.
		if sec < res.Now.Unix()-int64(maxAge/time.Second) {
			res.Expired = true
		}
	}
	if res.IssuedAt.After(res.Now.Add(time.Minute)) {
		res.Warnings = append(res.Warnings, "issued in the future: the clocks disagree (gorilla accepts it)")
	}

	payload, err := base64.URLEncoding.Strict().DecodeString(string(payload64))
	if err != nil {
		return fmt.Errorf("cookiecodec: malformed payload base64: %w", err)
	}
	return gorillaPayload(payload, opts, res)
}

// gorillaFailure explains a MAC that no key verified.
func gorillaFailure(secrets [][]byte, name string, ts, payload, mac []byte) string {
	if len(mac) != sha256.Size {
		return fmt.Sprintf("the MAC is %d bytes, but HMAC-SHA256 makes %d: the cookie was cut or altered", len(mac), sha256.Size)
	}
	for _, other := range gorillaNames() {
		if other == name {
			continue
		}
		for _, k := range secrets {
			if hmac.Equal(gorillaMAC(k, other, ts, payload), mac) {
				return fmt.Sprintf("the key is right, but the cookie was signed under the name %q, not %q: gorilla binds the cookie's name into the MAC", other, name)
			}
		}
	}
	return fmt.Sprintf("no key verifies this cookie under the name %q: the key is wrong, the cookie was altered, or it belongs to another cookie name (gorilla binds the name into the MAC)", name)
}

// gorillaPayload decrypts (when block keys are given) and deserializes a
// gorilla payload into res.
func gorillaPayload(payload []byte, opts *Options, res *Result) error {
	order := make([]int, 0, len(opts.BlockKeys))
	if res.KeyIndex >= 0 && res.KeyIndex < len(opts.BlockKeys) {
		order = append(order, res.KeyIndex)
	}
	for i := range opts.BlockKeys {
		if i != res.KeyIndex {
			order = append(order, i)
		}
	}
	var firstErr error
	for _, i := range order {
		plain, err := gorillaDecrypt(opts.BlockKeys[i], payload)
		if err == nil {
			err = gorillaValues(plain, res)
		}
		if err == nil {
			res.Encrypted = true
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	err := gorillaValues(payload, res)
	if err == nil {
		if len(opts.BlockKeys) > 0 {
			res.Warnings = append(res.Warnings, "the payload is not encrypted: the block key was not needed")
		}
		return nil
	}
	res.Payload = payload
	if len(opts.BlockKeys) == 0 && len(payload) > aes.BlockSize && !looksGob(payload) {
		res.Encrypted = true
		res.PayloadError = "the payload is not gob or JSON: it is probably encrypted (AES-CTR); give its block key to read it"
		return nil
	}
	if firstErr != nil {
		res.PayloadError = "no block key decrypts the payload: " + firstErr.Error()
		return fmt.Errorf("cookiecodec: %s", res.PayloadError)
	}
	res.PayloadError = err.Error()
	return fmt.Errorf("cookiecodec: payload: %w", err)
}

// gorillaDecrypt undoes securecookie's AES-CTR encryption: iv‖ciphertext.
func gorillaDecrypt(key, b []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("block key: %w", err)
	}
	if len(b) <= block.BlockSize() {
		return nil, fmt.Errorf("the payload is %d bytes, too short to hold a %d-byte IV", len(b), block.BlockSize())
	}
	iv, ct := b[:block.BlockSize()], b[block.BlockSize():]
	plain := make([]byte, len(ct))
	cipher.NewCTR(block, iv).XORKeyStream(plain, ct)
	return plain, nil
}

// gorillaValues deserializes a gorilla payload: gob (the default) or JSON
// (securecookie.JSONEncoder).
func gorillaValues(b []byte, res *Result) error {
	var v any
	if len(b) > 0 && b[0] == '{' {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return fmt.Errorf("json: %w", err)
		}
		res.Serializer = "json"
		v = normalizeJSON(v)
	} else {
		var err error
		if v, err = decodeGob(b); err != nil {
			return err
		}
		res.Serializer = "gob"
	}
	res.Payload = b
	setValues(v, res)
	return nil
}

// setValues files a decoded payload under Values or SessionID.
func setValues(v any, res *Result) {
	switch x := v.(type) {
	case map[string]any:
		res.Values = x
	case string:
		res.SessionID = x
		res.Warnings = append(res.Warnings, "the payload is a bare string: the id of a server-side session (such as gorilla's FilesystemStore); the values live on the server")
	default:
		res.PayloadError = fmt.Sprintf("the payload is a %s, not a map of session values", jsonKind(v))
	}
}

// jsonKind names the JSON kind of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "map"
	case string:
		return "string"
	}
	return "number"
}

// looksGob reports whether b starts like a gob stream: a message length
// that fits, holding a whole type definition (a negative id of a user
// type) or a whole value of a basic type. Encrypted bytes almost never do,
// so a payload that fails to decode but looks like gob is reported as
// broken gob, and one that does not as probably encrypted.
func looksGob(b []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	d := &gobDecoder{stream: b, types: make(map[int64]*gobType)}
	d.recvMessage()
	// The whole first message must parse: a type definition or a basic
	// value, with no byte left over. A bare type id in range is not
	// enough: about one random payload in seventy has one.
	switch id := d.int(); {
	case id <= -gobFirstUserID:
		d.recvType(-id)
	case id >= gobBool && id <= gobInterface:
		d.value(id)
	default:
		return false
	}
	return len(d.buf) == 0
}
