package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formtest/formtest/server"
)

// syncBuffer is a bytes.Buffer safe for the log goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs runServe in the background and returns its URL, its
// stderr, and a stop func that shuts it down and returns runServe's error.
func startServe(t *testing.T, opts *serveOptions) (string, *syncBuffer, func() error) {
	t.Helper()
	errOut := &syncBuffer{}
	opts.Out, opts.ErrOut = io.Discard, errOut
	urls := make(chan string, 1)
	opts.ready = func(u string) { urls <- u }
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, opts) }()
	select {
	case u := <-urls:
		return u, errOut, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("runServe: %v\nstderr:\n%s", err, errOut.String())
	case <-time.After(10 * time.Second):
		t.Fatal("runServe did not start")
	}
	return "", nil, nil
}

func TestRunServeLogsExchanges(t *testing.T) {
	u, errOut, stop := startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "session"})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(u+"/users", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Request.URL.Path != "/show" {
		t.Fatalf("POST /users ended at %s with %d, want /show 200", res.Request.URL.Path, res.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("runServe after cancel = %v, want nil", err)
	}
	log := errOut.String()
	for _, want := range []string{
		"listening on http://127.0.0.1:",
		"(stage session)",
		`public key "ThisIsSecret"`,
		"POST /users -> 302 Found",
		"\n    Set-Cookie: session=",
		"HttpOnly; SameSite=Lax\n",
		`session (from the Set-Cookie above): {"email":"ada@example.com","name":"Ada"}`,
		"GET /show -> 200 OK",
		"session (from the request's cookie)",
		"shutting down",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestRunServeQuiet(t *testing.T) {
	u, errOut, stop := startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "template", Quiet: true})
	res, err := http.Get(u + "/show")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut.String(), "GET /show") {
		t.Errorf("--quiet still logged the exchange:\n%s", errOut)
	}
}

func TestRunServeLogsRejectedCookieEscaped(t *testing.T) {
	u, errOut, stop := startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "session"})
	req, _ := http.NewRequest(http.MethodGet, u+"/show?x=%1b[31m", nil)
	req.AddCookie(&http.Cookie{Name: "session", Value: "forged"})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	stop()
	log := errOut.String()
	if !strings.Contains(log, "cookie rejected (treated as no session): undecodable") {
		t.Errorf("log does not say the cookie was rejected:\n%s", log)
	}
	if strings.ContainsRune(log, 0x1b) {
		t.Errorf("log contains a raw escape character")
	}
}

