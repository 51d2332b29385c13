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
// In classroom mode (Options.Class, formtest tutor --classroom) it says
// how students join, in words (no QR code), the class command says the
// class a browser a line, and the students' requests are not announced
// one by one: a browser joining and a student's challenge are. The
// learner's challenges are then the teacher's, done from this machine.
//
// It reads lines from In and writes to Out, and needs no terminal at all.
package accessible

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
)

// Tracker is what the view needs of the challenges: check.Tracker
// implements it. The view feeds it every observation and announces the
// ticks it returns.
type Tracker interface {
	Observe(o engine.Observation) []check.Tick
	// Learn takes in what o tells about cookies without counting it: in
	// classroom mode, for the students' requests.
	Learn(o engine.Observation)
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
	// Challenges, when set, recognises the learner's challenges: in
	// classroom mode the teacher's, done from this machine (the server's
	// ClassExempt addresses); the students' requests only teach it their
	// cookies.
	Challenges Tracker
	// Class, when set, is the class of formtest tutor --classroom (with a
	// class tracker, classroom.Options.Challenges, for its challenges):
	// Run feeds it every observation, so the caller must not. The class
	// command reads it; a browser joining and a student's challenge are
	// announced, and the students' requests are not, one by one.
	Class *classroom.Model
	// Join is how students reach the server; with Class, it is said at
	// the start and by the join command.
	Join *classroom.Join
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
	class    *limiter // the class's news, in classroom mode
	heard    []heard  // the last outside requests, for traffic
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
	t.class = &limiter{window: window, burst: burst, sum: func(held, secs int, parts []string, last string) string {
		return fmt.Sprintf("%d more from the class in the last %s: %s. The last: %s", held, lastSeconds(secs), andList(parts), last)
	}}

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
			if s := t.class.flush(t.now()); s != "" {
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
	if t.fromStudent(o) {
		if news := t.observeStudent(o); len(news) > 0 {
			t.announce(news...)
		}
		return
	}
	if t.classroomMode() {
		// The tutor's own and this machine's requests count for no
		// student; the class tracker learns their cookies.
		t.opts.Class.Add(o)
	}
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
		t.heard = append(t.heard, heard{o, line})
		if len(t.heard) > maxHeard {
			t.heard = t.heard[len(t.heard)-maxHeard:]
		}
		if s, ok := t.traffic.offer(t.now(), line, esc(o.Label)); ok {
			say = append(say, s)
		}
	}
	// A tick is never held back: it is what the learner is waiting for.
	for _, tk := range ticks {
		say = append(say, t.paint(styleGood, TickLine(tk)), "Type challenges to hear how it was checked.")
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

// heard is a request from outside and the line that announced it.
type heard struct {
	o    engine.Observation
	line string
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
	heard := fmt.Sprintf("The lesson's server is at %s. Requests that your browser or curl send to it are announced as they arrive.", t.eng.URL())
	if t.classroomMode() {
		heard = fmt.Sprintf("The lesson's server is at %s on this machine. Requests from this machine's browser or curl are announced as they arrive, and the challenges you do from it are yours. The students' requests are not read one by one: you hear when a browser joins the class and when a student does a challenge, and class tells you the rest.", t.eng.URL())
	}
	lines := []string{
		"Nothing here is redrawn: each answer is printed below the last. Type a command and press Enter; help lists them, quit leaves.",
		heard,
		"The lessons name the keys of the full-screen tutor; here you type a word instead: for enter type run, for f type form, for c clear, for t tamper, for capital F forge, for capital S storage. Where a lesson points to the address at the top, it means the one above.",
	}
	if t.opts.Note != "" {
		lines = append(lines, esc(t.opts.Note))
	}
	t.say(fmt.Sprintf("formtest tutor, line by line: the sessions lesson in %d stages.", len(t.eng.Stages())), lines...)
	if t.classroomMode() {
		t.join()
	}
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
	case OpOther:
		t.other(ctx)
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
		s := StorageSentence(sc, t.eng.HasDatabase())
		if t.classroomMode() && !sc.NoDatabase {
			s += " This is for the whole class: from its next request, every student's browser has its session kept in " + storagePlace(sc.Storage) + ", and its cookies from before no longer count either."
		}
		t.say("", s)
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
		t.hearTraffic(cmd.N)
	case OpClass:
		t.hearClass(cmd.N)
	case OpJoin:
		t.join()
	}
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
