package cookiecodec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// laravelPayload is the JSON inside a Laravel encrypted value.
type laravelPayload struct {
	IV    string `json:"iv"`
	Value string `json:"value"`
	MAC   string `json:"mac"`
	Tag   string `json:"tag"`

	iv, ct, mac, tag []byte
	ivText, ctText   []byte // IV and Value as the MAC covers them
}

// laravelPrefixLen is the length of EncryptCookies' name prefix:
// hex(HMAC-SHA1) and "|".
const laravelPrefixLen = 41

func parseLaravel(value string) (*laravelPayload, error) {
	raw, err := decodeStdBase64(value)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed Laravel base64: %w", err)
	}
	var p laravelPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("cookiecodec: not a Laravel payload: %w", err)
	}
	if p.iv, err = base64.StdEncoding.DecodeString(p.IV); err != nil || len(p.iv) != 16 && len(p.iv) != 12 {
		return nil, errors.New("cookiecodec: malformed Laravel payload: iv is not 16 (CBC) or 12 (GCM) bytes of base64")
	}
	if p.ct, err = base64.StdEncoding.DecodeString(p.Value); err != nil || len(p.ct) == 0 {
		return nil, errors.New("cookiecodec: malformed Laravel payload: value is not base64")
	}
	if p.MAC != "" {
		if p.mac, err = hex.DecodeString(p.MAC); err != nil || len(p.mac) != sha256.Size {
			return nil, errors.New("cookiecodec: malformed Laravel payload: mac is not a hex HMAC-SHA256")
		}
	}
	if p.Tag != "" {
		if p.tag, err = base64.StdEncoding.DecodeString(p.Tag); err != nil || len(p.tag) != 16 {
			return nil, errors.New("cookiecodec: malformed Laravel payload: tag is not 16 bytes of base64")
		}
	}
	p.ivText, p.ctText = []byte(p.IV), []byte(p.Value)
	if p.mac == nil && p.tag == nil {
		return nil, errors.New("cookiecodec: malformed Laravel payload: neither a mac (CBC) nor a tag (GCM)")
	}
	return &p, nil
}

func (p *laravelPayload) gcm() bool { return p.tag != nil }

// validMAC checks the CBC payload's mac: HMAC-SHA256(key, iv + value), over
// the base64 texts as Laravel writes them.
func (p *laravelPayload) validMAC(h *hmacer, key []byte) bool {
	return h.equal(key, p.ivText, p.ctText, p.mac)
}

// open decrypts the payload with key; nil when the key does not (for GCM,
// the tag decides).
func (p *laravelPayload) open(key []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("APP_KEY: %w (Laravel's key is 32 bytes: base64:...)", err)
	}
	if p.gcm() {
		g, err := cipher.NewGCM(block)
		if err != nil || len(p.iv) != g.NonceSize() {
			return nil, errors.New("the GCM iv is not 12 bytes")
		}
		return g.Open(nil, p.iv, append(append([]byte{}, p.ct...), p.tag...), nil)
	}
	if len(p.iv) != aes.BlockSize || len(p.ct)%aes.BlockSize != 0 {
		return nil, errors.New("the CBC ciphertext is not whole AES blocks")
	}
	plain := make([]byte, len(p.ct))
	cipher.NewCBCDecrypter(block, p.iv).CryptBlocks(plain, p.ct)
	n := int(plain[len(plain)-1])
	if n == 0 || n > aes.BlockSize || n > len(plain) {
		return nil, errors.New("bad PKCS#7 padding")
	}
	for _, b := range plain[len(plain)-n:] {
		if int(b) != n {
			return nil, errors.New("bad PKCS#7 padding")
		}
	}
	return plain[:len(plain)-n], nil
}

// LaravelCookiePrefix is what EncryptCookies puts before a cookie's
// plaintext: hex(HMAC-SHA1(key, name + "v2")) + "|".
func LaravelCookiePrefix(key []byte, name string) string {
	m := hmac.New(sha1.New, key)
	m.Write([]byte(name + "v2"))
	return hex.EncodeToString(m.Sum(nil)) + "|"
}

// laravelNames are cookie names to try when the prefix does not match the
// given one.
func laravelNames() []string {
	return []string{"laravel_session", "XSRF-TOKEN", "remember_web", "session"}
}

