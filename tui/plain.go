package tui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server/cookiecodec"
)

// plainWidth is the width the transcript's prose is wrapped to.
const plainWidth = 76

// PlainOptions configures WritePlain.
type PlainOptions struct {
	// Engine runs the lesson; its tutor client's jar carries over from
	// stage to stage, like one browser walking through the lesson.
	Engine *engine.Engine
	// Form is the demo form posted to POST /users.
	Form engine.Form
}

// WritePlain walks every stage of the lesson on the engine and writes the
// tutorial as a plain-text transcript, with no escape codes: for each
// stage a heading "Stage N: title", its text (markdown rendered as plain
// text), the code it adds (each piece once, where it first matters), and
// the stage's demonstration (Engine.Demo): each request and response in
// wire form and the session the server decoded. It is for screen readers,
// CI logs and documentation. It ends with the worksheet of challenges
// (check.Course.WorksheetFor), which it says it cannot check.
func WritePlain(ctx context.Context, w io.Writer, opts PlainOptions) error {
	st := PlainStyles()
	p := &plainRun{r: renderer{st: &st, plain: true}, eng: opts.Engine, form: opts.Form, shown: make(map[string]int)}
	var b strings.Builder
	fmt.Fprintf(&b, "formtest tutor: the sessions lesson, stage by stage\n")
	fmt.Fprintf(&b, "Server: %s (in process). Demo form: name=%q email=%q.\n", opts.Engine.URL(), opts.Form.Name, opts.Form.Email)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for i := range opts.Engine.Stages() {
		b.Reset()
		err := p.stage(ctx, &b, i)
		if _, werr := io.WriteString(w, b.String()); werr != nil {
			return werr
		}
		if err != nil {
			return err
		}
	}
	// Last, the challenges to do outside, with the commands for the live
	// URL: a transcript only prints, and the worksheet says it cannot
	// check them.
	course, err := check.Embedded(opts.Engine.Stages())
	if err != nil {
		return fmt.Errorf("plain: challenges: %w", err)
	}
	if _, err := io.WriteString(w, "\n\n"); err != nil {
		return err
	}
	return course.WorksheetFor(w, opts.Engine)
}

// plainRun writes the plain transcript.
type plainRun struct {
	r    renderer
	eng  *engine.Engine
	form engine.Form
	// shown maps each piece of code already printed to the stage, from 1,
	// that printed it.
	shown map[string]int
	// inDB is set once the grow stage keeps its session in the database.
	inDB bool
}

// stage writes stage i: its text and code, and its demonstration.
func (p *plainRun) stage(ctx context.Context, b *strings.Builder, i int) error {
	sc, err := p.eng.Goto(i)
	if err != nil {
		return err
	}
	st := sc.Stage
	heading := fmt.Sprintf("Stage %d: %s", st.Lesson.Order, st.Lesson.Title)
	fmt.Fprintf(b, "\n\n%s\n%s\n\n%s\n", heading, strings.Repeat("=", len([]rune(heading))), renderMarkdown(strings.TrimSpace(st.Lesson.Text+"\n\n"+st.Lesson.More), plainWidth, &p.r.st.Markdown))
	p.code(b, st)
	if st.Lesson.Storage != "" {
		fmt.Fprintf(b, "\nSessions: %s: %s.\n", sc.Storage, engine.StorageSentence(sc.Storage))
	}
	if sc.NoDatabase {
		b.WriteString("\n" + noDatabaseNote + "\n")
	}
	p.inDB = false
	return p.eng.Demo(ctx, p.eng.Tutor(), p.form, func(ev engine.Event) error {
		p.event(b, st, ev)
		return nil
	})
}

// code writes the stage's Flask code and the Go code the server runs,
// leaving out what an earlier stage already showed.
func (p *plainRun) code(b *strings.Builder, st engine.Stage) {
	n := st.Index + 1
	for _, c := range st.Lesson.Flask {
		if k, ok := p.shown[c.Source]; ok {
			fmt.Fprintf(b, "\n%s, %s, is the one shown in stage %d.\n", flaskHeading(st), c.Name, k)
			continue
		}
		p.shown[c.Source] = n
		fmt.Fprintf(b, "\n%s, %s:\n\n%s", flaskHeading(st), c.Name, indent(c.Source))
	}
	var fresh, seen []string
	for _, d := range declarations(st.GoCode) {
		if k, ok := p.shown[d]; ok {
			seen = append(seen, fmt.Sprintf("%s (stage %d)", declName(d), k))
			continue
		}
		p.shown[d] = n
		fresh = append(fresh, d)
	}
	if len(fresh) > 0 {
		fmt.Fprintf(b, "\nThe Go code formtest runs in this stage (%s):\n\n%s", st.GoFilesText(), indent(strings.Join(fresh, "\n\n")+"\n"))
	}
	if len(seen) > 0 {
		fmt.Fprintf(b, "\nIt also runs Go code shown earlier: %s.\n", strings.Join(seen, ", "))
	}
}

