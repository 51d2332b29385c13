package cookiecodec

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/gorilla/securecookie"
)

// blockKeyInfo binds derived block keys to their use, so that the same
// secret never serves as both a MAC key and an AES key.
const blockKeyInfo = "formtest session cookie encryption (AES-256)"

// DeriveBlockKey returns the AES-256 block key that formtest derives from a
// session secret (HKDF-SHA256) when cookies are encrypted. serve --encrypt
// and inspect-cookie --encrypted use it, so one secret is all either needs,
// and rotating the secret rotates the block key with it.
func DeriveBlockKey(secret []byte) ([]byte, error) {
	if len(secret) == 0 {
		return nil, errors.New("cookiecodec: derive block key: empty secret")
	}
	k, err := hkdf.Key(sha256.New, secret, nil, blockKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: derive block key: %w", err)
	}
	return k, nil
}

// Forge signs values as a gorilla session cookie named name, with hashKey,
// and encrypts it when blockKey is not nil, exactly as a server holding
// those keys would. Anyone who knows a server's key can do the same: that
// is why the key must be secret.
func Forge(name string, values map[string]string, hashKey, blockKey []byte) (string, error) {
	m := make(map[string]any, len(values))
	for k, v := range values {
		m[k] = v
	}
	return forgeValues(name, m, hashKey, blockKey)
}

// forgeValues is Forge for values of any gob-encodable basic type.
func forgeValues(name string, values map[string]any, hashKey, blockKey []byte) (string, error) {
	if len(hashKey) == 0 {
		return "", errors.New("cookiecodec: forge: empty key")
	}
	sc := securecookie.New(hashKey, blockKey).MaxLength(0)
	m := make(map[any]any, len(values))
	for k, v := range values {
		m[k] = v
	}
	v, err := sc.Encode(name, m)
	if err != nil {
		return "", fmt.Errorf("cookiecodec: forge: %w", err)
	}
	return v, nil
}

// Tamper returns value, a gorilla cookie, with one byte of its payload
// changed and its signature left as it was: what a visitor editing the
// cookie by hand would send. It also says what it changed.
func Tamper(value string) (tampered, what string, err error) {
	raw, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return "", "", fmt.Errorf("cookiecodec: tamper: not a gorilla cookie: %w", err)
	}
	parts := strings.SplitN(string(raw), "|", 3)
	if len(parts) != 3 || len(parts[1]) == 0 {
		return "", "", errors.New("cookiecodec: tamper: not a gorilla cookie (want date|payload|mac)")
	}
	payload := []byte(parts[1])
	// Change a byte in the middle of the payload to another base64url
	// character, so the cookie still decodes and only the MAC gives it away.
	i := len(payload) / 2
	old := payload[i]
	payload[i] = 'A'
	if old == 'A' {
		payload[i] = 'B'
	}
	out := base64.URLEncoding.EncodeToString([]byte(parts[0] + "|" + string(payload) + "|" + parts[2]))
	return out, fmt.Sprintf("changed payload byte %d from %q to %q and kept the old signature", i, string(old), string(payload[i])), nil
}