// decodeLaravel reads a cookie encrypted by Laravel's EncryptCookies.
func decodeLaravel(value string, opts *Options, res *Result) error {
	p, err := parseLaravel(value)
	if err != nil {
		return err
	}
	res.Encrypted = true
	res.About = []string{
		"Laravel encrypts every cookie (EncryptCookies) with the APP_KEY: nobody without",
		"the key can read it. laravel_session then holds only the session id; with",
		"SESSION_DRIVER=cookie the data travels in a second cookie named after that id.",
	}
	cipherName, check := "AES-256-CBC", "mac = hex HMAC-SHA256(APP_KEY, iv + value)"
	if p.gcm() {
		cipherName, check = "AES-256-GCM", "the GCM tag authenticates it"
	}
	res.Parts = Parts{
		Payload:       p.Value,
		MAC:           p.MAC + p.Tag,
		SignedInput:   abbreviate(p.IV, 16) + abbreviate(p.Value, 16),
		Shape:         `base64(JSON {"iv", "value", "mac", "tag"}), URL-encoded in the cookie`,
		Algorithm:     cipherName + "; " + check,
		KeyDerivation: "none: APP_KEY (base64:... in .env) is the AES key and the MAC key",
		Fields: []Field{
			{"iv", hex.EncodeToString(p.iv)},
			{"value", fmt.Sprintf("%d bytes of ciphertext", len(p.ct))},
			{"mac", orNone(p.MAC)},
			{"tag", orNone(p.Tag)},
		},
	}
	if len(opts.Secrets) == 0 {
		res.PayloadError = "only the APP_KEY reads it: give it with --secret base64:... (as in .env)"
		res.Reason = "no key given: an encrypted cookie can be neither read nor checked"
		return nil
	}
	v := &laravelVerifier{p: p, h: newHMACer(sha256.New)}
	verifyWith(v, opts, res, "no APP_KEY verifies it: the key is wrong or the cookie was altered")
	if res.Signature != Valid {
		res.PayloadError = "not decrypted"
		return nil
	}
	key := opts.Secrets[res.KeyIndex]
	plain, err := p.open(key)
	if err != nil {
		res.PayloadError = "the mac is right but the value does not decrypt: " + err.Error()
		return fmt.Errorf("cookiecodec: Laravel: %s", res.PayloadError)
	}
	return laravelPlain(string(plain), key, opts, res, true)
}

// laravelPlain reads a decrypted cookie: the name prefix, then a session
// id, the JSON of a cookie session's data, or (Laravel before 8.x's
// prefix) a PHP-serialized value.
func laravelPlain(plain string, key []byte, opts *Options, res *Result, followData bool) error {
	want := LaravelCookiePrefix(key, opts.Name)
	body := plain
	switch {
	case strings.HasPrefix(plain, want):
		body = plain[laravelPrefixLen:]
		res.Parts.Fields = append(res.Parts.Fields, Field{"prefix", want + " = hex HMAC-SHA1(APP_KEY, " + opts.Name + "+\"v2\"), binds the cookie's name"})
	case len(plain) > laravelPrefixLen && plain[laravelPrefixLen-1] == '|' && isHex(plain[:laravelPrefixLen-1]):
		body = plain[laravelPrefixLen:]
		other := ""
		for _, n := range append(laravelNames(), companionNames(opts)...) {
			if n != opts.Name && strings.HasPrefix(plain, LaravelCookiePrefix(key, n)) {
				other = n
				break
			}
		}
		switch {
		case other != "" && opts.Name == "session":
			res.Name = other
			res.Warnings = append(res.Warnings, fmt.Sprintf("read as the cookie %q, which its prefix is bound to (give --name to check another)", other))
		case opts.Name == "session":
			res.Warnings = append(res.Warnings, "the value is bound to a cookie name that is not \"session\" and not one formtest knows: give --name to check that it is the right one (Laravel ignores it under another)")
		case other != "":
			res.Signature = Invalid
			res.Reason = fmt.Sprintf("the key is right, but the cookie was made for the name %q, not %q: Laravel binds the name into the value and ignores it under another", other, opts.Name)
		default:
			res.Signature = Invalid
			res.Reason = fmt.Sprintf("the key is right, but the value's prefix is not the one for the name %q: Laravel binds the name into the value and ignores it under another", opts.Name)
		}
	default:
		res.Warnings = append(res.Warnings, "no cookie-name prefix: made by a Laravel before the v2 prefix (2021), or encrypted outside EncryptCookies")
	}
	res.Payload = []byte(body)
	switch {
	case strings.HasPrefix(body, "{"):
		return laravelData(body, key, res)
	case len(body) > 2 && body[1] == ':' && strings.ContainsRune("sabidNO", rune(body[0])):
		res.Serializer = "php serialize"
		v, err := UnserializePHP(body)
		if err != nil {
			res.PayloadError = err.Error()
			return fmt.Errorf("cookiecodec: %w", err)
		}
		if s, ok := v.(string); ok {
			body = s
		} else {
			setPlainValue(v, res)
			return nil
		}
	}
	res.Serializer = "text"
	if !isLaravelSessionID(body) {
		res.Values = map[string]any{"value": body}
		return nil
	}
	res.SessionID = body
	if data, ok := opts.Companions[body]; ok && followData && isLaravelSessionID(body) {
		// SESSION_DRIVER=cookie: the data is in the cookie named after the id.
		return laravelDataCookie(data, body, key, opts, res)
	}
	res.About = append(res.About, "This is a session id (40 letters and digits): the data is on the server, or in a cookie named after the id with SESSION_DRIVER=cookie (send the whole Cookie header).")
	return nil
}

