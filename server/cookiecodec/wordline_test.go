package cookiecodec_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/formtest/formtest/server/cookiecodec"
)

// recorder is a KeyChecker that verifies no key and records every key
// it is asked about.
type recorder struct {
	mu   sync.Mutex
	keys []string
}

func (r *recorder) Check(key []byte) bool {
	r.mu.Lock()
	r.keys = append(r.keys, string(key))
	r.mu.Unlock()
	return false
}

func (*recorder) Cost() cookiecodec.KeyCost { return cookiecodec.KeyCost{Work: "records keys"} }

// keysOf returns the keys SearchKeys tries for one wordlist line.
func keysOf(t *testing.T, line string, f cookiecodec.WordlistFormat) ([]string, cookiecodec.SearchStats) {
	t.Helper()
	r := &recorder{}
	res, err := cookiecodec.SearchKeys(t.Context(), r, strings.NewReader(line+"\n"), cookiecodec.SearchOptions{Format: f, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return r.keys, res.Stats
}

func TestWordlistLines(t *testing.T) {
	tests := []struct {
		line   string
		format cookiecodec.WordlistFormat
		want   []string // nil: skipped
	}{
		// Plain lines, and what auto does with them.
		{"secret", cookiecodec.WordlistAuto, []string{"secret"}},
		{"keyboard cat", cookiecodec.WordlistAuto, []string{"keyboard cat"}},
		{" spaced ", cookiecodec.WordlistAuto, []string{" spaced "}},
		{"'secret'", cookiecodec.WordlistPlain, []string{"'secret'"}},
		{"c2VjcmV0", cookiecodec.WordlistPlain, []string{"c2VjcmV0"}},
		// Python literals, as Flask-Unsign-Wordlist writes them.
		{"'secret'", cookiecodec.WordlistAuto, []string{"secret"}},
		{`"double"`, cookiecodec.WordlistAuto, []string{"double"}},
		{`b'\x00\xffA'`, cookiecodec.WordlistAuto, []string{"\x00\xffA"}},
		{`'\xe9t\xe9'`, cookiecodec.WordlistPython, []string{"été"}}, // a str's \xe9 is U+00E9, sent as UTF-8
		{`b'\xe9'`, cookiecodec.WordlistPython, []string{"\xe9"}},    // a bytes literal's is the byte
		{`'\u00e9\U0001F600'`, cookiecodec.WordlistPython, []string{"é😀"}},
		{`b'\u00e9'`, cookiecodec.WordlistPython, []string{`\u00e9`}}, // no \u in bytes
		{`'a\'b\"c\\d'`, cookiecodec.WordlistPython, []string{`a'b"c\d`}},
		{`'\n\t\r\a\b\f\v\0\101\7'`, cookiecodec.WordlistPython, []string{"\n\t\r\a\b\f\v\x00A\x07"}},
		{`'\d\q'`, cookiecodec.WordlistPython, []string{`\d\q`}}, // unknown escapes stay
		{`r'\x00\n'`, cookiecodec.WordlistPython, []string{`\x00\n`}},
		{`rb'\'x'`, cookiecodec.WordlistPython, []string{`\'x`}},
		{`u'café'`, cookiecodec.WordlistPython, []string{"café"}},
		{`'''tri'ple'''`, cookiecodec.WordlistPython, []string{"tri'ple"}},
		{"  'padded'\t", cookiecodec.WordlistPython, []string{"padded"}},
		{`'it's'`, cookiecodec.WordlistPython, nil},
		{`'open`, cookiecodec.WordlistPython, nil},
		{`'ends\'`, cookiecodec.WordlistPython, nil},
		{`b'café'`, cookiecodec.WordlistPython, nil},
		{`'\x4'`, cookiecodec.WordlistPython, nil},
		{`'\ud800'`, cookiecodec.WordlistPython, nil},
		{`'\N{BULLET}'`, cookiecodec.WordlistPython, nil},
		{`''`, cookiecodec.WordlistPython, nil},
		{`ub'x'`, cookiecodec.WordlistPython, nil},
		{`plain`, cookiecodec.WordlistPython, nil},
		// A line auto cannot read as a literal is tried as written.
		{`'it's'`, cookiecodec.WordlistAuto, []string{`'it's'`}},
		// base64 (CookieMonster): auto tries a base64-looking line both ways.
		{"c2VjcmV0", cookiecodec.WordlistAuto, []string{"c2VjcmV0", "\x73\x65\x63\x72\x65\x74"}},
		{"a2V5Ym9hcmQgY2F0", cookiecodec.WordlistAuto, []string{"a2V5Ym9hcmQgY2F0", "keyboard cat"}},
		{"3q2+7w==", cookiecodec.WordlistAuto, []string{"3q2+7w==", "\xde\xad\xbe\xef"}},
		{"3q2-7w==", cookiecodec.WordlistAuto, []string{"3q2-7w==", "\xde\xad\xbe\xef"}},
		{"3q2+7w-=", cookiecodec.WordlistAuto, []string{"3q2+7w-="}}, // two alphabets
		{"secrets", cookiecodec.WordlistAuto, []string{"secrets"}},   // 7 characters: not padded base64
		{"3q2+7w", cookiecodec.WordlistBase64, []string{"\xde\xad\xbe\xef"}},
		{"c2VjcmV0", cookiecodec.WordlistBase64, []string{"secret"}},
		{"not base64!", cookiecodec.WordlistBase64, nil},
		// formtest's own notation.
		{"hex:00ff41", cookiecodec.WordlistAuto, []string{"\x00\xffA"}},
		{"base64:AP9B", cookiecodec.WordlistAuto, []string{"\x00\xffA"}},
		{"hex:not-hex", cookiecodec.WordlistAuto, []string{"hex:not-hex"}},
		{"hex:00ff41", cookiecodec.WordlistPlain, []string{"hex:00ff41"}},
		// Skipped everywhere.
		{"", cookiecodec.WordlistAuto, nil},
		{strings.Repeat("k", cookiecodec.MaxKeyLine+1), cookiecodec.WordlistPlain, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.format)+"/"+tt.line[:min(len(tt.line), 24)], func(t *testing.T) {
			got, stats := keysOf(t, tt.line, tt.format)
			if strings.Join(got, "\x00|") != strings.Join(tt.want, "\x00|") || len(got) != len(tt.want) {
				t.Errorf("keys %q, want %q", got, tt.want)
			}
			if skipped := stats.Skipped() == 1; skipped != (tt.want == nil) {
				t.Errorf("stats %+v: skipped %v, want %v", stats, skipped, tt.want == nil)
			}
		})
	}
}

func TestParseWordlistFormat(t *testing.T) {
	for in, want := range map[string]cookiecodec.WordlistFormat{"": "auto", "AUTO": "auto", "plain": "plain", "python": "python", "base64": "base64"} {
		if f, err := cookiecodec.ParseWordlistFormat(in); err != nil || f != want {
			t.Errorf("ParseWordlistFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := cookiecodec.ParseWordlistFormat("hex"); err == nil {
		t.Error("ParseWordlistFormat(hex) did not fail")
	}
}

func FuzzWordlistLine(f *testing.F) {
	for _, s := range []string{"'a'", `b'\x00'`, "c2VjcmV0", "hex:00", `'\u00e9'`, `r'\'`, `'''x'''`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, fm := range []cookiecodec.WordlistFormat{cookiecodec.WordlistAuto, cookiecodec.WordlistPython, cookiecodec.WordlistBase64} {
			r := &recorder{}
			res, err := cookiecodec.SearchKeys(t.Context(), r, strings.NewReader(line), cookiecodec.SearchOptions{Format: fm, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range r.keys {
				if k == "" {
					t.Errorf("%s: an empty key from %q", fm, line)
				}
			}
			if res.Stats.Keys > 2*res.Stats.Lines {
				t.Errorf("%s: %d keys from %d lines", fm, res.Stats.Keys, res.Stats.Lines)
			}
		}
	})
}
