package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// LessonKey is the secret key of the lesson's Flask app. It is printed in a
// public tutorial, so it protects nothing: formtest accepts it only on a
// loopback address, to stay faithful to the lesson.
const LessonKey = "ThisIsSecret"

// errCookieTooLarge reports a session that would not fit in a cookie.
type errCookieTooLarge struct{ size int }

func (e errCookieTooLarge) Error() string {
	return fmt.Sprintf("the session would not fit in a cookie: it encodes to %d bytes, and browsers drop a cookie over %d bytes without a word", e.size, maxCookieBytes)
}

func newStore(cfg Config) *sessions.CookieStore {
	pairs := make([][]byte, 0, 2*len(cfg.Keys))
	for _, k := range cfg.Keys {
		pairs = append(pairs, k, nil) // hash key, no block key: signed, not encrypted
	}
	store := sessions.NewCookieStore(pairs...)
	maxAge := cfg.MaxAge
	// gorilla's defaults since v1.3 are SameSite=None and Secure. A Secure
	// cookie set over plain http://127.0.0.1 is dropped by browsers that do
	// not treat localhost as a secure context (Safari), so the lesson would
	// silently lose its session. Set each attribute on purpose instead: HttpOnly so page scripts cannot read the session,
	// SameSite=Lax so other sites cannot post with it, and Secure only when
	// the server really speaks TLS, so the lesson works on plain http.
	store.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(maxAge / time.Second),
		HttpOnly: true,
		Secure:   cfg.Secure,
		SameSite: http.SameSiteLaxMode,
	}
	store.MaxAge(store.Options.MaxAge)
	// Cookie size is checked against the browser's limit in saveSession, on
	// name and value together, before anything is sent.
	for _, c := range store.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxLength(0)
		}
	}
	return store
}

// session returns the request's session. A cookie that does not verify, has
// expired or cannot be decoded counts as no session: the visitor gets a new,
// empty one, and the observer is told why.
func (s *Server) session(r *http.Request) *sessions.Session {
	if c, err := r.Cookie(CookieName); err == nil && len(c.Name)+len(c.Value) > maxCookieBytes {
		// No browser would have sent this; do not spend work decoding it.
		sess := sessions.NewSession(s.store, CookieName)
		opts := *s.store.Options
		sess.Options = &opts
		return sess
	}
	sess, err := s.store.Get(r, CookieName)
	if err != nil {
		s.log.Debug("session cookie rejected", "err", err)
	}
	return sess
}

// saveSession writes sess as a Set-Cookie header. It refuses, without
// writing anything, a session whose cookie a browser would drop.
func (s *Server) saveSession(w http.ResponseWriter, sess *sessions.Session) error {
	value, err := securecookie.EncodeMulti(sess.Name(), sess.Values, s.store.Codecs...)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	if n := len(sess.Name()) + len(value); n > maxCookieBytes {
		return errCookieTooLarge{size: n}
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), value, sess.Options))
	return nil
}

func isTooLarge(err error) bool {
	var e errCookieTooLarge
	return errors.As(err, &e)
}
