package cookiecodec_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// checkDecode is what every fuzz target asserts: Decode never panics, a
// failure is an error with no control characters and never a decoder
// bug, and any result explains and reports without trouble.
func checkDecode(t *testing.T, value string, opts cookiecodec.Options) {
	res, err := cookiecodec.Decode(value, opts)
	if err != nil {
		if strings.Contains(err.Error(), "bug") {
			t.Fatalf("Decode(%q): %v", value, err)
		}
		if strings.ContainsAny(err.Error(), "\x00\x1b\r\n") {
			t.Fatalf("Decode(%q): the error holds a control character: %q", value, err)
		}
	}
	text := cookiecodec.ExplainText(res, err)
	if strings.ContainsAny(text, "\x00\x1b\r\a") {
		t.Fatalf("ExplainText(%q) printed a control character: %q", value, text)
	}
	if res == nil {
		return
	}
	_ = cookiecodec.MarshalValue(cookiecodec.NewReport(res, err))
	if res.Signature == cookiecodec.Valid && len(opts.Secrets) == 0 {
		t.Fatalf("Decode(%q) verified with no key", value)
	}
}

func fuzzOpts() cookiecodec.Options {
	return cookiecodec.Options{Secrets: [][]byte{[]byte("ThisIsSecret"), []byte("dev")}, Now: time.Unix(1795633827, 0)}
}

func FuzzDecodeGorilla(f *testing.F) {
	for _, v := range readVectors[gorillaVector](f, "testdata/gorilla-cookies.json") {
		f.Add(v.Cookie)
	}
	f.Fuzz(func(t *testing.T, value string) {
		opts := fuzzOpts()
		opts.Format = cookiecodec.Gorilla
		checkDecode(t, value, opts)
	})
}

// FuzzDecodeGorillaPayload fuzzes the bytes inside a gorilla cookie, which
// the gob decoder reads, wrapping them in a well-formed cookie.
func FuzzDecodeGorillaPayload(f *testing.F) {
	for _, v := range readVectors[gorillaVector](f, "testdata/gorilla-cookies.json") {
		raw, err := base64.URLEncoding.DecodeString(v.Cookie)
		if err != nil {
			f.Fatal(err)
		}
		parts := strings.SplitN(string(raw), "|", 3)
		if p, err := base64.URLEncoding.DecodeString(parts[1]); err == nil {
			f.Add(p)
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		inner := "1795633827|" + base64.URLEncoding.EncodeToString(payload) + "|" + strings.Repeat("m", 32)
		checkDecode(t, base64.URLEncoding.EncodeToString([]byte(inner)), fuzzOpts())
	})
}

func FuzzDecodeFlask(f *testing.F) {
	for _, v := range readVectors[flaskVector](f, "testdata/flask-cookies.json") {
		f.Add(v.Cookie)
	}
	f.Fuzz(func(t *testing.T, value string) {
		opts := fuzzOpts()
		opts.Format = cookiecodec.Flask
		checkDecode(t, value, opts)
	})
}

func FuzzDecodeAuto(f *testing.F) {
	for _, v := range readVectors[gorillaVector](f, "testdata/gorilla-cookies.json") {
		f.Add(v.Cookie)
	}
	for _, v := range readVectors[flaskVector](f, "testdata/flask-cookies.json") {
		f.Add(v.Cookie)
	}
	f.Fuzz(func(t *testing.T, value string) {
		checkDecode(t, value, fuzzOpts())
	})
}

func FuzzParseInput(f *testing.F) {
	for _, s := range []string{
		"session=abc", "Cookie: a=1; session=x", "Set-Cookie: session=x; Path=/; HttpOnly; SameSite=None",
		"HTTP/1.1 200 OK\r\nSet-Cookie: session=x; Max-Age=0\r\n", `"quoted%3D"`, "a=1; b=2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		in, err := cookiecodec.ParseInput(text, "")
		if err != nil {
			return
		}
		if in.Attributes != nil {
			_ = in.Attributes.Warnings(in.Name, time.Unix(1795633827, 0))
		}
		checkDecode(t, in.Value, fuzzOpts())
	})
}