// testRandomKeyHex is 32 bytes from crypto/rand, in hex: a key serve
// accepts anywhere.
const testRandomKeyHex = "9f3c61d2a87be40519c6f3e2d07a4b8815e9c2736fa0d41b8e52c97a3d6f01be"

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestServeKeys(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "keys")
	if err := os.WriteFile(keyFile, []byte("# rotation\nhex:"+testRandomKeyHex+"\n\nold-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("k", 32)
	random := "hex:" + testRandomKeyHex
	weakFile := filepath.Join(dir, "weak")
	if err := os.WriteFile(weakFile, []byte("CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		opts     serveOptions
		loopback bool
		wantKeys []string
		wantErr  string
	}{
		{"loopback default is the lesson key", serveOptions{}, true, []string{"ThisIsSecret"}, ""},
		{"off loopback needs a key", serveOptions{}, false, nil, "refusing to serve off loopback"},
		{"off loopback short key", serveOptions{Keys: keyFlags{Secrets: []string{"short"}}}, false, nil, "at least 32 bytes"},
		{"off loopback lesson key", serveOptions{Keys: keyFlags{Secrets: []string{"ThisIsSecret"}}}, false, nil, "32 bytes"},
		{"off loopback random key", serveOptions{Keys: keyFlags{Secrets: []string{random}}}, false, []string{string(mustHex(t, testRandomKeyHex))}, ""},
		{"off loopback well-known key", serveOptions{Keys: keyFlags{Secrets: []string{"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET"}}}, false, nil, "well-known key"},
		{"off loopback one letter", serveOptions{Keys: keyFlags{Secrets: []string{strings.Repeat("x", 40)}}}, false, nil, "only 1 different character"},
		{"off loopback a pattern", serveOptions{Keys: keyFlags{Secrets: []string{strings.Repeat("k3y!Pa55w0", 4)}}}, false, nil, "a pattern of 10 bytes repeated"},
		{"off loopback a run", serveOptions{Keys: keyFlags{Secrets: []string{"abcdefghijklmnopqrstuvwxyz0123456789"}}}, false, nil, "bits of entropy"},
		{"off loopback weak key in a file", serveOptions{Keys: keyFlags{SecretFile: weakFile}}, false, nil, "key 1 from --secret-file is refused off loopback"},
		{"loopback accepts a weak key", serveOptions{Keys: keyFlags{Secrets: []string{long}}}, true, []string{long}, ""},
		{"flags in order", serveOptions{Keys: keyFlags{Secrets: []string{"new", "old"}}}, true, []string{"new", "old"}, ""},
		{"env when no flag", serveOptions{Keys: keyFlags{EnvSecret: "from-env"}}, true, []string{"from-env"}, ""},
		{"flag beats env", serveOptions{Keys: keyFlags{Secrets: []string{"flag"}, EnvSecret: "env"}}, true, []string{"flag"}, ""},
		{"hex key", serveOptions{Keys: keyFlags{Secrets: []string{"hex:6869"}}}, true, []string{"hi"}, ""},
		{"base64 key", serveOptions{Keys: keyFlags{Secrets: []string{"base64:aGk="}}}, true, []string{"hi"}, ""},
		{"bad hex", serveOptions{Keys: keyFlags{Secrets: []string{"hex:zz"}}}, true, nil, "hex key"},
		{"empty key", serveOptions{Keys: keyFlags{Secrets: []string{""}}}, true, nil, "empty key"},
		{"key file", serveOptions{Keys: keyFlags{SecretFile: keyFile}}, true, []string{string(mustHex(t, testRandomKeyHex)), "old-key"}, ""},
		{"key file off loopback with a short key", serveOptions{Keys: keyFlags{SecretFile: keyFile}}, false, nil, "key 2 from --secret-file is 7 bytes"},
		{"missing key file", serveOptions{Keys: keyFlags{SecretFile: filepath.Join(dir, "nope")}}, true, nil, "--secret-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, _, err := serveKeys(tt.opts.Keys, tt.loopback)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("serveKeys error = %v, want %q", err, tt.wantErr)
				}
				if e, ok := errors.AsType[*exitError](err); !ok || e.code != exitUsage {
					t.Errorf("error %v does not exit with %d", err, exitUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, k := range keys {
				got = append(got, string(k))
			}
			if strings.Join(got, "|") != strings.Join(tt.wantKeys, "|") {
				t.Errorf("keys = %q, want %q", got, tt.wantKeys)
			}
		})
	}
}

func TestDescribeKeysNeverPrintsASecret(t *testing.T) {
	key := []byte("a-very-secret-key-0123456789abcdef")
	msg := describeKeys([][]byte{key, []byte("zz-old-zz")}, keyFlag)
	if strings.Contains(msg, string(key)) || strings.Contains(msg, "zz-old-zz") {
		t.Errorf("describeKeys printed a key: %s", msg)
	}
	if !strings.Contains(msg, "fingerprint sha256:") || !strings.Contains(msg, "1 older key(s)") {
		t.Errorf("describeKeys = %q", msg)
	}
}

func TestRunServeErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name string
		opts serveOptions
		code int
		want string
	}{
		{"address in use", serveOptions{Addr: busy.Addr().String(), Stage: "template"}, exitFail, "the address is in use"},
		{"no port", serveOptions{Addr: "127.0.0.1", Stage: "template"}, exitUsage, "want host:port"},
		{"bad host", serveOptions{Addr: "256.1.1.1:0", Stage: "template", Keys: keyFlags{Secrets: []string{"hex:" + testRandomKeyHex}}}, exitUsage, "cannot listen on 256.1.1.1:0"},
		{"bad stage", serveOptions{Addr: "127.0.0.1:0", Stage: "later"}, exitUsage, `unknown stage "later"`},
		{"public address without a key", serveOptions{Addr: "0.0.0.0:0", Stage: "template"}, exitUsage, "openssl rand -hex 32"},
		{"public address with a well-known key", serveOptions{Addr: "0.0.0.0:0", Stage: "template", Keys: keyFlags{Secrets: []string{"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET"}}}, exitUsage, "well-known key"},
		{"public address with 40 x", serveOptions{Addr: "0.0.0.0:0", Stage: "template", Keys: keyFlags{Secrets: []string{strings.Repeat("x", 40)}}}, exitUsage, "openssl rand -hex 32"},
		{"unknown store", serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "postgres://db"}, exitUsage, `"postgres://db" is not a session database: want sqlite:PATH or redis://HOST:PORT/DB`},
		{"sqlite without a path", serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "sqlite:"}, exitUsage, "has no file path"},
		{"sqlite in a missing directory", serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "sqlite:" + filepath.Join(t.TempDir(), "no", "such", "s.db")}, exitFail, "no/such"},
		{"redis not answering", serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "redis://:hunter2@127.0.0.1:1/0"}, exitFail, "redis"},
		{"unknown store with a password", serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "Redis://:hunter2@h/0"}, exitUsage, "is not a session database"},
		{"unparsable redis URL with a password", serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "redis://:hunter2@127.0.0.1:notaport/0"}, exitFail, "redis"},
		{"encrypt with a database", serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "sqlite:x.db", Encrypt: true}, exitUsage, "--encrypt applies to cookie sessions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Out, tt.opts.ErrOut = io.Discard, io.Discard
			err := runServe(t.Context(), &tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("runServe = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error prints the Redis password: %v", err)
			}
			code := exitFail
			if e, ok := errors.AsType[*exitError](err); ok {
				code = e.code
			}
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
		})
	}
}

