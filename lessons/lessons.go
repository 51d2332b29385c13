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
//	## Flask code
//
//	```python server.py
//	...
//	```
//
// An optional "storage:" line (signed, encrypted or server) says where the
// server keeps sessions during the lesson, so that one stage can be taught
// again with another storage.
//
// The text before the "## Flask code" heading is the lesson's text. After it
// come one or more fenced code blocks, each tagged with a language and a
// file name: the lesson's Flask code for that stage.
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

// CodeHeading is the heading that separates a lesson's text from its code.
const CodeHeading = "## Flask code"

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
	// Text is the lesson's explanation, in markdown.
	Text string
	// Flask is the lesson's Flask code for this stage, one entry per file.
	Flask []Code
}

// Request is the first request of a lesson's exchange.
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
		case "request":
			method, target, ok := strings.Cut(v, " ")
			target = strings.TrimSpace(target)
			if !ok || (method != "GET" && method != "POST") || !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \t") {
				return fail("request %q: want \"GET /path\" or \"POST /path\"", v)
			}
			l.Request = Request{Method: method, Path: target}
		default:
			return fail("front matter: unknown key %q (want order, stage, storage, title, request)", k)
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
	text, code, ok := strings.Cut(body, "\n"+CodeHeading+"\n")
	if !ok {
		return fail("no %q heading: the lesson's Flask code must follow it", CodeHeading)
	}
	l.Text = strings.TrimSpace(text)
	if l.Text == "" {
		return fail("the lesson has no text before %q", CodeHeading)
	}
	flask, err := parseCode(code)
	if err != nil {
		return fail("%s: %v", CodeHeading, err)
	}
	l.Flask = flask
	return l, nil
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

// parseCode reads the fenced code blocks of a lesson's code section. Only
// blank lines may sit between them.
func parseCode(s string) ([]Code, error) {
	var out []Code
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			continue
		}
		info, ok := strings.CutPrefix(line, "```")
		if !ok {
			return nil, fmt.Errorf("line %q: only fenced code blocks may follow the heading", line)
		}
		fields := strings.Fields(info)
		if len(fields) != 2 {
			return nil, fmt.Errorf("code block %q: want \"```lang file\", such as \"```python server.py\"", line)
		}
		c := Code{Lang: fields[0], Name: fields[1]}
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
			return nil, fmt.Errorf("code block %s is not closed with ```", c.Name)
		}
		if strings.TrimSpace(src.String()) == "" {
			return nil, fmt.Errorf("code block %s is empty", c.Name)
		}
		c.Source = src.String()
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no code blocks")
	}
	return out, nil
}
