package tui

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/lessons/engine/enginetest"
	"github.com/formtest/formtest/server"
)

// testEngine starts the form server on a loopback port for the test and
// returns an engine over it, resuming progress p, with the server. With db the server has a session database,
// an SQLite file in a temporary directory.
func testEngine(t *testing.T, p engine.Progress, db bool) (*engine.Engine, *server.Server) {
	t.Helper()
	if p.Predictions == nil {
		p.Predictions = allAnswered(t)
	}
	e := enginetest.New(t, enginetest.Options{Progress: p, DB: db, Lessons: testLessons(t)})
	return e.Engine, e.Server
}

// noPredictions is progress that answered none of the stages' questions,
// for testEngine: unless told so, testEngine's progress has answered them
// all, so that a run key runs at once (the tutor asks each question
// once, before the first run it is about; predict_test.go tests that).
var noPredictions = []engine.PredictionAnswer{}

// allAnswered returns an answer to every prediction of the course.
func allAnswered(t *testing.T) []engine.PredictionAnswer {
	t.Helper()
	var out []engine.PredictionAnswer
	for _, w := range testWorks(t) {
		for _, p := range w.Predictions {
			out = append(out, engine.PredictionAnswer{ID: p.ID, Stage: w.Stage, Choice: p.Right, Right: true})
		}
	}
	return out
}

// setCookieSize is the size, name and value, of the first session cookie
// t set; 0 when it set none.
func setCookieSize(t *engine.Trip) int {
	for _, c := range t.Cookies {
		if !c.Sent && !c.Deleted {
			return c.Size()
		}
	}
	return 0
}

// storedSize is the size of the last database row t's cookies point to.
func storedSize(t *engine.Trip) int {
	n := 0
	for _, c := range t.Cookies {
		if c.Stored != nil {
			n = len(c.Stored.Row.Data)
		}
	}
	return n
}

// observed reports whether every hop of t that was answered has the
// server's record.
func observed(t *engine.Trip) bool {
	for _, h := range t.Hops {
		if h.Status != 0 && h.Record == nil {
			return false
		}
	}
	return true
}

// testLessons returns the embedded lessons.
func testLessons(t *testing.T) []lessons.Lesson {
	t.Helper()
	ls, err := lessons.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// normalize replaces what changes from run to run (ports, dates, cookie
// values, timestamps, signatures) with fixed words, so that output can be
// compared with a golden file.
func normalize(s string) string {
	for _, r := range []struct {
		re   *regexp.Regexp
		with string
	}{
		{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
		// An HTTP date, wherever it stands: colour codes may sit between
		// a header's name and its value, so no prefix is required, and a
		// line cut at the pane's edge may end inside it.
		{regexp.MustCompile(`(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d[ -](Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[ -]\d{4}( \d\d:\d\d(:\d\d)?)?( GMT)?`), "DATE"},
		{regexp.MustCompile(`session=[A-Za-z0-9_=-]+(…?)`), "session=VALUE$1"},
		{regexp.MustCompile(`c='[A-Za-z0-9_=-]{20,}'`), "c='VALUE'"}, // the worksheet's cookie, in its shell lines
		{regexp.MustCompile(`\b1[7-9]\d{8}\b`), "TIMESTAMP"},
		{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? UTC`), "TIME UTC"},
		{regexp.MustCompile(`\d\d:\d\d:\d\d`), "HH:MM:SS"},
		{regexp.MustCompile(`HMAC-SHA256 [0-9a-f]+…?`), "HMAC-SHA256 SIGNATURE"},
		{regexp.MustCompile(`\|TIMESTAMP\|[A-Za-z0-9_=-]+…[A-Za-z0-9_=-]*`), "|TIMESTAMP|PAYLOAD"},
		{regexp.MustCompile(`base64url [A-Za-z0-9_=-]+…?`), "base64url PAYLOAD"},
		{regexp.MustCompile(`\b[A-Z2-7]{26}\b`), "SESSIONID"},
		// Tampering changes the payload's middle byte, which holds a
		// different value each run (gob writes a map in random order):
		// what it became may not decode at all.
		{regexp.MustCompile(`(changed payload byte \d+ from )"."( to )"."`), `${1}"X"${2}"Y"`},
		{regexp.MustCompile(`(?m)^  unverified .*\n`), ""},
		{regexp.MustCompile(`bytes of serialised, base64url`), "bytes of gob, base64url"},
		{regexp.MustCompile(`(sqlite table sessions in )[^,\n]+`), "${1}PATH"},
	} {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

// TestNormalizeMasksDatesAnywhere checks that the golden normaliser masks
// an HTTP date however it is coloured, so that no golden pins a day.
func TestNormalizeMasksDatesAnywhere(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(2026, 11, 26, 9, 5, 0, 0, time.UTC),
		time.Date(2031, 2, 3, 23, 59, 59, 0, time.FixedZone("far", 14*3600)),
	} {
		date := d.UTC().Format(http.TimeFormat)
		for _, in := range []string{
			"Date: " + date,
			"\x1b[38;5;111mDate:\x1b[m \x1b[38;5;254m" + date + "\x1b[m",
			"Set-Cookie: session=abc; Path=/; Expires=" + date + "; Max-Age=60",
			"Set-Cookie: session=VALUE…; Path=/; Expires=" + date[:len(date)-2] + "…", // cut at the pane's edge
		} {
			if out := normalize(in); strings.Contains(out, date[:16]) || !strings.Contains(out, "DATE") {
				t.Errorf("normalize(%q) = %q: the date is not masked", in, out)
			}
		}
	}
}

// testWorks returns the embedded challenges and predictions.
func testWorks(t *testing.T) []lessons.StageWork {
	t.Helper()
	ws, err := lessons.EmbeddedWork()
	if err != nil {
		t.Fatal(err)
	}
	return ws
}
