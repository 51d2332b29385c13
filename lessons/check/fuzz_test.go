package check

import (
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// FuzzObserve feeds the tracker observations made from arbitrary text,
// as a hostile client could send them and the server record them: it
// must never panic, and what it says must hold no control characters.
func FuzzObserve(f *testing.F) {
	f.Add("POST\n/users\nsession-value\nFirefox/1\nAda\n302\n1")
	f.Add("GET\n/show\n\x1b[2J\ncurl/8\n\x1b]0;pwned\x07\n200\n0")
	f.Add("POST\n/logout\nabc\n\n\n413\n")
	course := embeddedCourse(f)
	f.Fuzz(func(t *testing.T, in string) {
		tr, class := NewTracker(course, engine.Progress{}, nil), NewClassTracker(course, nil)
		parts := strings.Split(in, "\n")
		for len(parts) < 7 {
			parts = append(parts, "")
		}
		status := 200
		switch parts[5] {
		case "302":
			status = http.StatusFound
		case "413":
			status = server.StatusSessionTooLarge
		}
		valid := cookiecodec.Valid
		if parts[6] == "0" {
			valid = cookiecodec.Invalid
		}
		for i, st := range []server.Storage{server.StorageSigned, server.StorageEncrypted, server.StorageServer} {
			e := server.Exchange{
				Seq: uint64(i + 1), Method: parts[0], Target: parts[1], Status: status, Storage: st,
				RequestHeader:  http.Header{"User-Agent": {parts[3]}, "Content-Length": {"0"}},
				ResponseHeader: http.Header{},
				IncomingCookie: parts[2],
				RemoteAddr:     parts[4],
				Session:        map[string]any{"name": parts[4]},
				SessionID:      parts[6],
				Stage:          server.StageHardcoded,
			}
			if parts[2] != "" {
				e.In = &server.DecodedCookie{Value: parts[2], Result: &cookiecodec.Result{Signature: valid, SessionID: parts[6]}}
			}
			if i > 0 {
				e.Out = []server.DecodedCookie{{Value: parts[2], Result: &cookiecodec.Result{Signature: valid}}, {}}
			}
			o := engine.Observation{Exchange: e}
			for _, tk := range append(tr.Observe(o), class.Observe(o)...) {
				texts := append([]string{tk.Said, tk.Client.String()}, tk.How.Lines()...)
				for _, s := range texts {
					if strings.ContainsFunc(s, unicode.IsControl) {
						t.Fatalf("tick says %q", s)
					}
				}
			}
			for _, c := range class.Class("template/signed") {
				if s := c.Said(); s == "" || strings.ContainsFunc(s, unicode.IsControl) {
					t.Fatalf("class count says %q", s)
				}
			}
			d := tr.hintData("http://127.0.0.1:1", "")
			if strings.ContainsAny(d.Cookie+d.Forgotten, "'\"$`\\ \n") {
				t.Fatalf("hint data %+v", d)
			}
		}
	})
}

// embeddedCourse is the embedded course over the embedded lessons' stages.
func embeddedCourse(tb testing.TB) *Course {
	tb.Helper()
	stages, err := engineStages()
	if err != nil {
		tb.Fatal(err)
	}
	c, err := Embedded(stages)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// engineStages returns the engine's stages for the embedded lessons, from
// an engine over a server that listens nowhere.
func engineStages() ([]engine.Stage, error) {
	srv, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}})
	if err != nil {
		return nil, err
	}
	ls, err := lessons.Embedded()
	if err != nil {
		return nil, err
	}
	e, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: "http://127.0.0.1:1"})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	return e.Stages(), nil
}
