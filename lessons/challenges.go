package lessons

// This file holds the learner's challenges and predictions: what the
// learner does outside the tutor (in a browser, with curl) and the
// questions asked before a run that surprises people. They are data, one
// JSON file per stage under challenges/, so that a new stage or a
// translated course adds them without code. A file looks like this:
//
//	{
//	  "stage": "session",
//	  "challenges": [{
//	    "id": "own-cookie",
//	    "title": "Your browser gets a cookie and sends it back",
//	    "goal": "What to do, in a sentence or two.",
//	    "check": {"kind": "own-cookie-accepted"},
//	    "hints": ["first hint", "second hint"],
//	    "browser": "Open {{.URL}}/ and submit the form.",
//	    "shell": ["curl -i -L -c jar.txt -b jar.txt -d name=Ada -d email=ada@example.com {{.URL}}/users"],
//	    "success": "✓ {{.Client}} sent back the cookie it got in response #{{.From}}.",
//	    "class": {"none": "Nobody yet.", "one": "1 student did.", "many": "{{.Students}} students did."}
//	  }],
//	  "predictions": [{
//	    "id": "tamper", "before": "tamper",
//	    "question": "Will the server accept the changed cookie?",
//	    "answers": ["yes", "no"], "right": 2,
//	    "explain": "Why, in a few sentences."
//	  }]
//	}
//
// "stage" is the stage's progress key: the lesson's stage, and "/storage"
// when the lesson names a storage ("template/signed"). "check" names one
// predicate of a small fixed vocabulary, implemented in Go over the
// server's observed exchanges (package lessons/check), with its
// parameters. Hints are shown one at a time; after them comes the last
// hint, made of "browser" (the steps in a browser, optional) and "shell"
// (the exact commands, one a line; a line starting with "#" is something
// to do in the tutor meanwhile). Every text is a text/template template
// over HintData (the success sentence over SuccessData, the optional
// "class" sentences, which count the students of a classroom who did it,
// over ClassData); the shell lines
// must use {{.URL}}, the live server's address, so that they can be
// pasted as they stand.

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"text/template"
)

// challengeFiles holds the embedded challenge files.
//
//go:embed challenges/*.json
var challengeFiles embed.FS

// StageWork is the challenges and predictions of one stage.
type StageWork struct {
	// File is the file it came from, for error messages.
	File string `json:"-"`
	// Stage is the stage's progress key, such as "session" or
	// "template/signed".
	Stage       string       `json:"stage"`
	Challenges  []Challenge  `json:"challenges"`
	Predictions []Prediction `json:"predictions"`
}

// Challenge is something the learner does outside the tutor, which the
// tutor checks from the traffic its server sees.
type Challenge struct {
	// ID names the challenge in saved progress; unique in the course.
	ID string `json:"id"`
	// Stage is the stage's progress key, copied from the file.
	Stage string `json:"-"`
	// Title is a short title; Goal says what to do, for a beginner.
	Title string `json:"title"`
	Goal  string `json:"goal"`
	// Check is the predicate that recognises it in the traffic.
	Check Check `json:"check"`
	// Hints are shown one at a time, each a template over HintData.
	Hints []string `json:"hints"`
	// Browser is the last hint's steps in a browser, if any; Shell its
	// exact commands, one a line, for the live URL. A Shell line starting
	// with "#" says what to do in the tutor between commands.
	Browser string   `json:"browser,omitempty"`
	Shell   []string `json:"shell"`
	// Success is what the tutor says when it sees it done: a template
	// over SuccessData.
	Success string `json:"success"`
	// Class says how many students of a class did it, on the classroom's
	// projected view. It is optional: without it the view gives the
	// count and the title.
	Class *ClassWords `json:"class,omitempty"`

	hints   []*template.Template
	browser *template.Template
	shell   []*template.Template
	success *template.Template
	class   [3]*template.Template // none, one, many
}

// ClassWords are a challenge's sentences for a class: for nobody yet,
// for one student and for more, each a template over ClassData.
type ClassWords struct {
	None string `json:"none"`
	One  string `json:"one"`
	Many string `json:"many"`
}

// ClassData is what a class sentence's template can use.
type ClassData struct {
	// Students is how many students did the challenge.
	Students int
}

