package engine

import (
	"context"

	"github.com/formtest/formtest/server"
)

// maxGrowRuns bounds the grow stage's posts in a demonstration.
const maxGrowRuns = 12

// EventKind is what a step of a demonstration did.
type EventKind int

// Events of a demonstration, in the order a stage may emit them.
const (
	// EventNewBrowser: the client's jar was emptied, because sessions are
	// kept another way than in the last stage it ran.
	EventNewBrowser EventKind = iota
	// EventRun: the stage's exchange ran (Run).
	EventRun
	// EventAttack: a tamper or forge ran (Attack).
	EventAttack
	// EventGrowStart: the grow stage starts posting notes with an empty jar.
	EventGrowStart
	// EventGrowRun: one of the grow stage's posts (Run); the last of a
	// series has Last set.
	EventGrowRun
	// EventNoDatabase: the grow stage would go on in the database, and the
	// server has none.
	EventNoDatabase
	// EventStorage: the server now keeps sessions another way (Storage);
	// Count says how many posts follow.
	EventStorage
)

// Event is one step of a demonstration.
type Event struct {
	Kind    EventKind
	Run     *RunResult
	Attack  *AttackResult
	Storage StorageChange
	Count   int
	// Last marks the last grow post of a series.
	Last bool
}

// ShowsAttacks reports whether the stage is the one on the secret key,
// whose demonstration tampers with its cookie and forges one.
func (s Stage) ShowsAttacks() bool {
	return s.Lesson.Storage != "" && s.Storage == server.StorageSigned
}

// Demo runs the current stage's demonstration with client c, the steps a
// learner would take, and hands each to emit: the stage's exchange; on
// the secret-key stage a tamper and a forge; on the grow stage posts
// until the session outgrows its cookie, then the same posts with the
// session in the database. It stops at the first error, of a step or of
// emit. Every view that walks the lesson by itself (the transcript)
// calls it, so a stage's demonstration is written once.
func (e *Engine) Demo(ctx context.Context, c *Client, form Form, emit func(Event) error) error {
	st := e.Current()
	storage := e.srv.Storage()
	c.mu.Lock()
	prev := c.lastStorage
	c.lastStorage = storage
	c.mu.Unlock()
	if st.Server == server.StageGrow {
		return e.demoGrow(ctx, c, form, emit)
	}
	if prev != "" && prev != storage {
		c.Clear()
		if err := emit(Event{Kind: EventNewBrowser, Storage: StorageChange{Storage: storage}}); err != nil {
			return err
		}
	}
	run, err := e.Run(ctx, c, form)
	if eerr := emit(Event{Kind: EventRun, Run: &run}); eerr != nil {
		return eerr
	}
	if err != nil || !st.ShowsAttacks() {
		return err
	}
	for _, attack := range []func(context.Context, *Client) (AttackResult, error){e.Tamper, e.Forge} {
		res, err := attack(ctx, c)
		if eerr := emit(Event{Kind: EventAttack, Attack: &res}); eerr != nil {
			return eerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// demoGrow posts a note after another until the session no longer fits
// in a cookie, then keeps sessions in the database and posts as many
// again.
func (e *Engine) demoGrow(ctx context.Context, c *Client, form Form, emit func(Event) error) error {
	c.Clear()
	if err := emit(Event{Kind: EventGrowStart}); err != nil {
		return err
	}
	runs := 0
	for runs < maxGrowRuns {
		runs++
		run, err := e.Run(ctx, c, form)
		full := run.Outcome == OutcomeTooLarge
		if eerr := emit(Event{Kind: EventGrowRun, Run: &run, Last: full || err != nil}); eerr != nil {
			return eerr
		}
		if err != nil {
			return err
		}
		if full {
			break
		}
	}
	if !e.HasDatabase() {
		return emit(Event{Kind: EventNoDatabase})
	}
	sc, err := e.SetStorage(server.StorageServer)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.grow = growth{} // the same notes again, from note 1
	c.lastStorage = sc.Storage
	c.mu.Unlock()
	if err := emit(Event{Kind: EventStorage, Storage: sc, Count: runs}); err != nil {
		return err
	}
	for n := 1; n <= runs; n++ {
		run, err := e.Run(ctx, c, form)
		if eerr := emit(Event{Kind: EventGrowRun, Run: &run, Last: n == runs || err != nil}); eerr != nil {
			return eerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
