package lessons

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestEmbedded loads every embedded lesson file and checks what the tutor
// relies on: the seven lessons in teaching order, with their stages and
// storages, each with text and code, and each text naming the keys and
// commands it teaches. Only stages 1 to 3 show the lesson's own Flask code;
// the later ones show equivalents, labelled so.
func TestEmbedded(t *testing.T) {
	ls, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded() error: %v", err)
	}
	files, err := content.ReadDir("content")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != len(files) {
		t.Errorf("Embedded() returned %d lessons from %d files", len(ls), len(files))
	}
	want := []struct {
		file, stage, storage string
		// keys are the tutor keys and flags the lesson's text must mention.
		keys []string
		// equivalent: the stage's Flask code is not the lesson's.
		equivalent bool
		// more: the lesson has extra text behind the MoreMarker.
		more bool
	}{
		{"1-hardcoded.md", "hardcoded", "", []string{"**enter**", "**f**"}, false, false},
		{"2-session.md", "session", "", []string{"**enter**", "**c**"}, false, true},
		{"3-template.md", "template", "", []string{"**enter**", "**f**", "**c**"}, false, false},
		{"4-secret-key.md", "template", "signed", []string{"**enter**", "**t**", "**F**", "--secret", "FORMTEST_SECRET", "--secret-file"}, true, false},
		{"5-encrypted.md", "template", "encrypted", []string{"**enter**", "**t**", "inspect-cookie", "--encrypted", "--encrypt"}, true, false},
		{"6-database.md", "template", "server", []string{"**enter**", "**f**", "**c**", "--store sqlite:", "--store redis://"}, true, false},
		{"7-grow.md", "grow", "signed", []string{"**enter**", "**S**", "507"}, true, false},
	}
	if len(ls) != len(want) {
		t.Fatalf("Embedded() returned %d lessons, want %d", len(ls), len(want))
	}
	for i, w := range want {
		l := ls[i]
		if l.File != w.file || l.Order != i+1 || l.Stage != w.stage || l.Storage != w.storage {
			t.Errorf("lesson %d = %s (order %d, stage %q, storage %q), want %s (order %d, stage %q, storage %q)",
				i+1, l.File, l.Order, l.Stage, l.Storage, w.file, i+1, w.stage, w.storage)
		}
		if len(l.Flask) == 0 || l.Flask[0].Lang != "python" {
			t.Errorf("%s: want Flask code starting with a python block, got %+v", l.File, l.Flask)
		}
		for _, c := range l.Flask {
			if c.Equivalent != w.equivalent {
				t.Errorf("%s: %s Equivalent = %v, want %v", l.File, c.Name, c.Equivalent, w.equivalent)
			}
			// An equivalent says so in its first line, wherever it is shown.
			if c.Equivalent && c.Lang == "python" && !strings.HasPrefix(c.Source, "# Not in the lesson") {
				t.Errorf("%s: equivalent %s does not open with \"# Not in the lesson\":\n%s", l.File, c.Name, c.Source)
			}
		}
		if got := l.More != ""; got != w.more {
			t.Errorf("%s: has More = %v, want %v", l.File, got, w.more)
		}
		for _, k := range w.keys {
			if !strings.Contains(l.Text, k) {
				t.Errorf("%s: text does not mention %s", l.File, k)
			}
		}
	}
	for _, l := range ls {
		if l.Title == "" || l.Text == "" || len(l.Flask) == 0 {
			t.Errorf("%s: empty title, text or code: %+v", l.File, l)
		}
		for _, part := range []string{l.Text, l.More} {
			for _, marker := range []string{CodeHeading, EquivalentHeading, MoreMarker} {
				if strings.Contains(part, marker) {
					t.Errorf("%s: text still holds %q", l.File, marker)
				}
			}
		}
		for _, c := range l.Flask {
			if c.Lang == "" || c.Name == "" || !strings.HasSuffix(c.Source, "\n") {
				t.Errorf("%s: bad code block %+v", l.File, c)
			}
		}
	}
	// Stage 1 posts the form, which is forgotten, then shows /show.
	if r, then := ls[0].Request, ls[0].Then; r != (Request{Method: "POST", Path: "/users"}) || then != (Request{Method: "GET", Path: "/show"}) {
		t.Errorf("stage 1 requests = %v then %v, want POST /users then GET /show", r, then)
	}
	for _, l := range ls[1:] {
		if r := l.Request; r != (Request{Method: "POST", Path: "/users"}) || l.Then != (Request{}) {
			t.Errorf("%s requests = %v then %v, want POST /users alone", l.File, r, l.Then)
		}
	}
	// Stage 2 keeps to what it needs; the attributes wait behind "more".
	for _, term := range []string{"HttpOnly", "SameSite", "Path=/"} {
		if strings.Contains(ls[1].Text, term) || !strings.Contains(ls[1].More, term) {
			t.Errorf("2-session.md: %s should be in More only", term)
		}
	}
}

