package tui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
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
// form, and the session decoded from the cookies. The stage on the secret
// key also tampers with its cookie and forges one; the stage on a growing
// session posts notes until the session no longer fits in a cookie, then
// keeps it in the database instead. It is for screen readers, CI logs and
// documentation.
func WritePlain(ctx context.Context, w io.Writer, opts PlainOptions) error {
	st := PlainStyles()
	p := &plainRun{r: renderer{st: &st, plain: true}, opts: opts}
	// The server's account of each request says why it rejected a cookie.
	sub := opts.Server.Subscribe(64)
	defer sub.Close()
	p.traffic = sub.C
	var b strings.Builder
	fmt.Fprintf(&b, "formtest tutor: the sessions lesson, stage by stage\n")
	fmt.Fprintf(&b, "Server: %s (in process). Demo form: name=%q email=%q.\n", opts.Runner.URL(), opts.Form.Name, opts.Form.Email)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for _, l := range opts.Lessons {
		b.Reset()
		err := p.lesson(ctx, &b, l)
		if _, werr := io.WriteString(w, b.String()); werr != nil {
			return werr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// plainRun writes the plain transcript.
type plainRun struct {
	r       renderer
	opts    PlainOptions
	traffic <-chan server.Exchange
	// storage is where the last lesson kept sessions.
	storage server.Storage
}

// lesson writes one lesson: its text and code, and its exchanges.
func (p *plainRun) lesson(ctx context.Context, b *strings.Builder, l lessons.Lesson) error {
	srv := p.opts.Server
	st, err := server.ParseStage(l.Stage)
	if err != nil {
		return fmt.Errorf("tutor: %s: %w", l.File, err)
	}
	storage, err := lessonStorage(l)
	if err != nil {
		return fmt.Errorf("tutor: %s: %w", l.File, err)
	}
	if err := srv.SetStage(st); err != nil {
		return err
	}
	noDB := srv.SetStorage(storage) != nil
	if noDB {
		if err := srv.SetStorage(server.StorageSigned); err != nil {
			return err
		}
	}
	p.opts.Runner.SetDecodeOptions(srv.DecodeOptions())
	heading := fmt.Sprintf("Stage %d: %s", l.Order, l.Title)
	fmt.Fprintf(b, "\n\n%s\n%s\n\n%s\n", heading, strings.Repeat("=", len([]rune(heading))), l.Text)
	for _, c := range l.Flask {
		fmt.Fprintf(b, "\nThe lesson's Flask code, %s:\n\n%s", c.Name, indent(c.Source))
	}
	code, err := goCode(l, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "\nThe Go code formtest runs in this stage (%s):\n\n%s", strings.ReplaceAll(goCodeSource(l), "`", ""), indent(code))
	if l.Storage != "" {
		fmt.Fprintf(b, "\nSessions: %s: %s.\n", srv.Storage(), storageSentence(srv.Storage()))
	}
	if noDB {
		b.WriteString("\nThis stage keeps sessions in a database, and the tutor was started without one (see tutor --store), so the server keeps signed cookies instead.\n")
	}
	if prev := p.storage; prev != "" && prev != srv.Storage() && st != server.StageGrow {
		p.opts.Runner.ClearCookies()
		b.WriteString("\nA new browser, with an empty cookie jar: a cookie from the last stage would not count now that sessions are kept another way.\n")
	}
	p.storage = srv.Storage()
	if st == server.StageGrow {
		return p.grow(ctx, b, l)
	}
	ex, err := p.run(ctx, l.Request.Method, l.Request.Path, p.opts.Form)
	p.write(b, l.Request.String(), ex)
	if err != nil {
		return err
	}
	if storage != server.StorageSigned || l.Storage == "" {
		return nil
	}
	// The stage on the secret key: change the cookie, then make one.
	for _, forged := range []bool{false, true} {
		ex, err := p.attack(ctx, forged)
		title := "tamper with the cookie (t), then GET /show"
		if forged {
			title = "forge a cookie for admin (F), then GET /show"
		}
		p.write(b, title, ex)
		if text, _ := attackOutcome(ex); text != "" {
			fmt.Fprintf(b, "\nVerdict: %s\n", text)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// maxGrowRuns bounds the grow stage's posts in the transcript.
const maxGrowRuns = 12

// grow posts a note after another until the session no longer fits in a
// cookie, then keeps sessions in the database and posts as many again.
func (p *plainRun) grow(ctx context.Context, b *strings.Builder, l lessons.Lesson) error {
	srv := p.opts.Server
	p.opts.Runner.ClearCookies()
	b.WriteString("\nA new browser posts the form again and again, each time with a note of about 700 bytes:\n\n")
	runs := 0
	for runs < maxGrowRuns {
		runs++
		ex, err := p.growRun(ctx, b, l, runs)
		if err != nil {
			return err
		}
		if ex.Hops[0].Status == server.StatusSessionTooLarge {
			p.write(b, fmt.Sprintf("%s, note %d", l.Request, runs), ex)
			break
		}
	}
	if srv.Backend() == nil {
		b.WriteString("\nWith a session database (tutor --store sqlite:PATH) the server would keep the notes in a row and the cookie would carry only an id.\n")
		return nil
	}
	if err := srv.SetStorage(server.StorageServer); err != nil {
		return err
	}
	p.storage = server.StorageServer
	p.opts.Runner.SetDecodeOptions(srv.DecodeOptions())
	fmt.Fprintf(b, "\nNow the server keeps sessions in its database (S): %s. The cookie from before no longer counts, so the session starts again; the same %d notes, posted again:\n\n", storageSentence(server.StorageServer), runs)
	var last *Exchange
	for n := 1; n <= runs; n++ {
		ex, err := p.growRun(ctx, b, l, n)
		if err != nil {
			return err
		}
		last = ex
	}
	p.write(b, fmt.Sprintf("%s, note %d, session in the database", l.Request, runs), last)
	return nil
}

// growRun posts the form with note n and writes a line about the cookie
// that came back.
func (p *plainRun) growRun(ctx context.Context, b *strings.Builder, l lessons.Lesson, n int) (*Exchange, error) {
	form := p.opts.Form
	form.Note = growNote(n)
	ex, err := p.run(ctx, l.Request.Method, l.Request.Path, form)
	if err != nil {
		p.write(b, l.Request.String(), ex)
		return nil, err
	}
	first := ex.Hops[0]
	line := fmt.Sprintf("Run %d: %s with note %d (%d bytes) → %d %s", n, l.Request, n, len(form.Note), first.Status, http.StatusText(first.Status))
	if size := setCookieSize(ex); size > 0 {
		line += fmt.Sprintf("; session cookie %d bytes of the %d a browser keeps", size, cookiecodec.BrowserLimit)
	}
	if size := storedSize(ex); size > 0 {
		line += fmt.Sprintf("; database row %d bytes", size)
	}
	if first.Status == server.StatusSessionTooLarge {
		line += ": the session would not fit in a cookie"
	}
	b.WriteString(line + "\n")
	return ex, nil
}

// run runs one exchange and gathers the server's account of it and the
// database rows its cookies point to.
func (p *plainRun) run(ctx context.Context, method, path string, form Form) (*Exchange, error) {
	ex, err := p.opts.Runner.Run(ctx, method, path, form)
	p.finish(ctx, ex)
	return ex, err
}

// attack tampers with the jar's cookie, or forges one, and sends it.
func (p *plainRun) attack(ctx context.Context, forged bool) (*Exchange, error) {
	var ex *Exchange
	var err error
	if forged {
		ex, err = forge(ctx, p.opts.Runner, p.opts.Server.Storage())
	} else {
		ex, err = tamper(ctx, p.opts.Runner)
	}
	p.finish(ctx, ex)
	return ex, err
}

func (p *plainRun) finish(ctx context.Context, ex *Exchange) {
	if ex == nil {
		return
	}
	ex.Storage = p.opts.Server.Storage()
	waitObserved(ctx, p.traffic, ex)
	lookupStored(ctx, p.opts.Server, ex)
}

// write writes an exchange and its session.
func (p *plainRun) write(b *strings.Builder, title string, ex *Exchange) {
	fmt.Fprintf(b, "\nExchange: %s\n\n", title)
	if ex == nil {
		b.WriteString("(not sent)\n")
		return
	}
	text, _ := p.r.exchange(ex)
	b.WriteString(text)
	fmt.Fprintf(b, "\n\nSession:\n\n%s\n", p.r.session(ex))
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
