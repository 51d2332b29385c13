package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// frameworkCookie picks a vector made by a real framework from
// server/cookiecodec/testdata/frameworks.
func frameworkCookie(t *testing.T, file string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../server/cookiecodec/testdata/frameworks/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var vs []map[string]any
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if match(v) {
			return v
		}
	}
	t.Fatalf("no such vector in %s", file)
	return nil
}

func firstValid(v map[string]any) bool { return v["valid"] == true }

// TestInspectFrameworks runs inspect-cookie on one real cookie of each
// framework, as a user pastes it, and checks the verdict, the exit code and
// the JSON report's stable fields.
func TestInspectFrameworks(t *testing.T) {
	tests := []struct {
		name, file string
		match      func(map[string]any) bool
		header     bool // paste the whole Cookie header
		format     string
		code       int
		want       []string
	}{
		{"django", "django.json", firstValid, false, "django", 0, []string{"Django", "VALID", `name = "Jay"`, "readable by anyone"}},
		{"django db id", "django.json", func(v map[string]any) bool { return v["format"] == "django-db" }, false, "django", 0, []string{"django_session table", "session id"}},
		{"express", "express-cookie-session.json", firstValid, true, "express", 0, []string{"cookie-session", "session.sig", "VALID"}},
		{"express-session", "express-session.json", firstValid, false, "express-session", 0, []string{"s:<id>.<signature>", "VALID"}},
		{"jwt", "jwt.json", firstValid, false, "jwt", 0, []string{"JSON Web Token", "HMAC-SHA256", "VALID"}},
		{"jwt alg none", "jwt.json", func(v map[string]any) bool { return v["alg"] == "none" }, false, "jwt", 1, []string{"UNSIGNED", "writable by anyone"}},
		{"jwt expired", "jwt.json", func(v map[string]any) bool { return strings.HasPrefix(v["note"].(string), "expired") }, false, "jwt", 1, []string{"EXPIRED"}},
		{"rails session", "rails.json", func(v map[string]any) bool { return v["kind"] == "session" && v["valid"] == true }, false, "rails", 0, []string{"AES-256-GCM", "VALID", "session_id"}},
		{"rails wrong name", "rails.json", func(v map[string]any) bool { return v["name"] == "admin" }, false, "rails", 1, []string{"INVALID", "another cookie name"}},
		{"laravel cookie session", "laravel.json", func(v map[string]any) bool { return v["kind"] == "cookie-session" && v["valid"] == true }, true, "laravel", 0, []string{"PHP serialize()", `name = "Jay"`, "VALID"}},
		{"laravel wrong name", "laravel.json", func(v map[string]any) bool { return v["name"] == "theme" }, false, "laravel", 1, []string{"INVALID", "binds the name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := frameworkCookie(t, tt.file, tt.match)
			arg := v["name"].(string) + "=" + v["cookie"].(string)
			if tt.header {
				arg = "Cookie: " + v["cookies"].(string)
			}
			opts := &inspectOptions{Arg: arg, Now: "2026-01-01T00:01:00Z"}
			if now, ok := v["now"].(float64); ok {
				opts.Now = unixRFC3339(int64(now))
			}
			if s, ok := v["secret"].(string); ok && s != "" {
				opts.Keys.Secrets = []string{s}
			}
			r := runInspect(t, opts, "")
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
			opts.JSON = true
			r = runInspect(t, opts, "")
			var rep map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("--json: %v\n%s", err, r.stdout)
			}
			for _, field := range []string{"format", "signature", "values", "issued_at", "expires_at", "expired", "session_id", "warnings", "error"} {
				if _, ok := rep[field]; !ok {
					t.Errorf("--json lacks %q", field)
				}
			}
			if rep["format"] != tt.format {
				t.Errorf("format = %v, want %s", rep["format"], tt.format)
			}
		})
	}
}

// TestInspectForcedFormat: --format picks the decoder, and a value that
// does not fit it is a usage error.
func TestInspectForcedFormat(t *testing.T) {
	r := runInspect(t, &inspectOptions{Arg: tFlaskStrong, Format: "django"}, "")
	if r.code != exitUsage {
		t.Errorf("a Flask cookie as django: exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runInspect(t, &inspectOptions{Arg: tFlaskStrong, Format: "flask"}, "")
	if r.code != exitOK || !strings.Contains(r.stdout, "Flask") {
		t.Errorf("--format flask: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func unixRFC3339(sec int64) string { return time.Unix(sec, 0).UTC().Format(time.RFC3339) }

// TestInspectURLCompanions: --url on an Express app's response reads the
// session with the .sig cookie set beside it, and does not report the .sig
// cookie on its own.
func TestInspectURLCompanions(t *testing.T) {
	v := frameworkCookie(t, "express-cookie-session.json", firstValid)
	pairs := strings.Split(v["cookies"].(string), "; ")
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range pairs {
			w.Header().Add("Set-Cookie", p+"; path=/; httponly")
		}
	}))
	defer ts.Close()
	r := runInspect(t, &inspectOptions{URL: ts.URL, JSON: true, Keys: keyFlags{Secrets: []string{"keyboard cat"}}}, "")
	var reps []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &reps); err != nil {
		t.Fatalf("%v\n%s%s", err, r.stdout, r.stderr)
	}
	if r.code != exitOK || len(reps) != 1 || reps[0]["signature"] != "valid" || reps[0]["format"] != "express" {
		t.Errorf("exit %d, reports %v", r.code, reps)
	}
}
