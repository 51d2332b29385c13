// Package accessible is the tutor for a screen reader or a braille
// display: a line-by-line, interactive view over the lesson engine
// (lessons/engine), on the normal screen.
//
// It prints and never redraws: no alternate screen, no cursor movement,
// no clearing, no box-drawing or block characters, no symbols standing in
// for words, no colour unless asked. The learner types a command and
// Enter (run, next, tamper, hint...), the same operations as the
// full-screen tutor's keys; every answer is printed below the last, made
// for listening: exchanges read in order with each header on its own
// line, bodies summarised, sessions said in short sentences, long values
// announced by their length. Requests from the learner's own browser or
// curl are announced as they arrive, a line each, between answers and
// never inside one, and rate-limited to stay listenable.
//
// It reads lines from In and writes to Out, and needs no terminal at all.
package accessible

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// Tracker is what the view needs of the challenges: check.Tracker
// implements it. The view feeds it every observation and announces the
// ticks it returns.
type Tracker interface {
	Observe(o engine.Observation) []check.Tick
	Stage(stage string) []check.Status
	NextHint(id string, d lessons.HintData) (check.Hint, error)
	HintData(e *engine.Engine) lessons.HintData
	Prediction(stage, run string) (p lessons.Prediction, answered, ok bool)
	Answer(id string, choice int) (check.Answer, error)
	Fill(p *engine.Progress)
	Summary() check.Summary
	ResetStage(stage string)
}

// Options configures Run.
type Options struct {
	// Engine runs the lesson.
	Engine *engine.Engine
	// Form is the demo form's first values.
	Form engine.Form
	// In gives the learner's lines; Out is where the view writes.
	In  io.Reader
	Out io.Writer
	// Note is said after the welcome: about saved progress, a missing
	// database.
	Note string
	// SaveProgress, when set, saves the learner's progress (with the
	// challenges filled in by Challenges).
	SaveProgress func(engine.Progress) error
	// Challenges, when set, recognises the learner's challenges.
	Challenges Tracker
	// Color marks verdicts and headings with colour too (never alone).
	Color bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TrafficWindow and TrafficBurst bound the traffic announced: at most
	// TrafficBurst lines in any TrafficWindow, the rest summed up in one
	// line when the window has passed. Zero means 5 seconds and 3.
	TrafficWindow time.Duration
	TrafficBurst  int
}

// runTimeout bounds one run, tamper or forge.
const runTimeout = 15 * time.Second

// maxLine bounds a typed line; the rest of a longer one is dropped.
const maxLine = 4096

// prompt ends every answer: the view is ready for a command.
const prompt = "> "

// tutor is the running view.
type tutor struct {
	opts Options
	eng  *engine.Engine
	out  io.Writer
	now  func() time.Time
	form engine.Form

	// last is the last exchange heard, for body and show cookie.
	last *engine.Trip
	// pending, when set, takes the next line instead of the parser: the
	// form's fields, a prediction.
	pending func(ctx context.Context, line string) bool
	// prompted is set while the prompt is the last thing written.
	prompted bool
	traffic  *limiter
	heard    []string // the last outside requests, for traffic
	quit     bool
	// skipped are the questions skipped in this run, by id.
	skipped map[string]bool
	// err is the first error writing to Out.
	err error
}

// Run runs the view until the learner quits, In ends or ctx is done.
func Run(ctx context.Context, opts Options) error {
	if opts.Engine == nil {
		return errors.New("accessible: no engine")
	}
	t := &tutor{opts: opts, eng: opts.Engine, out: opts.Out, now: opts.Now, form: opts.Form, skipped: make(map[string]bool)}
	if t.now == nil {
		t.now = time.Now
	}
	window, burst := opts.TrafficWindow, opts.TrafficBurst
	if window <= 0 {
		window = 5 * time.Second
	}
	if burst <= 0 {
		burst = 3
	}
	t.traffic = &limiter{window: window, burst: burst}

	w := t.eng.Watch(512)
	defer w.Close()
	lines := make(chan string)
	done := make(chan struct{})
	defer close(done)
	go readLines(opts.In, lines, done)

	if err := t.welcome(); err != nil {
		return err
	}
	tick := time.NewTicker(window / 5)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			// Interrupted (Ctrl-C): save, say so on a line of its own.
			t.say("", "Interrupted. "+t.save()+" Goodbye.")
			return t.werr()
		case line, ok := <-lines:
			if !ok {
				t.say("", "End of input. "+t.save()+" Goodbye.")
				return nil
			}
			t.prompted = false
			t.handle(ctx, line)
			t.drain(w)
			if t.quit {
				return nil
			}
			t.ready()
		case o, ok := <-w.C:
			if !ok {
				return errors.New("accessible: the engine stopped")
			}
			t.observe(o)
		case <-tick.C:
			if s := t.traffic.flush(t.now()); s != "" {
				t.announce(s)
			}
		}
		if err := t.werr(); err != nil {
			return err
		}
	}
}