// event writes one step of the stage's demonstration.
func (p *plainRun) event(b *strings.Builder, st engine.Stage, ev engine.Event) {
	switch ev.Kind {
	case engine.EventNewBrowser:
		b.WriteString("\nA new browser, with an empty cookie jar: a cookie from the last stage would not count now that sessions are kept another way.\n")
	case engine.EventRun:
		p.write(b, ev.Run.Trip.Title, ev.Run.Trip)
	case engine.EventAttack:
		title := "tamper with the cookie (t), then GET /show"
		if ev.Attack.Kind == engine.AttackForge {
			title = "forge a cookie for admin (F), then GET /show"
		}
		p.write(b, title, ev.Attack.Trip)
		if ev.Attack.Trip != nil {
			text, _ := attackStatus(*ev.Attack)
			fmt.Fprintf(b, "\nVerdict: %s\n", text)
		}
	case engine.EventGrowStart:
		fmt.Fprintf(b, "\nA new browser posts the form again and again, each time with a note of about %d bytes:\n\n", engine.GrowNoteBytes)
	case engine.EventGrowRun:
		p.growLine(b, st, ev)
	case engine.EventNoDatabase:
		b.WriteString("\nWith a session database (tutor --store sqlite:PATH) the server would keep the notes in a row and the cookie would carry only an id.\n")
	case engine.EventStorage:
		p.inDB = true
		fmt.Fprintf(b, "\nNow the server keeps sessions in its database (S): %s. The cookie from before no longer counts, so the session starts again; the same %d notes, posted again:\n\n", engine.StorageSentence(ev.Storage.Storage), ev.Count)
	}
}

// growLine writes a line about one of the grow stage's posts, and the
// whole exchange of the last of a series.
func (p *plainRun) growLine(b *strings.Builder, st engine.Stage, ev engine.Event) {
	run := ev.Run
	t := run.Trip
	req := st.Lesson.Request
	if run.Outcome == engine.OutcomeStopped {
		p.write(b, req.String(), t)
		return
	}
	g := run.Growth
	first := t.Hops[0]
	line := fmt.Sprintf("Run %d: %s with note %d (%d bytes) → %d %s", g.Run, req, g.Run, len(run.Form.Note), first.Status, http.StatusText(first.Status))
	if g.CookieSize > 0 {
		line += fmt.Sprintf("; session cookie %d bytes with the name, of the %d a browser keeps", g.CookieSize, cookiecodec.BrowserLimit)
	}
	if g.RowSize > 0 {
		line += fmt.Sprintf("; database row %d bytes", g.RowSize)
	}
	if run.Outcome == engine.OutcomeTooLarge {
		line += ": the session would not fit in a cookie"
	}
	b.WriteString(line + "\n")
	switch {
	case ev.Last && p.inDB:
		p.write(b, fmt.Sprintf("%s, note %d, session in the database", req, g.Run), t)
	case ev.Last:
		p.write(b, fmt.Sprintf("%s, note %d", req, g.Run), t)
	}
}

// write writes a trip and its session.
func (p *plainRun) write(b *strings.Builder, title string, t *engine.Trip) {
	fmt.Fprintf(b, "\nExchange: %s\n\n", title)
	if t == nil {
		b.WriteString("(not sent)\n")
		return
	}
	text, _ := p.r.exchange(t)
	b.WriteString(text)
	fmt.Fprintf(b, "\n\nSession:\n\n%s\n", p.r.session(t))
}

// declarations splits Go source into its top-level declarations, each
// with its doc comment.
func declarations(src string) []string {
	var out []string
	for chunk := range strings.SplitSeq(strings.TrimSpace(src), "\n\n") {
		// A blank line inside a function body is followed by indented
		// code or the closing brace: it does not start a declaration.
		if len(out) > 0 && (chunk == "" || chunk[0] == '\t' || chunk[0] == ' ' || chunk[0] == '}' || chunk[0] == ')') {
			out[len(out)-1] += "\n\n" + chunk
			continue
		}
		out = append(out, chunk)
	}
	return out
}

// declName names a declaration by its first line that is not a comment.
func declName(d string) string {
	for line := range strings.Lines(d) {
		if strings.HasPrefix(line, "//") {
			continue
		}
		line = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), "{"))
		if i := strings.IndexByte(line, '('); i >= 0 && strings.HasPrefix(line, "func (") {
			// A method: its name follows the receiver.
			if j := strings.Index(line, ") "); j >= 0 {
				line = line[j+2:]
			}
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "func "), "(")
		return strings.TrimSpace(name)
	}
	return "code"
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
