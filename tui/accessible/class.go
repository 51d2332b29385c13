package accessible

// This file is classroom mode (formtest tutor --classroom --accessible):
// how students join, said at the start and by join; the class, said by
// class; and the class's news (a browser joins, a student does a
// challenge) announced between answers, summed up when it comes fast.
// The teacher's own challenges count only this machine's requests.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// classPage is how many students class lists at once.
const classPage = 20

// classroomMode reports whether the tutor serves a class.
func (t *tutor) classroomMode() bool { return t.opts.Class != nil }

// fromStudent reports whether o is a student's request: in classroom
// mode, one from outside the tutor that did not come from this machine.
func (t *tutor) fromStudent(o engine.Observation) bool {
	return t.classroomMode() && !o.Own() && !o.TutorMachine
}

// joinLines say how students join, in words: the URLs a line each, where
// the QR code is, the key, /me, the budget and that a stage is the whole
// class's; or that no other device can reach this machine.
func joinLines(j *classroom.Join) []string {
	var lines []string
	if j.Warning != "" {
		lines = append(lines, esc(strings.Join(strings.Fields(j.Warning), " ")))
	}
	if len(j.URLs) == 0 {
		lines = append(lines,
			"This machine has no network address beyond loopback, so no other device can reach the tutor. Join the class's network, by Wi-Fi or cable, and start the tutor again.",
			"On this machine it answers at "+esc(j.Local))
	} else {
		where := "this address"
		if len(j.URLs) > 1 {
			where = fmt.Sprintf("one of these %d addresses", len(j.URLs))
		}
		lines = append(lines, "Students join at "+where+", on the same network as this machine:")
		for _, u := range j.URLs {
			l := esc(u.URL)
			if u.Iface != "" {
				l += " (interface " + classroom.SafeText(u.Iface, 16) + ")"
			}
			lines = append(lines, l)
		}
		lines = append(lines, "A QR code of the first address is on the full-screen tutor's join screen, and printed by formtest tutor --classroom --plain; it is not shown here.")
	}
	me := "/me"
	if len(j.URLs) > 0 {
		me = esc(strings.TrimSuffix(j.URLs[0].URL, "/")) + "/me"
	}
	lines = append(lines,
		"Session key: "+esc(strings.Join(strings.Fields(j.KeyNote), " "))+".",
		fmt.Sprintf("Each student sees their own session, and the name the class list gives their browser, at %s.", me),
		fmt.Sprintf("Each computer may send %s a second, %d at once; past that the server answers 429 Too Many Requests. This machine has no such limit.", requestsRate(j.Rate), j.Burst),
		"The stage you choose applies to the whole class at once: next, previous and stage move every student, and storage switches it for everyone.",
		"Type class to hear the class, join to hear this again.")
	return lines
}

// requestsRate says a rate of requests: "5 requests", "0.5 requests".
func requestsRate(r float64) string {
	s := strconv.FormatFloat(r, 'f', -1, 64)
	if s == "1" {
		return "1 request"
	}
	return s + " requests"
}

// join says how students join.
func (t *tutor) join() {
	switch {
	case !t.classroomMode():
		t.say("", notClassroom)
	case t.opts.Join == nil:
		t.say("", "How students join is not known to this view: see the addresses the tutor printed when it started.")
	default:
		t.say("How students join the class.", joinLines(t.opts.Join)...)
	}
}

// notClassroom answers class and join outside classroom mode.
const notClassroom = "There is no class: this tutor is for you alone. To serve the form to a whole class, start it with formtest tutor --classroom --accessible."