// readLines sends each line of r, without its line end and bounded to
// maxLine bytes, until r ends or done closes; then it closes lines.
func readLines(r io.Reader, lines chan<- string, done <-chan struct{}) {
	defer close(lines)
	br := bufio.NewReaderSize(r, maxLine)
	for {
		b, isPrefix, err := br.ReadLine()
		if err != nil {
			return
		}
		line := string(b)
		for isPrefix && err == nil {
			_, isPrefix, err = br.ReadLine() // drop the rest of a long line
		}
		select {
		case lines <- line:
		case <-done:
			return
		}
	}
}

// drain hears the observations that arrived while a command ran.
func (t *tutor) drain(w *engine.Watcher) {
	for {
		select {
		case o, ok := <-w.C:
			if !ok {
				return
			}
			t.observe(o)
		default:
			return
		}
	}
}

// observe feeds o to the challenges and announces it when it came from
// outside the tutor.
func (t *tutor) observe(o engine.Observation) {
	var ticks []check.Tick
	if t.opts.Challenges != nil {
		ticks = t.opts.Challenges.Observe(o)
	}
	var say []string
	if !o.Own() {
		line := TrafficLine(o)
		if o.Missed > 0 {
			line += " " + plural(int(o.Missed), "request before it was", "requests before it were") + " not heard: the tutor fell behind."
		}
		t.heard = append(t.heard, line)
		if len(t.heard) > maxHeard {
			t.heard = t.heard[len(t.heard)-maxHeard:]
		}
		if s, ok := t.traffic.offer(t.now(), line, esc(o.Label)); ok {
			say = append(say, s)
		}
	}
	// A tick is never held back: it is what the learner is waiting for.
	for _, tk := range ticks {
		lines := TickLines(tk)
		lines[0] = t.paint(styleGood, lines[0])
		say = append(say, lines...)
	}
	if len(ticks) > 0 {
		if err := t.store(); err != nil {
			say = append(say, saveFailed(err))
		}
	}
	if len(say) > 0 {
		t.announce(say...)
	}
}

// maxHeard is how many outside requests traffic repeats.
const maxHeard = 10

// announce prints lines between answers: on a line of their own, then
// the prompt again.
func (t *tutor) announce(lines ...string) {
	var b strings.Builder
	prompted := t.prompted
	if prompted {
		b.WriteString("\n")
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	if prompted {
		b.WriteString(prompt)
	}
	t.write(b.String())
}

// ready prints the prompt.
func (t *tutor) ready() {
	t.write(prompt)
	t.prompted = true
}

// say prints an answer: a heading line, when not "", then lines. Said
// after the prompt with no line typed (end of input, an interrupt), it
// starts on a line of its own.
func (t *tutor) say(heading string, lines ...string) {
	var b strings.Builder
	if t.prompted {
		b.WriteString("\n")
		t.prompted = false
	}
	if heading != "" {
		b.WriteString(t.paint(styleHeading, heading) + "\n")
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	t.write(b.String())
}

// write writes s in one call, so that no announcement lands inside it,
// and keeps the first error.
func (t *tutor) write(s string) {
	if t.err != nil || s == "" {
		return
	}
	_, t.err = io.WriteString(t.out, s)
}

// welcome greets the learner and opens the current stage.
func (t *tutor) welcome() error {
	lines := []string{
		"Nothing here is redrawn: each answer is printed below the last. Type a command and press Enter; help lists them, quit leaves.",
		fmt.Sprintf("The lesson's server is at %s. Requests that your browser or curl send to it are announced as they arrive.", t.eng.URL()),
		"The lessons name the keys of the full-screen tutor. Here each is a command: enter is run, f is form, c is clear, t is tamper, capital F is forge, capital S is storage, and the address at the top is the one above.",
	}
	if t.opts.Note != "" {
		lines = append(lines, t.opts.Note)
	}
	t.say("formtest tutor, line by line: the sessions lesson in 7 stages.", lines...)
	t.opening(t.eng.Current(), false)
	t.ready()
	return t.werr()
}

func (t *tutor) werr() error { return t.err }

// handle runs one typed line.
func (t *tutor) handle(ctx context.Context, line string) {
	if p := t.pending; p != nil {
		t.pending = nil
		if p(ctx, line) {
			return
		}
	}
	cmd, err := Parse(line)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) && pe.Reason != "" {
			t.say("", esc(pe.Error()))
			return
		}
		t.say("", esc(err.Error()), CommandList())
		return
	}
	t.do(ctx, cmd)
}

