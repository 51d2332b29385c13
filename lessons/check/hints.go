package check

// This file holds what the tracker keeps beside the ticks: the hints
// shown, one at a time, and the learner's answers to the predictions.

import (
	"fmt"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
)

// Hint is one hint as shown: number N of Of.
type Hint struct {
	N, Of int
	Text  string
	// Last is set on the last hint, the exact command for the live URL.
	Last bool
}

// NextHint shows the next hint of challenge id, rendered with d, and
// counts it shown; once the last is shown it shows the last again.
func (t *Tracker) NextHint(id string, d lessons.HintData) (Hint, error) {
	ch, ok := t.course.Challenge(id)
	if !ok {
		return Hint{}, fmt.Errorf("check: challenge %q: %w", id, errUnknown)
	}
	t.mu.Lock()
	n := min(t.hints[id]+1, ch.HintCount())
	t.hints[id] = n
	t.mu.Unlock()
	text, err := ch.Hint(n, d)
	if err != nil {
		return Hint{}, err
	}
	return Hint{N: n, Of: ch.HintCount(), Text: text, Last: n == ch.HintCount()}, nil
}

// HintData returns what hints are rendered with for e's live server: its
// URL, the cookie the learner's browser last got (or else the tutor's),
// the tutor's cookie, and the last cookie sent with Forget me.
func (t *Tracker) HintData(e *engine.Engine) lessons.HintData {
	return t.hintData(e.URL(), e.Tutor().SessionCookie())
}

// hintData is HintData for the server at url, where the tutor's jar holds
// tutor ("" for none). Only cookies safe between single quotes in a shell
// line are offered; placeholders stand in for the others.
func (t *Tracker) hintData(url, tutor string) lessons.HintData {
	if !cookieSafe(tutor) {
		tutor = PlaceholderCookie
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d := lessons.HintData{URL: url, Cookie: t.lastBrowserCookie, TutorCookie: tutor, Forgotten: t.lastForgotten}
	if d.Cookie == "" {
		d.Cookie = tutor
	}
	if d.Forgotten == "" {
		d.Forgotten = PlaceholderForgotten
	}
	return d
}

// Prediction returns the question of the stage whose progress key is
// stage that is asked before run (lessons.BeforeRun, BeforeTamper or
// BeforeForge), and whether it was answered; ok is false when the stage
// asks none before that run.
func (t *Tracker) Prediction(stage, run string) (p lessons.Prediction, answered, ok bool) {
	for _, pr := range t.course.Predictions(stage) {
		if pr.Before == run {
			t.mu.Lock()
			_, answered = t.answers[pr.ID]
			t.mu.Unlock()
			return pr, answered, true
		}
	}
	return lessons.Prediction{}, false, false
}

// Answer is the learner's answer to a prediction.
type Answer struct {
	Prediction lessons.Prediction
	// Choice is the answer picked, from 1; Right whether it is right.
	Choice int
	Right  bool
}

// Answer records choice (from 1) as the answer to prediction id. A later
// answer replaces an earlier one.
func (t *Tracker) Answer(id string, choice int) (Answer, error) {
	for _, sw := range t.course.stages {
		for _, p := range sw.predictions {
			if p.ID != id {
				continue
			}
			if choice < 1 || choice > len(p.Answers) {
				return Answer{}, fmt.Errorf("check: prediction %s has answers 1 to %d, not %d", id, len(p.Answers), choice)
			}
			a := Answer{Prediction: p, Choice: choice, Right: choice == p.Right}
			t.mu.Lock()
			t.answers[id] = engine.PredictionAnswer{ID: id, Stage: p.Stage, Choice: choice, Right: a.Right}
			t.mu.Unlock()
			return a, nil
		}
	}
	return Answer{}, fmt.Errorf("check: prediction %q: %w", id, errUnknown)
}

// Answered returns the learner's answer to prediction id, if any.
func (t *Tracker) Answered(id string) (Answer, bool) {
	t.mu.Lock()
	a, ok := t.answers[id]
	t.mu.Unlock()
	if !ok {
		return Answer{}, false
	}
	for _, sw := range t.course.stages {
		for _, p := range sw.predictions {
			if p.ID == id {
				return Answer{Prediction: p, Choice: a.Choice, Right: a.Right}, true
			}
		}
	}
	return Answer{}, false
}