// laravelData reads the JSON a cookie session stores: {"data": PHP
// serialize() of the attributes, "expires": unix}.
func laravelData(body string, key []byte, res *Result) error {
	var d struct {
		Data    *string `json:"data"`
		Expires *int64  `json:"expires"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil || d.Data == nil {
		// EncryptCookies does not serialize: a JSON text is the app's own
		// string, which it decodes itself.
		res.Serializer = "text"
		res.Values = map[string]any{"value": body}
		return nil
	}
	if d.Expires != nil {
		checkExpiry(res, time.Unix(*d.Expires, 0), true)
	}
	res.Serializer = "php serialize"
	data := *d.Data
	if p, err := parseLaravel(data); err == nil && key != nil {
		// session.encrypt: the data is itself encrypted with the APP_KEY
		// (no name prefix), around serialize() of the serialized attributes.
		if !p.gcm() && !p.validMAC(newHMACer(sha256.New), key) {
			res.Signature, res.Reason = Invalid, "the session data (session.encrypt) does not verify with this key"
			return nil
		}
		inner, err := p.open(key)
		if err != nil {
			res.Signature, res.Reason = Invalid, "the session data (session.encrypt) does not decrypt: "+err.Error()
			return nil
		}
		v, err := UnserializePHP(string(inner))
		s, ok := v.(string)
		if err != nil || !ok {
			res.PayloadError = "the encrypted session data is not a serialized string"
			return fmt.Errorf("cookiecodec: Laravel session data: %s", res.PayloadError)
		}
		data = s
		res.About = append(res.About, "session.encrypt is on: the data was encrypted a second time, with the same key.")
	}
	res.Payload = []byte(data)
	v, err := UnserializePHP(data)
	if err != nil {
		res.PayloadError = err.Error()
		return fmt.Errorf("cookiecodec: Laravel session data: %w", err)
	}
	setValues(v, res)
	res.About = append(res.About, "The session's data (SESSION_DRIVER=cookie): PHP serialize() output, read here without running PHP.")
	return nil
}

// laravelDataCookie decrypts the data cookie of a cookie session.
func laravelDataCookie(value, id string, key []byte, opts *Options, res *Result) error {
	p, err := parseLaravel(value)
	if err != nil {
		res.Warnings = append(res.Warnings, "the data cookie named after the session id does not read: "+err.Error())
		return nil
	}
	if !p.gcm() && !p.validMAC(newHMACer(sha256.New), key) {
		res.Signature = Invalid
		res.Reason = "the session id verifies, but its data cookie does not (altered, or made with another APP_KEY): Laravel starts an empty session"
		return nil
	}
	plain, err := p.open(key)
	if err != nil {
		res.Signature = Invalid
		res.Reason = "the session id verifies, but its data cookie does not decrypt (" + err.Error() + "): Laravel starts an empty session"
		return nil
	}
	sub := *opts
	sub.Name = id
	res.Parts.Fields = append(res.Parts.Fields, Field{"data cookie", fmt.Sprintf("%s (%d characters), decrypted with the same key", abbreviate(id, 16), len(value))})
	return laravelPlain(string(plain), key, &sub, res, false)
}

func companionNames(opts *Options) []string {
	names := make([]string, 0, len(opts.Companions))
	for n := range opts.Companions {
		names = append(names, n)
	}
	return names
}

// isLaravelSessionID reports whether s looks like Laravel's session id: 40
// letters and digits (Str::random(40)).
func isLaravelSessionID(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// laravelVerifier checks an APP_KEY: the CBC payload's HMAC-SHA256, or
// that AES-GCM opens a GCM payload.
type laravelVerifier struct {
	p *laravelPayload
	h *hmacer
}

func newLaravelVerifier(value string, _ *Options) (Verifier, error) {
	p, err := parseLaravel(value)
	if err != nil {
		return nil, err
	}
	return &laravelVerifier{p: p, h: newHMACer(sha256.New)}, nil
}

func (v *laravelVerifier) Verify(key []byte) bool {
	if v.p.gcm() {
		if n := len(key); n != 16 && n != 24 && n != 32 {
			return false
		}
		_, err := v.p.open(key)
		return err == nil
	}
	return v.p.validMAC(v.h, key)
}