// do runs a command.
func (t *tutor) do(ctx context.Context, cmd Command) {
	st := t.eng.Current()
	switch cmd.Op {
	case OpNone:
		t.say("", "Type a command, such as run, or help for all of them.")
	case OpHelp:
		t.say("Commands. Type a word, or the letter after it, then Enter.", HelpLines()...)
	case OpQuit:
		t.say("", t.save()+" Goodbye.")
		t.quit = true
	case OpRun:
		t.predictThen(ctx, cmd.Op, lessons.BeforeRun, t.run)
	case OpTamper:
		if t.eng.Tutor().SessionCookie() == "" {
			t.say("", "There is no session cookie in the jar to tamper with: type run first.")
			return
		}
		t.predictThen(ctx, cmd.Op, lessons.BeforeTamper, func(ctx context.Context) { t.attack(ctx, engine.AttackTamper) })
	case OpForge:
		t.predictThen(ctx, cmd.Op, lessons.BeforeForge, func(ctx context.Context) { t.attack(ctx, engine.AttackForge) })
	case OpNext:
		t.gotoStage(st.Index + 1)
	case OpPrevious:
		t.gotoStage(st.Index - 1)
	case OpStage:
		if cmd.N < 1 || cmd.N > len(t.eng.Stages()) {
			t.say("", fmt.Sprintf("There is no stage %d: the stages are 1 to %d.", cmd.N, len(t.eng.Stages())))
			return
		}
		t.gotoStage(cmd.N - 1)
	case OpRepeat:
		t.opening(st, false)
	case OpList:
		t.list()
	case OpMore:
		l := lessonOf(st)
		if len(l.Rest) == 0 {
			t.say("", "That was the whole lesson for this stage. Type code for its code, or run.")
			return
		}
		t.say(fmt.Sprintf("The rest of stage %d's lesson:", st.Index+1), append(l.Rest, "End of the lesson. Type code for the code, or run.")...)
	case OpCode:
		t.code(st)
	case OpBody:
		t.body()
	case OpShowCookie:
		t.showCookie()
	case OpStorage:
		sc, err := t.eng.CycleStorage()
		if err != nil {
			t.say("", "Could not switch storage: "+esc(err.Error())+".")
			return
		}
		t.say("", StorageSentence(sc, t.eng.HasDatabase()))
	case OpClear:
		t.eng.Tutor().Clear()
		t.say("", "Cookie jar cleared, as in a new browser: the next request carries no cookie.")
	case OpForm:
		t.askForm()
	case OpChallenges:
		t.challenges(st)
	case OpHint:
		t.hint(st, cmd.N)
	case OpReset:
		t.askReset(st)
	case OpTraffic:
		if len(t.heard) == 0 {
			t.say("", fmt.Sprintf("No requests from outside the tutor yet. Send one to %s/show from a browser or curl.", t.eng.URL()))
			return
		}
		t.say(fmt.Sprintf("The last %s from outside the tutor, oldest first:", plural(len(t.heard), "request", "requests")), t.heard...)
	}
}

// StorageSentence says what switching storage did.
func StorageSentence(sc engine.StorageChange, haveDB bool) string {
	if sc.NoDatabase {
		return noDatabase
	}
	s := fmt.Sprintf("Sessions are now kept in %s: %s. Cookies from before no longer count; type run.", withArticle(engine.StorageName(sc.Storage)), engine.StorageSentence(sc.Storage))
	if sc.Storage == server.StorageServer {
		s = fmt.Sprintf("Sessions are now kept in the database: %s. Cookies from before no longer count; type run.", engine.StorageSentence(sc.Storage))
	}
	if sc.Storage == server.StorageSigned && !haveDB {
		s += " There is no database, so storage skips it."
	}
	return s
}

// noDatabase says why a stage that keeps sessions in a database runs on
// signed cookies.
const noDatabase = "This stage keeps sessions in a database, and the tutor was started without one (see formtest tutor --store), so the server keeps signed cookies instead."

