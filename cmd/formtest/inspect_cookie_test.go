package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Cookies made by the real libraries (server/cookiecodec/testdata).
const (
	tLessonGorilla = "MTc5NTYzMzgyN3xEWDhFQVFMX2dBQUJFQUVRQUFCUl80QUFBZ1p6ZEhKcGJtY01CZ0FFYm1GdFpRWnpkSEpwYm1jTUJRQURTbUY1Qm5OMGNtbHVad3dIQUFWbGJXRnBiQVp6ZEhKcGJtY01Gd0FWYTNCaGRHVnNRR052WkdsdVoyUnZhbTh1WTI5dHwOiPxTE2oe3Qi02lLPyn9warE3CWZdSPERnhnP9vhStA=="
	tStrongGorilla = "MTc5NTYzMzgyN3xEWDhFQVFMX2dBQUJFQUVRQUFBRV80QUFBQT09fNQlQd5j040DSJFUmrayBCjVKBUA-59QO1YSYme2Nwi2"                                                                                                                                                                                                                         // formtest-fpllngziey, name formtest
	tProfile       = "MTc5NTYzMzgyN3xEWDhFQVFMX2dBQUJFQUVRQUFCZF80QUFBUVp6ZEhKcGJtY01DUUFIY0hKdlptbHNaUXh0WVdsdUxsQnliMlpwYkdYX2hRTUJBUWRRY205bWFXeGxBZi1HQUFFRUFRUk9ZVzFsQVF3QUFRTkJaMlVCQkFBQkJGUmhaM01CXzRJQUFRVkJaRzFwYmdFQ0FBQUFEUC1CQWdFQ180SUFBUXdBQUJMX2hnOEJBMEZrWVFGSUFRRUViV0YwYUFBPXzUg8SVrM0Uvf9PtN3eLfIczJdlVN2CYbecfzftrqYndA==" // name my-app_sess
	tFlaskStrong   = "eyJuYW1lIjoiWm9cdTAwZWIgeUJNV1hhIFx1NmYyMlx1NWI1NyIsImVtYWlsIjoiU0NyVVpAZXhhbXBsZS5jb20ifQ.awcxVA.7LN5qPuQu5F21Dwl-ux3_0Ou_rk"                                                                                                                                                                                            // iKüZWeqh
	tFlaskOld      = "eyJuYW1lIjoiT2xkIn0.X14QAA.t9SgxT9T0k5bXzs5mmKFhTnfmas"                                                                                                                                                                                                                                                                   // ThisIsSecret, 2020
	tNow           = "2026-11-26T12:00:00Z"
)

type inspectRun struct {
	stdout, stderr string
	code           int
}

// runInspect runs runInspectCookie with opts and the given stdin.
func runInspect(t *testing.T, opts *inspectOptions, stdin string) inspectRun {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.In, opts.Out, opts.ErrOut = strings.NewReader(stdin), &out, &errOut
	if opts.Now == "" {
		opts.Now = tNow
	}
	if opts.Name == "" {
		opts.Name = "session"
	}
	if opts.Salt == "" {
		opts.Salt = "cookie-session"
	}
	if opts.Format == "" {
		opts.Format = "auto"
	}
	err := runInspectCookie(context.Background(), opts)
	r := inspectRun{stdout: out.String(), stderr: errOut.String()}
	var e *exitError
	switch {
	case err == nil:
	case errors.As(err, &e):
		r.code = e.code
		if e.err != nil {
			r.stderr += e.err.Error()
		}
	default:
		t.Fatalf("runInspectCookie returned %v, not an exitError", err)
	}
	return r
}

