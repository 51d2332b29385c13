package cookiecodec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"
)

// Rails' key derivation: ActiveSupport::KeyGenerator as Rails.application
// sets it up.
const (
	RailsIterations     = 1000
	RailsSignedSalt     = "signed cookie"
	RailsEncryptedSalt  = "authenticated encrypted cookie"
	railsSignedKeyLen   = 64
	railsEncryptedKeyLn = 32
)

// railsDigest is one PBKDF2 digest Rails has used for its key generator:
// SHA1 in 5.2–6.1, SHA256 from 7.0.
type railsDigest struct {
	name string
	h    func() hash.Hash
}

func railsDigests() []railsDigest {
	return []railsDigest{{"SHA1", sha1.New}, {"SHA256", sha256.New}}
}

// RailsKey derives the key Rails makes from secret_key_base for salt with
// the digest h (sha1.New for Rails 5.2–6.1, sha256.New for 7.x).
func RailsKey(h func() hash.Hash, secretKeyBase []byte, salt string, n int) []byte {
	k, err := pbkdf2.Key(h, string(secretKeyBase), []byte(salt), RailsIterations, n)
	if err != nil {
		return nil // only for FIPS-only modes; treated as no key
	}
	return k
}

// railsCookie is a split Rails cookie.
type railsCookie struct {
	encrypted bool
	data      string // signed: base64 of the envelope
	digest    []byte // signed: the HMAC
	ct        []byte // encrypted: ciphertext, IV, tag
	iv, tag   []byte
}

func splitRails(value string) (railsCookie, error) {
	parts := strings.Split(value, "--")
	switch len(parts) {
	case 2:
		d, err := hex.DecodeString(parts[1])
		if err != nil || len(d) != sha1.Size && len(d) != sha256.Size {
			return railsCookie{}, errors.New("cookiecodec: malformed Rails cookie: the digest after '--' is not a hex SHA1 or SHA256")
		}
		return railsCookie{data: parts[0], digest: d}, nil
	case 3:
		var c railsCookie
		var err error
		c.encrypted = true
		if c.ct, err = base64.StdEncoding.DecodeString(parts[0]); err != nil {
			return c, fmt.Errorf("cookiecodec: malformed Rails ciphertext base64: %w", err)
		}
		if c.iv, err = base64.StdEncoding.DecodeString(parts[1]); err != nil || len(c.iv) != 12 {
			return c, errors.New("cookiecodec: malformed Rails cookie: the IV is not 12 bytes of base64")
		}
		if c.tag, err = base64.StdEncoding.DecodeString(parts[2]); err != nil || len(c.tag) != 16 {
			return c, errors.New("cookiecodec: malformed Rails cookie: the auth tag is not 16 bytes of base64")
		}
		return c, nil
	}
	return railsCookie{}, fmt.Errorf("cookiecodec: not a Rails cookie: %d '--'-separated parts, want 2 (signed) or 3 (encrypted)", len(parts))
}

// railsOpen decrypts an AES-256-GCM Rails cookie with key, nil when the
// key does not open it.
func railsOpen(key []byte, c *railsCookie) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil
	}
	sealed := make([]byte, 0, len(c.ct)+len(c.tag))
	sealed = append(append(sealed, c.ct...), c.tag...)
	plain, err := gcm.Open(nil, c.iv, sealed, nil)
	if err != nil {
		return nil
	}
	return plain
}

