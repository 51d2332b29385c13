package tui

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// headerLine is the top line: the live URL the lessons point to ("the URL
// at the top"), where the learner is in the lesson, and where sessions
// are kept.
type headerLine struct{ st *Styles }

func (h *headerLine) view(st engine.Stage, done bool, storage server.Storage, url string, n, width int) string {
	mark := ""
	if done {
		mark = " ✓"
	}
	// The URL and the storage stay in view: the title gives way first.
	tail := mark + " · " + engine.StorageName(storage)
	s := fmt.Sprintf("%s · Stage %d of %d: ", url, st.Index+1, n)
	s += fold(st.Lesson.Title, max(8, width-ansi.StringWidth(s)-ansi.StringWidth(tail))) + tail
	return h.st.Header.Render(fold(s, width))
}

// statusLine is the second line: the last news, or the form and the jar.
type statusLine struct {
	st    *Styles
	url   string
	text  string
	isErr bool
}

func (s *statusLine) set(text string, isErr bool) { s.text, s.isErr = text, isErr }

func (s *statusLine) view(form engine.Form, cookies, width int) string {
	t := s.text
	if t == "" {
		t = fmt.Sprintf("form %s <%s> · %d cookie(s) in the jar · the URL above is live: open it in a browser or curl it", form.Name, form.Email, cookies)
	}
	t = fold(sanitize(t), width)
	if s.isErr {
		return s.st.Error.Render(t)
	}
	return s.st.Status.Render(t)
}
