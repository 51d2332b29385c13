package cookiecodec_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// signDjangoValue signs payload64 (already base64, maybe "."-prefixed) as
// django.core.signing does for the session backend.
func signDjangoValue(secret, payload64 string, ts string) string {
	k := sha256.Sum256([]byte(cookiecodec.DjangoSalt + "signer" + secret))
	m := hmac.New(sha256.New, k[:])
	signed := payload64 + ":" + ts
	m.Write([]byte(signed))
	return signed + ":" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// TestDecodeHostileFrameworks: the new decoders refuse hostile input with
// an error, quickly, even when it is signed with the right key.
func TestDecodeHostileFrameworks(t *testing.T) {
	now := time.Unix(1767225660, 0)
	bomb := signDjangoValue("k", "."+base64.RawURLEncoding.EncodeToString(zlibOf(t, bytes.Repeat([]byte{'0'}, 4<<20))), "1vb66i")
	deep := signDjangoValue("k", "."+base64.RawURLEncoding.EncodeToString(zlibOf(t, []byte(strings.Repeat("[", 30000)+strings.Repeat("]", 30000)))), "1vb66i")
	tests := []struct {
		name, value string
		format      cookiecodec.Format
		want        string
	}{
		{"django zlib bomb", bomb, "", "too large"},
		{"django deep json", deep, "", "json"},
		{"django bad base62", "eyJhIjoxfQ:1v_b66i:abc", cookiecodec.Django, "timestamp"},
		{"jwt header not json", "eyJhbGciOiJIUzI1NiJ.e30.sig", cookiecodec.JWT, "header"},
		{"jwt two parts", "eyJhbGciOiJIUzI1NiJ9.e30", cookiecodec.JWT, "parts"},
		{"rails bad iv", "YQ==--YQ==--YWFhYWFhYWFhYWFhYWFhYQ==", cookiecodec.Rails, "IV"},
		{"rails bad digest", "YQ==--zz", cookiecodec.Rails, "digest"},
		{"laravel not json", base64.StdEncoding.EncodeToString([]byte("{nope")), cookiecodec.Laravel, "Laravel"},
		{"laravel no mac or tag", base64.StdEncoding.EncodeToString([]byte(`{"iv":"AAAAAAAAAAAAAAAAAAAAAA==","value":"YQ==","mac":"","tag":""}`)), cookiecodec.Laravel, "neither"},
		{"express not base64", "@@@", cookiecodec.Express, "malformed"},
		{"express-session no dot", "s:abc", cookiecodec.ExpressSession, "'.'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := cookiecodec.Decode(tt.value, cookiecodec.Options{Format: tt.format, Now: now, Secrets: [][]byte{[]byte("k")}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode = %v; want an error containing %q", err, tt.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
