package accessible

import (
	"errors"
	"fmt"
	"strings"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

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
	if t.classroomMode() {
		t.say("", fmt.Sprintf("Stage %d for the whole class: every student's browser meets it from its next request, with sessions kept in %s.", sc.Stage.Index+1, storagePlace(t.eng.Storage())))
	}
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
	switch {
	case h.BodySize == 0:
		t.say("", "The last response has no body.")
		return
	case len(h.ResponseBody) == 0:
		t.say("", fmt.Sprintf("The last response's body was %d bytes, and the server does not keep the bodies it sends, so it cannot be read here.", h.BodySize))
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
		if c.Result != nil && c.Result.SessionID != "" {
			lines = append(lines, "The session id in it: "+esc(c.Result.SessionID))
		}
	}
	t.say("The session cookies of the last exchange, whole.", lines...)
}

// storagePlace says where a storage keeps sessions: "signed cookies",
// "the database".
func storagePlace(st server.Storage) string {
	switch st {
	case server.StorageServer:
		return "the database"
	case server.StorageEncrypted:
		return "encrypted cookies"
	case server.StorageSigned:
		return "signed cookies"
	}
	return engine.StorageName(st)
}

// withArticle puts "a" or "an" before a noun phrase.
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// lessonOf is stage st's lesson split for listening: its text, and the
// extra detail the lesson file keeps after "<!-- more -->" (Lesson.More).
func lessonOf(st engine.Stage) Lesson { return SplitLesson(st.Lesson.Text, st.Lesson.More) }

// hearTraffic says the last requests from outside, a line each, or reads
// request seq whole, as the server recorded it.
func (t *tutor) hearTraffic(seq int) {
	if len(t.heard) == 0 {
		t.say("", fmt.Sprintf("No requests from outside the tutor yet. Send one to %s/show from a browser or curl.", t.eng.URL()))
		return
	}
	if seq == 0 {
		lines := make([]string, len(t.heard))
		for i, h := range t.heard {
			lines[i] = h.line
		}
		lines = append(lines, "Type traffic and a request's number to hear it whole.")
		t.say(fmt.Sprintf("The last %s from outside the tutor, oldest first:", plural(len(t.heard), "request", "requests")), lines...)
		return
	}
	for _, h := range t.heard {
		if h.o.Exchange.Seq != uint64(seq) {
			continue
		}
		tr := engine.TripOf(h.o)
		t.last = tr
		lines := TripLines(tr)
		lines = append(lines, "The headers are sorted by name: the server does not see the order they were sent in.")
		t.say(fmt.Sprintf("Request %d, from %s, as the server recorded it.", seq, esc(h.o.Label)), lines...)
		return
	}
	t.say("", fmt.Sprintf("Request %d is not among the last %d from outside the tutor; type traffic for their numbers.", seq, len(t.heard)))
}
