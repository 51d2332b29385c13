package cookiecodec_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/formtest/formtest/server/cookiecodec"
)

// Fixture cookies signed with keys from WeakKeys and with others.
const (
	lessonGorilla = "MTc5NTYzMzgyN3xEWDhFQVFMX2dBQUJFQUVRQUFCUl80QUFBZ1p6ZEhKcGJtY01CZ0FFYm1GdFpRWnpkSEpwYm1jTUJRQURTbUY1Qm5OMGNtbHVad3dIQUFWbGJXRnBiQVp6ZEhKcGJtY01Gd0FWYTNCaGRHVnNRR052WkdsdVoyUnZhbTh1WTI5dHwOiPxTE2oe3Qi02lLPyn9warE3CWZdSPERnhnP9vhStA=="
	lessonFlask   = "eyJuYW1lIjoiSmF5IiwiZW1haWwiOiJrcGF0ZWxAY29kaW5nZG9qby5jb20ifQ.awcxVA.is-cjB4Eof45qhUbv7p5055l_Co"
	strongGorilla = "MTc5NTYzMzgyN3xEWDhFQVFMX2dBQUJFQUVRQUFBRV80QUFBQT09fNQlQd5j040DSJFUmrayBCjVKBUA-59QO1YSYme2Nwi2"                              // formtest-fpllngziey
	unicodeFlask  = "eyJuYW1lIjoiWm9cdTAwZWIgeUJNV1hhIFx1NmYyMlx1NWI1NyIsImVtYWlsIjoiU0NyVVpAZXhhbXBsZS5jb20ifQ.awcxVA.7LN5qPuQu5F21Dwl-ux3_0Ou_rk" // iKüZWeqh
)

func TestFindWeakKey(t *testing.T) {
	tests := []struct {
		name, cookie string
		opts         cookiecodec.Options
		want         string // "" = none
	}{
		{"gorilla lesson key", lessonGorilla, cookiecodec.Options{}, "ThisIsSecret"},
		{"flask lesson key", lessonFlask, cookiecodec.Options{}, "ThisIsSecret"},
		{"flask dev", "e30.awcxVA.74AKodVGq35fMnVn3hmhHpzvTQM", cookiecodec.Options{}, "dev"},
		{"gorilla wrong name", lessonGorilla, cookiecodec.Options{Name: "other"}, ""},
		{"flask other salt", lessonFlask, cookiecodec.Options{Salt: "other"}, ""},
		{"strong gorilla key", strongGorilla, cookiecodec.Options{Name: "formtest"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, ok := cookiecodec.FindWeakKey(tt.cookie, tt.opts)
			if string(k) != tt.want || ok != (tt.want != "") {
				t.Errorf("FindWeakKey = %q, %v; want %q", k, ok, tt.want)
			}
		})
	}
}

func wordlist(n int, key string, at int) string {
	var b strings.Builder
	for i := range n {
		if i == at {
			b.WriteString(key + "\r\n")
			continue
		}
		fmt.Fprintf(&b, "guess-%d\n", i)
	}
	return b.String()
}

func TestSearchKeys(t *testing.T) {
	tests := []struct {
		name, cookie string
		opts         cookiecodec.Options
		words        string
		want         string
	}{
		{"gorilla found last", strongGorilla, cookiecodec.Options{Name: "formtest"}, wordlist(10000, "formtest-fpllngziey", 9999), "formtest-fpllngziey"},
		{"flask found first, CRLF", unicodeFlask, cookiecodec.Options{}, wordlist(10000, "iKüZWeqh", 0), "iKüZWeqh"},
		{"flask not found", unicodeFlask, cookiecodec.Options{}, wordlist(5000, "nope", 1), ""},
		{"empty list", unicodeFlask, cookiecodec.Options{}, "", ""},
		{"no final newline", lessonFlask, cookiecodec.Options{}, "a\nb\nThisIsSecret", "ThisIsSecret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last int64
			k, tried, err := cookiecodec.SearchKeys(context.Background(), tt.cookie, tt.opts, strings.NewReader(tt.words), cookiecodec.SearchOptions{Workers: 3, Progress: func(n int64) { last = n }})
			if err != nil {
				t.Fatalf("SearchKeys: %v", err)
			}
			if string(k) != tt.want {
				t.Errorf("SearchKeys = %q, want %q", k, tt.want)
			}
			if tt.want == "" && tried != int64(strings.Count(tt.words, "\n")) {
				t.Errorf("tried %d keys, want %d", tried, strings.Count(tt.words, "\n"))
			}
			if last != tried {
				t.Errorf("last progress %d, tried %d", last, tried)
			}
		})
	}
}

func TestSearchKeysCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := cookiecodec.SearchKeys(ctx, lessonFlask, cookiecodec.Options{}, strings.NewReader(wordlist(100000, "x", 1)), cookiecodec.SearchOptions{})
	if err != context.Canceled {
		t.Errorf("SearchKeys on a cancelled context: %v, want context.Canceled", err)
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"ThisIsSecret", "ThisIsSecret", false},
		{"hex:00ff41", "\x00\xffA", false},
		{"base64:AP9B", "\x00\xffA", false},
		{"base64:_-8", "\xff\xef", false},
		{"hex:zz", "", true},
		{"base64:!!", "", true},
		{"", "", true},
		{"hex:", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, err := cookiecodec.ParseKey(tt.in)
			if (err != nil) != tt.err || string(k) != tt.want {
				t.Errorf("ParseKey(%q) = %q, %v; want %q (error %v)", tt.in, k, err, tt.want, tt.err)
			}
		})
	}
}

func BenchmarkSearchKeys(b *testing.B) {
	for _, bc := range []struct{ name, cookie string }{{"flask", unicodeFlask}, {"gorilla", lessonGorilla}} {
		words := wordlist(200000, "not-there", -1)
		b.Run(bc.name, func(b *testing.B) {
			var total int64
			for b.Loop() {
				_, n, err := cookiecodec.SearchKeys(context.Background(), bc.cookie, cookiecodec.Options{}, strings.NewReader(words), cookiecodec.SearchOptions{})
				if err != nil {
					b.Fatal(err)
				}
				total += n
			}
			b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "keys/s")
		})
	}
}