// hearClass says the class in the current stage: its counts, each
// challenge's count, then the students from the from-th (from 1), at most
// classPage of them.
func (t *tutor) hearClass(from int) {
	if !t.classroomMode() {
		t.say("", notClassroom)
		return
	}
	m := t.opts.Class
	st := t.eng.Current()
	rows := m.Rows()
	if from > 1 && from > len(rows) {
		t.say("", fmt.Sprintf("The class has %s; type class for the list.", plural(len(rows), "browser", "browsers")))
		return
	}
	var lines []string
	if from <= 1 {
		from = 1
		lines = append(lines, classSummary(m.Summary(st.Server)))
		if tr := m.Challenges(); tr != nil {
			for i, c := range tr.Class(st.Key) {
				lines = append(lines, fmt.Sprintf("Challenge %d: %s", i+1, esc(c.Said())))
			}
		}
		if len(rows) == 0 {
			lines = append(lines, "No student has connected yet. Type join to hear how they join.")
			t.say(fmt.Sprintf("The class, in stage %d.", st.Index+1), lines...)
			return
		}
	}
	end := min(len(rows), from-1+classPage)
	for i := from - 1; i < end; i++ {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, t.studentSentence(&rows[i], st)))
	}
	if rest := len(rows) - end; rest > 0 {
		lines = append(lines, fmt.Sprintf("And %d more; type class %d to hear from the %s.", rest, end+1, ordinal(end+1)))
	}
	head := fmt.Sprintf("The class, in stage %d: %s, first seen first.", st.Index+1, plural(len(rows), "browser", "browsers"))
	if from > 1 {
		head = fmt.Sprintf("The class's browsers from the %s, of %d:", ordinal(from), len(rows))
	}
	t.say(head, lines...)
}

// classSummary says the class's counts in a stage.
func classSummary(s classroom.Summary) string {
	var b strings.Builder
	if s.InStage == 0 {
		b.WriteString("No browser has sent a request in this stage yet.")
	} else {
		fmt.Fprintf(&b, "%d of the %s that sent a request in this stage %s a session", s.WithSession, plural(s.InStage, "browser", "browsers"), verb(s.WithSession, "holds", "hold"))
		if s.Submitted > 0 {
			fmt.Fprintf(&b, ", and %d posted the form", s.Submitted)
		}
		b.WriteString(".")
	}
	if s.Clients > s.InStage {
		fmt.Fprintf(&b, " %s in the class in all.", plural(s.Clients, "browser", "browsers"))
	}
	if s.Evicted > 0 {
		fmt.Fprintf(&b, " %s forgotten to make room.", plural(int(s.Evicted), "browser was", "browsers were"))
	}
	if s.Missed > 0 {
		fmt.Fprintf(&b, " %s not counted: the tutor fell behind.", plural(int(s.Missed), "request was", "requests were"))
	}
	return b.String()
}

// studentSentence says one browser of the class: who, what it posted
// (the email masked), its session, and the stage's challenges it did.
// Every string in a Row is escaped already.
func (t *tutor) studentSentence(r *classroom.Row, st engine.Stage) string {
	var b strings.Builder
	if r.Tutor { // the tutor's own machine, no student
		fmt.Fprintf(&b, "This machine, %s, %s: ", r.Label, r.Browser)
	} else {
		fmt.Fprintf(&b, "Student %s, %s: ", r.Label, r.Browser)
	}
	if r.Name == "" {
		b.WriteString("has not posted the form")
	} else {
		fmt.Fprintf(&b, "submitted %s, %s", r.Name, emailWords(r.Email))
	}
	b.WriteString("; " + sessionSentence(r))
	if r.Tampered > 0 {
		if r.Tampered == 1 {
			b.WriteString("; sent a tampered cookie once, and it was refused")
		} else {
			fmt.Fprintf(&b, "; sent a tampered cookie %s, refused every time", times(r.Tampered))
		}
	}
	if r.Foreign > 0 {
		b.WriteString("; sent a cookie the server never set for it, and it was accepted")
	}
	if r.Refused > 0 {
		fmt.Fprintf(&b, "; %s over its budget refused", plural(int(r.Refused), "request", "requests"))
	}
	if r.Stage != st.Server {
		b.WriteString("; no request in this stage yet")
	}
	if tr := t.opts.Class.Challenges(); r.Tutor {
		b.WriteString("; its challenges are yours, not the class's: type challenges")
	} else if tr != nil {
		if done, total := tr.StudentDone(r.Addr, st.Key); total > 0 {
			fmt.Fprintf(&b, "; did %d of %s of this stage", done, plural(total, "challenge", "challenges"))
		}
	}
	return b.String() + "."
}

