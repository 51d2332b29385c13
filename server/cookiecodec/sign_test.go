package cookiecodec_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// TestSignRoundTrip makes a cookie of every format Sign knows and reads it
// back with Decode: the right key verifies it and shows the values, a
// wrong key does not, and the format is detected from the value alone.
func TestSignRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	var values map[string]any
	if err := json.Unmarshal([]byte(`{"name":"admin","email":"a@b.c","n":3,"ok":true,"unicode":"Zoë 東京 🍪","html":"<b>&"}`), &values); err != nil {
		t.Fatal(err)
	}
	appKey := mustKey(t, "base64:K9SVjXADyesFzQ4+kkJoJTMOs5gaS/8DB+kRo+i+ibI=")
	tests := []struct {
		name string
		opts cookiecodec.SignOptions
	}{
		{"gorilla", cookiecodec.SignOptions{Format: cookiecodec.Gorilla, Secret: []byte("ThisIsSecret")}},
		{"gorilla encrypted", cookiecodec.SignOptions{Format: cookiecodec.Gorilla, Secret: []byte("ThisIsSecret"), BlockKey: []byte("0123456789abcdef0123456789abcdef")}},
		{"flask", cookiecodec.SignOptions{Format: cookiecodec.Flask, Secret: []byte("dev")}},
		{"flask salt", cookiecodec.SignOptions{Format: cookiecodec.Flask, Secret: []byte("dev"), Salt: "other"}},
		{"django", cookiecodec.SignOptions{Format: cookiecodec.Django, Secret: []byte("django-insecure-abc")}},
		{"express", cookiecodec.SignOptions{Format: cookiecodec.Express, Secret: []byte("keyboard cat")}},
		{"jwt", cookiecodec.SignOptions{Format: cookiecodec.JWT, Secret: []byte("secret"), Lifetime: time.Hour}},
		{"jwt HS512", cookiecodec.SignOptions{Format: cookiecodec.JWT, Secret: []byte("secret"), Alg: "HS512"}},
		{"rails encrypted", cookiecodec.SignOptions{Format: cookiecodec.Rails, Secret: []byte("f1c9a7e3b2d4"), Encrypted: true}},
		{"rails 7 signed", cookiecodec.SignOptions{Format: cookiecodec.Rails, Secret: []byte("f1c9a7e3b2d4"), Rails7: true, Lifetime: time.Hour}},
		{"laravel", cookiecodec.SignOptions{Format: cookiecodec.Laravel, Secret: appKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Now = now
			cookies, err := cookiecodec.Sign(values, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			header := make([]string, len(cookies))
			for i, c := range cookies {
				header[i] = c.Name + "=" + c.Value
			}
			in, err := cookiecodec.ParseInput("Cookie: "+strings.Join(header, "; "), cookies[0].Name)
			if err != nil {
				t.Fatal(err)
			}
			decode := func(key []byte) *cookiecodec.Result {
				opts := cookiecodec.Options{Name: in.Name, Secrets: [][]byte{key}, Salt: tt.opts.Salt, Now: now.Add(time.Minute), Companions: in.Companions}
				if tt.opts.BlockKey != nil {
					opts.BlockKeys = [][]byte{tt.opts.BlockKey}
					opts.Now = time.Now() // securecookie stamps its own clock
				}
				res, err := cookiecodec.Decode(in.Value, opts)
				if err != nil {
					t.Fatalf("Decode(%q): %v", in.Value, err)
				}
				return res
			}
			res := decode(tt.opts.Secret)
			if res.Format != tt.opts.Format {
				t.Errorf("detected %s, want %s", res.Format, tt.opts.Format)
			}
			if res.Signature != cookiecodec.Valid || res.Expired {
				t.Fatalf("signature %s (%s), expired %v; want valid", res.Signature, res.Reason, res.Expired)
			}
			got := asJSON(t, res.Values)
			if m, ok := got.(map[string]any); ok {
				delete(m, "iat")
				delete(m, "exp")
				delete(m, "_token")
			}
			if want := asJSON(t, values); !reflect.DeepEqual(got, want) {
				t.Errorf("Values = %v, want %v", got, want)
			}
			wrong := append([]byte("x"), tt.opts.Secret...)
			if tt.opts.Format == cookiecodec.Laravel {
				wrong = append([]byte{}, appKey...)
				wrong[0] ^= 1
			}
			if res := decode(wrong); res.Signature == cookiecodec.Valid {
				t.Errorf("a wrong key verifies it")
			}
			if v, err := cookiecodec.NewVerifier(in.Value, cookiecodec.Options{Name: in.Name, Salt: tt.opts.Salt, Companions: in.Companions}); err != nil {
				t.Errorf("NewVerifier: %v", err)
			} else if !v.Verify(tt.opts.Secret) || v.Verify(wrong) {
				t.Errorf("Verifier: right key %v, wrong key %v", v.Verify(tt.opts.Secret), v.Verify(wrong))
			}
		})
	}
}

func TestSignRefuses(t *testing.T) {
	if _, err := cookiecodec.Sign(map[string]any{"a": "b"}, cookiecodec.SignOptions{Format: cookiecodec.Flask}); err == nil {
		t.Error("signed with no key")
	}
	if _, err := cookiecodec.Sign(map[string]any{"a": []any{"x"}}, cookiecodec.SignOptions{Format: cookiecodec.Gorilla, Secret: []byte("k")}); err == nil {
		t.Error("gorilla accepted a list it cannot gob without registration")
	}
	if _, err := cookiecodec.Sign(nil, cookiecodec.SignOptions{Format: cookiecodec.Laravel, Secret: []byte("short")}); err == nil {
		t.Error("Laravel accepted a 5-byte APP_KEY")
	}
	if _, err := cookiecodec.Sign(nil, cookiecodec.SignOptions{Format: cookiecodec.JWT, Secret: []byte("k"), Alg: "none"}); err == nil {
		t.Error("made an alg none token")
	}
}

func TestUnserializePHP(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a:2:{s:4:"name";s:3:"Jay";s:1:"n";i:-4;}`, `{"n":-4,"name":"Jay"}`},
		{`a:3:{i:0;b:1;i:1;N;i:2;d:1.0E-7;}`, `[true,null,1e-7]`},
		{`a:2:{i:5;s:4:"five";i:9;s:4:"nine";}`, `{"5":"five","9":"nine"}`},
		{`O:8:"stdClass":1:{s:4:"role";s:5:"admin";}`, `{"$class":"stdClass","$properties":{"role":"admin"}}`},
		{"O:1:\"U\":2:{s:4:\"\x00U\x00a\";i:1;s:4:\"\x00*\x00b\";i:2;}", `{"$class":"U","$properties":{"a (private)":1,"b (protected)":2}}`},
		{`s:8:"Zoë 東";`, `"Zoë 東"`},
	}
	for _, tt := range tests {
		v, err := cookiecodec.UnserializePHP(tt.in)
		if err != nil {
			t.Errorf("UnserializePHP(%q): %v", tt.in, err)
			continue
		}
		if got := cookiecodec.MarshalValue(v); got != tt.want {
			t.Errorf("UnserializePHP(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{
		"", "N", "s:5:\"abc\";", "s:-1:\"\";", "a:99999999:{}", "i:x;", "b:2;",
		strings.Repeat("a:1:{i:0;", 40) + "N;" + strings.Repeat("}", 40),
		`a:1:{a:0:{}N;}`, "s:3:\"abc\";trailing", "X:1;",
	} {
		if v, err := cookiecodec.UnserializePHP(bad); err == nil {
			t.Errorf("UnserializePHP(%q) = %v, want an error", bad, v)
		}
	}
}
