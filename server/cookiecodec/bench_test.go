package cookiecodec_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

func BenchmarkDecode(b *testing.B) {
	flaskZ := readVectors[flaskVector](b, "testdata/flask-cookies.json")[15]
	profile := readVectors[gorillaVector](b, "testdata/gorilla-cookies.json")[11]
	encrypted := readVectors[gorillaVector](b, "testdata/gorilla-cookies.json")[7]
	benches := []struct {
		name   string
		cookie string
		opts   cookiecodec.Options
	}{
		{"gorilla/lesson", lessonGorilla, cookiecodec.Options{Secrets: [][]byte{[]byte("ThisIsSecret")}}},
		{"gorilla/lesson-keyless", lessonGorilla, cookiecodec.Options{}},
		{"gorilla/custom-struct", profile.Cookie, cookiecodec.Options{Name: profile.Name, Secrets: [][]byte{mustKey(b, profile.HashKey)}}},
		{"gorilla/encrypted", encrypted.Cookie, cookiecodec.Options{Secrets: [][]byte{[]byte(encrypted.HashKey)}, BlockKeys: [][]byte{mustKey(b, "hex:"+encrypted.BlockKey)}}},
		{"flask/lesson", lessonFlask, cookiecodec.Options{Secrets: [][]byte{[]byte("ThisIsSecret")}}},
		{"flask/zlib", flaskZ.Cookie, cookiecodec.Options{Secrets: [][]byte{[]byte(flaskZ.Secret)}}},
	}
	for _, bc := range benches {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.cookie)))
			for b.Loop() {
				if _, err := cookiecodec.Decode(bc.cookie, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFindWeakKey(b *testing.B) {
	for b.Loop() {
		cookiecodec.FindWeakKey(strongGorilla, cookiecodec.Options{Name: "formtest"})
	}
}

// frameworkBench is the first valid vector of each framework file, with
// its options.
func frameworkBench(b *testing.B) []struct {
	name  string
	value string
	opts  cookiecodec.Options
} {
	var out []struct {
		name  string
		value string
		opts  cookiecodec.Options
	}
	for _, file := range []string{"django.json", "jwt.json", "express-cookie-session.json", "express-session.json", "rails.json", "laravel.json"} {
		for _, v := range readVectors[frameworkVector](b, "testdata/frameworks/"+file) {
			if v.Valid == nil || !*v.Valid {
				continue
			}
			in, err := cookiecodec.ParseInput(v.input(), v.Name)
			if err != nil {
				b.Fatal(err)
			}
			var secret string
			json.Unmarshal(v.Secret, &secret)
			key := mustKey(b, secret)
			out = append(out, struct {
				name  string
				value string
				opts  cookiecodec.Options
			}{strings.TrimSuffix(file, ".json"), in.Value, cookiecodec.Options{Name: v.Name, Secrets: [][]byte{key}, Now: time.Unix(v.Now, 0), Companions: in.Companions, MaxAge: -1}})
			break
		}
	}
	return out
}

// BenchmarkDecodeFrameworks decodes and verifies one real cookie of each
// framework with its key.
func BenchmarkDecodeFrameworks(b *testing.B) {
	for _, bc := range frameworkBench(b) {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := cookiecodec.Decode(bc.value, bc.opts)
				if err != nil || res.Signature != cookiecodec.Valid {
					b.Fatalf("%v %v", err, res.Signature)
				}
			}
		})
	}
}

// BenchmarkVerify is one wrong key checked against one cookie of each
// framework: the cost of a key search, per key and core.
func BenchmarkVerify(b *testing.B) {
	cases := frameworkBench(b)
	cases = append(cases,
		struct {
			name  string
			value string
			opts  cookiecodec.Options
		}{"gorilla", lessonGorilla, cookiecodec.Options{}},
		struct {
			name  string
			value string
			opts  cookiecodec.Options
		}{"flask", lessonFlask, cookiecodec.Options{}})
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			v, err := cookiecodec.NewVerifier(bc.value, bc.opts)
			if err != nil {
				b.Fatal(err)
			}
			key := []byte("not-the-key-0123")
			b.ReportAllocs()
			for b.Loop() {
				if v.Verify(key) {
					b.Fatal("verified with a wrong key")
				}
			}
		})
	}
}
