package check

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server"
)

// TestHintCommandsTickTheirChallenges runs each challenge's last hint,
// the shell lines exactly as the learner would paste them, with the real
// curl and bash, and checks that the tracker ticks the challenge.
func TestHintCommandsTickTheirChallenges(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
	for _, tc := range []struct {
		id, stage string
		db        bool
		// before runs first (the tutor's run, another challenge's lines);
		// at runs at each "#" line, as the learner does in the tutor.
		before func(h *harness)
		at     func(h *harness)
	}{
		{id: "post-without-cookie", stage: "hardcoded"},
		{id: "own-cookie-back", stage: "session"},
		{id: "second-client-no-user", stage: "session", before: func(h *harness) { h.shell("own-cookie-back", nil) }},
		{id: "cookie-by-hand", stage: "template", before: func(h *harness) { h.run() }},
		{id: "tampered-refused", stage: "template/signed", before: func(h *harness) { h.run() }},
		{id: "forged-admin", stage: "template/signed", before: func(h *harness) {
			// The command needs formtest's sign-cookie (issue 12) on PATH.
			if err := exec.Command("formtest", "sign-cookie", "--help").Run(); err != nil {
				h.t.Skipf("no formtest sign-cookie on PATH to run the hint with: %v", err)
			}
		}},
		{id: "encrypted-refused", stage: "template/encrypted", at: func(h *harness) {
			if _, err := h.e.SetStorage(server.StorageSigned); err != nil {
				h.t.Fatal(err)
			}
		}},
		{id: "forgotten-id-refused", stage: "template/server", db: true},
		{id: "session-too-large", stage: "grow/signed"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			h := newHarness(t, tc.stage, tc.db)
			if tc.before != nil {
				tc.before(h)
			}
			h.take()
			h.shell(tc.id, tc.at)
			var ids []string
			for _, tk := range h.take() {
				ids = append(ids, tk.Challenge.ID)
				if tk.Challenge.ID == tc.id {
					t.Logf("%s\n%s", tk.Said, tk.How)
					return
				}
			}
			t.Errorf("the hint's commands ticked %q, not %s", ids, tc.id)
		})
	}
}

// shell runs challenge id's shell lines with bash in a fresh directory,
// calling at (when not nil) at each "#" line.
func (h *harness) shell(id string, at func(*harness)) {
	h.t.Helper()
	ch, ok := h.tr.course.Challenge(id)
	if !ok {
		h.t.Fatalf("no challenge %s", id)
	}
	lines, err := ch.Commands(h.tr.HintData(h.e))
	if err != nil {
		h.t.Fatal(err)
	}
	dir := h.t.TempDir()
	var script []string
	flush := func() {
		if len(script) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", "-e", "-c", strings.Join(script, "\n"))
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			h.t.Fatalf("%s: %v\n%s\n%s", id, err, strings.Join(script, "\n"), out)
		}
		script = nil
	}
	for _, line := range lines {
		if strings.HasPrefix(line, "#") {
			flush()
			h.sync()
			if at == nil {
				h.t.Fatalf("%s: the commands say %q and the test does not know how", id, line)
			}
			at(h)
			continue
		}
		script = append(script, line)
	}
	flush()
}
