package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/server/sessionstore"
)

// LessonKey is the secret key of the lesson's Flask app. It is printed in a
// public tutorial, so it protects nothing: formtest accepts it only on a
// loopback address, to stay faithful to the lesson.
const LessonKey = "ThisIsSecret"

// errCookieTooLarge reports a session that would not fit in a cookie.
type errCookieTooLarge struct{ size int }

func (e errCookieTooLarge) Error() string {
	return fmt.Sprintf("the session would not fit in a cookie: it encodes to %d bytes, and browsers drop a cookie over %d bytes (only their developer tools say so)", e.size, maxCookieBytes)
}

// stores holds the session stores a Server can switch between.
type stores struct {
	signed    *sessions.CookieStore
	encrypted *sessions.CookieStore
	server    *sessionstore.Store // nil without a database
}

func newStores(cfg Config) (*stores, error) {
	opts := cookieOptions(cfg)
	st := &stores{signed: newSignedStore(cfg.Keys)}
	enc, err := newEncryptedStore(cfg.Keys)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	st.encrypted = enc
	for _, cs := range []*sessions.CookieStore{st.signed, st.encrypted} {
		o := *opts
		cs.Options = &o
		cs.MaxAge(o.MaxAge)
		// Cookie size is checked against the browser's limit in
		// saveSession, on name and value together, before anything is sent.
		for _, c := range cs.Codecs {
			if sc, ok := c.(*securecookie.SecureCookie); ok {
				sc.MaxLength(0)
			}
		}
	}
	if cfg.Backend != nil {
		st.server = newServerStore(cfg.Backend, cfg.Keys)
		o := *opts
		st.server.Options = &o
		for _, c := range st.server.Codecs {
			if sc, ok := c.(*securecookie.SecureCookie); ok {
				sc.MaxAge(o.MaxAge)
			}
		}
	}
	return st, nil
}

// get returns the store for storage st.
func (s *stores) get(st Storage) sessions.Store {
	switch st {
	case StorageEncrypted:
		return s.encrypted
	case StorageServer:
		if s.server != nil {
			return s.server
		}
	}
	return s.signed
}

// session returns the request's session. A cookie that does not verify, has
// expired or cannot be decoded counts as no session: the visitor gets a new,
// empty one, and the observer is told why. When the session database does
// not answer, session writes the page storeFailed writes and returns
// ok=false.
func (s *Server) session(w http.ResponseWriter, r *http.Request) (sess *sessions.Session, ok bool) {
	st := s.Storage()
	if n, ok := r.Context().Value(notesKey{}).(*notes); ok {
		// The observer reports the storage this request really used, even
		// if it was switched while the request was on its way.
		n.mu.Lock()
		n.storage = st
		n.mu.Unlock()
	}
	store := s.stores.get(st)
	if oversizeSessionCookie(r) {
		// No browser would have sent this; do not spend work decoding it.
		sess, _ = store.New(&http.Request{Header: http.Header{}}, CookieName)
		return sess, true
	}
	sess, err := store.Get(r, CookieName)
	if ue, down := errors.AsType[*sessionstore.UnavailableError](err); down {
		s.storeFailed(w, r, ue)
		return nil, false
	}
	if st == StorageServer {
		s.faults.ok(r.Context(), "load", "row")
	}
	if err != nil {
		s.log.Debug("session cookie rejected", "err", err)
	}
	return sess, true
}

// oversizeSessionCookie reports whether r carries a session cookie whose
// name and value together exceed what a browser keeps.
func oversizeSessionCookie(r *http.Request) bool {
	n := 0
	for _, line := range r.Header["Cookie"] {
		n += len(line)
	}
	if n <= maxCookieBytes {
		// No cookie is longer than the headers that carry it: skip parsing
		// the cookies here, as the store parses them again.
		return false
	}
	c, err := r.Cookie(CookieName)
	return err == nil && len(c.Name)+len(c.Value) > maxCookieBytes
}

// saveSession writes sess, to its cookie or to the database. It refuses,
// without writing anything, a session whose cookie a browser would drop.
func (s *Server) saveSession(w http.ResponseWriter, r *http.Request, sess *sessions.Session) error {
	cs, ok := sess.Store().(*sessions.CookieStore)
	if !ok {
		if err := sess.Save(r, w); err != nil {
			return fmt.Errorf("save session: %w", err)
		}
		s.faults.ok(r.Context(), "save", "delete")
		return nil
	}
	if sess.Options.MaxAge < 0 {
		// Ending the session: the browser deletes the cookie, so it needs
		// no value.
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	value, err := securecookie.EncodeMulti(sess.Name(), sess.Values, cs.Codecs...)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	if n := len(sess.Name()) + len(value); n > maxCookieBytes {
		return errCookieTooLarge{size: n}
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), value, sess.Options))
	return nil
}

// StoredSession is a server-side session as its database holds it.
type StoredSession struct {
	// Row is the row (or Redis key) itself.
	Row sessionstore.Row
	// Values are the row's values, decoded.
	Values map[string]any
}

// StoredSession returns the database row for session id, or nil when there
// is none. It fails when the server has no session database or the
// database does not answer.
func (s *Server) StoredSession(ctx context.Context, id string) (*StoredSession, error) {
	if s.stores.server == nil {
		return nil, errors.New("server: no session database (start serve with --store)")
	}
	row, ok, err := s.stores.server.Backend().Row(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if !ok {
		return nil, nil
	}
	out := &StoredSession{Row: row}
	// For display: the bounded, schema-less decoder gives the same
	// JSON-friendly values as a decoded cookie.
	if v, err := cookiecodec.DecodeGob(row.Data); err == nil {
		out.Values, _ = v.(map[string]any)
	}
	return out, nil
}

func isTooLarge(err error) bool {
	if _, ok := errors.AsType[errCookieTooLarge](err); ok {
		return true
	}
	_, ok := errors.AsType[*sessionstore.TooLargeError](err)
	return ok
}
