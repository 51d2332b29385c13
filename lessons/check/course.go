// Package check recognises the learner's challenges in the traffic the
// tutor's server sees. A challenge is something the learner does outside
// the tutor, in a browser or with curl: submit the form, send a cookie
// back by hand, tamper with one, forge one. Its wording, hints and the
// predicate that recognises it are data (package lessons, challenges/);
// the predicates are a small fixed vocabulary implemented here over the
// engine's stream of observations (engine.Observation).
//
// Only clients outside the tutor count: a request one of the engine's own
// clients sent never ticks a challenge, whatever it carries (nor does one
// sent with the tutor's User-Agent whose record the engine could not
// pair). Every challenge is checked whatever stage the tutor is at; where
// the server's stage or storage matters, the predicate or the file's
// "server_stage" and "storage" say so. Outside
// clients are told apart by their address and browser family, and by the
// cookies the server set for each of them, so that a challenge that asks
// for a client's own cookie is not ticked by a copy of the tutor's.
//
// A Tracker consumes observations and reports a Tick when one proves a
// challenge done, with the requests that proved it and a typed account of
// how it was checked. It also keeps the stages' predictions (a question
// before a surprising run) and the hints shown, and writes both into the
// engine's Progress.
package check

import (
	"errors"
	"fmt"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// Kind is one predicate of the vocabulary a challenge file may name.
type Kind int

// The predicates. Each is checked only on requests from outside the
// tutor; "the server set for it" means a Set-Cookie the server sent to
// that same outside client (same address, same browser family).
const (
	// KindPostWithoutCookie ("post-without-cookie"): a client posted the
	// form (POST /users answered with a redirect) and got no Set-Cookie,
	// then loaded /show, answered by the same server stage, and again got
	// no Set-Cookie. With "server_stage": "hardcoded", /show said Jay.
	KindPostWithoutCookie Kind = iota + 1
	// KindOwnCookieAccepted ("own-cookie-accepted"): a client sent back a
	// session cookie the server set for it, the server accepted it, and
	// the session held a user name.
	KindOwnCookieAccepted
	// KindSecondClientNoUser ("second-client-no-user"): after an outside
	// client's own cookie was accepted with a user (as above), a GET /show
	// from an outside client that sent no session cookie at all (a
	// private window, curl) got a page with no user, while that cookie
	// had not been ended with Forget me.
	KindSecondClientNoUser
	// KindCookieByHand ("cookie-by-hand"): a client sent a session cookie
	// the server set for another client (outside, or the tutor) and never
	// for this one; the server accepted it and the session held a user.
	KindCookieByHand
	// KindTamperedRefused ("tampered-refused"): a client sent a session
	// cookie that still had the shape of one but whose signature failed,
	// and which none of the engine's clients had sent (so the tutor's own
	// tampered cookie, copied, does not count).
	KindTamperedRefused
	// KindForgedAccepted ("forged-accepted", parameter "name"): a client
	// sent a session cookie the server never set and no engine client
	// sent; the server accepted it, and the session's name is "name".
	KindForgedAccepted
	// KindEncryptedRefused ("encrypted-refused", parameter "own"): while
	// the server kept signed cookies, a client sent a cookie the server
	// had set while it kept encrypted ones, and the server refused it.
	// With "own", the cookie must have been set for that same client.
	KindEncryptedRefused
	// KindForgottenIDRefused ("forgotten-id-refused"): while sessions
	// lived in the database, a client sent a session-id cookie that an
	// outside client had sent with Forget me (POST /logout, which deleted
	// the row), and the server refused it as an unknown id.
	KindForgottenIDRefused
	// KindSessionTooLarge ("session-too-large", parameter "own"): a client
	// posted the form with a session cookie the server accepted, the whole
	// body arrived, and the server answered server.StatusSessionTooLarge:
	// the grown session no longer fitted in a cookie. With "own", the
	// cookie must have been set for that same client.
	KindSessionTooLarge
)

// kindNames are the predicates' names in challenge files, by Kind.
func kindNames() map[Kind]string {
	return map[Kind]string{
		KindPostWithoutCookie:  "post-without-cookie",
		KindOwnCookieAccepted:  "own-cookie-accepted",
		KindSecondClientNoUser: "second-client-no-user",
		KindCookieByHand:       "cookie-by-hand",
		KindTamperedRefused:    "tampered-refused",
		KindForgedAccepted:     "forged-accepted",
		KindEncryptedRefused:   "encrypted-refused",
		KindForgottenIDRefused: "forgotten-id-refused",
		KindSessionTooLarge:    "session-too-large",
	}
}

// String returns the kind's name in challenge files.
func (k Kind) String() string {
	if s, ok := kindNames()[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind returns the predicate named s.
func ParseKind(s string) (Kind, error) {
	for k, name := range kindNames() {
		if name == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown check kind %q", s)
}

// rule is a challenge's check, parsed.
type rule struct {
	kind    Kind
	name    string
	own     bool
	stage   server.Stage   // "" for any
	storage server.Storage // "" for any
}

// parseRule checks c's kind and parameters: a parameter the kind does not
// read is an error, so that a typo in a file is not silently ignored.
func parseRule(c lessons.Check) (rule, error) {
	k, err := ParseKind(c.Kind)
	if err != nil {
		return rule{}, err
	}
	r := rule{kind: k, name: c.Name, own: c.Own}
	switch {
	case k == KindForgedAccepted && c.Name == "":
		return rule{}, fmt.Errorf("check %s needs a \"name\"", k)
	case k != KindForgedAccepted && c.Name != "":
		return rule{}, fmt.Errorf("check %s takes no \"name\"", k)
	case c.Own && k != KindEncryptedRefused && k != KindSessionTooLarge:
		return rule{}, fmt.Errorf("check %s takes no \"own\"", k)
	}
	if c.ServerStage != "" {
		if r.stage, err = server.ParseStage(c.ServerStage); err != nil {
			return rule{}, fmt.Errorf("check %s: server_stage: %w", k, err)
		}
	}
	if c.Storage != "" {
		if r.storage, err = server.ParseStorage(c.Storage); err != nil {
			return rule{}, fmt.Errorf("check %s: storage: %w", k, err)
		}
	}
	return r, nil
}

// Course is the challenges and predictions of every stage, checked
// against the engine's stages.
type Course struct {
	stages []stageWork
	byID   map[string]*challenge
}

// stageWork is one stage's part of the course, in stage order.
type stageWork struct {
	stage       engine.Stage
	challenges  []*challenge
	predictions []lessons.Prediction
}

// challenge is a challenge with its parsed rule.
type challenge struct {
	lessons.Challenge
	rule  rule
	stage int // index of the stage
}

// NewCourse checks works against stages: every file names one of the
// stages, and every check a known predicate with the parameters it reads.
// A stage may have no file.
func NewCourse(works []lessons.StageWork, stages []engine.Stage) (*Course, error) {
	c := &Course{byID: make(map[string]*challenge)}
	index := make(map[string]int)
	for i, st := range stages {
		c.stages = append(c.stages, stageWork{stage: st})
		index[st.Key] = i
	}
	for _, w := range works {
		i, ok := index[w.Stage]
		if !ok {
			return nil, fmt.Errorf("check: %s: no stage %q in the lessons", w.File, w.Stage)
		}
		sw := &c.stages[i]
		if len(sw.challenges) > 0 || len(sw.predictions) > 0 {
			return nil, fmt.Errorf("check: %s: stage %q has challenges in two files", w.File, w.Stage)
		}
		for _, ch := range w.Challenges {
			r, err := parseRule(ch.Check)
			if err != nil {
				return nil, fmt.Errorf("check: %s: challenge %s: %w", w.File, ch.ID, err)
			}
			if _, dup := c.byID[ch.ID]; dup {
				return nil, fmt.Errorf("check: %s: challenge id %q is used twice", w.File, ch.ID)
			}
			cc := &challenge{Challenge: ch, rule: r, stage: i}
			c.byID[ch.ID] = cc
			sw.challenges = append(sw.challenges, cc)
		}
		sw.predictions = append(sw.predictions, w.Predictions...)
	}
	return c, nil
}

// Embedded returns the course built into formtest for stages.
func Embedded(stages []engine.Stage) (*Course, error) {
	works, err := lessons.EmbeddedWork()
	if err != nil {
		return nil, err
	}
	return NewCourse(works, stages)
}

// Challenges returns the challenges of the stage whose progress key is
// stage, in the file's order.
func (c *Course) Challenges(stage string) []lessons.Challenge {
	for _, sw := range c.stages {
		if sw.stage.Key == stage {
			out := make([]lessons.Challenge, len(sw.challenges))
			for i, ch := range sw.challenges {
				out[i] = ch.Challenge
			}
			return out
		}
	}
	return nil
}

// stageChallenges is the challenges of the stage whose progress key is
// stage, not copied.
func (c *Course) stageChallenges(stage string) []*challenge {
	for _, sw := range c.stages {
		if sw.stage.Key == stage {
			return sw.challenges
		}
	}
	return nil
}

// Predictions returns the predictions of the stage whose progress key is
// stage.
func (c *Course) Predictions(stage string) []lessons.Prediction {
	for _, sw := range c.stages {
		if sw.stage.Key == stage {
			return append([]lessons.Prediction(nil), sw.predictions...)
		}
	}
	return nil
}

// Challenge returns the challenge with id.
func (c *Course) Challenge(id string) (lessons.Challenge, bool) {
	ch, ok := c.byID[id]
	if !ok {
		return lessons.Challenge{}, false
	}
	return ch.Challenge, true
}

// errUnknown is returned for an id that names nothing in the course.
var errUnknown = errors.New("not in the course")
