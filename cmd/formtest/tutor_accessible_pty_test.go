//go:build unix

package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server/servertest"
)

// TestMain removes the binary the tests built, if they built one.
func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := buildFormtest(); err == nil && bin != "" {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// buildFormtest builds the real binary once for the tests that drive it;
// "" when no test asked for it.
var buildFormtest = sync.OnceValues(func() (string, error) {
	if !binaryWanted.Load() {
		return "", nil
	}
	dir, err := os.MkdirTemp("", "formtest-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "formtest")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", errors.New("go build: " + err.Error() + ": " + string(out))
	}
	return bin, nil
})

// binaryWanted is set by the first test that needs the binary.
var binaryWanted atomic.Bool

func formtestBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build the binary with")
	}
	binaryWanted.Store(true)
	bin, err := buildFormtest()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// ptyRun is the real binary running on a pseudo-terminal.
type ptyRun struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	raw  bytes.Buffer
	from int
	read chan struct{} // closed when the terminal's output ends
	// state is the XDG_STATE_HOME it runs with.
	state string
}

// startPty runs formtest with args on a new pseudo-terminal, in an
// environment of its own (state in a temporary directory) plus env.
func startPty(t *testing.T, env []string, args ...string) *ptyRun {
	t.Helper()
	return startPtyIn(t, t.TempDir(), env, args...)
}

// startPtyIn is startPty with the state in directory state.
func startPtyIn(t *testing.T, state string, env []string, args ...string) *ptyRun {
	t.Helper()
	cmd := exec.Command(formtestBinary(t), args...)
	cmd.Env = append([]string{"HOME=" + state, "XDG_STATE_HOME=" + state, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color"}, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	r := &ptyRun{t: t, pty: f, cmd: cmd, read: make(chan struct{}), state: state}
	go func() {
		defer close(r.read)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			r.mu.Lock()
			r.raw.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	})
	return r
}

// wait waits for text after what the last wait found and returns the
// output up to it.
func (r *ptyRun) wait(text string) string {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		out := r.raw.String()[r.from:]
		if i := strings.Index(out, text); i >= 0 {
			r.from += i + len(text)
			r.mu.Unlock()
			return out[:i+len(text)]
		}
		r.mu.Unlock()
		select {
		case <-r.read:
			r.mu.Lock()
			out = r.raw.String()[r.from:]
			r.mu.Unlock()
			if !strings.Contains(out, text) {
				r.t.Fatalf("output ended before %q; the rest:\n%s", text, out)
			}
		case <-time.After(5 * time.Millisecond):
		}
	}
	r.t.Fatalf("timed out waiting for %q; output since the last wait:\n%s", text, r.raw.String()[r.from:])
	return ""
}

// typeLine types a line as the learner would and waits for the answer to
// end with the prompt.
func (r *ptyRun) typeLine(line string) string {
	r.t.Helper()
	if _, err := io.WriteString(r.pty, line+"\r"); err != nil {
		r.t.Fatal(err)
	}
	r.wait(line + "\r\n") // the terminal's echo
	return r.wait("\n> ")
}

// exit waits for the program to end and returns its exit code.
func (r *ptyRun) exit() int {
	r.t.Helper()
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		<-r.read
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			r.t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		r.t.Fatal("the tutor did not exit")
	}
	return -1
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.raw.String()
}

// Sequences a line-by-line view must never write: the alternate screen,
// cursor positioning and movement, erasing.
var redrawSeqs = regexp.MustCompile(`\x1b\[\?1049[hl]|\x1b\[[0-9;]*[HfABCDJK]`)

// checkNeverRedrawn fails when out holds a redrawing sequence, any escape
// at all (no colour was asked for), or box-drawing and block characters.
func checkNeverRedrawn(t *testing.T, out string) {
	t.Helper()
	if m := redrawSeqs.FindString(out); m != "" {
		t.Errorf("the output redraws: %q", m)
	}
	if i := strings.IndexByte(out, 0x1b); i >= 0 {
		t.Errorf("an escape sequence in the output, with no colour asked for: %q", out[i:min(len(out), i+12)])
	}
	for _, r := range out {
		if r >= 0x2500 && r <= 0x259F {
			t.Errorf("box-drawing or block character %U in the output", r)
			break
		}
	}
}

