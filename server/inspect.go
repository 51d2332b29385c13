package server

import (
	"net/http"

	"github.com/formtest/formtest/server/cookiecodec"
)

// DecodeOptions returns the cookiecodec options that verify this server's
// session cookies: its cookie name and every key it accepts.
func (s *Server) DecodeOptions() cookiecodec.Options {
	return cookiecodec.Options{Format: cookiecodec.Gorilla, Name: CookieName, Secrets: s.keys, MaxAge: s.maxAge}
}

// inspectSession fills in e's view of the session: why an incoming cookie
// was rejected, and the session as a client would decode it from the
// Set-Cookie the server sent (or else from the cookie it accepted).
func (s *Server) inspectSession(e *Exchange, r *http.Request) {
	opts := s.DecodeOptions()
	if c, err := r.Cookie(CookieName); err == nil {
		e.IncomingCookie = c.Value
		res, err := cookiecodec.Decode(c.Value, opts)
		switch {
		case res != nil && res.Signature == cookiecodec.Invalid:
			e.Rejected = "bad signature: " + res.Reason
		case err != nil:
			e.Rejected = "undecodable: " + err.Error()
		case res.Signature != cookiecodec.Valid:
			e.Rejected = "unverified: " + res.Reason
		case res.Expired:
			e.Rejected = "expired: issued " + res.IssuedAt.Format("2006-01-02 15:04:05 UTC")
		default:
			e.Session, e.SessionSource = res.Values, "cookie"
		}
	}
	for _, line := range e.ResponseHeader.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Name != CookieName {
			continue
		}
		e.Session, e.SessionSource = nil, ""
		if c.MaxAge < 0 || c.Value == "" {
			continue // the session was deleted
		}
		if res, err := cookiecodec.Decode(c.Value, opts); err == nil {
			e.Session, e.SessionSource = res.Values, "set-cookie"
		}
	}
}
