package lessons

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedWorkLoadsEveryFile(t *testing.T) {
	works, err := EmbeddedWork()
	if err != nil {
		t.Fatal(err)
	}
	names, _ := challengeFiles.ReadDir("challenges")
	if len(works) != len(names) {
		t.Fatalf("loaded %d files of %d", len(works), len(names))
	}
	ls, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	// Every stage of the course has its challenges.
	keys := make(map[string]bool)
	for _, l := range ls {
		k := l.Stage
		if l.Storage != "" {
			k += "/" + l.Storage
		}
		keys[k] = true
	}
	for _, w := range works {
		if !keys[w.Stage] {
			t.Errorf("%s: stage %q is not a lesson's", w.File, w.Stage)
		}
		delete(keys, w.Stage)
		for _, c := range w.Challenges {
			if c.Stage != w.Stage {
				t.Errorf("%s: challenge %s has stage %q", w.File, c.ID, c.Stage)
			}
			d := HintData{URL: "http://127.0.0.1:5555", Cookie: "COOKIE", TutorCookie: "TUTOR", Forgotten: "GONE"}
			last, err := c.Hint(c.HintCount(), d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(last, "http://127.0.0.1:5555/") || !strings.Contains(last, "In a terminal:\n  ") {
				t.Errorf("%s: %s: the last hint does not give commands for the live URL: %q", w.File, c.ID, last)
			}
			if _, err := c.Hint(c.HintCount()+1, d); err == nil {
				t.Errorf("%s: %s: a hint past the last rendered", w.File, c.ID)
			}
			said, err := c.Said(SuccessData{Client: "Firefox at 127.0.0.1", Seq: 7, From: 5, Name: "Ada"})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(said, "✓ ") || !strings.Contains(said, "#7") {
				t.Errorf("%s: %s: success %q does not start with ✓ or name the request", w.File, c.ID, said)
			}
			// The classroom's projected view counts every challenge in
			// words of its own: nobody, one student, several.
			if c.Class == nil {
				t.Errorf("%s: %s: no class sentences", w.File, c.ID)
				continue
			}
			for n, want := range map[int]string{0: "Nobody", 1: "1 student", 7: "7 students"} {
				got, err := c.ClassSaid(n)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, ".") {
					t.Errorf("%s: %s: class sentence for %d = %q, want it to start with %q and end with a full stop", w.File, c.ID, n, got, want)
				}
				if n == 7 && strings.Contains(got, "{{") {
					t.Errorf("%s: %s: %q", w.File, c.ID, got)
				}
			}
		}
	}
	for k := range keys {
		t.Errorf("stage %q has no challenge file", k)
	}
}

func TestParseWorkRefusesBadFiles(t *testing.T) {
	good := `{"stage": "session", "challenges": [{"id": "a", "title": "T", "goal": "G", "check": {"kind": "k"}, "hints": ["h"], "shell": ["curl {{.URL}}/show"], "success": "✓ {{.Client}}"}]}`
	if _, err := ParseWork("good.json", []byte(good)); err != nil {
		t.Fatalf("good file: %v", err)
	}
	for _, tc := range []struct{ name, src, want string }{
		{"unknown field", `{"stage": "s", "extra": 1, "challenges": []}`, "unknown field"},
		{"no stage", `{"challenges": [{"id": "a"}]}`, `no "stage"`},
		{"empty", `{"stage": "s"}`, "no challenges"},
		{"bad id", strings.Replace(good, `"id": "a"`, `"id": "A B"`, 1), "lower-case"},
		{"no hints", strings.Replace(good, `["h"]`, `[]`, 1), "no hints"},
		{"no commands", strings.Replace(good, `["curl {{.URL}}/show"]`, `[]`, 1), "no shell commands"},
		{"commands without URL", strings.Replace(good, `{{.URL}}/show`, `localhost:5000/show`, 1), "live URL"},
		{"two lines in one", strings.Replace(good, `curl {{.URL}}/show`, `curl {{.URL}}/show\nrm -rf x`, 1), "one non-empty line"},
		{"misspelt hint field", strings.Replace(good, `{{.URL}}`, `{{.Url}}`, 1), "Url"},
		{"misspelt field", strings.Replace(good, `{{.Client}}`, `{{.Clinet}}`, 1), "Clinet"},
		{"bad template", strings.Replace(good, `{{.Client}}`, `{{.Client`, 1), "unclosed"},
		{"no kind", strings.Replace(good, `"kind": "k"`, `"kind": ""`, 1), "kind"},
		{"class without many", strings.Replace(good, `"success"`, `"class": {"none": "Nobody.", "one": "1 student."}, "success"`, 1), "class"},
		{"class misspelt field", strings.Replace(good, `"success"`, `"class": {"none": "Nobody.", "one": "1.", "many": "{{.Student}}."}, "success"`, 1), "Student"},
		{"trailing value", good + `{}`, "more than one"},
		{"one answer", `{"stage": "s", "predictions": [{"id": "p", "before": "run", "question": "Q", "answers": ["a"], "right": 1, "explain": "E"}]}`, "two to four"},
		{"right out of range", `{"stage": "s", "predictions": [{"id": "p", "before": "run", "question": "Q", "answers": ["a", "b"], "right": 3, "explain": "E"}]}`, "right 3"},
		{"unknown run", `{"stage": "s", "predictions": [{"id": "p", "before": "dance", "question": "Q", "answers": ["a", "b"], "right": 1, "explain": "E"}]}`, "before"},
	} {
		_, err := ParseWork(tc.name+".json", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestClassSaidWithoutSentences(t *testing.T) {
	src := `{"stage": "session", "challenges": [{"id": "a", "title": "Forge it", "goal": "G", "check": {"kind": "k"}, "hints": ["h"], "shell": ["curl {{.URL}}/show"], "success": "✓ {{.Client}}"}]}`
	w, err := ParseWork("a.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := w.Challenges[0]
	for n, want := range map[int]string{0: "Nobody yet: Forge it", 1: "1 student: Forge it", 3: "3 students: Forge it", -1: "Nobody yet: Forge it"} {
		if got, err := c.ClassSaid(n); err != nil || got != want {
			t.Errorf("ClassSaid(%d) = %q, %v; want %q", n, got, err, want)
		}
	}
	if _, err := (Challenge{ID: "x", Class: &ClassWords{None: "a", One: "b", Many: "c"}}).ClassSaid(2); err == nil {
		t.Error("a challenge built by hand, not loaded, rendered its class sentence")
	}
}

func TestLoadWorkRefusesRepeats(t *testing.T) {
	one := `{"stage": "%s", "challenges": [{"id": "%s", "title": "T", "goal": "G", "check": {"kind": "k"}, "hints": ["h"], "shell": ["curl {{.URL}}"], "success": "✓"}]}`
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"same id", fstest.MapFS{"1.json": {Data: []byte(sprintf(one, "a", "x"))}, "2.json": {Data: []byte(sprintf(one, "b", "x"))}}, `id "x" is already used`},
		{"same stage", fstest.MapFS{"1.json": {Data: []byte(sprintf(one, "a", "x"))}, "2.json": {Data: []byte(sprintf(one, "a", "y"))}}, `stage "a" already`},
		{"no files", fstest.MapFS{}, "no challenge files"},
	} {
		_, err := LoadWork(tc.files)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
