package server

import (
	"context"
	"net/http"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/server/sessionstore"
)

// DecodeOptions returns the cookiecodec options that verify this server's
// session cookies as it keeps them now: its cookie name, every key it
// accepts and, when sessions are encrypted, the block keys.
func (s *Server) DecodeOptions() cookiecodec.Options { return s.DecodeOptionsFor(s.Storage()) }

// DecodeOptionsFor returns the cookiecodec options that verify this
// server's session cookies as storage st keeps them: block keys only for
// encrypted cookies, so that a signed cookie is not taken for ciphertext.
func (s *Server) DecodeOptionsFor(st Storage) cookiecodec.Options {
	opts := cookiecodec.Options{Format: cookiecodec.Gorilla, Name: CookieName, Secrets: s.keys, MaxAge: s.maxAge}
	if st == StorageEncrypted {
		opts.BlockKeys = s.blockKeys
	}
	return opts
}

// inspectSession fills in e's view of the session: why an incoming cookie
// was rejected, and the session as a client would decode it from the
// Set-Cookie the server sent (or else from the cookie it accepted). When
// the session lives in a database, it also reads the row the cookie's id
// points to.
func (s *Server) inspectSession(ctx context.Context, e *Exchange, r *http.Request) {
	opts := s.DecodeOptionsFor(e.Storage)
	if c, err := r.Cookie(CookieName); err == nil {
		e.IncomingCookie = c.Value
		res, err := cookiecodec.Decode(c.Value, opts)
		e.In = &DecodedCookie{Value: c.Value, Result: res, Err: err}
		switch {
		case res != nil && res.Signature == cookiecodec.Invalid:
			e.Rejected = "bad signature: " + res.Reason
		case err != nil:
			e.Rejected = "undecodable: " + err.Error()
		case res.Signature != cookiecodec.Valid:
			e.Rejected = "unverified: " + res.Reason
		case res.Expired:
			e.Rejected = "expired: issued " + res.IssuedAt.Format("2006-01-02 15:04:05 UTC")
		case res.SessionID != "" && e.Storage != StorageServer:
			e.Rejected = "a session id, but sessions are kept in cookies now, not in the database"
		case res.SessionID != "":
			e.SessionID, e.SessionSource = res.SessionID, "cookie"
		case e.Storage == StorageServer:
			e.Rejected = "not a session id: the cookie holds a whole session, but sessions are kept in the database now"
		case e.Storage == StorageEncrypted && !res.Encrypted:
			e.Rejected = "not encrypted: the cookie is only signed, but sessions are encrypted now"
		case res.PayloadError != "":
			e.Rejected = "unreadable: " + res.PayloadError
		default:
			e.Session, e.SessionSource = res.Values, "cookie"
		}
	}
	for _, line := range e.ResponseHeader.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Name != CookieName {
			continue
		}
		e.Session, e.SessionSource, e.SessionID = nil, "", ""
		if c.MaxAge < 0 || c.Value == "" {
			e.Out = append(e.Out, DecodedCookie{Value: c.Value})
			continue // the session was deleted
		}
		res, err := cookiecodec.Decode(c.Value, opts)
		e.Out = append(e.Out, DecodedCookie{Value: c.Value, Result: res, Err: err})
		if err == nil {
			e.Session, e.SessionID, e.SessionSource = res.Values, res.SessionID, "set-cookie"
		}
	}
	if e.SessionID == "" || s.stores.server == nil || e.Storage != StorageServer ||
		e.Status >= http.StatusInternalServerError || e.Status == StatusClientClosedRequest {
		// No row to show, the database just failed the handler, or the
		// client is gone: asking it again would only hold up the response.
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	stored, err := s.StoredSession(ctx, e.SessionID)
	if stored != nil && !stored.Row.Expires.After(time.Now()) {
		stored = nil // expired: the store no longer loads it, though cleanup has not deleted it yet
	}
	switch {
	case err != nil:
		e.StoredErr = err
		e.Notes = append(e.Notes, "could not read the session's row: "+err.Error())
	case stored == nil && e.SessionSource == "cookie":
		e.Rejected = "unknown session id: " + sessionstore.ErrUnknownID.Error()
	default:
		e.Stored = stored
		if stored != nil {
			e.Session = stored.Values
		}
	}
}
