package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/engine"
)

func TestNewTutorCmdFlags(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	t.Setenv("XDG_STATE_HOME", "/var/state")
	var got *tutorOptions
	cmd := newTutorCmd(func(o *tutorOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--addr", "127.0.0.1:5001", "--name", "Bob", "--email", "bob@example.com", "--plain", "--reset", "--store", "redis://127.0.0.1:6379/0"})
	cmd.SetOut(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := tutorOptions{Addr: "127.0.0.1:5001", Name: "Bob", Email: "bob@example.com", Plain: true, Reset: true, Store: "redis://127.0.0.1:6379/0", NoColor: true, StatePath: "/var/state/formtest/tutor.json"}
	if got.Addr != want.Addr || got.Name != want.Name || got.Email != want.Email || got.Plain != want.Plain ||
		got.Reset != want.Reset || got.Store != want.Store || got.NoColor != want.NoColor || got.StatePath != want.StatePath || got.IsTTY {
		t.Errorf("options = %+v, want %+v", *got, want)
	}

	t.Setenv("NO_COLOR", "")
	cmd = newTutorCmd(func(o *tutorOptions) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:0" || got.Name != "Ada" || got.Email != "ada@example.com" || got.Plain || got.Reset || got.Store != "" || got.NoColor {
		t.Errorf("default options = %+v", *got)
	}

	var stderr bytes.Buffer
	if code := execute(t.Context(), []string{"tutor", "--bogus"}, nil, io.Discard, &stderr); code != exitUsage {
		t.Errorf("tutor --bogus exited %d, want %d (stderr %q)", code, exitUsage, stderr.String())
	}
	if code := execute(t.Context(), []string{"tutor", "extra"}, nil, io.Discard, &stderr); code == exitOK {
		t.Error("tutor with an argument succeeded")
	}
}

func TestStatePath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		goos string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/a"}, "linux", "/x/state/formtest/tutor.json"},
		{map[string]string{"XDG_STATE_HOME": "relative/dir", "HOME": "/home/a"}, "linux", "/home/a/.local/state/formtest/tutor.json"},
		{map[string]string{"HOME": "/home/a"}, "linux", "/home/a/.local/state/formtest/tutor.json"},
		{map[string]string{"HOME": "/Users/a"}, "darwin", "/Users/a/Library/Application Support/formtest/tutor.json"},
		{map[string]string{"LocalAppData": "/appdata"}, "windows", "/appdata/formtest/tutor.json"},
		{map[string]string{}, "linux", ""},
	}
	for _, tt := range tests {
		got := statePath(func(k string) string { return tt.env[k] }, tt.goos)
		if got != filepath.FromSlash(tt.want) {
			t.Errorf("statePath(%v, %s) = %q, want %q", tt.env, tt.goos, got, tt.want)
		}
	}
}

func TestTutorStoreSpec(t *testing.T) {
	state := filepath.FromSlash("/x/state/formtest/tutor.json")
	tests := []struct {
		store, statePath string
		want             string
		usage            bool
	}{
		{"", state, "sqlite:" + filepath.FromSlash("/x/state/formtest/sessions.db"), false},
		{"", "", "", false}, // nowhere to put the default: no database
		{"cookie", state, "", false},
		{" sqlite:/tmp/s.db ", state, "sqlite:/tmp/s.db", false},
		{"redis://127.0.0.1:6379/0", state, "redis://127.0.0.1:6379/0", false},
		{"rediss://h:6380/1", state, "rediss://h:6380/1", false},
		{"sqlite:", state, "", true},
		{"postgres://db", state, "", true},
		{"sessions.db", state, "", true},
	}
	for _, tt := range tests {
		got, err := tutorStoreSpec(tt.store, tt.statePath)
		ee, isUsage := errors.AsType[*exitError](err)
		if got != tt.want || (err != nil) != tt.usage || (err != nil && (!isUsage || ee.code != exitUsage)) {
			t.Errorf("tutorStoreSpec(%q, %q) = %q, %v; want %q, usage error %v", tt.store, tt.statePath, got, err, tt.want, tt.usage)
		}
	}
}

func TestRunTutorStoreErrors(t *testing.T) {
	var stderr bytes.Buffer
	code := execute(t.Context(), []string{"tutor", "--plain", "--store", "postgres://db"}, strings.NewReader(""), io.Discard, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "is not a session database: want sqlite:PATH or redis://HOST:PORT/DB (or cookie") {
		t.Errorf("tutor --store postgres://db exited %d, want %d; stderr %q", code, exitUsage, stderr.String())
	}
	stderr.Reset()
	missing := "sqlite:" + filepath.Join(t.TempDir(), "no", "such", "s.db")
	code = execute(t.Context(), []string{"tutor", "--plain", "--store", missing}, strings.NewReader(""), io.Discard, &stderr)
	if code != exitFail || !strings.Contains(stderr.String(), "--store "+missing) {
		t.Errorf("tutor --store %s exited %d, want %d; stderr %q", missing, code, exitFail, stderr.String())
	}
	// The default database cannot be made where the progress would go.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	// The tutor goes on without it, says why, and stage 6 explains.
	var out bytes.Buffer
	stderr.Reset()
	err := runTutor(t.Context(), &tutorOptions{Addr: "127.0.0.1:0", Name: "Ada", Email: "ada@example.com", Out: &out, ErrOut: &stderr, StatePath: filepath.Join(file, "formtest", "tutor.json")})
	if err != nil || !strings.Contains(stderr.String(), "No session database") || !strings.Contains(out.String(), "the tutor was started without one") {
		t.Errorf("runTutor with an unusable state directory = %v; stderr %q; want the tutorial without a database, and a warning", err, stderr.String())
	}
}

func TestTutorPlainWhenNotATerminal(t *testing.T) {
	// The default session database goes next to the progress file.
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	var out, errOut bytes.Buffer
	// stdout is a buffer, not a terminal: the transcript, without --plain.
	code := execute(t.Context(), []string{"tutor", "--name", "Grace", "--email", "grace@example.com"}, strings.NewReader(""), &out, &errOut)
	if code != exitOK {
		t.Fatalf("tutor exited %d: %s", code, errOut.String())
	}
	s := out.String()
	for _, want := range []string{
		"Stage 1: A page that cannot remember", "Stage 2: The session travels in a cookie", "Stage 3: The template reads the session",
		"GET /show HTTP/1.1", "HTTP/1.1 302 Found", "Set-Cookie: session=", "Cookie: session=", `name = "Grace"`,
		"Stage 7: Store only what you need", "sqlite table sessions in " + filepath.Join(state, "formtest", "sessions.db"),
	} {
		if !strings.Contains(s, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if strings.Contains(s, "\x1b") {
		t.Error("transcript holds escape codes")
	}

	// --store cookie: no database, and the database stage says so.
	out.Reset()
	code = execute(t.Context(), []string{"tutor", "--store", "cookie"}, strings.NewReader(""), &out, &errOut)
	if code != exitOK {
		t.Fatalf("tutor --store cookie exited %d: %s", code, errOut.String())
	}
	if s := out.String(); !strings.Contains(s, "the tutor was started without one (see tutor --store)") || strings.Contains(s, "sqlite table") {
		t.Errorf("--store cookie transcript does not say the database stage has no database")
	}
}

func TestRunTutorRejectsAddr(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "example.com:80", "nonsense"} {
		err := runTutor(t.Context(), &tutorOptions{Addr: addr, Out: io.Discard})
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitUsage {
			t.Errorf("runTutor(--addr %s) = %v, want a usage error", addr, err)
		}
	}
}

// runTUI runs the tutor's TUI with keys typed by typeKeys, and returns the
// screen output without escape codes.
func runTUI(t *testing.T, opts *tutorOptions, typeKeys func(w io.Writer)) string {
	t.Helper()
	in, inW := io.Pipe()
	out := &syncBuffer{}
	opts.Addr, opts.IsTTY, opts.In, opts.Out, opts.ErrOut = "127.0.0.1:0", true, in, out, io.Discard
	opts.Name, opts.Email = "Ada", "ada@example.com"
	opts.programOptions = []tea.ProgramOption{tea.WithWindowSize(80, 24), tea.WithColorProfile(colorprofile.ASCII)}
	done := make(chan error, 1)
	go func() { done <- runTutor(t.Context(), opts) }()
	// Type only once the first frame, help line included, is out.
	for start := time.Now(); !strings.Contains(ansi.Strip(out.String()), "q quit"); {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("no first frame; output:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	typeKeys(inW)
	select {
	case err := <-done:
		inW.Close()
		if err != nil {
			t.Fatalf("runTutor: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the tutor did not quit; screen:\n%s", ansi.Strip(out.String()))
	}
	return ansi.Strip(out.String())
}

// readProgress reads the progress file, or fails.
func readProgress(t *testing.T, path string) engine.Progress {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p engine.Progress
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("progress file %s: %v\n%s", path, err, b)
	}
	return p
}

// waitProgress waits until the progress file satisfies ok.
func waitProgress(t *testing.T, path string, ok func(engine.Progress) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			var p engine.Progress
			if json.Unmarshal(b, &p) == nil && ok(p) {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("progress file %s never reached the wanted state", path)
}

func TestRunTutorSavesAndResumes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "formtest", "tutor.json")
	screen := runTUI(t, &tutorOptions{StatePath: path}, func(w io.Writer) {
		io.WriteString(w, "\r") // run stage 1
		waitProgress(t, path, func(p engine.Progress) bool { return p.IsDone("hardcoded") })
		io.WriteString(w, "n")
		waitProgress(t, path, func(p engine.Progress) bool { return p.Current == "session" })
		io.WriteString(w, "q")
	})
	if !strings.Contains(screen, "Welcome!") {
		t.Errorf("first start does not welcome:\n%s", screen)
	}
	if p := readProgress(t, path); p.Current != "session" || len(p.Done) != 1 {
		t.Errorf("saved progress = %+v", p)
	}

	screen = runTUI(t, &tutorOptions{StatePath: path}, func(w io.Writer) { io.WriteString(w, "q") })
	if !strings.Contains(screen, "resuming at stage 2") {
		t.Errorf("second start does not resume:\n%s", screen)
	}

	screen = runTUI(t, &tutorOptions{StatePath: path, Reset: true}, func(w io.Writer) { io.WriteString(w, "q") })
	if !strings.Contains(screen, "Progress reset") || !strings.Contains(screen, "Stage 1 of 7") {
		t.Errorf("--reset does not start over:\n%s", screen)
	}
	if p := readProgress(t, path); p.Current != "hardcoded" || len(p.Done) != 0 {
		t.Errorf("progress after --reset = %+v", p)
	}
}

func TestRunTutorCorruptState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tutor.json")
	os.WriteFile(path, []byte("{{{ not json"), 0o600)
	screen := runTUI(t, &tutorOptions{StatePath: path, NoColor: true}, func(w io.Writer) { io.WriteString(w, "q") })
	if !strings.Contains(screen, "afresh") || !strings.Contains(screen, "Stage 1 of 7") {
		t.Errorf("corrupt state file: screen\n%s", screen)
	}
	screen = runTUI(t, &tutorOptions{}, func(w io.Writer) { io.WriteString(w, "q") })
	if !strings.Contains(screen, "will not be saved") {
		t.Errorf("no state path: screen\n%s", screen)
	}
}

func TestTutorWithOwnKeyRefusesTheForgery(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var out, errOut bytes.Buffer
	code := execute(t.Context(), []string{"tutor", "--plain", "--store", "cookie", "--secret", "hex:" + strings.Repeat("ab", 32)}, strings.NewReader(""), &out, &errOut)
	if code != exitOK {
		t.Fatalf("tutor exited %d: %s", code, errOut.String())
	}
	s := out.String()
	_, forge, ok := strings.Cut(s, "forge a cookie for admin (F)")
	if !ok {
		t.Fatal("the transcript has no forge exchange")
	}
	forge, _, _ = strings.Cut(forge, "Stage 5")
	if !strings.Contains(forge, "REJECTED by the server: bad signature") || strings.Contains(forge, `<h3 id="name">admin</h3>`) {
		t.Errorf("with a key of its own the server accepted the cookie forged with the lesson's key:\n%s", forge)
	}
	if strings.Contains(s, strings.Repeat("ab", 32)) {
		t.Error("the transcript prints the key")
	}
	if code := execute(t.Context(), []string{"tutor", "--plain", "--secret", "hex:zz"}, strings.NewReader(""), &out, &errOut); code != exitUsage {
		t.Errorf("a bad --secret exited %d, want %d", code, exitUsage)
	}
}