func TestRunInspectCookie(t *testing.T) {
	tests := []struct {
		name   string
		opts   inspectOptions
		stdin  string
		code   int
		want   []string // in stdout
		stderr string
	}{
		{"bare gorilla, weak key found", inspectOptions{Arg: tLessonGorilla}, "", 0,
			[]string{`email = "kpatel@codingdojo.com"`, `VALID, but signed with the well-known key "ThisIsSecret"`, "ANYONE CAN FORGE", "signed, not encrypted"}, ""},
		{"gorilla with its key and name", inspectOptions{Arg: tStrongGorilla, Keys: keyFlags{Secrets: []string{"formtest-fpllngziey"}}, Name: "formtest", NameSet: true}, "", 0,
			[]string{"VALID: verified with key #1", "(no values: an empty session)"}, ""},
		{"key rotation", inspectOptions{Arg: tStrongGorilla, Keys: keyFlags{Secrets: []string{"new-key", "formtest-fpllngziey"}}, Name: "formtest", NameSet: true}, "", 0,
			[]string{"VALID: verified with key #2"}, ""},
		{"gorilla under the wrong name", inspectOptions{Arg: tStrongGorilla, Keys: keyFlags{Secrets: []string{"formtest-fpllngziey"}}}, "", 1,
			[]string{`signed under the name "formtest", not "session"`}, ""},
		{"gorilla, strong key unknown", inspectOptions{Arg: "formtest=" + tStrongGorilla}, "", 0,
			[]string{"UNCHECKED: no key given, and none of the built-in well-known keys verifies it", "read from name=value"}, ""},
		{"custom gob type", inspectOptions{Arg: tProfile, Name: "my-app_sess", NameSet: true, Keys: keyFlags{Secrets: []string{"hex:9b15f72dfd81300d2a5c4248984b66b29255ab0b6ef073edce6ea9219d6a73d9"}}}, "", 0,
			[]string{"VALID: verified with key #1", `profile = {"$type":"main.Profile","Admin":false,"Age":36,"Name":"Ada","Tags":["math"]}`}, ""},
		{"flask from stdin, wrong key", inspectOptions{Keys: keyFlags{Secrets: []string{"nope"}}}, tFlaskStrong + "\n", 1,
			[]string{"INVALID: no key verifies this cookie", `name = "Zoë yBMWXa 漢字"`}, ""},
		{"flask from stdin dash, env key", inspectOptions{Arg: "-", Keys: keyFlags{EnvSecret: "iKüZWeqh"}}, tFlaskStrong, 0,
			[]string{"VALID: verified with key #1"}, ""},
		{"flask expired", inspectOptions{Arg: tFlaskOld, Keys: keyFlags{Secrets: []string{"ThisIsSecret"}}}, "", 1,
			[]string{"EXPIRED  at 2020-10-14 12:26:40 UTC"}, ""},
		{"flask, age check off", inspectOptions{Arg: tFlaskOld, Keys: keyFlags{Secrets: []string{"ThisIsSecret"}}, MaxAgeSet: true}, "", 0,
			[]string{"max age  not checked"}, ""},
		{"cookie header", inspectOptions{Arg: "Cookie: theme=dark; session=" + tFlaskStrong + "; x=1"}, "", 0,
			[]string{`picked "session" from the 3 cookies`}, ""},
		{"set-cookie with attributes", inspectOptions{Arg: "Set-Cookie: session=" + tFlaskStrong + "; Path=/; SameSite=None"}, "", 0,
			[]string{"Set-Cookie attributes", "SameSite=None without Secure", "no HttpOnly"}, ""},
		{"deleting set-cookie", inspectOptions{Arg: "Set-Cookie: session=; Max-Age=0; Path=/"}, "", 0,
			[]string{"deletes the cookie"}, ""},
		{"url-encoded and quoted", inspectOptions{Arg: `"` + strings.ReplaceAll(tLessonGorilla, "=", "%3D") + `"`}, "", 0,
			[]string{"URL-decoded the value", "removed the quotes"}, ""},
		{"garbage", inspectOptions{Arg: "\x1b[31mnot a cookie"}, "", 2, nil, `\x1b`},
		{"opaque id", inspectOptions{Arg: "FOR5Y35LO2CVFZSPGOCTBHDEMNZ6KYP5IWUSROS7VE6UK4BC2U4Q"}, "", 2, nil, "server-side session"},
		{"empty stdin", inspectOptions{}, " \n", 2, nil, "empty"},
		{"10 MB on stdin", inspectOptions{}, strings.Repeat("A", 10<<20), 2, nil, "refusing it"},
		{"truncated cookie", inspectOptions{Arg: tLessonGorilla[:50]}, "", 2, nil, "malformed base64"},
		{"truncated cookie, whole quads", inspectOptions{Arg: tLessonGorilla[:52]}, "", 2, nil, "not a gorilla cookie"},
		{"bad format flag", inspectOptions{Arg: tFlaskStrong, Format: "jwt"}, "", 2, nil, "--format"},
		{"bad block key", inspectOptions{Arg: tFlaskStrong, BlockKeys: []string{"short"}}, "", 2, nil, "16, 24 or 32 bytes, not 5"},
		{"bad hex secret", inspectOptions{Arg: tFlaskStrong, Keys: keyFlags{Secrets: []string{"hex:zz"}}}, "", 2, nil, "--secret"},
		{"negative max age", inspectOptions{Arg: tFlaskStrong, MaxAge: -time.Second}, "", 2, nil, "negative"},
		{"url and cookie", inspectOptions{Arg: tFlaskStrong, URL: "http://127.0.0.1:1/"}, "", 2, nil, "not both"},
		{"wordlist with secret", inspectOptions{Arg: tFlaskStrong, Wordlist: "x", Keys: keyFlags{Secrets: []string{"k"}}}, "", 2, nil, "--wordlist"},
		{"missing wordlist", inspectOptions{Arg: tFlaskStrong, Wordlist: filepath.Join(t.TempDir(), "none")}, "", 2, nil, "--wordlist"},
		{"bad now", inspectOptions{Arg: tFlaskStrong, Now: "yesterday"}, "", 2, nil, "--now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runInspect(t, &tt.opts, tt.stdin)
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "\x1b") {
				t.Errorf("printed an escape character without a terminal:\n%q\n%q", r.stdout, r.stderr)
			}
		})
	}
}

