package cookiecodec_test

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// signFlask makes a Flask cookie of payload (already serialized, and
// zlib'd when compressed) the way itsdangerous does.
func signFlask(secret string, payload []byte, compressed bool, ts int64) string {
	p := base64.RawURLEncoding.EncodeToString(payload)
	if compressed {
		p = "." + p
	}
	var tb [8]byte
	binary.BigEndian.PutUint64(tb[:], uint64(ts))
	signed := p + "." + base64.RawURLEncoding.EncodeToString(bytes.TrimLeft(tb[:], "\x00"))
	k := hmac.New(sha1.New, []byte(secret))
	k.Write([]byte("cookie-session"))
	m := hmac.New(sha1.New, k.Sum(nil))
	m.Write([]byte(signed))
	return signed + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func zlibOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestDecodeHostile(t *testing.T) {
	ts := fixtureNow.Unix() - 60
	bomb := signFlask("dev", zlibOf(t, bytes.Repeat([]byte{'0'}, 4<<20)), true, ts)
	truncatedZlib := zlibOf(t, []byte(`{"a":"`+strings.Repeat("b", 500)+`"}`))
	truncated := signFlask("dev", truncatedZlib[:len(truncatedZlib)/2], true, ts)
	deepJSON := signFlask("dev", zlibOf(t, []byte(strings.Repeat("[", 30000)+strings.Repeat("]", 30000))), true, ts)
	garbage := make([]byte, 3000)
	rand.Read(garbage)
	tests := []struct {
		name, value string
		format      cookiecodec.Format
		want        string
	}{
		{"empty", "", "", "empty"},
		{"whitespace", " \t ", "", "empty"},
		{"10 MB", strings.Repeat("A", 10<<20), "", "refusing anything over 8192"},
		{"zlib bomb", bomb, "", "too large"},
		{"truncated zlib", truncated, "", "zlib"},
		{"deep JSON", deepJSON, "", "json"},
		{"binary garbage", string(garbage), "", "not a cookie format formtest knows"},
		{"binary garbage as gorilla", string(garbage), cookiecodec.Gorilla, "malformed"},
		{"standard base64", "MTc5NTYz+zgyN3xEWDhF", "", "not a base64url character"},
		{"line break", "MTc5NTYz\nMzgyN3xE", cookiecodec.Gorilla, "a line break inside the value"},
		{"bad padding", "MTc5NTYzMzgyN3xEW=8F", cookiecodec.Gorilla, "malformed base64"},
		{"no parts", base64.URLEncoding.EncodeToString([]byte("1795633827")), "", "want timestamp|payload|mac"},
		{"bad timestamp", base64.URLEncoding.EncodeToString([]byte("17x|YQ==|m")), cookiecodec.Gorilla, "malformed timestamp"},
		{"opaque id", "FOR5Y35LO2CVFZSPGOCTBHDEMNZ6KYP5IWUSROS7VE6UK4BC2U4Q", "", "server-side session"},
		{"django bad timestamp", "eyJhIjoxfQ:1r-Q:abc", cookiecodec.Django, "malformed timestamp"},
		{"django bad payload", "eyJhIjox+Q:1rQ:abc", cookiecodec.Django, "not a base64url character"},
		{"flask no timestamp", "eyJhIjoxfQ.abc", cookiecodec.Flask, "timestamp is missing"},
		{"flask four dots", "a.b.eyJhIjoxfQ.awcxVA.sig", cookiecodec.Flask, "dots"},
		{"flask bad timestamp", "eyJhIjoxfQ.awcxVAawcxVAawcxVA.sig", cookiecodec.Flask, "malformed timestamp"},
		{"flask not json", signFlask("dev", []byte("not json"), false, ts), "", "json"},
		{"unknown format", "x", "rot13", "unknown format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := cookiecodec.Decode(tt.value, cookiecodec.Options{Format: tt.format, Now: fixtureNow, Secrets: [][]byte{[]byte("dev")}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode = %+v, %v; want an error containing %q", res, err, tt.want)
			}
			if strings.ContainsAny(err.Error(), "\x00\x1b\n") {
				t.Errorf("the error holds a control character: %q", err)
			}
		})
	}
}

