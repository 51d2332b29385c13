package cookiecodec_test

import (
	"testing"

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
