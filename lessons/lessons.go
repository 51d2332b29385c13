// Package lessons holds the tutor's lesson content: one markdown file per
// stage of the sessions lesson, with front matter, embedded in the binary.
//
// A lesson file looks like this:
//
//	---
//	order: 2
//	stage: session
//	title: The session remembers
//	request: POST /users
//	---
//	What happens and why, in markdown.
//
//	<!-- more -->
//
//	Extra detail, for a reader who asks for it.
//
//	## Flask code
//
//	```python server.py
//	...
//	```
//
// An optional "storage:" line (signed, encrypted or server) says where the
// server keeps sessions during the lesson, so that one stage can be taught
// again with another storage. An optional "then:" line, such as
// "then: GET /show", names a request to send after the first exchange is
// over, with the same cookie jar.
//
// The text before the first code heading is the lesson's text. A line
// "<!-- more -->" may split it: what comes before is the lesson itself
// (Lesson.Text), what comes after is extra detail a view shows only on demand
// (Lesson.More).
//
// Then come the code sections, each a heading followed by one or more fenced
// code blocks tagged with a language and a file name. "## Flask code" heads
// code taken from the lesson itself (stages 1 to 3); "## Flask equivalent"
// heads Flask code that is not in the lesson but does in Flask what the stage
// does in formtest (Code.Equivalent). A lesson has either section or both, the
// lesson's code first:
//
//	## Flask equivalent
//
//	```python forge.py
//	...
//	```
//
// The package is a leaf: it knows nothing of the server. Callers check that
// each lesson's Stage names a stage their server has.
package lessons

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// content holds the embedded lesson files.
//
//go:embed content/*.md
var content embed.FS

// CodeHeading heads the code taken from the lesson itself.
const CodeHeading = "## Flask code"

// EquivalentHeading heads Flask code that is not in the lesson: what a Flask
// app would do to match the stage.
const EquivalentHeading = "## Flask equivalent"

// MoreMarker, on a line of its own, splits a lesson's text: what follows is
// extra detail, shown on demand.
const MoreMarker = "<!-- more -->"

// Lesson is one stage of the tutorial.
type Lesson struct {
	// File is the lesson's file name, for error messages.
	File string
	// Order is the lesson's position, counting from 1.
	Order int
	// Stage names the server stage the lesson runs against.
	Stage string
	// Storage names where the server keeps sessions during the lesson
	// (signed, encrypted or server); "" means the lesson does not care and
	// the tutor uses signed cookies, as the lesson's Flask app does.
	Storage string
	// Title is a short title, shown as "Stage N: Title".
	Title string
	// Request is the request the lesson's exchange starts with; redirects
	// are followed from it hop by hop.
	Request Request
	// Then is a second request, sent once Request's exchange (redirects
	// included) is over, with the same cookie jar: stage 1 posts the form
	// and then asks for /show, to show that nothing was kept. Its Method is
	// "" when the lesson has none.
	Then Request
	// Text is the lesson's explanation, in markdown.
	Text string
	// More is extra detail, in markdown, for a reader who asks for it: the
	// text after the MoreMarker line. "" when the lesson has none.
	More string
	// Flask is the Flask code for this stage, one entry per file: first the
	// lesson's own code, then any equivalents (Code.Equivalent).
	Flask []Code
}

// Request is a request a lesson sends: its first (Lesson.Request) or a
// later one (Lesson.Then).
type Request struct {
	// Method is GET or POST. A POST sends the demo form.
	Method string
	// Path is the request target, such as /show.
	Path string
}

// String returns the request as "METHOD /path".
func (r Request) String() string { return r.Method + " " + r.Path }

// Code is one file of code shown with a lesson.
type Code struct {
	// Lang is the fenced block's language, such as python or html.
	Lang string
	// Name is the file the code belongs in, such as server.py.
	Name string
	// Source is the code itself, ending in a newline.
	Source string
	// Equivalent is true for code that is not in the lesson: Flask code
	// written to do what the stage does in formtest (under
	// EquivalentHeading). False for the lesson's own code (CodeHeading).
	Equivalent bool
}