func TestDecodeSignedBombNotExpanded(t *testing.T) {
	// Even correctly signed, a bomb is refused.
	bomb := signFlask("dev", zlibOf(t, bytes.Repeat([]byte{'0'}, 4<<20)), true, fixtureNow.Unix())
	res, err := cookiecodec.Decode(bomb, cookiecodec.Options{Now: fixtureNow, Secrets: [][]byte{[]byte("dev")}})
	if err == nil || res == nil || res.Signature != cookiecodec.Valid || res.Values != nil {
		t.Fatalf("Decode(signed bomb) = %+v, %v; want a valid signature, no values and an error", res, err)
	}
}

func TestEveryPrefixFails(t *testing.T) {
	for _, v := range readVectors[gorillaVector](t, "testdata/gorilla-cookies.json")[:1] {
		testPrefixes(t, v.Cookie, cookiecodec.Options{Name: v.Name, Secrets: [][]byte{[]byte(v.HashKey)}})
	}
	for _, v := range readVectors[flaskVector](t, "testdata/flask-cookies.json") {
		if strings.HasPrefix(v.Cookie, ".") {
			testPrefixes(t, v.Cookie, cookiecodec.Options{Secrets: [][]byte{[]byte(v.Secret)}})
			break
		}
	}
}

// testPrefixes checks that no proper prefix of cookie decodes as valid.
func testPrefixes(t *testing.T, cookie string, opts cookiecodec.Options) {
	t.Helper()
	opts.Now = fixtureNow
	for n := range len(cookie) {
		res, err := cookiecodec.Decode(cookie[:n], opts)
		if err == nil && res.Signature == cookiecodec.Valid {
			t.Errorf("Decode(first %d of %d characters) verified", n, len(cookie))
		}
		if err != nil && strings.Contains(err.Error(), "bug") {
			t.Errorf("Decode(first %d characters): %v", n, err)
		}
	}
}