var serverURL = regexp.MustCompile(`The lesson's server is at (http://127\.0\.0\.1:\d+)\.`)

// The whole tutorial walked by typed lines on a real terminal, with a
// request from a second client announced on the way; nothing redrawn.
func TestTutorAccessibleWalksEveryStage(t *testing.T) {
	r := startPty(t, nil, "tutor", "--accessible")
	welcome := r.wait("\n> ")
	m := serverURL.FindStringSubmatch(welcome)
	if m == nil {
		t.Fatalf("the welcome names no server URL:\n%s", welcome)
	}
	url := m[1]
	if !strings.Contains(welcome, "Stage 1 of 7: ") {
		t.Fatalf("the tutor did not open stage 1:\n%s", welcome)
	}
	for stage := 1; stage <= 7; stage++ {
		out := r.typeLine("run")
		if strings.Contains(out, "First, a question.") {
			out = r.typeLine("") // skip it: the run follows
		}
		if !strings.Contains(out, "Request") || !strings.Contains(out, "Response") {
			t.Fatalf("stage %d: run read no exchange:\n%s", stage, out)
		}
		switch stage {
		case 2:
			// A second client, the test's own, asks for the page.
			resp, err := http.Get(url + "/show")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			r.wait("from Go-http-client: GET /show, answered 200 OK, with no session cookie.")
		case 4:
			if out := r.typeLine("t"); strings.Contains(out, "First, a question.") {
				out = r.typeLine("")
				if !strings.Contains(out, "Verdict: refused.") {
					t.Errorf("tamper:\n%s", out)
				}
			}
			if out := r.typeLine("f"); strings.Contains(out, "First, a question.") {
				out = r.typeLine("")
				if !strings.Contains(out, "Verdict: accepted.") {
					t.Errorf("forge:\n%s", out)
				}
			}
		}
		if stage < 7 {
			out := r.typeLine("n")
			if want := "Stage " + string(rune('0'+stage+1)) + " of 7: "; !strings.Contains(out, want) {
				t.Fatalf("next did not open stage %d:\n%s", stage+1, out)
			}
		}
	}
	list := r.typeLine("l")
	if !strings.Contains(list, "The stages: 7 of 7 run.") {
		t.Errorf("list after the walk:\n%s", list)
	}
	r.typeLine("xyzzy")
	if _, err := io.WriteString(r.pty, "q\r"); err != nil {
		t.Fatal(err)
	}
	r.wait("Goodbye.")
	if code := r.exit(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	checkNeverRedrawn(t, r.output())

	// The progress is the full-screen tutor's: the same file, resumed.
	path := filepath.Join(r.state, "formtest", "tutor.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, note := engine.LoadProgress(path)
	if note != "" || len(p.Done) != 7 || p.Current != "grow/signed" {
		t.Errorf("saved progress = %+v (%s), want all 7 stages done, at the last:\n%s", p, note, b)
	}
}

func TestTutorAccessibleFromEnvironmentAndEOF(t *testing.T) {
	r := startPty(t, []string{"ACCESSIBLE=1"}, "tutor")
	r.wait("line by line")
	r.wait("\n> ")
	// Ctrl-D at the start of a line ends the input.
	if _, err := r.pty.Write([]byte{4}); err != nil {
		t.Fatal(err)
	}
	r.wait("End of input.")
	if code := r.exit(); code != 0 {
		t.Errorf("exit code %d at end of input, want 0", code)
	}
	checkNeverRedrawn(t, r.output())

	// Ctrl-C saves and says so.
	r = startPty(t, nil, "tutor", "--accessible", "--store", "cookie")
	r.wait("\n> ")
	if _, err := r.pty.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	if out := r.wait("Goodbye."); !strings.Contains(out, "Interrupted. Your progress is saved.") {
		t.Errorf("Ctrl-C:\n%s", out)
	}
	if code := r.exit(); code != 0 {
		t.Errorf("exit code %d after Ctrl-C, want 0", code)
	}
}

func TestTutorDumbTerminal(t *testing.T) {
	r := startPty(t, []string{"TERM=dumb"}, "tutor")
	if code := r.exit(); code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	out := r.output()
	for _, want := range []string{"TERM=dumb", "formtest tutor --accessible", "formtest tutor --plain"} {
		if !strings.Contains(out, want) {
			t.Errorf("the message lacks %q:\n%s", want, out)
		}
	}
	checkNeverRedrawn(t, out)

	// Not on a terminal, a dumb TERM changes nothing: the transcript.
	cmd := exec.Command(formtestBinary(t), "tutor", "--store", "cookie")
	cmd.Env = []string{"HOME=" + t.TempDir(), "TERM=dumb", "PATH=" + os.Getenv("PATH")}
	b, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Stage 7: ") {
		t.Errorf("TERM=dumb with stdout not a terminal wrote no transcript:\n%.400s", b)
	}
}

// Progress is the full-screen tutor's: a second start resumes at the
// stage the first left, and --reset starts again at stage 1.
func TestTutorAccessibleResumesAndResets(t *testing.T) {
	state := t.TempDir()
	r := startPtyIn(t, state, nil, "tutor", "--accessible", "--store", "cookie")
	r.wait("\n> ")
	r.typeLine("run")
	r.typeLine("stage 3")
	io.WriteString(r.pty, "quit\r")
	r.wait("Goodbye.")
	if code := r.exit(); code != 0 {
		t.Fatalf("exit code %d", code)
	}

	r = startPtyIn(t, state, nil, "tutor", "--accessible", "--store", "cookie")
	if out := r.wait("\n> "); !strings.Contains(out, "Stage 3 of 7: ") {
		t.Errorf("the second start did not resume at stage 3:\n%s", out)
	}
	if out := r.typeLine("list"); !strings.Contains(out, "The stages: 1 of 7 run.\r\nStage 1, A page that cannot remember: done") {
		t.Errorf("the second start forgot stage 1 was run:\n%s", out)
	}
	io.WriteString(r.pty, "q\r")
	r.exit()

	r = startPtyIn(t, state, nil, "tutor", "--accessible", "--store", "cookie", "--reset")
	if out := r.wait("\n> "); !strings.Contains(out, "Progress reset") || !strings.Contains(out, "Stage 1 of 7: ") {
		t.Errorf("--reset did not start again at stage 1:\n%s", out)
	}
	if out := r.typeLine("list"); !strings.Contains(out, "The stages: 0 of 7 run.") {
		t.Errorf("--reset kept stages done:\n%s", out)
	}
	io.WriteString(r.pty, "q\r")
	r.exit()
}

var classLocalURL = regexp.MustCompile(`On this machine it answers at (http://127\.0\.0\.1:\d+)`)

// --classroom --accessible on a real terminal: how to join, a student
// (a browser at 127.0.0.2) announced and listed with the email masked,
// nothing redrawn and no QR code's blocks.
func TestTutorAccessibleClassroom(t *testing.T) {
	r := startPty(t, nil, "tutor", "--classroom", "--accessible", "--store", "cookie", "--addr", "127.0.0.1:0")
	welcome := r.wait("\n> ")
	m := classLocalURL.FindStringSubmatch(welcome)
	if m == nil || !strings.Contains(welcome, "How students join the class.") || !strings.Contains(welcome, "Session key: a random key made for this run, never shown") {
		t.Fatalf("the welcome does not say how to join:\n%s", welcome)
	}
	if out := r.typeLine("stage 2"); !strings.Contains(out, "Stage 2 for the whole class") {
		t.Errorf("stage 2 is not said to be the whole class's:\n%s", out)
	}
	c := servertest.Browser(t, "127.0.0.2")
	req, _ := http.NewRequest("POST", m[1]+"/users", strings.NewReader("name=Ann&email=ann%40example.com"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.wait("Student .2, Firefox, did a challenge")
	out := r.typeLine("class")
	if !strings.Contains(out, "1. Student .2, Firefox: submitted Ann, email beginning a, the rest hidden; holds a session; did 1 of 2 challenges of this stage.") {
		t.Errorf("class:\n%s", out)
	}
	io.WriteString(r.pty, "q\r")
	r.wait("Goodbye.")
	if code := r.exit(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	out = r.output()
	checkNeverRedrawn(t, out)
	if strings.Contains(out, "ann@example.com") {
		t.Errorf("the email was said whole:\n%s", out)
	}
}