const good = `---
order: 1
stage: hardcoded
title: First
request: GET /show
---
Some *text*.

## Flask code

` + "```python server.py\nprint('hi')\n```\n\n```html templates/user.html\n<h1>{{name}}</h1>\n```\n"

func TestParse(t *testing.T) {
	l, err := Parse("content/1-first.md", []byte(good))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if l.File != "1-first.md" || l.Order != 1 || l.Stage != "hardcoded" || l.Title != "First" {
		t.Errorf("Parse front matter = %+v", l)
	}
	if l.Request.String() != "GET /show" {
		t.Errorf("Request = %q, want %q", l.Request, "GET /show")
	}
	if l.Text != "Some *text*." {
		t.Errorf("Text = %q, want %q", l.Text, "Some *text*.")
	}
	want := []Code{
		{Lang: "python", Name: "server.py", Source: "print('hi')\n"},
		{Lang: "html", Name: "templates/user.html", Source: "<h1>{{name}}</h1>\n"},
	}
	if len(l.Flask) != len(want) {
		t.Fatalf("Flask = %+v, want %+v", l.Flask, want)
	}
	for i := range want {
		if l.Flask[i] != want[i] {
			t.Errorf("Flask[%d] = %+v, want %+v", i, l.Flask[i], want[i])
		}
	}
	if l.More != "" {
		t.Errorf("More = %q, want none", l.More)
	}
	if l.Then != (Request{}) {
		t.Errorf("Then = %v, want none", l.Then)
	}
	then := strings.Replace(good, "request: GET /show", "request: POST /users\nthen: GET /show", 1)
	if l, err := Parse("x.md", []byte(then)); err != nil || l.Request.String() != "POST /users" || l.Then.String() != "GET /show" {
		t.Errorf("Parse with then: Request %v, Then %v, err %v; want POST /users then GET /show", l.Request, l.Then, err)
	}
	for _, c := range l.Flask {
		if c.Equivalent {
			t.Errorf("%s under %q parsed as an equivalent", c.Name, CodeHeading)
		}
	}
	crlf := strings.ReplaceAll(good, "\n", "\r\n")
	if _, err := Parse("crlf.md", []byte(crlf)); err != nil {
		t.Errorf("Parse with CRLF line ends: %v", err)
	}
}

// TestParseMore checks that a MoreMarker line splits the text into Text and
// More, both trimmed, and that neither holds the marker.
func TestParseMore(t *testing.T) {
	src := strings.Replace(good, "Some *text*.", "Some *text*.\n\n"+MoreMarker+"\n\nThe **detail**.\n\nAnd more.", 1)
	l, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if l.Text != "Some *text*." || l.More != "The **detail**.\n\nAnd more." {
		t.Errorf("Text, More = %q, %q; want %q, %q", l.Text, l.More, "Some *text*.", "The **detail**.\n\nAnd more.")
	}
	// In CRLF files too, with spaces around the marker.
	crlf := strings.ReplaceAll(strings.Replace(src, MoreMarker, "  "+MoreMarker+" ", 1), "\n", "\r\n")
	if l, err := Parse("x.md", []byte(crlf)); err != nil || l.More != "The **detail**.\n\nAnd more." {
		t.Errorf("Parse CRLF: More = %q, err %v", l.More, err)
	}
	// The marker inside a sentence is text, not a marker.
	inline := strings.Replace(good, "Some *text*.", "Some "+MoreMarker+" text.", 1)
	if l, err := Parse("x.md", []byte(inline)); err != nil || l.More != "" || !strings.Contains(l.Text, MoreMarker) {
		t.Errorf("Parse inline marker: Text %q, More %q, err %v", l.Text, l.More, err)
	}
}

// TestParseEquivalent checks that code under EquivalentHeading is marked
// Equivalent, after the lesson's own code, and alone.
func TestParseEquivalent(t *testing.T) {
	both := good + "\n" + EquivalentHeading + "\n\n```python forge.py\nprint('forged')\n```\n"
	l, err := Parse("x.md", []byte(both))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []Code{
		{Lang: "python", Name: "server.py", Source: "print('hi')\n"},
		{Lang: "html", Name: "templates/user.html", Source: "<h1>{{name}}</h1>\n"},
		{Lang: "python", Name: "forge.py", Source: "print('forged')\n", Equivalent: true},
	}
	if !slices.Equal(l.Flask, want) {
		t.Errorf("Flask = %+v, want %+v", l.Flask, want)
	}
	only := strings.Replace(good, CodeHeading, EquivalentHeading, 1)
	l, err = Parse("x.md", []byte(only))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(l.Flask) != 2 || !l.Flask[0].Equivalent || !l.Flask[1].Equivalent || l.Text != "Some *text*." {
		t.Errorf("equivalent only: Text %q, Flask %+v", l.Text, l.Flask)
	}
}

