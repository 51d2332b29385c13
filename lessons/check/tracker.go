package check

import (
	"crypto/sha256"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// Bounds on what the tracker remembers, so that a flood of requests
// cannot make it grow without end. The oldest entries go first.
const (
	maxCookies = 4096
	maxClients = 256
	// A class tracker remembers more: a class of up to
	// classroom's 4,096 browsers, each with a few cookies.
	maxClassCookies  = 16384
	maxClassStudents = server.DefaultMaxClients
	// maxReceivers is how many clients a cookie value is remembered as
	// set for (two clients posting the same form in the same second get
	// the same signed value).
	maxReceivers = 4
)

// Placeholders for a hint's cookie when the tracker knows none.
const (
	PlaceholderCookie    = "PASTE-A-SESSION-COOKIE-HERE"
	PlaceholderForgotten = "PASTE-THE-OLD-COOKIE-HERE"
)

// cookieKey is a cookie value's digest: the tracker keeps digests, not
// values of up to 4 KB each.
type cookieKey [16]byte

func keyOf(v string) cookieKey {
	sum := sha256.Sum256([]byte(v))
	return cookieKey(sum[:16])
}

// cookieInfo is what the tracker has seen of one cookie value.
type cookieInfo struct {
	// receivers are the keys of the clients the server set it for: an
	// outside Client's key, or "engine\x00" and an engine client's name.
	receivers []string
	// setSeq is the exchange that first set it, set its step, and
	// setStorage the storage then.
	setSeq     uint64
	set        Step
	setStorage server.Storage
	// sentByEngine is set once an engine client sent it.
	sentByEngine bool
	// loggedOut is the exchange in which an outside client sent it with
	// Forget me and the row was deleted, 0 when none; logout its step.
	loggedOut uint64
	logout    Step
	// ended is set once an outside client sent it with Forget me, under
	// any storage, and the answer deleted it.
	ended bool
}

// clientState is what the tracker remembers of one outside client.
type clientState struct {
	// post is the last POST /users answered with a redirect and no
	// Set-Cookie, and postStage the stage that answered it.
	post      uint64
	postStage server.Stage
	postStep  Step
}

// holder is the last outside client whose own cookie was accepted with a
// user, for second-client-no-user.
type holder struct {
	cookie cookieKey
	seq    uint64
	step   Step
}

// Tracker watches observations for the course's challenges. Feed it every
// observation with Observe; it is safe for concurrent use.
type Tracker struct {
	course *Course
	now    func() time.Time
	// class is set for a class tracker (NewClassTracker), which counts
	// each challenge once per student instead of once.
	class *classTally

	mu      sync.Mutex
	cookies *fifo[cookieKey, *cookieInfo]
	clients *fifo[string, *clientState]
	holder  *holder
	// lastBrowserCookie is the last session cookie the server set for an
	// outside client other than curl; lastForgotten the last one an
	// outside client sent with Forget me. Both are values the server made
	// (or accepted), kept for hints.
	lastBrowserCookie string
	lastForgotten     string

	done    map[string]engine.ChallengeDone
	order   []string // ids of done, in order
	ticks   map[string]Tick
	answers map[string]engine.PredictionAnswer
	hints   map[string]int
}

// NewTracker returns a tracker for course that resumes from p: the
// challenges and predictions p records as done stay done. now is the
// clock; nil means time.Now. Records in p of ids the course does not
// have are kept, untouched, for a course that has them.
func NewTracker(course *Course, p engine.Progress, now func() time.Time) *Tracker {
	if now == nil {
		now = time.Now
	}
	t := &Tracker{
		course:  course,
		now:     now,
		cookies: newFifo[cookieKey, *cookieInfo](maxCookies),
		clients: newFifo[string, *clientState](maxClients),
		done:    make(map[string]engine.ChallengeDone),
		ticks:   make(map[string]Tick),
		answers: make(map[string]engine.PredictionAnswer),
		hints:   make(map[string]int),
	}
	for _, d := range p.Challenges {
		if _, ok := t.done[d.ID]; !ok {
			t.done[d.ID] = d
			t.order = append(t.order, d.ID)
		}
	}
	for _, a := range p.Predictions {
		t.answers[a.ID] = a
	}
	return t
}

// Observe reads one observation and returns the challenges it proved
// done, if any. Observations of the engine's own clients never tick one;
// the tracker learns from them which cookies are the tutor's.
func (t *Tracker) Observe(o engine.Observation) []Tick {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !o.Own() && o.Exchange.RequestHeader.Get("User-Agent") == engine.UserAgent {
		// The tutor's own User-Agent on a request the engine did not pair
		// (its record came too late): still the tutor's, so it never
		// counts, and its cookies are the tutor's.
		o.Client = engine.TutorClient
	}
	var ticks []Tick
	if !o.Own() {
		ticks = t.check(o)
	}
	t.learn(o)
	return ticks
}

// Learn notes what o tells about cookies and clients, as Observe does,
// without checking it for any challenge: for observations of clients
// whose work this tracker is not to count (in a classroom, the tutor's
// tracker counts only this machine's, and a class tracker the students').
func (t *Tracker) Learn(o engine.Observation) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.learn(o)
}

