package cookiecodec_test

import (
	"context"
	"fmt"
	"io"
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

// search runs SearchKeys on a cookie with the words given.
func search(t testing.TB, cookie string, opts cookiecodec.Options, words io.Reader, so cookiecodec.SearchOptions) (cookiecodec.SearchResult, error) {
	t.Helper()
	c, err := cookiecodec.NewKeyChecker(cookie, opts)
	if err != nil {
		t.Fatalf("NewKeyChecker: %v", err)
	}
	return cookiecodec.SearchKeys(context.Background(), c, words, so)
}

func TestSearchKeys(t *testing.T) {
	tests := []struct {
		name, cookie string
		opts         cookiecodec.Options
		words        string
		want         string
		line         int64
	}{
		{"gorilla found last", strongGorilla, cookiecodec.Options{Name: "formtest"}, wordlist(10000, "formtest-fpllngziey", 9999), "formtest-fpllngziey", 10000},
		{"flask found first, CRLF", unicodeFlask, cookiecodec.Options{}, wordlist(10000, "iKüZWeqh", 0), "iKüZWeqh", 1},
		{"flask not found", unicodeFlask, cookiecodec.Options{}, wordlist(5000, "nope", 1), "", 0},
		{"empty list", unicodeFlask, cookiecodec.Options{}, "", "", 0},
		{"no final newline", lessonFlask, cookiecodec.Options{}, "a\nb\nThisIsSecret", "ThisIsSecret", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last cookiecodec.SearchStats
			res, err := search(t, tt.cookie, tt.opts, strings.NewReader(tt.words), cookiecodec.SearchOptions{Workers: 3, Format: cookiecodec.WordlistPlain,
				Progress: func(s cookiecodec.SearchStats) { last = s }})
			if err != nil {
				t.Fatalf("SearchKeys: %v", err)
			}
			if string(res.Key) != tt.want || res.Line != tt.line {
				t.Errorf("SearchKeys = %q on line %d, want %q on line %d", res.Key, res.Line, tt.want, tt.line)
			}
			if n := int64(strings.Count(tt.words, "\n")); tt.want == "" && (res.Stats.Keys != n || res.Stats.Lines != n || res.Stats.Bytes != int64(len(tt.words))) {
				t.Errorf("stats %+v, want %d keys and lines, %d bytes", res.Stats, n, len(tt.words))
			}
			if last != res.Stats {
				t.Errorf("last progress %+v, result %+v", last, res.Stats)
			}
		})
	}
}

func TestSearchKeysCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, err := cookiecodec.NewKeyChecker(lessonFlask, cookiecodec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cookiecodec.SearchKeys(ctx, c, strings.NewReader(wordlist(100000, "x", 1)), cookiecodec.SearchOptions{})
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

func TestWeakKeyLists(t *testing.T) {
	seen := map[string]string{}
	for _, l := range cookiecodec.WeakKeyLists() {
		if l.Source == "" || len(l.Keys) == 0 {
			t.Errorf("list %q has %d keys", l.Source, len(l.Keys))
		}
		for _, k := range l.Keys {
			if prev, dup := seen[k]; dup {
				t.Errorf("%q is in both %q and %q", k, prev, l.Source)
			}
			seen[k] = l.Source
		}
	}
	if n := len(cookiecodec.WeakKeys()); n != len(seen) {
		t.Errorf("WeakKeys has %d keys, the lists %d", n, len(seen))
	}
	for _, k := range []string{"ThisIsSecret", "keyboard cat", "your-256-bit-secret", "shhhhhhared-secret", "django_tests_secret_key",
		"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET", "django-insecure-4x!0v9wz$kq6p#r@m2t8y&b1n3c5d7f9g0h2j4k6l8", "short"} {
		if !cookiecodec.IsWeakKey([]byte(k)) {
			t.Errorf("IsWeakKey(%q) = false", k)
		}
	}
	for _, k := range []string{"Zq3v9XkW2pLm8RtY4bNc6HdJ", "not-django-insecure-but-long-enough"} {
		if cookiecodec.IsWeakKey([]byte(k)) {
			t.Errorf("IsWeakKey(%q) = true", k)
		}
	}
}

func TestFindWeakKeyWithNames(t *testing.T) {
	c, err := cookiecodec.NewKeyChecker(lessonFlask, cookiecodec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if k, list, ok := cookiecodec.FindWeakKeyWith(context.Background(), c); !ok || string(k) != "ThisIsSecret" || !strings.Contains(list, "lesson") {
		t.Errorf("FindWeakKeyWith = %q, %q, %v", k, list, ok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, ok := cookiecodec.FindWeakKeyWith(ctx, c); ok {
		t.Error("FindWeakKeyWith found a key on a cancelled context")
	}
	if _, err := cookiecodec.NewKeyChecker("abcdefghijklmnopqrstuvwxyz012345", cookiecodec.Options{}); err == nil { // a Django database id: nothing signed
		t.Error("NewKeyChecker took a value of no searchable format")
	}
}
