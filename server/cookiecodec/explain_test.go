package cookiecodec_test

import (
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

func TestExplainText(t *testing.T) {
	tests := []struct {
		name   string
		cookie string
		opts   cookiecodec.Options
		want   []string
		absent []string
	}{
		{"gorilla keyless", lessonGorilla, cookiecodec.Options{Now: fixtureNow},
			[]string{"timestamp  1795633827", "issued   2026-11-25 19:10:27 UTC (16h49m ago)", "gob", `email = "kpatel@codingdojo.com"`, "UNCHECKED", "signed, not encrypted", "signed     session|1795633827|"},
			[]string{"EXPIRED", "VALID"}},
		{"gorilla verified", lessonGorilla, cookiecodec.Options{Now: fixtureNow, Secrets: [][]byte{[]byte("x"), []byte("ThisIsSecret")}},
			[]string{"VALID: verified with key #2", "expires  2026-12-25 19:10:27 UTC (max age 30 days)"}, nil},
		{"gorilla wrong name", lessonGorilla, cookiecodec.Options{Now: fixtureNow, Name: "formtest", Secrets: [][]byte{[]byte("ThisIsSecret")}},
			[]string{`INVALID: the key is right, but the cookie was signed under the name "session", not "formtest"`}, nil},
		{"flask expired", "eyJuYW1lIjoiT2xkIn0.X14QAA.t9SgxT9T0k5bXzs5mmKFhTnfmas", cookiecodec.Options{Now: fixtureNow, Secrets: [][]byte{[]byte("ThisIsSecret")}},
			[]string{"EXPIRED  at 2020-10-14 12:26:40 UTC", "VALID", `{"name":"Old"}`, `name = "Old"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := cookiecodec.Decode(tt.cookie, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := cookiecodec.ExplainText(res, nil)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("ExplainText lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(got, w) {
					t.Errorf("ExplainText has %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain Zoë 漢字", "plain Zoë 漢字"},
		{"\x1b[31mred", `\x1b[31mred`},
		{"bell\a", `bell\a`},
		{"c1 \u009b", `c1 \u009b`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"tab\tnl\n", `tab\tnl\n`},
	}
	for _, tt := range tests {
		if got := cookiecodec.EscapeText(tt.in); got != tt.want {
			t.Errorf("EscapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExplainEscapesValues(t *testing.T) {
	res := &cookiecodec.Result{Format: cookiecodec.Flask, Name: "s", Now: time.Now(), Signature: cookiecodec.Unchecked,
		Values: map[string]any{"k\x1b]0;x\a": "\x1b[2J\u009b"}, Warnings: []string{"w\x1b"}}
	got := cookiecodec.ExplainText(res, nil)
	if strings.ContainsAny(got, "\x1b\a\u009b") {
		t.Errorf("ExplainText printed a control character: %q", got)
	}
}

// TestExplainWellKnownKey checks that a cookie verified by a well-known
// key is explained as forgeable in its signature section, from the typed
// fields of the result, not by callers patching the section.
func TestExplainWellKnownKey(t *testing.T) {
	value, err := cookiecodec.Forge("session", map[string]string{"name": "Jay"}, []byte("ThisIsSecret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cookiecodec.Decode(value, cookiecodec.Options{Secrets: [][]byte{[]byte("ThisIsSecret")}})
	if err != nil {
		t.Fatal(err)
	}
	res.WellKnownKey, res.WellKnownFrom = "ThisIsSecret\x1b[31m", "built-in list of well-known keys"
	for _, s := range cookiecodec.Explain(res, nil) {
		if s.Title != "signature" {
			continue
		}
		text := strings.Join(s.Lines, "\n")
		if s.Tone != cookiecodec.Bad || !strings.Contains(text, "ANYONE CAN FORGE THIS SESSION") || !strings.Contains(text, `ThisIsSecret\x1b[31m`) || strings.Contains(text, "\x1b") {
			t.Errorf("signature section = %v %q; want Bad, forgeable, the key escaped", s.Tone, text)
		}
		return
	}
	t.Error("no signature section")
}
