package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// ErrNoCookie is why a client cannot tamper: its jar holds no session
// cookie.
var ErrNoCookie = errors.New("run the stage first: there is no session cookie to tamper with")

// Outcome is what a run of a stage's exchange came to.
type Outcome int

// Outcomes.
const (
	// OutcomeStopped: the trip stopped early (Trip.Err says why).
	OutcomeStopped Outcome = iota
	// OutcomeFailed: it ended in an error status.
	OutcomeFailed
	// OutcomeNoCookie: no cookie went either way.
	OutcomeNoCookie
	// OutcomeSet: the server set a session cookie.
	OutcomeSet
	// OutcomeSetAndReturned: the server set a cookie and the client sent
	// it back.
	OutcomeSetAndReturned
	// OutcomeSentUnused: the client sent a cookie this stage does not use.
	OutcomeSentUnused
	// OutcomeGrew: the grow stage's note was kept; Growth says how big
	// the session is.
	OutcomeGrew
	// OutcomeTooLarge: the grow stage's session no longer fits a cookie
	// (the server answered server.StatusSessionTooLarge).
	OutcomeTooLarge
)

// RunResult is a finished run of a stage's exchange.
type RunResult struct {
	Trip *Trip
	// Stage is the stage it ran in.
	Stage   Stage
	Outcome Outcome
	// Growth is set in the grow stage.
	Growth *Growth
	// Form is what the run posted, note included.
	Form Form
	// Done is set when the run marked the stage done for the first time.
	Done bool
}

// Growth is what the grow stage's posts from one client came to.
type Growth struct {
	// Run counts the posts since the jar was cleared, from 1.
	Run int
	// CookieSize is the size (name and value) of the cookie this run got,
	// 0 when none; Sizes are those of every run so far that got one.
	CookieSize int
	Sizes      []int
	// RowSize is the size of the database row the cookie points to; 0
	// when the session is not in the database.
	RowSize int
}

// Run runs the current stage's exchange with client c and form. The
// stage's request is sent and its redirects followed; the first stage
// posts the form first, so that the learner sees the server read it and
// forget it, then asks for the page. The grow stage adds a note of about
// 700 bytes to every post.
func (e *Engine) Run(ctx context.Context, c *Client, form Form) (RunResult, error) {
	st := e.Current()
	req := st.Lesson.Request
	res := RunResult{Stage: st}
	if st.Server == server.StageGrow && req.Method == http.MethodPost {
		c.mu.Lock()
		c.grow.runs++
		form.Note = GrowNote(c.grow.runs)
		c.mu.Unlock()
	}
	res.Form = form
	var t *Trip
	var err error
	if st.postsFirst() {
		t, err = e.formThen(ctx, c, form, req.Path)
	} else {
		t, err = c.Do(ctx, req.Method, req.Path, form, e.now())
	}
	t.Storage = e.srv.Storage()
	res.Trip = t
	res.Outcome = outcome(t)
	if st.Server == server.StageGrow && res.Outcome != OutcomeStopped {
		res.Growth, res.Outcome = c.grown(t, res.Outcome)
	}
	if err != nil {
		return res, err
	}
	if res.Outcome != OutcomeFailed && res.Outcome != OutcomeTooLarge {
		res.Done = e.markDone(st.Index)
	}
	return res, nil
}

// postsFirst reports whether the stage's run posts the form before its
// request: the first stage asks only for a page, and the learner should
// see the form's values read and forgotten on the way.
func (s Stage) postsFirst() bool {
	return s.Server == server.StageHardcoded && s.Lesson.Request.Method == http.MethodGet
}

// Runs says what Run sends in the stage, such as "POST /users" or, in the
// first stage, "POST /users, then GET /show".
func (s Stage) Runs() string {
	if s.postsFirst() {
		return "POST /users, then " + s.Lesson.Request.String()
	}
	return s.Lesson.Request.String()
}

// formThen posts the form, follows the redirect, then asks for path, all
// in one trip.
func (e *Engine) formThen(ctx context.Context, c *Client, form Form, path string) (*Trip, error) {
	t := &Trip{Title: "POST /users, then " + http.MethodGet + " " + path, Client: c.name, Label: c.name, Started: e.now()}
	err := c.follow(ctx, t, http.MethodPost, "/users", form)
	if err == nil {
		err = c.follow(ctx, t, http.MethodGet, path, Form{})
	}
	c.finish(ctx, t)
	return t, err
}

// outcome sums up a trip of a plain run.
func outcome(t *Trip) Outcome {
	if t.Err != nil || len(t.Hops) == 0 {
		return OutcomeStopped
	}
	for _, h := range t.Hops {
		if h.Status == server.StatusSessionTooLarge {
			return OutcomeTooLarge
		}
	}
	if t.Last().Status >= 400 {
		return OutcomeFailed
	}
	var sent, set bool
	for _, c := range t.Cookies {
		if c.Sent {
			sent = true
		} else {
			set = true
		}
	}
	switch {
	case set && sent:
		return OutcomeSetAndReturned
	case set:
		return OutcomeSet
	case sent:
		return OutcomeSentUnused
	}
	return OutcomeNoCookie
}