// Check names the predicate a challenge is checked with, and its
// parameters. Which parameters a kind reads is documented with the kind
// in package lessons/check; the others must be empty.
type Check struct {
	// Kind is the predicate's name, such as "own-cookie-accepted".
	Kind string `json:"kind"`
	// Name is a user name the session must hold ("forged-accepted").
	Name string `json:"name,omitempty"`
	// Own requires the cookie presented to be one the server set for that
	// same client, not a copy of another client's (the tutor's, say).
	Own bool `json:"own,omitempty"`
	// ServerStage and Storage, when set, are the server stage and storage
	// the deciding exchange must have been answered with.
	ServerStage string `json:"server_stage,omitempty"`
	Storage     string `json:"storage,omitempty"`
}

// Prediction is a question asked before a run that surprises people:
// the learner predicts, the run shows, the explanation says why. It is
// answered with one key and never blocks.
type Prediction struct {
	// ID names the prediction in saved progress; unique in the course.
	ID string `json:"id"`
	// Stage is the stage's progress key, copied from the file.
	Stage string `json:"-"`
	// Before is the run it is asked before: "run", "tamper" or "forge".
	Before string `json:"before"`
	// Question and its Answers, two to four; Right is the right answer's
	// number, from 1.
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
	Right    int      `json:"right"`
	// Explain says why, shown beside the outcome.
	Explain string `json:"explain"`
}

// Prediction runs: what a prediction is asked before.
const (
	BeforeRun    = "run"
	BeforeTamper = "tamper"
	BeforeForge  = "forge"
)

// HintData is what a hint's template can use.
type HintData struct {
	// URL is the live server's base URL, such as http://127.0.0.1:8080.
	URL string
	// Cookie is a session cookie the learner's own client holds (the last
	// one the server set for a browser or curl), or the tutor's when none
	// has been seen; a placeholder to replace when there is neither.
	Cookie string
	// TutorCookie is the session cookie in the tutor's own jar, or a
	// placeholder.
	TutorCookie string
	// Forgotten is the last session cookie a client outside the tutor
	// sent with "Forget me" (POST /logout), or a placeholder.
	Forgotten string
}

// SuccessData is what a success sentence's template can use. Its text
// comes from clients and is escaped before it gets here.
type SuccessData struct {
	// Client names who did it, such as "Firefox at 127.0.0.1".
	Client string
	// Seq is the number of the request that proved it; From the number of
	// the earlier exchange it built on (the response that set the cookie,
	// the post, the logout), or 0.
	Seq  uint64
	From uint64
	// Name is the user name the server read from the session, if any.
	Name string
}

// validID reports whether id is a good challenge or prediction id: one
// to 40 lower-case letters, digits and dashes, not starting with a dash.
func validID(id string) bool {
	if id == "" || len(id) > 40 || id[0] == '-' {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// EmbeddedWork returns the challenges and predictions built into
// formtest, one StageWork per file, validated.
func EmbeddedWork() ([]StageWork, error) {
	sub, err := fs.Sub(challengeFiles, "challenges")
	if err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	return LoadWork(sub)
}

// LoadWork reads every *.json file at the top of fsys and validates each.
// Ids must be unique across files, and no two files may name the same
// stage. The result is in file-name order.
func LoadWork(fsys fs.FS) ([]StageWork, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("lessons: no challenge files (*.json)")
	}
	var out []StageWork
	ids := make(map[string]string)
	stages := make(map[string]string)
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("lessons: %w", err)
		}
		w, err := ParseWork(name, b)
		if err != nil {
			return nil, err
		}
		if other, ok := stages[w.Stage]; ok {
			return nil, fmt.Errorf("lessons: %s: stage %q already has its challenges in %s", name, w.Stage, other)
		}
		stages[w.Stage] = name
		for _, id := range w.ids() {
			if other, ok := ids[id]; ok {
				return nil, fmt.Errorf("lessons: %s: id %q is already used in %s", name, id, other)
			}
			ids[id] = name
		}
		out = append(out, w)
	}
	return out, nil
}

// ids lists the ids of w's challenges and predictions.
func (w StageWork) ids() []string {
	var ids []string
	for _, c := range w.Challenges {
		ids = append(ids, c.ID)
	}
	for _, p := range w.Predictions {
		ids = append(ids, p.ID)
	}
	return ids
}