// gotoStage moves to stage i and opens it.
func (t *tutor) gotoStage(i int) {
	sc, err := t.eng.Goto(i)
	switch {
	case errors.Is(err, engine.ErrPastLast):
		t.say("", "This is the last stage. "+t.summary()+" Type list for the stages, or quit.")
		return
	case errors.Is(err, engine.ErrBeforeFirst):
		t.say("", "This is the first stage.")
		return
	case err != nil:
		t.say("", "Could not change stage: "+esc(err.Error())+".")
		return
	}
	t.last = nil
	t.opening(sc.Stage, sc.NoDatabase)
	if err := t.store(); err != nil {
		t.say("", saveFailed(err))
	}
}

// opening says a stage's number, title and the first paragraph of its
// lesson, and what to type next.
func (t *tutor) opening(st engine.Stage, noDB bool) {
	n := len(t.eng.Stages())
	head := fmt.Sprintf("Stage %d of %d: %s.", st.Index+1, n, esc(st.Lesson.Title))
	if t.eng.Progress().IsDone(st.Key) {
		head += " You have run this stage before."
	}
	l := lessonOf(st)
	lines := append([]string(nil), l.Opening...)
	if len(l.Rest) > 0 {
		lines = append(lines, fmt.Sprintf("The lesson goes on for %s: type more to hear it, and code for the code.", plural(len(l.Rest), "paragraph", "paragraphs")))
	}
	if noDB {
		lines = append(lines, noDatabase)
	} else if st.Lesson.Storage != "" {
		lines = append(lines, fmt.Sprintf("Sessions: %s.", engine.StorageName(t.eng.Storage())))
	}
	next := "Type run to send " + st.Runs() + "."
	switch {
	case st.ShowsAttacks() && st.Server != server.StageGrow:
		next += " Then tamper, or forge, to attack the cookie; storage switches where sessions are kept."
	case st.Lesson.Storage != "":
		next += " Storage switches where sessions are kept, and clear empties the cookie jar."
	}
	lines = append(lines, next)
	if s := t.challengeCount(st); s != "" {
		lines = append(lines, s)
	}
	t.say(head, lines...)
}

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

// list says the stages and what is done.
func (t *tutor) list() {
	p := t.eng.Progress()
	cur := t.eng.Current().Index
	stages := t.eng.Stages()
	done := 0
	var lines []string
	for _, st := range stages {
		s := fmt.Sprintf("Stage %d, %s: ", st.Index+1, esc(st.Lesson.Title))
		if p.IsDone(st.Key) {
			done++
			s += "done"
		} else {
			s += "not run yet"
		}
		if st.Index == cur {
			s += ", the current stage"
		}
		if t.opts.Challenges != nil {
			n, of := 0, 0
			for _, c := range t.opts.Challenges.Stage(st.Key) {
				of++
				if c.Done {
					n++
				}
			}
			if of > 0 {
				s += fmt.Sprintf("; challenges: %d of %d done", n, of)
			}
		}
		lines = append(lines, s+".")
	}
	lines = append(lines, "Type stage and a number to go to one.")
	t.say(fmt.Sprintf("The stages: %d of %d run.", done, len(stages)), lines...)
}

// summary sums up the learner's progress in a sentence or two.
func (t *tutor) summary() string {
	p := t.eng.Progress()
	n := 0
	for _, st := range t.eng.Stages() {
		if p.IsDone(st.Key) {
			n++
		}
	}
	s := fmt.Sprintf("You have run %d of the %d stages.", n, len(t.eng.Stages()))
	if t.opts.Challenges != nil {
		sum := t.opts.Challenges.Summary()
		s += fmt.Sprintf(" Challenges done: %d of %d. Questions answered: %d of %d, %d right.", sum.ChallengesDone, sum.Challenges, sum.PredictionsAnswered, sum.Predictions, sum.Right)
	}
	return s
}

