package main

import (
	"context"
	"strings"

	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/tui/accessible"
)

// The accessible tutor: the line-by-line view of package tui/accessible,
// for a screen reader or a braille display. tutor.go calls in here at two
// places: the choice of view (tutorView) and running it.

// tutorView is which view the tutor runs.
type tutorView int

const (
	viewFullScreen tutorView = iota
	viewPlain
	viewAccessible
)

// chooseTutorView picks the view from the flags and the terminal:
// --plain and --accessible as asked (not both); ACCESSIBLE set means
// --accessible unless --plain was given; output that is not a terminal
// gets the plain transcript; a dumb terminal, which cannot show the
// full-screen tutor, is a usage error that offers the other two.
func chooseTutorView(opts *tutorOptions) (tutorView, error) {
	view, err := pickTutorView(opts)
	if err == nil && opts.Color && view != viewAccessible {
		return 0, usageErrorf("--color goes with --accessible, whose words it colours (the full-screen tutor picks its colours itself, and NO_COLOR turns them off)")
	}
	return view, err
}

// pickTutorView is chooseTutorView before --color is checked.
func pickTutorView(opts *tutorOptions) (tutorView, error) {
	switch {
	case opts.Plain && opts.Accessible:
		return 0, usageErrorf("--plain and --accessible: choose one (--plain prints the whole tutorial at once; --accessible is interactive, a line at a time)")
	case opts.Plain:
		return viewPlain, nil
	case opts.Accessible || opts.EnvAccessible:
		return viewAccessible, nil
	case !opts.IsTTY:
		return viewPlain, nil
	case opts.DumbTerminal:
		return 0, usageErrorf("TERM=dumb: this terminal cannot show the full-screen tutor. Run formtest tutor --accessible for the interactive tutor a line at a time (for screen readers and braille displays too), or formtest tutor --plain for the whole tutorial printed at once")
	}
	return viewFullScreen, nil
}

// runAccessibleTutor runs the line-by-line view on eng until the learner
// quits. first is the first stage's key, saved on --reset. In classroom
// mode class is the class, not yet fed (the view feeds it), and join how
// students reach the server; both are nil otherwise.
func runAccessibleTutor(ctx context.Context, opts *tutorOptions, eng *engine.Engine, form engine.Form, note, first string, class *classroom.Model, join *classroom.Join) error {
	aopts := accessible.Options{
		Engine: eng,
		Form:   form,
		In:     opts.In,
		Out:    opts.Out,
		Note:   note,
		Color:  opts.Color,
		Class:  class,
		Join:   join,
	}
	if course, err := check.Embedded(eng.Stages()); err == nil {
		aopts.Challenges = check.NewTracker(course, eng.Progress(), nil)
	} else {
		aopts.Note = strings.TrimSpace(aopts.Note + " The challenges could not be loaded: " + err.Error())
	}
	if opts.StatePath != "" {
		path := opts.StatePath
		aopts.SaveProgress = func(p engine.Progress) error { return engine.SaveProgress(path, p) }
		if opts.Reset {
			// Save the fresh start at once, so that a crash cannot resume the old run.
			if err := engine.SaveProgress(path, engine.Progress{Current: first}); err != nil {
				aopts.Note = "Progress reset, but not saved: " + err.Error()
			}
		}
	}
	return accessible.Run(ctx, aopts)
}