// Embedded returns the lessons built into formtest, in order, validated.
func Embedded() ([]Lesson, error) {
	sub, err := fs.Sub(content, "content")
	if err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	return Load(sub)
}

// Load reads every *.md file at the top of fsys, parses and validates each,
// and returns the lessons sorted by Order. It fails if any file is invalid,
// if two lessons share an order or a stage, or if the orders are not 1..N.
func Load(fsys fs.FS) ([]Lesson, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("lessons: no lesson files (*.md)")
	}
	var ls []Lesson
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("lessons: %w", err)
		}
		l, err := Parse(name, b)
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}
	slices.SortFunc(ls, func(a, b Lesson) int { return a.Order - b.Order })
	stages := make(map[[2]string]string)
	for i, l := range ls {
		if l.Order != i+1 {
			return nil, fmt.Errorf("lessons: %s: order %d, want %d (orders must run 1..%d without gaps or repeats)", l.File, l.Order, i+1, len(ls))
		}
		setup := [2]string{l.Stage, l.Storage}
		if other, ok := stages[setup]; ok {
			return nil, fmt.Errorf("lessons: %s: stage %q with storage %q is already taught by %s", l.File, l.Stage, l.Storage, other)
		}
		stages[setup] = l.File
	}
	return ls, nil
}

// Parse parses one lesson file; name is used in errors and kept as File.
func Parse(name string, b []byte) (Lesson, error) {
	l := Lesson{File: path.Base(name)}
	fail := func(format string, args ...any) (Lesson, error) {
		return Lesson{}, fmt.Errorf("lessons: %s: %s", l.File, fmt.Sprintf(format, args...))
	}
	src := strings.ReplaceAll(string(b), "\r\n", "\n")
	front, body, ok := splitFrontMatter(src)
	if !ok {
		return fail("no front matter: the file must start with a line \"---\" and the front matter must end with another")
	}
	seen := make(map[string]bool)
	for i, line := range strings.Split(front, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return fail("front matter line %d: want \"key: value\", got %q", i+2, line)
		}
		if seen[k] {
			return fail("front matter: %q given twice", k)
		}
		seen[k] = true
		switch k {
		case "order":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fail("order %q: want a whole number from 1", v)
			}
			l.Order = n
		case "stage":
			l.Stage = v
		case "storage":
			if v == "" {
				return fail("storage: want a storage name, such as signed, encrypted or server")
			}
			l.Storage = v
		case "title":
			l.Title = v
		case "request", "then":
			req, ok := parseRequest(v)
			if !ok {
				return fail("%s %q: want \"GET /path\" or \"POST /path\"", k, v)
			}
			if k == "request" {
				l.Request = req
			} else {
				l.Then = req
			}
		default:
			return fail("front matter: unknown key %q (want order, stage, storage, title, request, then)", k)
		}
	}
	for _, k := range []string{"order", "stage", "title", "request"} {
		if !seen[k] {
			return fail("front matter: missing %q", k)
		}
	}
	if l.Stage == "" || l.Title == "" {
		return fail("front matter: stage and title must not be empty")
	}
	text, code, ok := cutAtCode(body)
	if !ok {
		return fail("no %q or %q heading: the lesson's Flask code must follow one", CodeHeading, EquivalentHeading)
	}
	text, more, hasMore, err := splitMore(text)
	if err != nil {
		return fail("%v", err)
	}
	l.Text = text
	if l.Text == "" {
		return fail("the lesson has no text before its code")
	}
	if hasMore && more == "" {
		return fail("nothing follows %q: remove the marker or write the extra text after it", MoreMarker)
	}
	l.More = more
	flask, err := parseCode(code)
	if err != nil {
		return fail("%v", err)
	}
	l.Flask = flask
	return l, nil
}

// isCodeHeading reports whether line is one of the code headings.
func isCodeHeading(line string) bool {
	line = strings.TrimRight(line, " \t")
	return line == CodeHeading || line == EquivalentHeading
}

