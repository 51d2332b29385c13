package sessionstore

import (
	"strings"
	"testing"
)

// TestRedactEveryCredentialForm covers each place go-redis reads a
// credential from (ParseURL, ParseFailoverURL) and a few ways of writing
// them.
func TestRedactEveryCredentialForm(t *testing.T) {
	for _, tc := range []struct{ spec, keep string }{
		{"redis://127.0.0.1:1/0?password=S3CRET", "redis://127.0.0.1:1/0?password=xxxxx"},
		{"redis://127.0.0.1:1/0?username=S3CRET&password=S3CRET", "?username=xxxxx&password=xxxxx"},
		{"redis://h:1/0?dial_timeout=3&password=S3CRET&db=1", "redis://h:1/0?dial_timeout=3&password=xxxxx&db=1"},
		{"redis://h:1/0?PassWord=S3CRET", "PassWord=xxxxx"},
		{"redis://h:1/0?pass%77ord=S3CRET", "pass%77ord=xxxxx"},
		{"redis://h:1/0?master_name=m&sentinel_password=S3CRET&sentinel_username=S3CRET", "master_name=m&sentinel_password=xxxxx&sentinel_username=xxxxx"},
		{"rediss://S3CRET:S3CRET@h:1/0", "rediss://xxxxx@h:1/0"},
		{"redis://:S3CRET@h:1/0?password=S3CRET", "redis://xxxxx@h:1/0?password=xxxxx"},
		{"unix://:S3CRET@/tmp/redis.sock?db=0", "unix://xxxxx@/tmp/redis.sock?db=0"},
		{"unix:///tmp/redis.sock?db=0&password=S3CRET", "unix:///tmp/redis.sock?db=0&password=xxxxx"},
		{"redis://h:1/0?password=S3C@RE/T?x", "password=xxxxx"},
		{"redis://h:1/0?password=S3C%40RET", "password=xxxxx"},
		{"redis://h:1/0#password=S3CRET", "#password=xxxxx"},
		{"redis://h:1/0?auth_token=S3CRET&x=1", "auth_token=xxxxx&x=1"},
		{"redis://user:S3C?RET@h:1/0", "redis://xxxxx@h:1/0"},
	} {
		got := Redact(tc.spec)
		if strings.Contains(got, "S3C") || strings.Contains(got, "RET") {
			t.Errorf("Redact(%q) = %q: the secret shows", tc.spec, got)
		}
		if !strings.Contains(got, tc.keep) {
			t.Errorf("Redact(%q) = %q, want it to contain %q", tc.spec, got, tc.keep)
		}
	}
}

// TestOpenErrorsNeverShowTheSecret opens specs that fail in each way (a
// URL go-redis refuses, an unknown scheme, a server that does not answer)
// and checks the whole error text.
func TestOpenErrorsNeverShowTheSecret(t *testing.T) {
	for _, spec := range []string{
		"redis://127.0.0.1:1/0?password=S3CRET",
		"redis://127.0.0.1:1/0?dial_timeout=1&username=u&password=S3CRET",
		"redis://:S3CRET@127.0.0.1:1/0",
		"redis://:S3CRET@127.0.0.1:1/x",
		"redis://127.0.0.1:1/0?password=S3CRET&bogus=1",
		"unix://:S3CRET@/nonexistent/redis.sock",
		"rediss://u:S3CRET@127.0.0.1:1/0?sentinel_password=S3CRET",
		"postgres://u:S3CRET@h/db?password=S3CRET",
	} {
		b, err := Open(t.Context(), spec)
		if err == nil {
			b.Close()
			t.Errorf("Open(%q) succeeded", spec)
			continue
		}
		if strings.Contains(err.Error(), "S3CRET") {
			t.Errorf("Open(%q) error shows the secret: %v", spec, err)
		}
	}
}