// decodeRails reads a Rails 5.2+ signed or encrypted cookie.
func decodeRails(value string, opts *Options, res *Result) error {
	c, err := splitRails(value)
	if err != nil {
		return err
	}
	res.About = []string{
		"Rails keeps its session in a cookie encrypted with AES-256-GCM (cookies.encrypted);",
		"cookies.signed are readable by anyone. Both keys come from secret_key_base by",
		"PBKDF2 (1000 rounds), and the plaintext names the cookie it was made for.",
	}
	var envelope []byte
	digestName := ""
	if c.encrypted {
		res.Encrypted = true
		res.Parts = Parts{
			Payload:       abbreviate(value, 24),
			MAC:           hex.EncodeToString(c.tag),
			Shape:         "base64(ciphertext)--base64(IV)--base64(auth tag), URL-encoded in the cookie",
			Algorithm:     "AES-256-GCM (the tag authenticates it: a wrong key or an altered cookie fails)",
			KeyDerivation: fmt.Sprintf("PBKDF2-HMAC-SHA1 (5.2–6.1) or -SHA256 (7.x) of secret_key_base, salt %q, %d rounds, 32 bytes", RailsEncryptedSalt, RailsIterations),
			Fields: []Field{
				{"ciphertext", fmt.Sprintf("%d bytes", len(c.ct))},
				{"IV", hex.EncodeToString(c.iv) + " (12 bytes)"},
				{"auth tag", hex.EncodeToString(c.tag) + " (16 bytes)"},
			},
		}
		if len(opts.Secrets) == 0 {
			res.PayloadError = "only the key derived from secret_key_base reads it: give secret_key_base with --secret"
			res.Reason = "no key given: an encrypted cookie can be neither read nor checked"
			return nil
		}
		res.Signature = Invalid
		for i, k := range opts.Secrets {
			for _, d := range railsDigests() {
				if plain := railsOpen(RailsKey(d.h, k, RailsEncryptedSalt, railsEncryptedKeyLn), &c); plain != nil {
					envelope, res.Signature, res.KeyIndex, digestName = plain, Valid, i, d.name
					break
				}
			}
			if envelope != nil {
				break
			}
		}
		if envelope == nil {
			res.Reason = "no secret_key_base decrypts it (with either SHA1 or SHA256 key derivation): the key is wrong or the cookie was altered"
			res.PayloadError = "not decrypted"
			return nil
		}
		res.Parts.Algorithm = "AES-256-GCM, key derived with PBKDF2-HMAC-" + digestName
	} else {
		alg := "HMAC-SHA1"
		if len(c.digest) == sha256.Size {
			alg = "HMAC-SHA256"
		}
		res.Parts = Parts{
			Payload:       c.data,
			MAC:           hex.EncodeToString(c.digest),
			SignedInput:   abbreviate(c.data, 24),
			Shape:         "base64(data)--hex(digest)",
			Algorithm:     alg,
			KeyDerivation: fmt.Sprintf("PBKDF2-HMAC-SHA1 (5.2–6.1) or -SHA256 (7.x) of secret_key_base, salt %q, %d rounds, 64 bytes", RailsSignedSalt, RailsIterations),
			Fields: []Field{
				{"data", fmt.Sprintf("%s (%d characters of base64)", abbreviate(c.data, 48), len(c.data))},
				{"digest", hex.EncodeToString(c.digest)},
			},
		}
		if len(opts.Secrets) > 0 {
			v := &railsVerifier{c: c, salt: RailsSignedSalt}
			verifyWith(v, opts, res, "no secret_key_base verifies it (with either SHA1 or SHA256 key derivation): the key is wrong or the cookie was altered")
			digestName = v.matched
		}
		if envelope, err = base64.StdEncoding.DecodeString(c.data); err != nil {
			return fmt.Errorf("cookiecodec: malformed Rails data base64: %w", err)
		}
		if legacy, ok := splitRailsLegacy(envelope); ok {
			return decodeRailsLegacy(legacy, c, opts, res)
		}
	}
	if digestName != "" {
		era := "Rails 5.2–6.1"
		if digestName == "SHA256" {
			era = "Rails 7"
		}
		salt, n := RailsSignedSalt, railsSignedKeyLen
		if c.encrypted {
			salt, n = RailsEncryptedSalt, railsEncryptedKeyLn
		}
		res.Parts.KeyDerivation = fmt.Sprintf("PBKDF2-HMAC-%s of secret_key_base, salt %q, %d rounds, %d bytes (as %s derives it)", digestName, salt, RailsIterations, n, era)
	}
	return railsEnvelope(envelope, opts, res)
}