// emailWords says a masked email (classroom.MaskEmail) in words, so
// that no ellipsis or at sign is read out: "email beginning a, the rest
// hidden".
func emailWords(masked string) string {
	first := strings.TrimSuffix(strings.TrimSuffix(masked, "…@…"), "…")
	switch {
	case masked == "":
		return "no email"
	case first == "":
		return "an email, hidden"
	}
	return "email beginning " + first + ", the rest hidden"
}

// sessionSentence says the verdict on a row's latest cookie, in words
// (the full-screen class view's verdict, without its marks).
func sessionSentence(r *classroom.Row) string {
	switch r.Verdict {
	case engine.VerdictRejected:
		return "its last cookie was refused (" + r.Rejected + ")"
	case engine.VerdictAccepted:
		if r.HasSession {
			return "holds a session"
		}
		return "its cookie holds an empty session"
	}
	if r.HasSession {
		return "was just given a session"
	}
	return "no session"
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return strconv.Itoa(n) + " times"
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ordinal says n as "1st", "2nd", "21st", "113th".
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// The class's news, as limiter labels.
const (
	newsJoined    = "joined"
	newsChallenge = "did a challenge"
)

// observeStudent takes in a student's request: the class hears it, the
// teacher's tracker only learns its cookies, and a browser new to the
// class or a challenge a student did for the first time is announced.
func (t *tutor) observeStudent(o engine.Observation) []string {
	if t.opts.Challenges != nil {
		t.opts.Challenges.Learn(o)
	}
	m := t.opts.Class
	e := &o.Exchange
	k := classroom.Key{Addr: server.RemoteIP(e.RemoteAddr), Browser: server.BrowserFamily(e.RequestHeader.Get("User-Agent"))}
	_, known := m.Row(k)
	ticks := m.Add(o)
	r, ok := m.Row(k)
	if !ok {
		return nil
	}
	var news []string
	now := t.now()
	if !known {
		s := m.Summary(t.eng.Current().Server)
		line := fmt.Sprintf("Student %s, %s, joined the class: %s in it now. Type class to hear them.", r.Label, r.Browser, plural(s.Clients, "browser", "browsers"))
		if l, ok := t.class.offer(now, line, newsJoined); ok {
			news = append(news, l)
		}
	}
	for _, tk := range ticks {
		line := fmt.Sprintf("Student %s, %s, did a challenge%s: %s.", r.Label, r.Browser, t.ofStage(tk.Challenge.Stage), esc(tk.Challenge.Title))
		if c, ok := classCount(m.Challenges(), tk.Challenge); ok {
			line += " " + esc(c.Said())
		}
		if l, ok := t.class.offer(now, line, newsChallenge); ok {
			news = append(news, l)
		}
	}
	return news
}

// ofStage says " of stage 2" for a challenge of a stage other than the
// current one (a class tracker counts every stage's), "" for the current.
func (t *tutor) ofStage(key string) string {
	if key == t.eng.Current().Key {
		return ""
	}
	for _, st := range t.eng.Stages() {
		if st.Key == key {
			return fmt.Sprintf(" of stage %d", st.Index+1)
		}
	}
	return ""
}

// classCount is how many students did ch.
func classCount(tr *check.Tracker, ch lessons.Challenge) (check.ClassCount, bool) {
	if tr == nil {
		return check.ClassCount{}, false
	}
	for _, c := range tr.Class(ch.Stage) {
		if c.Challenge.ID == ch.ID {
			return c, true
		}
	}
	return check.ClassCount{}, false
}