// cutAtCode splits a lesson's body at its first code heading, which starts
// code.
func cutAtCode(body string) (text, code string, ok bool) {
	lines := strings.SplitAfter(body, "\n")
	for i, line := range lines {
		if isCodeHeading(strings.TrimSuffix(line, "\n")) {
			return strings.Join(lines[:i], ""), strings.Join(lines[i:], ""), true
		}
	}
	return "", "", false
}

// splitMore splits text at its MoreMarker line, if it has one, and trims
// both parts.
func splitMore(text string) (main, more string, ok bool, err error) {
	lines := strings.Split(text, "\n")
	at := -1
	for i, line := range lines {
		if strings.TrimSpace(line) != MoreMarker {
			continue
		}
		if at >= 0 {
			return "", "", false, fmt.Errorf("%q given twice: a lesson has one extra part", MoreMarker)
		}
		at = i
	}
	if at < 0 {
		return strings.TrimSpace(text), "", false, nil
	}
	main = strings.TrimSpace(strings.Join(lines[:at], "\n"))
	more = strings.TrimSpace(strings.Join(lines[at+1:], "\n"))
	return main, more, true, nil
}

// parseRequest parses "GET /path" or "POST /path".
func parseRequest(v string) (Request, bool) {
	method, target, ok := strings.Cut(v, " ")
	target = strings.TrimSpace(target)
	if !ok || (method != "GET" && method != "POST") || !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \t") {
		return Request{}, false
	}
	return Request{Method: method, Path: target}, true
}

// splitFrontMatter splits src into the front matter between its first two
// "---" lines and the body after them.
func splitFrontMatter(src string) (front, body string, ok bool) {
	rest, ok := strings.CutPrefix(src, "---\n")
	if !ok {
		return "", "", false
	}
	if front, body, ok = strings.Cut(rest, "\n---\n"); ok {
		return front, "\n" + body, true
	}
	return "", "", false
}

// parseCode reads a lesson's code sections, which start with a code
// heading: fenced code blocks, each under the heading it follows. Only blank
// lines may sit between them; the lesson's code comes before equivalents,
// and each heading appears once, with at least one block.
func parseCode(s string) ([]Code, error) {
	var out []Code
	heading := ""
	blocks := 0
	seen := make(map[string]bool)
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			continue
		}
		if isCodeHeading(line) {
			if heading != "" && blocks == 0 {
				return nil, fmt.Errorf("%s: no code blocks", heading)
			}
			heading, blocks = strings.TrimRight(line, " \t"), 0
			switch {
			case seen[heading]:
				return nil, fmt.Errorf("%s: given twice", heading)
			case heading == CodeHeading && seen[EquivalentHeading]:
				return nil, fmt.Errorf("%s must come before %s", CodeHeading, EquivalentHeading)
			}
			seen[heading] = true
			continue
		}
		info, ok := strings.CutPrefix(line, "```")
		if !ok {
			return nil, fmt.Errorf("%s: line %q: only fenced code blocks may follow the heading", heading, line)
		}
		fields := strings.Fields(info)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s: code block %q: want \"```lang file\", such as \"```python server.py\"", heading, line)
		}
		c := Code{Lang: fields[0], Name: fields[1], Equivalent: heading == EquivalentHeading}
		var src strings.Builder
		closed := false
		for i++; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == "```" {
				closed = true
				break
			}
			src.WriteString(lines[i])
			src.WriteByte('\n')
		}
		if !closed {
			return nil, fmt.Errorf("%s: code block %s is not closed with ```", heading, c.Name)
		}
		if strings.TrimSpace(src.String()) == "" {
			return nil, fmt.Errorf("%s: code block %s is empty", heading, c.Name)
		}
		c.Source = src.String()
		out = append(out, c)
		blocks++
	}
	if blocks == 0 {
		return nil, fmt.Errorf("%s: no code blocks", heading)
	}
	return out, nil
}