// check tries every challenge not yet done against outside observation o.
func (t *Tracker) check(o engine.Observation) []Tick {
	var ticks []Tick
	e := &o.Exchange
	c := clientOf(o)
	sn := seen{o: o, e: e, c: c, who: c.String(), sent: e.IncomingCookie, name: userName(e)}
	if sn.sent != "" {
		sn.info = t.cookies.get(keyOf(sn.sent))
		sn.accepted = e.Rejected == "" && e.In != nil && e.In.Err == nil
	}
	var st *student
	if t.class != nil {
		st = t.class.student(c.ip())
	}
	for _, sw := range t.course.stages {
		for _, ch := range sw.challenges {
			if st != nil {
				if st.done[ch.ID] {
					continue
				}
			} else if _, ok := t.done[ch.ID]; ok {
				continue
			}
			if ch.rule.stage != "" && o.Exchange.Stage != ch.rule.stage {
				continue
			}
			if ch.rule.storage != "" && o.Exchange.Storage != ch.rule.storage {
				continue
			}
			how, data, ok := t.match(ch.rule, &sn)
			if !ok {
				continue
			}
			// Everything a client sent is escaped before it is said: the
			// name comes from the session, which the client may have forged.
			data.Client, data.Name = c.String(), cookiecodec.EscapeText(data.Name)
			said, err := ch.Said(data)
			if err != nil {
				// Templates are tried when the file loads; should one still
				// fail, the learner is told plainly rather than not at all.
				said = "✓ " + ch.Title + " (seen in request #" + strconv.FormatUint(data.Seq, 10) + ")"
			}
			tick := Tick{Challenge: ch.Challenge, Client: c, Said: said, How: how, At: t.now()}
			ticks = append(ticks, tick)
			if st != nil {
				t.class.mark(st, ch.ID)
				continue
			}
			t.ticks[ch.ID] = tick
			t.done[ch.ID] = engine.ChallengeDone{ID: ch.ID, Stage: ch.Stage, Said: said, Seqs: how.Seqs(), At: tick.At}
			t.order = append(t.order, ch.ID)
		}
	}
	return ticks
}

// learn notes what o tells about cookies and clients, after it has been
// checked: the cookies the server set and for whom, the cookies the
// engine's clients sent, posts without cookies, logouts.
func (t *Tracker) learn(o engine.Observation) {
	e := &o.Exchange
	var recv string
	var c Client
	if o.Own() {
		recv = "engine\x00" + o.Client
	} else {
		c = clientOf(o)
		recv = c.key()
	}
	if e.IncomingCookie != "" && o.Own() {
		t.cookie(e.IncomingCookie).sentByEngine = true
	}
	for _, out := range e.Out {
		if out.Value == "" || out.Result == nil {
			continue // a deletion, or a value that did not decode
		}
		info := t.cookie(out.Value)
		if info.setSeq == 0 {
			who := receiverName(recv)
			info.setSeq, info.setStorage, info.set = e.Seq, e.Storage, stepOf(o, who, FactGotCookie)
		}
		if !slices.Contains(info.receivers, recv) && len(info.receivers) < maxReceivers {
			info.receivers = append(info.receivers, recv)
		}
		if !o.Own() && c.Family != "curl" && cookieSafe(out.Value) {
			t.lastBrowserCookie = out.Value
		}
	}
	if o.Own() {
		return
	}
	cs := t.client(c)
	if e.Method == http.MethodPost && pathOf(e.Target) == "/users" && e.Status >= 300 && e.Status < 400 && len(e.Out) == 0 && e.Form.Get("name") != "" {
		cs.post, cs.postStage, cs.postStep = e.Seq, e.Stage, stepOf(o, c.String(), FactPostedNoCookie)
	}
	sent := e.IncomingCookie
	accepted := sent != "" && e.Rejected == "" && e.In != nil && e.In.Err == nil
	if accepted && userName(e) != "" {
		if info := t.cookies.get(keyOf(sent)); info != nil && slices.Contains(info.receivers, recv) {
			h := &holder{cookie: keyOf(sent), seq: e.Seq, step: stepOf(o, c.String(), FactOwnCookieAccepted)}
			if t.class != nil {
				t.class.student(c.ip()).holder = h
			} else {
				t.holder = h
			}
		}
	}
	if e.Method == http.MethodPost && pathOf(e.Target) == "/logout" && accepted && deletes(e) {
		info := t.cookie(sent)
		info.ended = true
		if e.Storage == server.StorageServer && e.In.Result != nil && e.In.Result.SessionID != "" {
			info.loggedOut, info.logout = e.Seq, stepOf(o, c.String(), FactLoggedOut)
			if cookieSafe(sent) {
				t.lastForgotten = sent
			}
		}
	}
}