// railsEnvelope reads the _rails purpose/expiry envelope (or a bare
// pre-6.0 message) and the session inside.
func railsEnvelope(b []byte, opts *Options, res *Result) error {
	res.Payload = b
	res.Serializer = "json"
	v, err := parseJSONValue(b)
	if err != nil {
		res.PayloadError = err.Error() + " (a cookie serialized with Marshal, Rails' old default, is not read)"
		return fmt.Errorf("cookiecodec: Rails payload: %w", err)
	}
	obj, _ := v.(map[string]any)
	meta, ok := obj["_rails"].(map[string]any)
	if !ok {
		res.Warnings = append(res.Warnings, "no _rails envelope: a pre-6.0 cookie, bound to no cookie name and no expiry: Rails 6.x accepts it under any name")
		setPlainValue(v, res)
		return nil
	}
	var inner any
	switch {
	case meta["message"] != nil:
		s, _ := meta["message"].(string)
		mb, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("cookiecodec: malformed Rails envelope message base64: %w", err)
		}
		res.Payload = mb
		if inner, err = parseJSONValue(mb); err != nil {
			res.PayloadError = err.Error()
			return fmt.Errorf("cookiecodec: Rails message: %w", err)
		}
	default:
		inner = meta["data"] // Rails 7.1's message serializer keeps the data in place
	}
	// A nil pur (5.2's expiring cookies) binds nothing: Rails reads it
	// under any name, as it does a cookie with no envelope.
	if pur, _ := meta["pur"].(string); pur != "" {
		want := "cookie." + opts.Name
		res.Parts.Fields = append(res.Parts.Fields, Field{"purpose", pur})
		if pur != want {
			if named, ok := strings.CutPrefix(pur, "cookie."); ok && opts.Name == "session" {
				res.Name = named
				res.Warnings = append(res.Warnings, fmt.Sprintf("read as the cookie %q, which its envelope names (give --name to check another)", named))
			} else if res.Signature == Valid {
				res.Signature = Invalid
				res.Reason = fmt.Sprintf("the key is right, but the envelope says %q, not %q: Rails refuses a cookie made for another cookie name", pur, want)
			} else {
				res.Warnings = append(res.Warnings, fmt.Sprintf("the envelope says %q, not %q: Rails would refuse it under this name", pur, want))
			}
		}
	}
	if exp, _ := meta["exp"].(string); exp != "" {
		t, err := time.Parse(time.RFC3339Nano, exp)
		if err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("the envelope's exp %q is not a time", exp))
		} else {
			checkExpiry(res, t, false)
		}
	}
	setPlainValue(inner, res)
	if _, ok := res.Values["session_id"]; ok {
		res.About = append(res.About, "session_id identifies the session; _csrf_token is the form token Rails checks.")
	}
	return nil
}

// railsVerifier checks a Rails cookie: the HMAC of a signed one, or that
// AES-GCM opens an encrypted one, under both key derivation digests.
type railsVerifier struct {
	c       railsCookie
	salt    string // of a signed cookie's HMAC key
	matched string
}

func newRailsVerifier(value string, _ *Options) (Verifier, error) {
	c, err := splitRails(value)
	if err != nil {
		return nil, err
	}
	v := &railsVerifier{c: c, salt: RailsSignedSalt}
	if !c.encrypted {
		if b, err := base64.StdEncoding.DecodeString(c.data); err == nil {
			if _, ok := splitRailsLegacy(b); ok {
				v.salt = RailsLegacySignedSalt
			}
		}
	}
	return v, nil
}

func (v *railsVerifier) Verify(key []byte) bool {
	for _, d := range railsDigests() {
		if v.c.encrypted {
			if railsOpen(RailsKey(d.h, key, RailsEncryptedSalt, railsEncryptedKeyLn), &v.c) != nil {
				v.matched = d.name
				return true
			}
			continue
		}
		mh := sha1.New
		if len(v.c.digest) == sha256.Size {
			mh = sha256.New
		}
		m := hmac.New(mh, RailsKey(d.h, key, v.salt, railsSignedKeyLen))
		m.Write([]byte(v.c.data))
		if hmac.Equal(m.Sum(nil), v.c.digest) {
			v.matched = d.name
			return true
		}
	}
	return false
}

