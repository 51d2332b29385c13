package cookiecodec_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// fuzzVectors adds every framework vector of file to f, URL-decoded.
func fuzzVectors(f *testing.F, file string) {
	for _, v := range readVectors[frameworkVector](f, "testdata/frameworks/"+file) {
		c, err := url.PathUnescape(v.Cookie)
		if err != nil {
			c = v.Cookie
		}
		f.Add(c)
	}
}

func fuzzFormat(f *testing.F, format cookiecodec.Format, file string) {
	fuzzVectors(f, file)
	f.Fuzz(func(t *testing.T, value string) {
		opts := fuzzOpts()
		opts.Format = format
		checkDecode(t, value, opts)
		if v, err := cookiecodec.NewVerifier(value, opts); err == nil {
			v.Verify([]byte("ThisIsSecret"))
		}
	})
}

func FuzzDecodeDjango(f *testing.F) { fuzzFormat(f, cookiecodec.Django, "django.json") }
func FuzzDecodeJWT(f *testing.F)    { fuzzFormat(f, cookiecodec.JWT, "jwt.json") }
func FuzzDecodeExpress(f *testing.F) {
	fuzzFormat(f, cookiecodec.ExpressSession, "express-session.json")
}
func FuzzDecodeRails(f *testing.F)   { fuzzFormat(f, cookiecodec.Rails, "rails.json") }
func FuzzDecodeLaravel(f *testing.F) { fuzzFormat(f, cookiecodec.Laravel, "laravel.json") }

// FuzzDetect feeds every framework's vectors to the detector.
func FuzzDetect(f *testing.F) {
	for _, file := range []string{"django.json", "jwt.json", "express-cookie-session.json", "express-session.json", "rails.json", "laravel.json"} {
		fuzzVectors(f, file)
	}
	f.Fuzz(func(t *testing.T, value string) { checkDecode(t, value, fuzzOpts()) })
}

// FuzzUnserializePHP: the reader never panics, and what it accepts
// marshals as JSON.
func FuzzUnserializePHP(f *testing.F) {
	for _, v := range readVectors[struct {
		PHP string `json:"php_serialized"`
	}](f, "testdata/frameworks/laravel.json") {
		if v.PHP != "" {
			f.Add(v.PHP)
		}
	}
	f.Add(`a:1:{s:1:"a";O:8:"stdClass":1:{s:1:"b";C:3:"Foo":2:{xy}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := cookiecodec.UnserializePHP(s)
		if err != nil {
			return
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("UnserializePHP(%q) = %#v, which does not marshal: %v", s, v, err)
		}
	})
}

// FuzzLaravelPlaintext encrypts fuzzed plaintext as Laravel's
// EncryptCookies does, with a known APP_KEY, so the fuzzer reaches what
// only a key holder could send: the name prefix, the cookie session's JSON
// and the PHP reader.
func FuzzLaravelPlaintext(f *testing.F) {
	key := []byte("0123456789abcdef0123456789abcdef")
	prefix := cookiecodec.LaravelCookiePrefix(key, "laravel_session")
	f.Add(prefix + "abcdefghijabcdefghijabcdefghijabcdefghij")
	f.Add(prefix + `{"data":"a:1:{s:4:\"name\";s:3:\"Jay\";}","expires":1767232800}`)
	f.Add(`s:5:"hello";`)
	f.Fuzz(func(t *testing.T, plain string) {
		block, _ := aes.NewCipher(key)
		iv := make([]byte, 16)
		n := 16 - len(plain)%16
		padded := append([]byte(plain), []byte(strings.Repeat(string(rune(n)), n))...)
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
		ivb, vb := base64.StdEncoding.EncodeToString(iv), base64.StdEncoding.EncodeToString(padded)
		m := hmac.New(sha256.New, key)
		m.Write([]byte(ivb + vb))
		j, _ := json.Marshal(map[string]string{"iv": ivb, "value": vb, "mac": hex.EncodeToString(m.Sum(nil)), "tag": ""})
		opts := cookiecodec.Options{Name: "laravel_session", Secrets: [][]byte{key}, Now: time.Unix(1767225660, 0)}
		checkDecode(t, base64.StdEncoding.EncodeToString(j), opts)
	})
}

// FuzzRailsEnvelope signs fuzzed envelopes as a Rails signed cookie with a
// known secret_key_base, so the fuzzer reaches the _rails envelope reader.
func FuzzRailsEnvelope(f *testing.F) {
	secret := []byte("f1c9a7e3b2d4")
	key := cookiecodec.RailsKey(sha1.New, secret, cookiecodec.RailsSignedSalt, 64)
	f.Add(`{"_rails":{"message":"eyJhIjoxfQ==","exp":null,"pur":"cookie.user"}}`)
	f.Add(`{"_rails":{"data":{"a":1},"exp":"2026-01-01T01:00:00.000Z","pur":"cookie.user"}}`)
	f.Add(`{"a":[1,2,{"b":null}]}`)
	f.Fuzz(func(t *testing.T, envelope string) {
		data := base64.StdEncoding.EncodeToString([]byte(envelope))
		m := hmac.New(sha1.New, key)
		m.Write([]byte(data))
		opts := cookiecodec.Options{Name: "user", Secrets: [][]byte{secret}, Now: time.Unix(1767225660, 0)}
		checkDecode(t, data+"--"+hex.EncodeToString(m.Sum(nil)), opts)
	})
}
