package accessible

import (
	"context"
	"fmt"
	"strings"

	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
)

// askReset asks before forgetting the stage's challenges, answers and
// hints; only yes (or y) does it.
func (t *tutor) askReset(st engine.Stage) {
	tr := t.opts.Challenges
	if tr == nil {
		t.say("", "There is nothing to reset: challenges are not part of this tutor. To start the whole tutorial again, quit and start it with --reset.")
		return
	}
	t.say("", fmt.Sprintf("Forget the challenges done, the answers given and the hints heard in stage %d? Type yes or no.", st.Index+1))
	t.pending = func(_ context.Context, line string) bool {
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "yes", "y":
			tr.ResetStage(st.Key)
			clear(t.skipped) // and the questions skipped are asked again
			msg := fmt.Sprintf("Stage %d's challenges, answers and hints are forgotten.", st.Index+1)
			if err := t.store(); err != nil {
				msg += " " + saveFailed(err)
			}
			t.say("", msg)
		default:
			t.say("", "Nothing was reset.")
		}
		return true
	}
}

// challengeCount says how many challenges the stage has and how many are
// done; "" when it has none.
func (t *tutor) challengeCount(st engine.Stage) string {
	if t.opts.Challenges == nil {
		return ""
	}
	sts := t.opts.Challenges.Stage(st.Key)
	if len(sts) == 0 {
		return ""
	}
	done := 0
	for _, s := range sts {
		if s.Done {
			done++
		}
	}
	state := fmt.Sprintf("%d done", done)
	switch done {
	case 0:
		state = "none done yet"
	case len(sts):
		state = "all done"
	}
	return fmt.Sprintf("This stage has %s to do in your own browser or with curl, %s. Type challenges to hear them, hint for a hint.", plural(len(sts), "challenge", "challenges"), state)
}

// challenges reads the stage's challenges.
func (t *tutor) challenges(st engine.Stage) {
	if t.opts.Challenges == nil {
		t.say("", "Challenges are not part of this tutor.")
		return
	}
	sts := t.opts.Challenges.Stage(st.Key)
	if len(sts) == 0 {
		t.say("", "This stage has no challenges.")
		return
	}
	var lines []string
	for i, s := range sts {
		state := "not done yet"
		if s.Done {
			state = "done"
		}
		lines = append(lines, fmt.Sprintf("%d. %s: %s. %s", i+1, esc(s.Challenge.Title), state, esc(s.Challenge.Goal)))
		if s.Tick != nil {
			lines = append(lines, ProofLines(s.Tick.How)...)
		}
	}
	lines = append(lines, fmt.Sprintf("The tutor watches its server at %s and says when one is done. Type hint, or hint and a number, for help.", t.eng.URL()))
	t.say(fmt.Sprintf("The challenges of stage %d.", st.Index+1), lines...)
}

// hint says the next hint of challenge n of the stage (from 1), or of the
// first not done when n is 0.
func (t *tutor) hint(st engine.Stage, n int) {
	tr := t.opts.Challenges
	if tr == nil {
		t.say("", "There are no hints: challenges are not part of this tutor.")
		return
	}
	sts := tr.Stage(st.Key)
	if len(sts) == 0 {
		t.say("", "This stage has no challenges, so no hints.")
		return
	}
	if n > len(sts) {
		t.say("", fmt.Sprintf("This stage has %s; type hint and a number from 1 to %d.", plural(len(sts), "challenge", "challenges"), len(sts)))
		return
	}
	if n == 0 {
		for i, s := range sts {
			if !s.Done {
				n = i + 1
				break
			}
		}
		if n == 0 {
			t.say("", "Every challenge of this stage is done. Type hint and a number to hear a challenge's hints again.")
			return
		}
	}
	ch := sts[n-1].Challenge
	h, err := tr.NextHint(ch.ID, tr.HintData(t.eng))
	if err != nil {
		t.say("", "No hint: "+esc(err.Error())+".")
		return
	}
	head := fmt.Sprintf("Hint %d of %d for challenge %d, %s:", h.N, h.Of, n, esc(ch.Title))
	lines := escLines(strings.Split(h.Text, "\n"))
	if !h.Last {
		lines = append(lines, "Type hint again for the next.")
	}
	t.say(head, lines...)
}

// TickLine announces a challenge done in one sentence: what was done and
// the request that proved it. ProofLines say how it was checked, step by
// step, for the challenges command.
func TickLine(tk check.Tick) string {
	// The sentence is written for the screen: without its tick mark, and
	// "#12" as "12", which a speech synthesiser reads as a number.
	said := strings.TrimSpace(strings.TrimPrefix(tk.Said, "✓"))
	said = strings.ReplaceAll(said, "#", "")
	return "Challenge done: " + esc(tk.Challenge.Title) + ". " + esc(said)
}

// ProofLines say the requests that proved a challenge, oldest first.
func ProofLines(h check.How) []string {
	var lines []string
	for _, s := range h.Steps {
		lines = append(lines, fmt.Sprintf("Proof: request %d, %s %s, answered %d, from %s: %s.", s.Seq, s.Method, s.Target, s.Status, s.Client, s.Fact))
	}
	return lines
}