// code reads the stage's Flask code and the Go code the server runs.
func (t *tutor) code(st engine.Stage) {
	var lines []string
	label := "The lesson's Flask code"
	if !st.FlaskFromSeed {
		label = "A Flask equivalent, not from the lesson"
	}
	for _, c := range st.Lesson.Flask {
		src := strings.Split(strings.TrimRight(c.Source, "\n"), "\n")
		lines = append(lines, fmt.Sprintf("%s, file %s, %s:", label, esc(c.Name), plural(len(src), "line", "lines")))
		lines = append(lines, escLines(src)...)
		lines = append(lines, "End of "+esc(c.Name)+".")
	}
	if st.GoCode != "" {
		src := strings.Split(strings.TrimRight(st.GoCode, "\n"), "\n")
		lines = append(lines, fmt.Sprintf("The Go code formtest runs in this stage, from %s, %s:", st.GoFilesText(), plural(len(src), "line", "lines")))
		lines = append(lines, escLines(src)...)
		lines = append(lines, "End of the Go code.")
	}
	t.say(fmt.Sprintf("The code of stage %d.", st.Index+1), lines...)
}

func escLines(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = esc(l)
	}
	return out
}

// body reads the last response's body whole.
func (t *tutor) body() {
	if t.last == nil || len(t.last.Hops) == 0 {
		t.say("", "No exchange yet: type run first.")
		return
	}
	h := t.last.Last()
	if h.BodySize == 0 {
		t.say("", "The last response has no body.")
		return
	}
	src := strings.Split(strings.TrimRight(strings.ReplaceAll(string(h.ResponseBody), "\r\n", "\n"), "\n"), "\n")
	head := fmt.Sprintf("The body of the last response, %d bytes, %s:", h.BodySize, plural(len(src), "line", "lines"))
	lines := escLines(src)
	if int64(len(h.ResponseBody)) < h.BodySize {
		lines = append(lines, fmt.Sprintf("The tutor kept only the first %d bytes.", len(h.ResponseBody)))
	}
	t.say(head, append(lines, "End of the body.")...)
}

// showCookie reads the last exchange's session cookies whole, or the
// jar's.
func (t *tutor) showCookie() {
	if t.last == nil || len(t.last.Cookies) == 0 {
		v := t.eng.Tutor().SessionCookie()
		if v == "" {
			t.say("", "No session cookie: the last exchange had none, and the cookie jar is empty.")
			return
		}
		t.say(fmt.Sprintf("The session cookie in the jar, %d characters:", len(v)), esc(v))
		return
	}
	var lines []string
	for _, c := range t.last.Cookies {
		where := fmt.Sprintf("Set-Cookie in response %d", c.Hop+1)
		if c.Sent {
			where = fmt.Sprintf("Cookie in request %d", c.Hop+1)
		}
		lines = append(lines, fmt.Sprintf("%s, a value of %d characters:", where, len(c.Value)), esc(c.Value))
		if !c.Sent {
			lines = append(lines, "The whole header: "+esc(c.Header))
		}
	}
	t.say("The session cookies of the last exchange, whole.", lines...)
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

// save saves progress and says so in a sentence, or why it could not.
func (t *tutor) save() string {
	if t.opts.SaveProgress == nil {
		return "Progress is not saved in this run."
	}
	if err := t.store(); err != nil {
		return saveFailed(err)
	}
	return "Your progress is saved."
}

// store saves progress, the challenges' included.
func (t *tutor) store() error {
	if t.opts.SaveProgress == nil {
		return nil
	}
	p := t.eng.Progress()
	if t.opts.Challenges != nil {
		t.opts.Challenges.Fill(&p)
	}
	return t.opts.SaveProgress(p)
}

func saveFailed(err error) string {
	return "Your progress could not be saved: " + sentence(err.Error())
}

// TickLines announce a challenge done: what was done, and the requests
// that proved it.
func TickLines(tk check.Tick) []string {
	// The sentence is written for the screen: without its tick mark, and
	// "#12" as "12", which a speech synthesiser reads as a number.
	said := strings.TrimSpace(strings.TrimPrefix(tk.Said, "✓"))
	said = strings.ReplaceAll(said, "#", "")
	lines := []string{"Challenge done: " + esc(tk.Challenge.Title) + ". " + esc(said)}
	for _, s := range tk.How.Steps {
		lines = append(lines, fmt.Sprintf("Proof: request %d, %s %s, answered %d, from %s: %s.", s.Seq, s.Method, s.Target, s.Status, s.Client, s.Fact))
	}
	return lines
}

// withArticle puts "a" or "an" before a noun phrase.
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// lessonOf is stage st's lesson split for listening. The lesson files
// of issue 11 move the text after "<!-- more -->" into Lesson.More; until
// this branch has that field the marker is found in the text, and once it
// does, lessonOf passes st.Lesson.More.
func lessonOf(st engine.Stage) Lesson { return SplitLesson(st.Lesson.Text, "") }