func TestDecodeMaxAge(t *testing.T) {
	issued := fixtureNow.Add(-40 * 24 * time.Hour).Unix()
	old := signFlask("dev", []byte(`{"a":1}`), false, issued)
	future := signFlask("dev", []byte(`{"a":1}`), false, fixtureNow.Add(time.Hour).Unix())
	tests := []struct {
		name    string
		cookie  string
		maxAge  time.Duration
		expired bool
	}{
		{"default 31 days", old, 0, true},
		{"disabled", old, -1, false},
		{"50 days", old, 50 * 24 * time.Hour, false},
		{"future", future, 0, true},
		{"future unchecked", future, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := cookiecodec.Decode(tt.cookie, cookiecodec.Options{Now: fixtureNow, MaxAge: tt.maxAge, Secrets: [][]byte{[]byte("dev")}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Expired != tt.expired || res.Signature != cookiecodec.Valid {
				t.Errorf("Expired = %v, Signature %s; want %v, valid", res.Expired, res.Signature, tt.expired)
			}
		})
	}
}

func TestDecodeKeyRotation(t *testing.T) {
	res, err := cookiecodec.Decode(lessonFlask, cookiecodec.Options{Now: fixtureNow, Secrets: [][]byte{[]byte("new"), []byte("ThisIsSecret")}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Signature != cookiecodec.Valid || res.KeyIndex != 1 {
		t.Errorf("Signature %s, KeyIndex %d; want valid, 1", res.Signature, res.KeyIndex)
	}
}

func TestParseInput(t *testing.T) {
	const v = "MTc5NTYzMzgyN3xEWDhF=="
	tests := []struct {
		name, text, pick string
		wantName         string
		wantValue        string
		wantForm         string
		attrs            bool
		err              string
	}{
		{"bare", v, "", "", v, "value", false, ""},
		{"bare with newline", v + "\n", "", "", v, "value", false, ""},
		{"name=value", "session=" + v, "", "session", v, "name=value", false, ""},
		{"quoted", `"` + v + `"`, "", "", v, "value", false, ""},
		{"url-encoded", "MTc5NTYzMzgyN3xEWDhF%3D%3D", "", "", v, "value", false, ""},
		{"cookie header", "Cookie: a=1; session=" + v + "; b=2", "", "session", v, "Cookie header", false, ""},
		{"cookie header by name", "Cookie: a=1; my=" + v, "my", "my", v, "Cookie header", false, ""},
		{"cookie header, only cookie", "cookie: other=" + v, "", "other", v, "Cookie header", false, ""},
		{"cookie header without prefix", "a=1; session=" + v, "", "session", v, "Cookie header", false, ""},
		{"cookie header missing", "Cookie: a=1; b=2", "", "", "", "", false, `no cookie named "session"`},
		{"set-cookie", "Set-Cookie: session=" + v + "; Path=/; HttpOnly; SameSite=Lax", "", "session", v, "Set-Cookie", true, ""},
		{"set-cookie without prefix", "session=" + v + "; Path=/; Secure", "", "session", v, "Set-Cookie", true, ""},
		{"curl -i", "HTTP/1.1 303 See Other\r\nLocation: /show\r\nSet-Cookie: other=x\r\nSet-Cookie: session=" + v + "; Path=/\r\n\r\n", "", "session", v, "Set-Cookie", true, ""},
		{"curl -v", "> GET / HTTP/1.1\n< HTTP/1.1 200 OK\n< Set-Cookie: session=" + v + "\n", "", "session", v, "Set-Cookie", true, ""},
		{"lines without headers", "a\nb\n", "", "", "", "", false, "none is a Cookie or Set-Cookie header"},
		{"empty", "  \n", "", "", "", "", false, "empty"},
		{"bad url encoding", "abc%zz", "", "", "", "", false, "URL-encoded"},
		{"too many cookies", "Cookie: " + strings.Repeat("a=1; ", 3001) + "session=x", "", "", "", "", false, "Cookie header"},
		{"too long", strings.Repeat("a", cookiecodec.MaxInputLen+1), "", "", "", "", false, "over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := cookiecodec.ParseInput(tt.text, tt.pick)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseInput = %+v, %v; want an error containing %q", in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseInput: %v", err)
			}
			if in.Name != tt.wantName || in.Value != tt.wantValue || in.Form != tt.wantForm || (in.Attributes != nil) != tt.attrs {
				t.Errorf("ParseInput = %q %q %q attrs %v; want %q %q %q attrs %v", in.Name, in.Value, in.Form, in.Attributes != nil, tt.wantName, tt.wantValue, tt.wantForm, tt.attrs)
			}
		})
	}
}

func TestAttributeWarnings(t *testing.T) {
	tests := []struct {
		line string
		want []string
		not  []string
	}{
		{"session=x; Path=/; SameSite=None", []string{"SameSite=None without Secure", "no HttpOnly", "no Secure"}, nil},
		{"session=x; Path=/; HttpOnly; Secure; SameSite=Lax", nil, []string{"SameSite", "HttpOnly", "Secure"}},
		{"session=x; Max-Age=0", []string{"deletes the cookie"}, nil},
		{"session=x; Expires=Thu, 01 Jan 1970 00:00:01 GMT", []string{"deletes the cookie"}, nil},
		{"__Host-s=x; Path=/app; Secure; HttpOnly; SameSite=Strict", []string{"__Host-"}, nil},
		{"s=x; Domain=example.com; HttpOnly; Secure; SameSite=Lax", []string{"every subdomain"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			in, err := cookiecodec.ParseSetCookie(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(in.Attributes.Warnings(in.Name, fixtureNow), "\n")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("warnings lack %q:\n%s", w, got)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("warnings have %q:\n%s", w, got)
				}
			}
		})
	}
}

