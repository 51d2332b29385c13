package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// hashcat's self-test cookie for mode 29100, signed with "hashcat".
const tHashcatFlask = "eyJ1c2VybmFtZSI6ImFkbWluIn0.YjdgRQ.1OTlf1PD0H9wXsu_qS0aywAJVD8"

func writeList(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "list.txt")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunInspectCookieWordlistFormats(t *testing.T) {
	tests := []struct {
		name   string
		lines  []string
		format string
		found  bool
		stderr []string
	}{
		{"python literal, auto", []string{"'a'", `'iK\xfcZWeqh'`, "'b'"}, "auto", true, nil},
		{"python literal, python", []string{"'a'", "", "not-a-literal", `'iK\u00fcZWeqh'`}, "python", true,
			[]string{"skipped 2 lines: 1 empty, 1 not a Python string literal"}},
		{"base64, auto", []string{"c2VjcmV0", "aUvDvFpXZXFo"}, "", true, nil},
		{"base64, plain finds nothing", []string{"c2VjcmV0", "aUvDvFpXZXFo"}, "plain", false, []string{"tried 2 keys from 2 lines"}},
		{"mostly not base64", []string{"one!", "two?", "three."}, "base64", false,
			[]string{"skipped 3 lines: 3 not base64; most lines are not base64: try --wordlist-format auto or plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := inspectOptions{Arg: tFlaskStrong, Wordlist: writeList(t, tt.lines...), WordlistFormat: tt.format}
			r := runInspect(t, &opts, "")
			if found := strings.Contains(r.stdout, `well-known key "iKüZWeqh"`); found != tt.found || r.code != 0 {
				t.Errorf("exit %d, found %v, want %v; stdout:\n%s\nstderr:\n%s", r.code, found, tt.found, r.stdout, r.stderr)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
		})
	}
	r := runInspect(t, &inspectOptions{Arg: tFlaskStrong, Wordlist: writeList(t, "x"), WordlistFormat: "hex"}, "")
	if r.code != 2 || !strings.Contains(r.stderr, "--wordlist-format") {
		t.Errorf("--wordlist-format hex: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestRunInspectCookieHashcat(t *testing.T) {
	list := writeList(t, "a", "b")
	r := runInspect(t, &inspectOptions{Arg: tHashcatFlask, Wordlist: list}, "")
	for _, s := range []string{"save this line to 29100.hash:\n  " + tHashcatFlask + "\n", "then run:\n  hashcat -m 29100 -a 0 29100.hash " + list + "\n"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
	r = runInspect(t, &inspectOptions{Arg: tFlaskStrong, Wordlist: writeList(t, "a")}, "")
	if !strings.Contains(r.stderr, "hashcat (mode 29100, Flask Session Cookie) cannot take this cookie: the payload is 90 characters") {
		t.Errorf("stderr lacks why hashcat cannot take the cookie:\n%s", r.stderr)
	}
	r = runInspect(t, &inspectOptions{Arg: tStrongGorilla, Name: "formtest", NameSet: true, Wordlist: writeList(t, "a")}, "")
	if strings.Contains(r.stderr, "hashcat") {
		t.Errorf("a hashcat hint for gorilla, which hashcat does not know:\n%s", r.stderr)
	}
}

func TestRunInspectCookieWordlistStopped(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(&signalError{sig: syscall.SIGINT})
	var out, errOut bytes.Buffer
	opts := &inspectOptions{Arg: tFlaskStrong, Wordlist: writeList(t, "a", "b"), Name: "session", Salt: "cookie-session", Format: "auto", Now: tNow,
		In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	err := runInspectCookie(ctx, opts)
	if s, ok := errors.AsType[*signalError](err); !ok || s.exitCode() != 130 || !strings.Contains(err.Error(), "stopped after trying 0 keys from") {
		t.Errorf("runInspectCookie on a cancelled run = %v", err)
	}
}

// TestWordlistSignals runs the real binary and stops its wordlist search
// with a signal: blocked in opening a FIFO nobody writes to, and reading
// a FIFO that never ends.
func TestWordlistSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "formtest")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fifo := func(t *testing.T) string {
		p := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	start := func(t *testing.T, wordlist string) (*exec.Cmd, *bytes.Buffer) {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "inspect-cookie", "--wordlist", wordlist, tFlaskStrong)
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &stderr
	}
	// wait waits for cmd to exit, at most a generous limit.
	wait := func(t *testing.T, cmd *exec.Cmd) int {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			return cmd.ProcessState.ExitCode()
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatal("formtest did not stop within 10 seconds")
			return -1
		}
	}

	t.Run("FIFO nobody writes to, SIGINT", func(t *testing.T) {
		cmd, stderr := start(t, fifo(t))
		time.Sleep(time.Second) // in open(2), waiting for a writer
		cmd.Process.Signal(syscall.SIGINT)
		if code := wait(t, cmd); code != 130 || !strings.Contains(stderr.String(), "stopped while waiting for a writer: interrupted by SIGINT") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("endless FIFO, SIGTERM", func(t *testing.T) {
		p := fifo(t)
		cmd, stderr := start(t, p)
		opened := make(chan *os.File, 1)
		go func() {
			w, err := os.OpenFile(p, os.O_WRONLY, 0) // returns once formtest opened it
			if err != nil {
				t.Error(err)
			}
			opened <- w
		}()
		var w *os.File
		select {
		case w = <-opened:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("formtest did not open the FIFO within 10 seconds; stderr %q", stderr)
		}
		if w == nil {
			t.FailNow()
		}
		defer w.Close()
		go func() {
			line := []byte(strings.Repeat("guess\n", 1000))
			for {
				if _, err := w.Write(line); err != nil {
					return // formtest stopped reading
				}
			}
		}()
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
		code := wait(t, cmd)
		if code != 143 || !strings.Contains(stderr.String(), "stopped after trying") || !strings.Contains(stderr.String(), "terminated by SIGTERM") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("/dev/zero ends by itself", func(t *testing.T) {
		cmd, stderr := start(t, "/dev/zero")
		if code := wait(t, cmd); code != 2 || !strings.Contains(stderr.String(), "/dev/zero is not a list of keys: line 1 runs on") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

func TestKeyText(t *testing.T) {
	for in, want := range map[string]string{
		"keyboard cat":          "keyboard cat",
		"iKüZWeqh":              "iKüZWeqh",
		"\x8f\x00k":             "hex:8f006b",
		"_5#y2L\"F4Q8z\n\xec]/": "hex:5f352379324c22463451387a0aec5d2f",
	} {
		if got := keyText([]byte(in)); got != want {
			t.Errorf("keyText(%q) = %q, want %q", in, got, want)
		}
	}
}

// slowChecker is a KeyChecker that is slow by design, as Rails' PBKDF2
// is: each check takes a millisecond. It verifies the key "it".
type slowChecker struct{}

func (slowChecker) Check(key []byte) bool {
	time.Sleep(time.Millisecond)
	return string(key) == "it"
}

func (slowChecker) Cost() cookiecodec.KeyCost {
	return cookiecodec.KeyCost{Work: "PBKDF2, 1000 iterations", SlowByDesign: true}
}

func TestSearchWordlistSlowByDesign(t *testing.T) {
	lines := []string{"it"}
	for i := range 50000 {
		lines = append(lines, fmt.Sprintf("guess-%d", i))
	}
	var errOut bytes.Buffer
	opts := &inspectOptions{Wordlist: writeList(t, lines...), ErrOut: &errOut}
	key, err := searchWordlist(context.Background(), opts, slowChecker{}, nil)
	if err != nil || string(key) != "it" {
		t.Fatalf("searchWordlist = %q, %v", key, err)
	}
	want := regexp.MustCompile(`this format is slow to search by design \(PBKDF2, 1000 iterations\): [0-9,]+ keys/s on \d+ cores; .*list.txt holds about [0-9,]+ lines, about \d`)
	if !want.MatchString(errOut.String()) {
		t.Errorf("no estimate before the search:\n%s", errOut.String())
	}
}

func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := newProgressBar(&b, 1000, false)
	p.start, p.now = t0, func() time.Time { return t0.Add(2 * time.Second) }
	p.update(cookiecodec.SearchStats{Keys: 2_000_000, Bytes: 250})
	if got := b.String(); !strings.Contains(got, " 25%  2,000,000 keys, 1,000,000/s, 6s left") || !strings.HasPrefix(got, "\r") {
		t.Errorf("progress line %q", got)
	}
	b.Reset()
	p.now = func() time.Time { return t0.Add(2*time.Second + 50*time.Millisecond) }
	p.update(cookiecodec.SearchStats{Keys: 3_000_000, Bytes: 500})
	if b.Len() != 0 {
		t.Errorf("drew again within 100 ms: %q", b.String())
	}
	pipe := newProgressBar(&b, 0, false) // a FIFO: no size, no time left
	pipe.start, pipe.now = t0, func() time.Time { return t0.Add(time.Second) }
	pipe.update(cookiecodec.SearchStats{Keys: 1500, Bytes: 12_345_678})
	if got := b.String(); !strings.Contains(got, "1,500 keys, 1,500/s, 12.3 MB read") || strings.Contains(got, "left") {
		t.Errorf("progress line for a pipe %q", got)
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestRunInspectCookieWordlistStdin(t *testing.T) {
	r := runInspect(t, &inspectOptions{Arg: tFlaskStrong, Wordlist: "-"}, "a\n'iK\\xfcZWeqh'\n")
	if r.code != 0 || !strings.Contains(r.stdout, `well-known key "iKüZWeqh"`) || !strings.Contains(r.stderr, "of stdin") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runInspect(t, &inspectOptions{Wordlist: "-"}, tFlaskStrong)
	if r.code != 2 || !strings.Contains(r.stderr, "give the cookie as an argument") {
		t.Errorf("cookie and keys both on stdin: exit %d, stderr %q", r.code, r.stderr)
	}
}
