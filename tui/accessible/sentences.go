package accessible

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// The one-line sentences of the view: a request from outside, what a
// run or an attack came to, what a cookie asks of the browser.

// TrafficLine says one request from outside the tutor in a line: "Request
// 7 from Firefox: GET /show, answered 200 OK, the session cookie was
// valid".
func TrafficLine(o engine.Observation) string {
	e := o.Exchange
	s := fmt.Sprintf("Request %d from %s: %s %s, answered %d %s", e.Seq, esc(o.Label), esc(e.Method), esc(e.Target), e.Status, http.StatusText(e.Status))
	switch {
	case e.IncomingCookie == "":
		s += ", with no session cookie"
	case e.Rejected != "":
		s += ", the session cookie was refused (" + esc(e.Rejected) + ")"
	default:
		s += ", the session cookie was valid"
	}
	set := false
	for _, d := range e.Out {
		if d.Result != nil {
			set = true
		}
	}
	if set {
		s += ", and it was given a session cookie"
	}
	if u, ok := e.Session["name"].(string); ok && u != "" && isShow(e.Target) && e.Status == http.StatusOK {
		s += "; the page shows " + Text(u)
	}
	return s + "."
}

// isShow reports whether target asks for the user page.
func isShow(target string) bool {
	p, _, _ := strings.Cut(target, "?")
	return p == "/show"
}

// RunSentence sums up a run of a stage's exchange.
func RunSentence(res engine.RunResult) string {
	t := res.Trip
	if g := res.Growth; g != nil {
		switch res.Outcome {
		case engine.OutcomeTooLarge:
			return fmt.Sprintf("Note %d was refused with %d: the session would no longer fit in a cookie, whose name and value a browser keeps to %d bytes. Type storage until sessions are kept in the database, then run again.", g.Run, server.StatusSessionTooLarge, cookiecodec.BrowserLimit)
		case engine.OutcomeGrew:
			s := fmt.Sprintf("Note %d kept: the session cookie is now %d bytes with its name, of the %d a browser keeps.", g.Run, g.CookieSize, cookiecodec.BrowserLimit)
			if g.RowSize > 0 {
				s += fmt.Sprintf(" The database row holds %d bytes.", g.RowSize)
			}
			return s
		}
		if g.RowSize > 0 {
			return fmt.Sprintf("Note %d kept in the database row, now %d bytes; the cookie stays small.", g.Run, g.RowSize)
		}
	}
	switch res.Outcome {
	case engine.OutcomeStopped:
		if t != nil && t.Err != nil {
			return "The run stopped: " + esc(t.Err.Error()) + "."
		}
		return "The run stopped early."
	case engine.OutcomeFailed, engine.OutcomeTooLarge:
		last := t.Last()
		return fmt.Sprintf("It ended in %d %s.", last.Status, http.StatusText(last.Status))
	case engine.OutcomeSetAndReturned:
		return "In short: the server set a session cookie and the client sent it back."
	case engine.OutcomeSet, engine.OutcomeGrew:
		return "In short: the server set a session cookie."
	case engine.OutcomeSentUnused:
		return "In short: the client sent its session cookie, and this stage does not use it."
	}
	return "In short: no cookie went either way, so the server will not remember this visit."
}

// AttackSentence sums up a tamper or forge by the server's verdict.
func AttackSentence(res engine.AttackResult) string {
	what := "tampered"
	if res.Kind == engine.AttackForge {
		what = "forged"
	}
	switch res.Verdict {
	case engine.VerdictRejected:
		return fmt.Sprintf("Verdict: refused. The server refused the %s cookie, for the reason above, and treated the request as having no session.", what)
	case engine.VerdictAccepted:
		if res.Kind == engine.AttackForge {
			return "Verdict: accepted. The server took the forged cookie and shows the user admin, because it is signed with the lesson's public key, the key the server uses. Anyone who knows a site's key can be anyone."
		}
		return "Verdict: accepted. The server took the tampered cookie."
	}
	return "The server's record of the request did not arrive, so its verdict is unknown."
}

// AttributesSentence says what a Set-Cookie's attributes ask of the
// browser, in words: the header's "Max-Age=2592000" is heard as a number
// in the millions, "30 days" is not.
func AttributesSentence(a cookiecodec.Attributes) []string {
	var out []string
	keep := "only until it closes"
	switch {
	case a.MaxAge != nil && *a.MaxAge > 0:
		keep = "for " + duration(*a.MaxAge)
	case a.Expires != nil:
		keep = "until " + a.Expires.UTC().Format("2 January 2006")
	}
	where := "to this site"
	if a.Path != "" {
		where = "with every request to this site under " + esc(a.Path)
	}
	out = append(out, "The browser keeps it "+keep+", and sends it "+where+".")
	if a.HTTPOnly {
		out = append(out, "HttpOnly: scripts in the page cannot read it.")
	}
	if a.Secure {
		out = append(out, "Secure: it is sent only over HTTPS.")
	}
	switch strings.ToLower(a.SameSite) {
	case "lax":
		out = append(out, "SameSite Lax: other sites' pages cannot make the browser send it, except by a link the visitor follows to this site.")
	case "strict":
		out = append(out, "SameSite Strict: it is sent only with requests this site's own pages start.")
	case "none":
		out = append(out, "SameSite None: it is sent with requests from any site.")
	}
	return out
}

// duration says a number of seconds in the largest whole unit.
func duration(secs int) string {
	for _, u := range []struct {
		n        int
		one, any string
	}{{86400, "day", "days"}, {3600, "hour", "hours"}, {60, "minute", "minutes"}} {
		if secs%u.n == 0 {
			return plural(secs/u.n, u.one, u.any)
		}
	}
	return plural(secs, "second", "seconds")
}