func TestNewServeCmdFlags(t *testing.T) {
	t.Setenv("FORMTEST_SECRET", "env-key")
	var got *serveOptions
	cmd := newServeCmd(func(o *serveOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0", "--stage", "hardcoded", "--secret", "a", "--secret", "b,c", "--quiet"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:0" || got.Stage != "hardcoded" || !got.Quiet || got.Keys.EnvSecret != "env-key" {
		t.Errorf("opts = %+v", got)
	}
	if strings.Join(got.Keys.Secrets, "|") != "a|b,c" {
		t.Errorf("secrets = %q, want [a b,c] (a comma belongs to the key)", got.Keys.Secrets)
	}

	cmd = newServeCmd(func(o *serveOptions) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:5000" || got.Stage != string(server.StageTemplate) || got.Quiet {
		t.Errorf("defaults = %+v, want 127.0.0.1:5000, template, not quiet", got)
	}
}

func TestExecute(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"--version"}, exitOK, "formtest version"},
		{[]string{"--help"}, exitOK, "serve"},
		{[]string{"completion", "bash"}, exitOK, "bash completion"},
		{[]string{"serve", "--bogus"}, exitUsage, "unknown flag: --bogus"},
		{[]string{"serve", "--stage", "later", "--addr", "127.0.0.1:0"}, exitUsage, `unknown stage "later"`},
		{[]string{"serve", "extra"}, exitUsage, `unknown command "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			code := execute(t.Context(), tt.args, strings.NewReader(""), &out, &out)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tt.code, out.String())
			}
			if !strings.Contains(out.String(), tt.out) {
				t.Errorf("output lacks %q:\n%s", tt.out, out.String())
			}
		})
	}
}

func TestRunServeSQLiteSessionsSurviveARestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sessions.db")
	u, errOut, stop := startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "sqlite:" + db})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(u+"/users", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	log := errOut.String()
	for _, want := range []string{"sessions live in sqlite", "session id ", "sqlite table sessions", `"name":"Ada"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("no database file: %v", err)
	}

	u2, _, stop2 := startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "template", Store: "sqlite:" + db})
	defer stop2()
	old, _ := url.Parse(u)
	req, _ := http.NewRequest(http.MethodGet, u2+"/show", nil)
	for _, ck := range jar.Cookies(old) {
		req.AddCookie(ck)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "ada@example.com") {
		t.Fatalf("after a restart the session is gone: %s", b)
	}
}

func TestRunServeEncrypt(t *testing.T) {
	u, errOut, stop := startServe(t, &serveOptions{Addr: "127.0.0.1:0", Stage: "template", Encrypt: true})
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).PostForm(u+"/users", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	stop()
	value := res.Cookies()[0].Value
	var out bytes.Buffer
	err = runInspectCookie(t.Context(), &inspectOptions{Arg: value, Name: "session", Format: "auto", Salt: "cookie-session", Out: &out, ErrOut: io.Discard})
	if strings.Contains(out.String(), "ada@example.com") {
		t.Errorf("inspect-cookie without the key read an encrypted cookie:\n%s", out.String())
	}
	out.Reset()
	err = runInspectCookie(t.Context(), &inspectOptions{Arg: value, Keys: keyFlags{Secrets: []string{server.LessonKey}}, Encrypted: true, Name: "session", Format: "auto", Salt: "cookie-session", Out: &out, ErrOut: io.Discard})
	if err != nil || !strings.Contains(out.String(), "ada@example.com") {
		t.Errorf("inspect-cookie --encrypted = %v:\n%s", err, out.String())
	}
	if log := errOut.String(); !strings.Contains(log, "signed and encrypted") || !strings.Contains(log, "decrypted with the server's key") {
		t.Errorf("log:\n%s", log)
	}
}