// grown notes the grow stage's run t for c.
func (c *Client) grown(t *Trip, o Outcome) (*Growth, Outcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := &Growth{Run: c.grow.runs, RowSize: storedSize(t)}
	if o == OutcomeTooLarge || o == OutcomeFailed {
		g.Sizes = append([]int(nil), c.grow.sizes...)
		return g, o
	}
	if g.CookieSize = setCookieSize(t); g.CookieSize > 0 {
		c.grow.sizes = append(c.grow.sizes, g.CookieSize)
		o = OutcomeGrew
	}
	g.Sizes = append([]int(nil), c.grow.sizes...)
	return g, o
}

// storedSize is the size of the last database row t's cookies point to,
// or 0.
func storedSize(t *Trip) int {
	n := 0
	for _, c := range t.Cookies {
		if c.Stored != nil {
			n = len(c.Stored.Row.Data)
		}
	}
	return n
}

// setCookieSize is the size of the session cookie's name and value in the
// first Set-Cookie of t that sets one, what a browser counts against its
// limit; 0 when none was set.
func setCookieSize(t *Trip) int {
	for _, c := range t.Cookies {
		if !c.Sent && !c.Deleted {
			return c.Size()
		}
	}
	return 0
}

// GrowNote is the note the grow stage posts on run n (from 1): readable
// text of about GrowNoteBytes, so that a few runs fill a cookie.
func GrowNote(n int) string {
	const filler = "the session keeps every note it is given, and the cookie carries the whole session to the browser and back on every request. "
	var b strings.Builder
	fmt.Fprintf(&b, "note %d: ", n)
	for b.Len() < GrowNoteBytes {
		b.WriteString(filler)
	}
	return strings.TrimSpace(b.String()[:GrowNoteBytes])
}

// GrowNoteBytes is about how long each grow note is.
const GrowNoteBytes = 700

// AttackKind is what a client did to its cookie before sending it.
type AttackKind int

// Attacks.
const (
	// AttackNone: the cookie the server gave, unchanged.
	AttackNone AttackKind = iota
	// AttackTamper: one byte of the payload changed, signature kept.
	AttackTamper
	// AttackForge: a session made up and signed with the lesson's key.
	AttackForge
)

// AttackResult is a finished tamper or forge.
type AttackResult struct {
	Trip *Trip
	Kind AttackKind
	// Verdict is the server's verdict on the cookie, and Reason its reason
	// for a rejection (server text: escape it).
	Verdict Verdict
	Reason  string
}

// ForgedValues are the values a forged cookie claims.
func ForgedValues() map[string]string {
	return map[string]string{"name": "admin", "email": "admin@example.com"}
}

// Tamper changes one byte of c's session cookie, keeping its signature,
// and sends GET /show with it. With no cookie in the jar it returns
// ErrNoCookie.
func (e *Engine) Tamper(ctx context.Context, c *Client) (AttackResult, error) {
	v := c.SessionCookie()
	if v == "" {
		return AttackResult{Kind: AttackTamper}, ErrNoCookie
	}
	changed, what, err := cookiecodec.Tamper(v)
	if err != nil {
		return AttackResult{Kind: AttackTamper}, fmt.Errorf("tutor: %w", err)
	}
	c.SetSessionCookie(changed)
	return e.attack(ctx, c, AttackTamper, "GET /show, tampered cookie", "The tutor tampered with the session cookie in the jar: it "+what+".")
}

// Forge signs a session claiming to be admin with the lesson's public
// key, as anyone who knows the key can, encrypts it too when the server
// keeps encrypted cookies, puts it in c's jar and sends GET /show with it.
func (e *Engine) Forge(ctx context.Context, c *Client) (AttackResult, error) {
	st := e.srv.Storage()
	key := []byte(server.LessonKey)
	var block []byte
	action := "The tutor forged a session cookie claiming name=admin, email=admin@example.com, signed with the lesson's public key (server.LessonKey)"
	if st == server.StorageEncrypted {
		var err error
		if block, err = cookiecodec.DeriveBlockKey(key); err != nil {
			return AttackResult{Kind: AttackForge}, fmt.Errorf("tutor: %w", err)
		}
		action += " and encrypted with the block key derived from it"
	}
	v, err := cookiecodec.Forge(server.CookieName, ForgedValues(), key, block)
	if err != nil {
		return AttackResult{Kind: AttackForge}, fmt.Errorf("tutor: %w", err)
	}
	c.SetSessionCookie(v)
	action += ", and put it in the jar."
	if st == server.StorageServer {
		action += " But the server keeps sessions in its database now: it expects a signed session id, not a whole session."
	}
	return e.attack(ctx, c, AttackForge, "GET /show, forged cookie", action)
}

// attack sends GET /show with the cookie c's jar now holds.
func (e *Engine) attack(ctx context.Context, c *Client, kind AttackKind, title, action string) (AttackResult, error) {
	t, err := c.Do(ctx, http.MethodGet, "/show", Form{}, e.now())
	t.Title, t.Action, t.Attack = title, action, kind
	t.Storage = e.srv.Storage()
	res := AttackResult{Trip: t, Kind: kind}
	res.Verdict, res.Reason = t.Verdict()
	return res, err
}
