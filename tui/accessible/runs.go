package accessible

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/formtest/formtest/lessons/engine"
)

// runTimeout bounds one run, tamper or forge.
const runTimeout = 15 * time.Second

// run runs the stage's exchange and reads it.
func (t *tutor) run(ctx context.Context) {
	st := t.eng.Current()
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	res, err := t.eng.Run(ctx, t.eng.Tutor(), t.form)
	if res.Trip == nil {
		t.say("", "The run failed: "+esc(errText(err))+".")
		return
	}
	t.last = res.Trip
	lines := TripLines(res.Trip)
	lines = append(lines, RunSentence(res))
	if res.Done {
		lines = append(lines, fmt.Sprintf("Stage %d is done. Type next for stage %d.", st.Index+1, st.Index+2))
		if st.Index+1 == len(t.eng.Stages()) {
			lines[len(lines)-1] = fmt.Sprintf("Stage %d is done. %s", st.Index+1, t.summary())
		}
	}
	t.say(fmt.Sprintf("Stage %d, %s: %s.", st.Index+1, res.Trip.Title, plural(len(res.Trip.Hops), "request", "requests")), lines...)
	if res.Done {
		if err := t.store(); err != nil {
			t.say("", saveFailed(err))
		}
	}
}

// otherName is the second browser's name in the engine, otherForm what it
// posts: another person, so the two sessions are told apart by ear.
const otherName = "second browser"

var otherForm = engine.Form{Name: "Grace", Email: "grace@example.com"}

// other runs the stage's exchange as a second browser with a cookie jar
// of its own, as the full-screen o does, and reads it. Like every engine
// client it never counts for a challenge.
func (t *tutor) other(ctx context.Context) {
	c := t.eng.Client(otherName)
	if c == nil {
		var err error
		if c, err = t.eng.NewClient(otherName, engine.UserAgent); err != nil {
			t.say("", "Could not start a second browser: "+esc(err.Error())+".")
			return
		}
	}
	st := t.eng.Current()
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	res, err := t.eng.Run(ctx, c, otherForm)
	if res.Trip == nil {
		t.say("", "The second browser's run failed: "+esc(errText(err))+".")
		return
	}
	t.last = res.Trip
	lines := TripLines(res.Trip)
	lines = append(lines, RunSentence(res), "The tutor's own cookie jar is untouched: type run to hear the first browser again.")
	t.say(fmt.Sprintf("Stage %d, as a second browser with its own cookie jar, posting the name Grace: %s, %s.", st.Index+1, res.Trip.Title, plural(len(res.Trip.Hops), "request", "requests")), lines...)
}

// attack tampers or forges and reads the exchange.
func (t *tutor) attack(ctx context.Context, kind engine.AttackKind) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	var res engine.AttackResult
	var err error
	if kind == engine.AttackForge {
		res, err = t.eng.Forge(ctx, t.eng.Tutor())
	} else {
		res, err = t.eng.Tamper(ctx, t.eng.Tutor())
	}
	if res.Trip == nil {
		t.say("", "It failed: "+esc(errText(err))+".")
		return
	}
	t.last = res.Trip
	lines := []string{esc(res.Trip.Action)}
	lines = append(lines, TripLines(res.Trip)...)
	verdict := AttackSentence(res)
	if res.Verdict == engine.VerdictRejected {
		verdict = t.paint(styleBad, verdict)
	}
	lines = append(lines, verdict)
	t.say(esc(res.Trip.Title)+".", lines...)
}

// predictThen asks the stage's question before the run, if it has one
// not yet answered, and then runs: a number answers it, Enter skips it,
// and any other line skips it and is read as a command instead.
func (t *tutor) predictThen(ctx context.Context, op Op, before string, run func(context.Context)) {
	tr := t.opts.Challenges
	if tr == nil {
		run(ctx)
		return
	}
	p, answered, ok := tr.Prediction(t.eng.Current().Key, before)
	if !ok || answered || t.skipped[p.ID] {
		run(ctx)
		return
	}
	lines := []string{esc(p.Question)}
	for i, a := range p.Answers {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, esc(a)))
	}
	lines = append(lines, "Type the number of your answer, or press Enter to skip the question.")
	t.say("First, a question.", lines...)
	t.pending = func(ctx context.Context, line string) bool {
		line = strings.TrimSpace(line)
		n, err := strconv.Atoi(line)
		if err != nil {
			// Enter, or the same command again, skips the question and
			// runs; any other command skips it and is done instead. A
			// skipped question is not asked again in this run.
			t.skipped[p.ID] = true
			if cmd, perr := Parse(line); line == "" || (perr == nil && cmd.Op == op) {
				t.say("", "Question skipped.")
				run(ctx)
				return true
			}
			t.say("", "Question skipped.")
			return false // read the line as a command
		}
		a, err := tr.Answer(p.ID, n)
		if err != nil {
			t.say("", fmt.Sprintf("Type a number from 1 to %d, or press Enter to skip.", len(p.Answers)))
			t.pending = t.pendingAgain(op, before, run)
			return true
		}
		if err := t.store(); err != nil {
			t.say("", saveFailed(err))
		}
		run(ctx)
		word := "Not quite"
		if a.Right {
			word = "Right"
		}
		t.say("", fmt.Sprintf("You answered %d. %s: the answer is %d, %s. %s", a.Choice, word, p.Right, esc(p.Answers[p.Right-1]), esc(p.Explain)))
		return true
	}
}

// pendingAgain asks the same question again after an answer out of range.
func (t *tutor) pendingAgain(op Op, before string, run func(context.Context)) func(context.Context, string) bool {
	return func(ctx context.Context, line string) bool {
		t.predictThen(ctx, op, before, run)
		if t.pending == nil {
			return true
		}
		p := t.pending
		t.pending = nil
		return p(ctx, line)
	}
}

// askForm asks for the form's name, then its email.
func (t *tutor) askForm() {
	t.say("", fmt.Sprintf("Name, now %s. Type a new one, or press Enter to keep it.", Text(t.form.Name)))
	t.pending = func(_ context.Context, name string) bool {
		if name = strings.TrimSpace(name); name != "" {
			t.form.Name = name
		}
		t.say("", fmt.Sprintf("Email, now %s. Type a new one, or press Enter to keep it.", Text(t.form.Email)))
		t.pending = func(_ context.Context, email string) bool {
			if email = strings.TrimSpace(email); email != "" {
				t.form.Email = email
			}
			t.say("", fmt.Sprintf("The form will post name %s and email %s. Type run to post it.", Text(t.form.Name), Text(t.form.Email)))
			return true
		}
		return true
	}
}
