package tui

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/server"
)

// PlainOptions configures WritePlain.
type PlainOptions struct {
	// Lessons are the stages to run, in order.
	Lessons []lessons.Lesson
	// Server is the in-process server; its stage is switched per lesson.
	Server *server.Server
	// Runner sends the requests. Its cookie jar carries over from stage to
	// stage, like one browser walking through the lesson.
	Runner *Runner
	// Form is the demo form posted to POST /users.
	Form Form
}

// WritePlain runs every stage of the lesson and writes the tutorial as a
// plain-text transcript, with no escape codes: for each stage a heading
// "Stage N: title", its text, its code, each request and response in wire
// form, and the session decoded from the cookies. It is for screen readers,
// CI logs and documentation.
func WritePlain(ctx context.Context, w io.Writer, opts PlainOptions) error {
	st := PlainStyles()
	r := renderer{st: &st, plain: true}
	var b strings.Builder
	fmt.Fprintf(&b, "formtest tutor: the sessions lesson, stage by stage\n")
	fmt.Fprintf(&b, "Server: %s (in process). Demo form: name=%q email=%q.\n", opts.Runner.URL(), opts.Form.Name, opts.Form.Email)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for _, l := range opts.Lessons {
		b.Reset()
		st, err := server.ParseStage(l.Stage)
		if err != nil {
			return fmt.Errorf("tutor: %s: %w", l.File, err)
		}
		if err := opts.Server.SetStage(st); err != nil {
			return err
		}
		heading := fmt.Sprintf("Stage %d: %s", l.Order, l.Title)
		fmt.Fprintf(&b, "\n\n%s\n%s\n\n%s\n", heading, strings.Repeat("=", len([]rune(heading))), l.Text)
		for _, c := range l.Flask {
			fmt.Fprintf(&b, "\nThe lesson's Flask code, %s:\n\n%s", c.Name, indent(c.Source))
		}
		goCode, err := server.StageCode(st)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "\nThe Go handlers formtest runs in this stage (server/stages.go):\n\n%s", indent(goCode))

		ex, runErr := opts.Runner.Run(ctx, l.Request.Method, l.Request.Path, opts.Form)
		fmt.Fprintf(&b, "\nExchange: %s\n\n", l.Request)
		text, _ := r.exchange(ex)
		b.WriteString(text)
		fmt.Fprintf(&b, "\n\nSession:\n\n%s\n", r.session(ex))
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		if runErr != nil {
			return runErr
		}
	}
	return nil
}

// indent indents each line of s by four spaces, keeping blank lines empty.
func indent(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.TrimSpace(line) != "" {
			b.WriteString("    ")
		}
		b.WriteString(line)
	}
	if !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
	return b.String()
}