// Cost says why checking a key is slow.
func (v *railsVerifier) Cost() string {
	return fmt.Sprintf("each key costs two PBKDF2 derivations of %d rounds (SHA1 and SHA256)", RailsIterations)
}

// Rails before 5.2 (and later apps with use_authenticated_cookie_encryption
// false) encrypted cookies with AES-256-CBC and signed the result:
// b64(b64(ct)--b64(iv))--hex(HMAC-SHA1).
const (
	RailsLegacyEncryptedSalt = "encrypted cookie"
	RailsLegacySignedSalt    = "signed encrypted cookie"
)

type railsLegacyCookie struct{ ct, iv []byte }

// splitRailsLegacy reads the inner b64(ct)--b64(iv) of a pre-5.2 cookie.
func splitRailsLegacy(b []byte) (railsLegacyCookie, bool) {
	parts := strings.Split(string(b), "--")
	if len(parts) != 2 {
		return railsLegacyCookie{}, false
	}
	ct, err1 := base64.StdEncoding.DecodeString(parts[0])
	iv, err2 := base64.StdEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil || len(iv) != aes.BlockSize || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return railsLegacyCookie{}, false
	}
	return railsLegacyCookie{ct, iv}, true
}

// decodeRailsLegacy verifies and decrypts a pre-5.2 encrypted cookie.
func decodeRailsLegacy(l railsLegacyCookie, c railsCookie, opts *Options, res *Result) error {
	res.Encrypted = true
	res.Signature, res.KeyIndex = Unchecked, -1
	res.Parts.Shape = "base64(base64(ciphertext)--base64(IV))--hex(HMAC-SHA1): Rails' pre-5.2 encrypted cookie"
	res.Parts.Algorithm = "AES-256-CBC, then HMAC-SHA1 over the encrypted data"
	res.Parts.KeyDerivation = fmt.Sprintf("PBKDF2 of secret_key_base: salt %q (32 bytes) for AES, %q (64 bytes) for the HMAC", RailsLegacyEncryptedSalt, RailsLegacySignedSalt)
	res.Parts.Fields = []Field{{"ciphertext", fmt.Sprintf("%d bytes", len(l.ct))}, {"IV", hex.EncodeToString(l.iv)}, {"digest", hex.EncodeToString(c.digest)}}
	res.Warnings = append(res.Warnings, "a pre-5.2 encrypted cookie (AES-CBC + HMAC): Rails 6.1 still reads it and rewrites it as AES-GCM")
	if len(opts.Secrets) == 0 {
		res.PayloadError = "only the key derived from secret_key_base reads it: give secret_key_base with --secret"
		res.Reason = "no key given: an encrypted cookie can be neither read nor checked"
		return nil
	}
	res.Signature = Invalid
	res.Reason = "no secret_key_base verifies it (with either SHA1 or SHA256 key derivation): the key is wrong or the cookie was altered"
	for i, k := range opts.Secrets {
		for _, d := range railsDigests() {
			m := hmac.New(sha1.New, RailsKey(d.h, k, RailsLegacySignedSalt, railsSignedKeyLen))
			m.Write([]byte(c.data))
			if !hmac.Equal(m.Sum(nil), c.digest) {
				continue
			}
			block, err := aes.NewCipher(RailsKey(d.h, k, RailsLegacyEncryptedSalt, railsEncryptedKeyLn))
			if err != nil {
				return fmt.Errorf("cookiecodec: Rails: %w", err)
			}
			plain := make([]byte, len(l.ct))
			cipher.NewCBCDecrypter(block, l.iv).CryptBlocks(plain, l.ct)
			n := int(plain[len(plain)-1])
			if n == 0 || n > aes.BlockSize {
				res.PayloadError = "the digest is right but the padding is not"
				return fmt.Errorf("cookiecodec: Rails: %s", res.PayloadError)
			}
			res.Signature, res.Reason, res.KeyIndex = Valid, "", i
			return railsEnvelope(plain[:len(plain)-n], opts, res)
		}
	}
	res.PayloadError = "not decrypted"
	return nil
}