func TestRunInspectCookieJSON(t *testing.T) {
	tests := []struct {
		name string
		opts inspectOptions
		code int
		want map[string]any // top-level fields to compare as JSON
	}{
		{"gorilla weak key", inspectOptions{Arg: tLessonGorilla}, 0, map[string]any{
			"format": "gorilla", "name": "session", "signature": "valid", "weak_key": "ThisIsSecret", "expired": false,
			"issued_at": "2026-11-25T19:10:27Z", "encrypted": false, "compressed": false, "size": float64(232),
			"values": map[string]any{"email": "kpatel@codingdojo.com", "name": "Jay"}, "session_id": nil, "attributes": nil, "error": nil}},
		{"flask invalid", inspectOptions{Arg: tFlaskStrong, Keys: keyFlags{Secrets: []string{"x"}}}, 1, map[string]any{
			"format": "flask", "signature": "invalid", "values": map[string]any{"name": "Zoë yBMWXa 漢字", "email": "SCrUZ@example.com"}}},
		{"flask expired", inspectOptions{Arg: tFlaskOld, Keys: keyFlags{Secrets: []string{"ThisIsSecret"}}}, 1, map[string]any{
			"signature": "valid", "expired": true, "issued_at": "2020-09-13T12:26:40Z"}},
		{"unchecked", inspectOptions{Arg: tStrongGorilla, Name: "formtest", NameSet: true}, 0, map[string]any{
			"signature": "unchecked", "values": map[string]any{}}},
		{"unreadable", inspectOptions{Arg: "AAAA"}, 2, map[string]any{
			"format": "", "signature": "unchecked", "values": nil, "warnings": []any{}}},
		{"set-cookie", inspectOptions{Arg: "Set-Cookie: session=" + tFlaskStrong + "; Path=/; HttpOnly; Max-Age=60; SameSite=Lax"}, 0, map[string]any{
			"attributes": map[string]any{"path": "/", "max_age": float64(60), "http_only": true, "secure": false, "same_site": "Lax"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.JSON = true
			r := runInspect(t, &tt.opts, "")
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d; stderr %s", r.code, tt.code, r.stderr)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout)
			}
			for _, k := range []string{"format", "name", "signature", "expired", "issued_at", "encrypted", "compressed", "size", "values", "session_id", "attributes", "warnings", "error"} {
				if _, ok := got[k]; !ok {
					t.Errorf("JSON lacks %q: %s", k, r.stdout)
				}
			}
			for k, w := range tt.want {
				if g := mustJSON(t, got[k]); g != mustJSON(t, w) {
					t.Errorf("%s = %s, want %s", k, g, mustJSON(t, w))
				}
			}
			if tt.code == 2 && got["error"] == nil {
				t.Errorf("exit 2 with no error in the JSON: %s", r.stdout)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunInspectCookieStyling(t *testing.T) {
	// A value holding escape sequences, in a cookie signed with "dev".
	const hostile = "eyJ4IjoiXHUwMDFiWzJKXHUwMDFiXTA7cHduZWRcdTAwMDcifQ.awcxVA.p_lszH1XZijvEmx5tw0dIobfAFI"
	tests := []struct {
		name    string
		tty     bool
		noColor bool
		styled  bool
	}{
		{"terminal", true, false, true},
		{"terminal with NO_COLOR", true, true, false},
		{"pipe", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := inspectOptions{Arg: hostile, IsTTY: func() bool { return tt.tty }, NoColor: tt.noColor, MaxAge: 0, MaxAgeSet: true}
			r := runInspect(t, &opts, "")
			if r.code != 0 && r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := strings.Contains(r.stdout, "\x1b["); got != tt.styled {
				t.Errorf("styled = %v, want %v:\n%q", got, tt.styled, r.stdout)
			}
			if strings.Contains(r.stdout, "\x1b[2J") || strings.Contains(r.stdout, "\x1b]0") || strings.Contains(r.stdout, "\a") {
				t.Errorf("the cookie's escape sequences reached the terminal:\n%q", r.stdout)
			}
			if !strings.Contains(r.stdout, `\u001b[2J`) {
				t.Errorf("the escape sequence is not shown escaped:\n%s", r.stdout)
			}
		})
	}
}

func TestRunInspectCookieURL(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: tFlaskStrong, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "formtest", Value: tStrongGorilla, Path: "/", MaxAge: -1})
		http.Redirect(w, r, "/elsewhere", http.StatusSeeOther)
	}))
	defer ts.Close()
	empty := httptest.NewServer(http.NotFoundHandler())
	defer empty.Close()

	r := runInspect(t, &inspectOptions{URL: ts.URL, JSON: true, Keys: keyFlags{Secrets: []string{"iKüZWeqh"}}}, "")
	var reports []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &reports); err != nil {
		t.Fatalf("--url --json did not print an array: %v\n%s", err, r.stdout)
	}
	if len(reports) != 2 {
		t.Fatalf("%d reports, want 2 (one a Set-Cookie, no redirect followed)", len(reports))
	}
	if reports[0]["signature"] != "valid" || reports[1]["name"] != "formtest" || reports[1]["signature"] != "invalid" {
		t.Errorf("reports: %s", r.stdout)
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (the second cookie does not verify with the key)", r.code)
	}

	r = runInspect(t, &inspectOptions{URL: ts.URL}, "")
	if !strings.Contains(r.stdout, "Set-Cookie 1 of 2") || !strings.Contains(r.stdout, "deletes the cookie") {
		t.Errorf("human --url output:\n%s", r.stdout)
	}
	r = runInspect(t, &inspectOptions{URL: empty.URL}, "")
	if r.code != 2 || !strings.Contains(r.stderr, "no Set-Cookie") {
		t.Errorf("a page with no cookie: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestRunInspectCookieWordlist(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "words.txt")
	words := []string{"a", "b", "c"}
	for i := range 5000 {
		words = append(words, "guess"+strings.Repeat("x", i%7)+string(rune('a'+i%26)))
	}
	if err := os.WriteFile(list, []byte(strings.Join(append(words, "formtest-fpllngziey", "z"), "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := inspectOptions{Arg: tStrongGorilla, Name: "formtest", NameSet: true, Wordlist: list, ErrIsTTY: func() bool { return true }}
	r := runInspect(t, &opts, "")
	if r.code != 0 || !strings.Contains(r.stdout, `well-known key "formtest-fpllngziey"`) || !strings.Contains(r.stdout, "wordlist") {
		t.Errorf("exit %d, stdout:\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "tried") || !strings.Contains(r.stderr, "keys/s") {
		t.Errorf("stderr lacks the search summary: %q", r.stderr)
	}
	missing := filepath.Join(dir, "few.txt")
	os.WriteFile(missing, []byte("x\ny\n"), 0o600)
	r = runInspect(t, &inspectOptions{Arg: tStrongGorilla, Name: "formtest", NameSet: true, Wordlist: missing}, "")
	if r.code != 0 || !strings.Contains(r.stdout, "neither the built-in well-known keys nor the wordlist") {
		t.Errorf("exit %d, stdout:\n%s", r.code, r.stdout)
	}
}

func TestNewInspectCookieCmd(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, o *inspectOptions)
	}{
		{"defaults", []string{tFlaskStrong}, nil, func(t *testing.T, o *inspectOptions) {
			if o.Arg != tFlaskStrong || o.Name != "session" || o.NameSet || o.Salt != "cookie-session" || o.Format != "auto" || o.MaxAgeSet || o.JSON {
				t.Errorf("opts = %+v", o)
			}
		}},
		{"all flags", []string{"--secret", "a", "--secret", "hex:00", "--block-key", "k", "--name", "n", "--salt", "s", "--format", "flask",
			"--max-age", "0", "--json", "--wordlist", "w", "--now", tNow, "-"}, map[string]string{"FORMTEST_SECRET": "env", "NO_COLOR": "1"},
			func(t *testing.T, o *inspectOptions) {
				if !slices.Equal(o.Keys.Secrets, []string{"a", "hex:00"}) || !slices.Equal(o.BlockKeys, []string{"k"}) || o.Name != "n" || !o.NameSet ||
					o.Salt != "s" || o.Format != "flask" || o.MaxAge != 0 || !o.MaxAgeSet || !o.JSON || o.Wordlist != "w" || o.Now != tNow ||
					o.Arg != "-" || o.Keys.EnvSecret != "env" || !o.NoColor {
					t.Errorf("opts = %+v", o)
				}
			}},
		{"max age", []string{"--max-age", "36h", "--url", "http://x/"}, nil, func(t *testing.T, o *inspectOptions) {
			if o.MaxAge != 36*time.Hour || !o.MaxAgeSet || o.URL != "http://x/" {
				t.Errorf("opts = %+v", o)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if _, ok := tt.env["NO_COLOR"]; !ok {
				os.Unsetenv("NO_COLOR")
			}
			var got *inspectOptions
			cmd := newInspectCookieCmd(func(o *inspectOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

// TestInspectCookieExitCodes runs the whole command tree, as main does.
func TestInspectCookieExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string
		stderr string
	}{
		{"decoded", []string{"inspect-cookie", "--now", tNow, tLessonGorilla}, "", 0, "VALID", ""},
		{"invalid", []string{"inspect-cookie", "--now", tNow, "--secret", "wrong", tLessonGorilla}, "", 1, "INVALID", ""},
		{"expired", []string{"inspect-cookie", "--now", tNow, "--secret", "ThisIsSecret", tFlaskOld}, "", 1, "EXPIRED", ""},
		{"unusable", []string{"inspect-cookie", "%%%"}, "", 2, "", "formtest: "},
		{"stdin", []string{"inspect-cookie", "--now", tNow, "--json"}, tFlaskStrong, 0, `"format": "flask"`, ""},
		{"two arguments", []string{"inspect-cookie", "a", "b"}, "", 2, "", "one cookie"},
		{"unknown flag", []string{"inspect-cookie", "--nope"}, "", 2, "", "unknown flag"},
		{"bad duration", []string{"inspect-cookie", "--max-age", "soon", "x"}, "", 2, "", "max-age"},
		{"help", []string{"inspect-cookie", "--help"}, "", 0, "Exit status: 0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("FORMTEST_SECRET", "")
			var out, errOut bytes.Buffer
			code := execute(context.Background(), tt.args, strings.NewReader(tt.stdin), &out, &errOut)
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errOut.String())
			}
		})
	}
}
