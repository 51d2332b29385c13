package tui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// The sentences the tutor says about the engine's typed results. Views
// choose a sentence by the result's kind; nothing here is matched later.

// noDatabaseNote says why a stage that keeps sessions in a database runs
// on signed cookies.
const noDatabaseNote = "This stage keeps sessions in a database, and the tutor was started without one (see tutor --store), so the server keeps signed cookies instead."

// runStatus sums up a run of a stage's exchange, and whether it is bad
// news.
func runStatus(res engine.RunResult) (string, bool) {
	t := res.Trip
	if g := res.Growth; g != nil {
		switch res.Outcome {
		case engine.OutcomeTooLarge:
			return fmt.Sprintf("Note %d: %d: the session would not fit in a cookie (browsers keep at most %d bytes of name and value). Press S until the title says the session is in the database (encrypted comes first), then enter.", g.Run, server.StatusSessionTooLarge, cookiecodec.BrowserLimit), true
		case engine.OutcomeGrew:
			sizes := make([]string, len(g.Sizes))
			for i, n := range g.Sizes {
				sizes[i] = strconv.Itoa(n)
			}
			text := fmt.Sprintf("Note %d added: the session cookie is %d bytes with the name, of the %d a browser keeps (so far: %s).", g.Run, g.CookieSize, cookiecodec.BrowserLimit, strings.Join(sizes, ", "))
			if g.RowSize > 0 {
				text += fmt.Sprintf(" The database row holds %d bytes.", g.RowSize)
			}
			return text, false
		}
	}
	switch res.Outcome {
	case engine.OutcomeStopped:
		if t != nil && t.Err != nil {
			return t.Err.Error(), true
		}
		return "The run stopped early.", true
	case engine.OutcomeFailed, engine.OutcomeTooLarge:
		last := t.Last()
		return fmt.Sprintf("%s ended in %d %s: see the exchange for why.", t.Title, last.Status, http.StatusText(last.Status)), true
	case engine.OutcomeSetAndReturned:
		return "The server set a session cookie and the client sent it back: tab to the Session pane to see it decoded.", false
	case engine.OutcomeSet, engine.OutcomeGrew:
		return "The server set a session cookie: tab to the Session pane to see it decoded.", false
	case engine.OutcomeSentUnused:
		return "The client sent its session cookie; this stage does not use it.", false
	}
	return "No cookie went either way: the server will not remember this visit.", false
}

// attackStatus sums up a tamper or forge by the server's verdict on it.
func attackStatus(res engine.AttackResult) (string, bool) {
	what := "tampered"
	if res.Kind == engine.AttackForge {
		what = "forged"
	}
	switch res.Verdict {
	case engine.VerdictRejected:
		return fmt.Sprintf("The server rejected the %s cookie: %s. It treated the request as having no session.", what, sanitize(res.Reason)), false
	case engine.VerdictAccepted:
		if res.Kind == engine.AttackForge {
			return "The server accepted the forged cookie: it shows the user \"admin\", because the cookie is signed with the lesson's public key, the same key the server uses. Anyone who knows a site's key can log in as anyone.", true
		}
		return "The server accepted the tampered cookie.", true
	}
	status := 0
	if res.Trip != nil && len(res.Trip.Hops) > 0 {
		status = res.Trip.Last().Status
	}
	return fmt.Sprintf("GET /show answered %d, but the server's record of it did not arrive, so its verdict on the cookie is unknown.", status), false
}

// errorStatus is what the status line says about an error of the engine.
func errorStatus(err error) string {
	switch {
	case errors.Is(err, engine.ErrNoCookie):
		return capitalize(err.Error()) + " (press enter to run it)."
	case errors.Is(err, engine.ErrPastLast):
		return "This is the last stage. Press l to list the stages, q to quit."
	case errors.Is(err, engine.ErrBeforeFirst):
		return "This is the first stage."
	}
	return err.Error()
}

// storageStatus says what switching storage did.
func storageStatus(sc engine.StorageChange, haveDB bool) (string, bool) {
	if sc.NoDatabase {
		return noDatabaseNote, true
	}
	msg := fmt.Sprintf("Sessions now: %s. %s. Cookies from before no longer count; press enter to run the stage.", engine.StorageName(sc.Storage), capitalize(engine.StorageSentence(sc.Storage)))
	if sc.Storage == server.StorageSigned && !haveDB {
		msg += " (No database: S skips server-side sessions.)"
	}
	return msg, false
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// flaskHeading labels a stage's Flask code honestly: the seed lesson's own
// code for its stages, an equivalent written for formtest's for the rest.
func flaskHeading(st engine.Stage) string {
	if st.FlaskFromSeed {
		return "The lesson's Flask code"
	}
	return "A Flask equivalent, not from the lesson"
}
