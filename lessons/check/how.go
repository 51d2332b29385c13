package check

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server/cookiecodec"
)

// Client is a client outside the tutor, as the tracker tells them apart:
// by the address its requests come from and the family of its
// User-Agent. A private window is the same Client as its browser; what
// sets it apart is that it holds none of the browser's cookies.
type Client struct {
	// Addr is the IP address the requests came from, without the port
	// (a browser opens several connections).
	Addr string
	// Family is the browser family or program read from the User-Agent
	// ("Firefox", "curl"). It is client-sent text: String escapes it.
	Family string
}

// clientOf returns the outside client that sent o.
func clientOf(o engine.Observation) Client {
	addr := o.Exchange.RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	return Client{Addr: addr, Family: engine.ClientLabel(o.Exchange.RequestHeader.Get("User-Agent"))}
}

// key is the client's key in the tracker's tables.
func (c Client) key() string { return "outside\x00" + c.Addr + "\x00" + c.Family }

// String names the client for people, escaped: "Firefox at 127.0.0.1".
func (c Client) String() string {
	return cookiecodec.EscapeText(c.Family) + " at " + cookiecodec.EscapeText(c.Addr)
}

// Fact is what one exchange showed, as a step of a proof.
type Fact int

// Facts.
const (
	// FactPostedNoCookie: posted the form; the answer set no cookie.
	FactPostedNoCookie Fact = iota + 1
	// FactShowNoCookie: loaded /show; the answer set no cookie either.
	FactShowNoCookie
	// FactGotCookie: the server set a session cookie for the client.
	FactGotCookie
	// FactOwnCookieAccepted: sent back a cookie the server set for it;
	// the server accepted it and read a user from it.
	FactOwnCookieAccepted
	// FactNoUser: came without that cookie; the page had no user.
	FactNoUser
	// FactCopiedCookieAccepted: sent a cookie the server set for another
	// client; the server accepted it and read a user from it.
	FactCopiedCookieAccepted
	// FactBadSignature: sent a cookie whose signature failed; refused.
	FactBadSignature
	// FactForgedAccepted: sent a cookie the server never made; accepted.
	FactForgedAccepted
	// FactEncryptedRefused: sent an encrypted cookie to a server keeping
	// signed cookies; refused.
	FactEncryptedRefused
	// FactLoggedOut: sent the cookie with Forget me; the row was deleted.
	FactLoggedOut
	// FactUnknownID: sent a session id whose row is gone; refused.
	FactUnknownID
	// FactTooLarge: posted, and the session no longer fitted in a cookie.
	FactTooLarge
)

// String says what the fact means, as the end of a sentence.
func (f Fact) String() string {
	switch f {
	case FactPostedNoCookie:
		return "posted the form, and the answer set no cookie"
	case FactShowNoCookie:
		return "loaded /show, and the answer set no cookie either"
	case FactGotCookie:
		return "the server set a session cookie for this client"
	case FactOwnCookieAccepted:
		return "sent back the cookie the server had set for it; its signature verified and the session held a user"
	case FactNoUser:
		return "came without that cookie, and the page found no user"
	case FactCopiedCookieAccepted:
		return "sent a cookie the server had set for another client; it verified and the session held a user"
	case FactBadSignature:
		return "sent a cookie whose signature did not verify; the server refused it"
	case FactForgedAccepted:
		return "sent a cookie the server never set; its signature verified and the server took its session"
	case FactEncryptedRefused:
		return "sent a cookie set while sessions were encrypted, to a server keeping signed cookies; refused"
	case FactLoggedOut:
		return "sent this cookie with Forget me; the server deleted the session's row"
	case FactUnknownID:
		return "sent the session id again; its row is gone, so the server refused it as unknown"
	case FactTooLarge:
		return "posted the form with its session cookie; the grown session no longer fitted in a cookie (413)"
	}
	return fmt.Sprintf("Fact(%d)", int(f))
}

// Step is one exchange in a proof: which request, who sent it, what it
// showed.
type Step struct {
	// Seq is the server's number for the exchange (traffic #Seq).
	Seq uint64
	// Method and Target are the request line's, escaped.
	Method, Target string
	// Status is the response's status code.
	Status int
	// Client names who sent it, escaped.
	Client string
	// Fact is what it showed.
	Fact Fact
}

// String is the step in a line: "request #12, POST /users → 302, from
// Firefox at 127.0.0.1: posted the form, and the answer set no cookie".
func (s Step) String() string {
	return fmt.Sprintf("request #%d, %s %s → %d, from %s: %s", s.Seq, s.Method, s.Target, s.Status, s.Client, s.Fact)
}

// stepOf makes the step of observation o.
func stepOf(o engine.Observation, who string, f Fact) Step {
	e := o.Exchange
	return Step{Seq: e.Seq, Method: cookiecodec.EscapeText(e.Method), Target: cookiecodec.EscapeText(e.Target), Status: e.Status, Client: who, Fact: f}
}

// How is how a challenge was checked: the predicate, and the exchanges
// that proved it, oldest first. The last step is the deciding request.
type How struct {
	Kind  Kind
	Steps []Step
}

// Lines says how it was checked, a line per step after a line naming the
// predicate.
func (h How) Lines() []string {
	out := []string{"checked with " + h.Kind.String() + ", from the server's own record of each request:"}
	for _, s := range h.Steps {
		out = append(out, "  "+s.String())
	}
	return out
}

// String is Lines joined by newlines.
func (h How) String() string { return strings.Join(h.Lines(), "\n") }

// Seqs returns the steps' request numbers, in order.
func (h How) Seqs() []uint64 {
	out := make([]uint64, len(h.Steps))
	for i, s := range h.Steps {
		out[i] = s.Seq
	}
	return out
}

// Tick is a challenge seen done.
type Tick struct {
	// Challenge is the challenge, with its stage's progress key.
	Challenge lessons.Challenge
	// Client is who did it.
	Client Client
	// Said is the challenge's success sentence, rendered (escaped).
	Said string
	// How is how it was checked.
	How How
	// At is when the tracker saw it, by its clock.
	At time.Time
}