// signGorilla signs a gob payload the way securecookie does.
func signGorilla(key []byte, name string, ts int64, payload []byte) string {
	v := base64.URLEncoding.EncodeToString(payload)
	msg := fmt.Sprintf("%s|%d|%s", name, ts, v)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.URLEncoding.EncodeToString([]byte(fmt.Sprintf("%d|%s|", ts, v) + string(m.Sum(nil))))
}

// TestDecodeSignedGobBombs feeds the gob decoder hostile payloads behind a
// valid MAC: only caps stop them.
func TestDecodeSignedGobBombs(t *testing.T) {
	key := []byte("k")
	var deep any = "x"
	for range 110 {
		deep = []any{deep}
	}
	gob.Register([]any{})
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(map[any]any{"d": deep}); err != nil {
		t.Fatal(err)
	}
	deepGob := buf.Bytes()
	// A map type (id 64) whose value claims 2^62 entries.
	hugeMap := []byte{0x0d, 0x7f, 0x04, 0x01, 0x02, 0xff, 0x80, 0x00, 0x01, 0x10, 0x01, 0x10, 0x00, 0x00,
		0x0c, 0xff, 0x80, 0x00, 0xf8, 0x40, 0, 0, 0, 0, 0, 0, 0}
	// A struct type with 200 fields and a slice of 600 of them: 120,000
	// zero fields to fill in.
	wide := []byte{}
	{
		var def bytes.Buffer
		def.Write([]byte{0xff, 0x81, 0x03, 0x01, 0x01, 0x01, 'S', 0x01, 0xff, 0x82, 0x00, 0x01})
		def.Write([]byte{0xff, 0xc8}) // 200 fields
		for i := range 200 {
			def.Write([]byte{0x01, 0x03, 'f', byte('a' + i%26), byte('a' + i/26%26), 0x01, 0x04, 0x00})
		}
		def.Write([]byte{0x00, 0x00})
		wide = append(wide, 0xfe, byte(def.Len()>>8), byte(def.Len()))
		wide = append(wide, def.Bytes()...)
		slice := []byte{0xff, 0x83, 0x02, 0x01, 0x01, 0x01, 'L', 0x01, 0xff, 0x84, 0x00, 0x01, 0xff, 0x82, 0x00, 0x00}
		wide = append(wide, byte(len(slice)))
		wide = append(wide, slice...)
		val := []byte{0xff, 0x84, 0x00, 0xfe, 0x02, 0x58}
		val = append(val, bytes.Repeat([]byte{0x00}, 600)...)
		wide = append(wide, 0xfe, byte(len(val)>>8), byte(len(val)))
		wide = append(wide, val...)
	}
	tests := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"deep nesting", deepGob, "nest more than"},
		{"huge declared length", hugeMap, "exceeds the data"},
		{"wide structs", wide, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cookie := signGorilla(key, "session", fixtureNow.Unix(), tt.payload)
			res, err := cookiecodec.Decode(cookie, cookiecodec.Options{Secrets: [][]byte{key}, Now: fixtureNow})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode = %+v, %v; want an error containing %q", res, err, tt.want)
			}
			if res == nil || res.Signature != cookiecodec.Valid {
				t.Errorf("the signature should still verify: %+v", res)
			}
		})
	}
}

func TestFlaskLegacyTimestamp(t *testing.T) {
	// itsdangerous before 1.1 counted from 2011-01-01: 2019-06-01 was 265,507,200.
	cookie := signFlask("dev", []byte(`{"a":1}`), false, 265507200)
	res, err := cookiecodec.Decode(cookie, cookiecodec.Options{Now: fixtureNow, MaxAge: -1})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(res.Warnings, "\n"); !strings.Contains(w, "issued 2019-06-01 00:00:00 UTC") {
		t.Errorf("warnings lack the legacy reading: %q", w)
	}
}
