package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/formtest/formtest/lessons"
)

// lessonText returns the text (and extra text) of the embedded lesson file
// name, with its line breaks and runs of spaces folded to single spaces, so
// that a phrase matches however the paragraph is wrapped.
func lessonText(t *testing.T, name string) string {
	t.Helper()
	ls, err := lessons.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.File == name {
			return strings.Join(strings.Fields(l.Text+"\n"+l.More), " ")
		}
	}
	t.Fatalf("no lesson %s", name)
	return ""
}

// TestLessonsStateServerBehaviour checks the claims the lessons make about
// formtest's own behaviour against the server itself.
func TestLessonsStateServerBehaviour(t *testing.T) {
	t.Run("stage 1 forgets the form", func(t *testing.T) {
		text := lessonText(t, "1-hardcoded.md")
		_, ts, c := newTestServer(t, Config{Stage: StageHardcoded})
		r := postForm(t, c, ts.URL+"/users", lessonForm())
		if !strings.Contains(text, "`302 Found` with `Location: /`") || r.status != http.StatusFound || r.header.Get("Location") != "/" || r.header.Get("Set-Cookie") != "" {
			t.Errorf("POST /users = %d Location %q Set-Cookie %q; the lesson says 302 to / with no Set-Cookie", r.status, r.header.Get("Location"), r.header.Get("Set-Cookie"))
		}
		r = get(t, c, ts.URL+"/show")
		if !strings.Contains(r.body, ">Jay<") || strings.Contains(r.body, "Forget me") {
			t.Errorf("GET /show after the post: want Jay and no Forget me:\n%s", r.body)
		}
		empty := lessonForm()
		empty.Set("name", "")
		if r := postForm(t, c, ts.URL+"/users", empty); !strings.Contains(text, "(400 Bad Request)") || r.status != http.StatusBadRequest {
			t.Errorf("POST /users with an empty name = %d; the lesson says 400", r.status)
		}
	})

	t.Run("stage 2 lifespan", func(t *testing.T) {
		text := lessonText(t, "2-session.md")
		_, ts, c := newTestServer(t, Config{Stage: StageSession})
		r := postForm(t, c, ts.URL+"/users", lessonForm())
		sc := r.header.Get("Set-Cookie")
		for _, attr := range []string{"Max-Age=2592000", "HttpOnly", "SameSite=Lax", "Path=/", "Expires="} {
			if !strings.Contains(sc, attr) {
				t.Errorf("Set-Cookie %q lacks %s", sc, attr)
			}
			if !strings.Contains(text, strings.TrimSuffix(attr, "=")) {
				t.Errorf("2-session.md does not name %s", attr)
			}
		}
		if !strings.Contains(text, "`Max-Age=2592000`: keep it for 30 days") {
			t.Errorf("2-session.md does not say what Max-Age=2592000 means")
		}
		if r := get(t, c, ts.URL+"/show"); r.header.Get("Cache-Control") != "no-store" || !strings.Contains(text, "`Cache-Control: no-store`") {
			t.Errorf("GET /show Cache-Control %q; the lesson names no-store", r.header.Get("Cache-Control"))
		}
	})

	t.Run("what the lesson's Flask app does without a session", func(t *testing.T) {
		if !strings.Contains(lessonText(t, "2-session.md"), "`KeyError`, and a 500 Internal Server Error") || flaskOnMissing(StageSession) != http.StatusInternalServerError {
			t.Errorf("stage 2: the lesson and the missing page must agree on KeyError and 500")
		}
		if !strings.Contains(lessonText(t, "3-template.md"), "answers 200 with two empty headings") || flaskOnMissing(StageTemplate) != http.StatusOK {
			t.Errorf("stage 3: the lesson and the missing page must agree on 200 and empty headings")
		}
	})

	t.Run("stage 3 shows the template formtest runs", func(t *testing.T) {
		text := lessonText(t, "3-template.md")
		page, err := pageFiles.ReadFile("templates/user_session.html")
		if err != nil {
			t.Fatal(err)
		}
		const line = `<h3 id="name">{{.Values.name}}</h3>`
		if !strings.Contains(text, line) || !strings.Contains(string(page), line) {
			t.Errorf("3-template.md and user_session.html must both hold %s", line)
		}
		const call = `s.render(w, r, "user_session.html", sess)`
		if !strings.Contains(text, call) || !strings.Contains(stagesSource, call) {
			t.Errorf("3-template.md and stages.go must both hold %s", call)
		}
	})

	t.Run("stage 7 status", func(t *testing.T) {
		text := lessonText(t, "7-grow.md")
		want := strconv.Itoa(StatusSessionTooLarge) + " " + http.StatusText(StatusSessionTooLarge)
		if !strings.Contains(text, "**"+want+"**") {
			t.Errorf("7-grow.md does not give the status as **%s**", want)
		}
	})
}