// cookie returns the info on value v, making it, and forgetting the
// oldest, when it is new.
func (t *Tracker) cookie(v string) *cookieInfo {
	return t.cookies.getOrMake(keyOf(v), func() *cookieInfo { return &cookieInfo{} }, nil)
}

// client returns the state of outside client c, making it, and
// forgetting the oldest, when it is new.
func (t *Tracker) client(c Client) *clientState {
	return t.clients.getOrMake(c.key(), func() *clientState { return &clientState{} }, nil)
}

// cookieSafe reports whether v is safe to put in a shell command between
// single quotes and on a terminal: the characters of a gorilla cookie.
func cookieSafe(v string) bool {
	if v == "" || len(v) > 4096 {
		return false
	}
	for i := 0; i < len(v); i++ {
		b := v[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '=') {
			return false
		}
	}
	return true
}

// Status is one challenge and whether it is done.
type Status struct {
	Challenge lessons.Challenge
	// Done is set once it was seen done, in this run or an earlier one;
	// Record is then what progress keeps of it.
	Done   bool
	Record engine.ChallengeDone
	// Tick is this run's tick, with how it was checked; nil for one done
	// in an earlier run or not done.
	Tick *Tick
	// HintsShown is how many hints have been shown, of len(Hints).
	HintsShown int
}

// Stage returns the challenges of the stage whose progress key is stage,
// each with whether it is done.
func (t *Tracker) Stage(stage string) []Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Status
	for _, ch := range t.course.Challenges(stage) {
		s := Status{Challenge: ch, HintsShown: t.hints[ch.ID]}
		if d, ok := t.done[ch.ID]; ok {
			s.Done, s.Record = true, d
		}
		if tk, ok := t.ticks[ch.ID]; ok {
			s.Tick = &tk
		}
		out = append(out, s)
	}
	return out
}

// Count returns how many of a stage's challenges are done, and how many
// it has.
func (t *Tracker) Count(stage string) (done, total int) {
	for _, s := range t.Stage(stage) {
		total++
		if s.Done {
			done++
		}
	}
	return done, total
}

// Summary sums up the course, for a finish screen.
type Summary struct {
	// Challenges done of all; Predictions answered of all, and how many
	// answers were right.
	ChallengesDone, Challenges int
	PredictionsAnswered, Right int
	Predictions                int
	// StagesComplete counts the stages with challenges all of which are
	// done; StagesWithChallenges those that have any.
	StagesComplete, StagesWithChallenges int
}

// Summary sums up the challenges and predictions.
func (t *Tracker) Summary() Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	var s Summary
	for _, sw := range t.course.stages {
		n := 0
		for _, ch := range sw.challenges {
			s.Challenges++
			if _, ok := t.done[ch.ID]; ok {
				s.ChallengesDone++
				n++
			}
		}
		if len(sw.challenges) > 0 {
			s.StagesWithChallenges++
			if n == len(sw.challenges) {
				s.StagesComplete++
			}
		}
		for _, p := range sw.predictions {
			s.Predictions++
			if a, ok := t.answers[p.ID]; ok {
				s.PredictionsAnswered++
				if a.Right {
					s.Right++
				}
			}
		}
	}
	return s
}

// ResetStage forgets the challenges done, predictions answered and hints
// shown in the stage whose progress key is stage, as after "x" and a yes.
func (t *Tracker) ResetStage(stage string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, d := range t.done {
		if d.Stage == stage {
			delete(t.done, id)
			delete(t.ticks, id)
		}
	}
	t.order = slices.DeleteFunc(t.order, func(id string) bool { _, ok := t.done[id]; return !ok })
	for id, a := range t.answers {
		if a.Stage == stage {
			delete(t.answers, id)
		}
	}
	for _, ch := range t.course.Challenges(stage) {
		delete(t.hints, ch.ID)
	}
}

// Fill writes the challenges done and the predictions answered into p,
// in place of what it held, for saving with engine.SaveProgress.
func (t *Tracker) Fill(p *engine.Progress) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p.Challenges = nil
	for _, id := range t.order {
		d := t.done[id]
		d.Seqs = slices.Clone(d.Seqs)
		p.Challenges = append(p.Challenges, d)
	}
	p.Predictions = nil
	for _, sw := range t.course.stages {
		for _, pr := range sw.predictions {
			if a, ok := t.answers[pr.ID]; ok {
				p.Predictions = append(p.Predictions, a)
			}
		}
	}
	// Answers to predictions the course no longer has are kept, by id.
	var rest []engine.PredictionAnswer
	for id, a := range t.answers {
		if !slices.ContainsFunc(p.Predictions, func(x engine.PredictionAnswer) bool { return x.ID == id }) {
			rest = append(rest, a)
		}
	}
	slices.SortFunc(rest, func(a, b engine.PredictionAnswer) int { return strings.Compare(a.ID, b.ID) })
	p.Predictions = append(p.Predictions, rest...)
}