func TestParseErrors(t *testing.T) {
	equiv := "\n" + EquivalentHeading + "\n\n```python forge.py\nprint('forged')\n```\n"
	tests := []struct {
		name, src, want string
	}{
		{"no front matter", "hello", "no front matter"},
		{"unclosed front matter", "---\norder: 1\n", "no front matter"},
		{"bad line", strings.Replace(good, "order: 1", "order 1", 1), `want "key: value"`},
		{"unknown key", strings.Replace(good, "order: 1", "order: 1\ncolour: red", 1), `unknown key "colour"`},
		{"repeated key", strings.Replace(good, "order: 1", "order: 1\norder: 2", 1), "given twice"},
		{"bad order", strings.Replace(good, "order: 1", "order: one", 1), "whole number"},
		{"zero order", strings.Replace(good, "order: 1", "order: 0", 1), "whole number"},
		{"missing title", strings.Replace(good, "title: First\n", "", 1), `missing "title"`},
		{"empty stage", strings.Replace(good, "stage: hardcoded", "stage:", 1), "must not be empty"},
		{"bad method", strings.Replace(good, "GET /show", "PUT /show", 1), "want \"GET /path\""},
		{"bad path", strings.Replace(good, "GET /show", "GET show", 1), "want \"GET /path\""},
		{"bad then", strings.Replace(good, "GET /show", "GET /show\nthen: /show", 1), `then "/show"`},
		{"no code heading", strings.Replace(good, CodeHeading, "## Code", 1), "heading"},
		{"two more markers", strings.Replace(good, "Some *text*.", "a\n"+MoreMarker+"\nb\n"+MoreMarker+"\nc", 1), "given twice"},
		{"nothing after more", strings.Replace(good, "Some *text*.", "a\n\n"+MoreMarker+"\n", 1), "nothing follows"},
		{"only more", strings.Replace(good, "Some *text*.", MoreMarker+"\nb", 1), "no text"},
		{"equivalent first", strings.Replace(good, CodeHeading, EquivalentHeading, 1) + "\n" + CodeHeading + "\n\n```python a.py\nx\n```\n", "must come before"},
		{"heading twice", good + equiv + equiv, "given twice"},
		{"empty section", strings.Replace(good, CodeHeading+"\n", CodeHeading+"\n"+EquivalentHeading+"\n", 1), CodeHeading + ": no code blocks"},
		{"empty equivalent", good + "\n" + EquivalentHeading + "\n", EquivalentHeading + ": no code blocks"},
		{"no text", strings.Replace(good, "Some *text*.", "", 1), "no text"},
		{"prose after heading", strings.Replace(good, "```python server.py", "prose\n```python server.py", 1), "only fenced code blocks"},
		{"no file name", strings.Replace(good, "```python server.py", "```python", 1), "```lang file"},
		{"unclosed block", strings.TrimSuffix(good, "```\n"), "not closed"},
		{"empty block", strings.Replace(good, "print('hi')\n", "", 1), "empty"},
		{"no blocks", strings.SplitAfter(good, CodeHeading+"\n")[0], "no code blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.md", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "lessons: x.md: ") {
				t.Errorf("Parse error %q does not name the package and file", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	second := strings.Replace(strings.Replace(good, "order: 1", "order: 2", 1), "stage: hardcoded", "stage: session", 1)
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"empty", fstest.MapFS{}, "no lesson files"},
		{"bad file", fstest.MapFS{"a.md": {Data: []byte("x")}}, "a.md: no front matter"},
		{"gap", fstest.MapFS{"a.md": {Data: []byte(strings.Replace(good, "order: 1", "order: 2", 1))}}, "want 1"},
		{"same order", fstest.MapFS{"a.md": {Data: []byte(good)}, "b.md": {Data: []byte(strings.Replace(good, "stage: hardcoded", "stage: session", 1))}}, "want 2"},
		{"same stage", fstest.MapFS{"a.md": {Data: []byte(good)}, "b.md": {Data: []byte(strings.Replace(good, "order: 1", "order: 2", 1))}}, "already taught"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	ls, err := Load(fstest.MapFS{"b.md": {Data: []byte(second)}, "a.md": {Data: []byte(good)}, "notes.txt": {Data: []byte("ignored")}})
	if err != nil {
		t.Fatalf("Load of two good files: %v", err)
	}
	if len(ls) != 2 || ls[0].Stage != "hardcoded" || ls[1].Stage != "session" {
		t.Errorf("Load = %+v, want hardcoded then session", ls)
	}
}