// ParseWork parses and validates one challenge file; name is used in
// errors and kept as File.
func ParseWork(name string, b []byte) (StageWork, error) {
	fail := func(format string, args ...any) (StageWork, error) {
		return StageWork{}, fmt.Errorf("lessons: %s: %s", name, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var w StageWork
	if err := dec.Decode(&w); err != nil {
		return fail("%v", err)
	}
	if dec.More() {
		return fail("more than one JSON value")
	}
	w.File = name
	if strings.TrimSpace(w.Stage) == "" {
		return fail("no \"stage\"")
	}
	if len(w.Challenges) == 0 && len(w.Predictions) == 0 {
		return fail("no challenges and no predictions")
	}
	seen := make(map[string]bool)
	for i := range w.Challenges {
		c := &w.Challenges[i]
		c.Stage = w.Stage
		if err := c.validate(); err != nil {
			return fail("challenge %d (%q): %v", i+1, c.ID, err)
		}
		if seen[c.ID] {
			return fail("id %q given twice", c.ID)
		}
		seen[c.ID] = true
	}
	for i := range w.Predictions {
		p := &w.Predictions[i]
		p.Stage = w.Stage
		if err := p.validate(); err != nil {
			return fail("prediction %d (%q): %v", i+1, p.ID, err)
		}
		if seen[p.ID] {
			return fail("id %q given twice", p.ID)
		}
		seen[p.ID] = true
	}
	return w, nil
}

// sampleHint and sampleSuccess are what templates are tried with when a
// file is loaded, so that a misspelt field fails the load.
func sampleHint() HintData {
	return HintData{URL: "http://127.0.0.1:8080", Cookie: "c", TutorCookie: "t", Forgotten: "f"}
}

func sampleSuccess() SuccessData {
	return SuccessData{Client: "Firefox at 127.0.0.1", Seq: 12, From: 11, Name: "Ada"}
}

func (c *Challenge) validate() error {
	switch {
	case !validID(c.ID):
		return fmt.Errorf("id %q: want lower-case letters, digits and dashes, at most 40", c.ID)
	case strings.TrimSpace(c.Title) == "" || strings.TrimSpace(c.Goal) == "":
		return errors.New("title and goal must not be empty")
	case strings.TrimSpace(c.Check.Kind) == "":
		return errors.New("check: no \"kind\"")
	case len(c.Hints) == 0:
		return errors.New("no hints")
	case len(c.Shell) == 0:
		return errors.New("no shell commands: the last hint gives the exact commands for the live URL")
	case strings.TrimSpace(c.Success) == "":
		return errors.New("no success sentence")
	}
	parse := func(name, text string) (*template.Template, error) {
		t, err := template.New(name).Option("missingkey=error").Parse(text)
		if err != nil {
			return nil, err
		}
		if err := t.Execute(new(bytes.Buffer), sampleHint()); err != nil {
			return nil, err
		}
		return t, nil
	}
	c.hints = make([]*template.Template, len(c.Hints))
	for i, h := range c.Hints {
		t, err := parse(fmt.Sprintf("hint %d", i+1), h)
		if err != nil {
			return err
		}
		c.hints[i] = t
	}
	if c.Browser != "" {
		t, err := parse("browser", c.Browser)
		if err != nil {
			return err
		}
		c.browser = t
	}
	url := false
	for i, line := range c.Shell {
		if strings.ContainsAny(line, "\n\r") || strings.TrimSpace(line) == "" {
			return fmt.Errorf("shell line %d: want one non-empty line", i+1)
		}
		t, err := parse(fmt.Sprintf("shell line %d", i+1), line)
		if err != nil {
			return err
		}
		c.shell = append(c.shell, t)
		url = url || strings.Contains(line, "{{.URL}}")
	}
	if !url {
		return errors.New("the shell commands must use the live URL ({{.URL}}) so they can be pasted as they stand")
	}
	t, err := template.New("success").Option("missingkey=error").Parse(c.Success)
	if err != nil {
		return err
	}
	if err := t.Execute(new(bytes.Buffer), sampleSuccess()); err != nil {
		return err
	}
	c.success = t
	if c.Class != nil {
		for i, text := range []string{c.Class.None, c.Class.One, c.Class.Many} {
			if strings.TrimSpace(text) == "" || strings.ContainsAny(text, "\n\r") {
				return fmt.Errorf("class: want three one-line sentences, \"none\", \"one\" and \"many\"")
			}
			t, err := template.New("class").Option("missingkey=error").Parse(text)
			if err != nil {
				return fmt.Errorf("class: %w", err)
			}
			if err := t.Execute(new(bytes.Buffer), ClassData{Students: 2}); err != nil {
				return fmt.Errorf("class: %w", err)
			}
			c.class[i] = t
		}
	}
	return nil
}

func (p *Prediction) validate() error {
	switch {
	case !validID(p.ID):
		return fmt.Errorf("id %q: want lower-case letters, digits and dashes, at most 40", p.ID)
	case !slices.Contains([]string{BeforeRun, BeforeTamper, BeforeForge}, p.Before):
		return fmt.Errorf("before %q: want %q, %q or %q", p.Before, BeforeRun, BeforeTamper, BeforeForge)
	case strings.TrimSpace(p.Question) == "" || strings.TrimSpace(p.Explain) == "":
		return errors.New("question and explain must not be empty")
	case len(p.Answers) < 2 || len(p.Answers) > 4:
		return fmt.Errorf("%d answers: want two to four", len(p.Answers))
	case p.Right < 1 || p.Right > len(p.Answers):
		return fmt.Errorf("right %d: want the number of an answer, 1 to %d", p.Right, len(p.Answers))
	}
	for i, a := range p.Answers {
		if strings.TrimSpace(a) == "" {
			return fmt.Errorf("answer %d is empty", i+1)
		}
	}
	return nil
}

// HintCount is how many hints the challenge has, the last included.
func (c Challenge) HintCount() int { return len(c.Hints) + 1 }

// Hint renders hint n (from 1 to HintCount) with d. The last is the
// browser steps and the shell commands, each command on a line of its
// own indented by two spaces. A challenge from ParseWork always renders;
// one built by hand returns an error.
func (c Challenge) Hint(n int, d HintData) (string, error) {
	if n < 1 || n > c.HintCount() || len(c.hints) != len(c.Hints) {
		return "", fmt.Errorf("lessons: challenge %s has no hint %d", c.ID, n)
	}
	if n <= len(c.hints) {
		return run(c.ID, c.hints[n-1], d)
	}
	var b strings.Builder
	if c.browser != nil {
		steps, err := run(c.ID, c.browser, d)
		if err != nil {
			return "", err
		}
		b.WriteString("In a browser: " + steps + "\n")
	}
	b.WriteString("In a terminal:")
	lines, err := c.Commands(d)
	if err != nil {
		return "", err
	}
	for _, line := range lines {
		b.WriteString("\n  " + line)
	}
	return b.String(), nil
}

// Commands renders the shell lines with d, one a line.
func (c Challenge) Commands(d HintData) ([]string, error) {
	if len(c.shell) != len(c.Shell) {
		return nil, fmt.Errorf("lessons: challenge %s was not loaded with ParseWork", c.ID)
	}
	out := make([]string, len(c.shell))
	for i, t := range c.shell {
		line, err := run(c.ID, t, d)
		if err != nil {
			return nil, err
		}
		out[i] = line
	}
	return out, nil
}

// BrowserSteps renders the browser steps with d; "" when there are none.
func (c Challenge) BrowserSteps(d HintData) (string, error) {
	if c.browser == nil {
		return "", nil
	}
	return run(c.ID, c.browser, d)
}

// run executes t with data, naming challenge id in an error.
func run(id string, t *template.Template, data any) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("lessons: challenge %s: %w", id, err)
	}
	return b.String(), nil
}

// ClassSaid says how many students of a class did the challenge, with
// the file's class sentences; without them, the count and the title
// ("3 students: Forge a session with the known key").
func (c Challenge) ClassSaid(students int) (string, error) {
	students = max(0, students)
	if c.Class == nil {
		switch students {
		case 0:
			return "Nobody yet: " + c.Title, nil
		case 1:
			return "1 student: " + c.Title, nil
		}
		return fmt.Sprintf("%d students: %s", students, c.Title), nil
	}
	t := c.class[min(students, 2)]
	if t == nil {
		return "", fmt.Errorf("lessons: challenge %s was not loaded with ParseWork", c.ID)
	}
	return run(c.ID, t, ClassData{Students: students})
}

// Said renders the success sentence with d.
func (c Challenge) Said(d SuccessData) (string, error) {
	if c.success == nil {
		return "", fmt.Errorf("lessons: challenge %s was not loaded with ParseWork", c.ID)
	}
	return run(c.ID, c.success, d)
}
