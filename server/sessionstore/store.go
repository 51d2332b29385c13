package sessionstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/gorilla/sessions"
)

// DefaultMaxBytes is the largest serialized session a Store accepts when
// Store.MaxBytes is 0.
const DefaultMaxBytes = 64 << 10

// errNoBackend is returned by a Store made without NewStore.
var errNoBackend = errors.New("sessionstore: the Store has no Backend; make it with NewStore")

// sessionCookieLifetime is how long a row lives when the cookie is a
// session cookie (MaxAge 0) and so carries no expiry of its own.
const sessionCookieLifetime = 24 * time.Hour

// DefaultNewSessionTTL is how long the row of a new session lives, when
// Store.NewSessionTTL is 0, until its client comes back with the cookie.
const DefaultNewSessionTTL = 10 * time.Minute

// Store is a gorilla sessions.Store that keeps session values in a Backend.
// The cookie it sets holds only the session id, signed (and, if a codec has
// a block key, encrypted) with Codecs.
type Store struct {
	// Codecs sign, and may encrypt, the id cookie. Decoding tries each in
	// turn, so keys can be rotated.
	Codecs []securecookie.Codec
	// Options are the cookie attributes and MaxAge given to new sessions.
	Options *sessions.Options
	// MaxBytes is the largest serialized session Save accepts; 0 means
	// DefaultMaxBytes.
	MaxBytes int
	// NewSessionTTL is how long the row of a session saved for the first
	// time lives until a request comes back with its cookie; that request
	// extends it to the cookie's whole MaxAge. A client that never returns,
	// such as a script posting the form in a loop, so leaves rows that are
	// gone in minutes, not in 30 days. 0 means DefaultNewSessionTTL; a
	// negative value gives new rows the whole MaxAge at once.
	NewSessionTTL time.Duration

	backend Backend
}

var _ sessions.Store = (*Store)(nil)

// NewStore returns a Store over b. If opts is nil, sessions get Path "/",
// a MaxAge of 30 days, HttpOnly and SameSite=Lax.
func NewStore(b Backend, codecs []securecookie.Codec, opts *sessions.Options) *Store {
	if opts == nil {
		opts = &sessions.Options{
			Path:     "/",
			MaxAge:   86400 * 30,
			HttpOnly: true,
			SameSite: http.SameSiteLaxMode,
		}
	}
	return &Store{Codecs: codecs, Options: opts, backend: b}
}

// Backend returns the backend the store keeps sessions in.
func (s *Store) Backend() Backend { return s.backend }

// Get returns the named session for r, loading it at most once per request
// through gorilla's registry. Its error is New's.
func (s *Store) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New returns the named session for r. It never returns nil: when there is
// no stored session to load it returns a fresh one (IsNew true, ID empty)
// with a copy of s.Options, together with the reason, unwrapped:
//   - no cookie: nil;
//   - a cookie that does not verify with Codecs: the securecookie error;
//   - a backend failure: the *UnavailableError;
//   - an id the store does not hold (expired or deleted): ErrUnknownID;
//   - stored data that does not decode: an error saying so.
func (s *Store) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	sess.Options = s.options()
	sess.IsNew = true

	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil // no cookie: a fresh session
	}
	if s.backend == nil {
		return sess, errNoBackend
	}
	var id string
	if err := securecookie.DecodeMulti(name, c.Value, &id, s.Codecs...); err != nil {
		return sess, err
	}
	if id == "" {
		return sess, ErrUnknownID
	}
	row, ok, err := s.backend.Row(r.Context(), id)
	if err != nil {
		return sess, err
	}
	now := time.Now()
	if !ok || !row.Expires.IsZero() && !row.Expires.After(now) {
		return sess, ErrUnknownID
	}
	values, err := DecodeValues(row.Data)
	if err != nil {
		return sess, fmt.Errorf("sessionstore: stored session %q does not decode: %w", name, err)
	}
	if full := now.Add(s.lifetime(sess.Options)); s.newSessionTTL() > 0 && row.Expires.Before(now.Add(s.newSessionTTL())) && full.After(row.Expires) {
		// The client came back with a new session's cookie: the row gets
		// the cookie's whole lifetime. Failing that, it keeps its own.
		if err := s.backend.Save(r.Context(), id, row.Data, full); err != nil {
			return sess, err
		}
	}
	sess.ID = id
	sess.Values = values
	sess.IsNew = false
	return sess, nil
}

// Save stores sess in the backend and sets the id cookie on w; call it
// before writing the response body.
//
// If sess.Options.MaxAge < 0 it deletes the stored row and sets an expired
// cookie instead. Otherwise it gives a new session a random id, stores its
// values until MaxAge seconds from now (24 hours for a session cookie,
// MaxAge 0), and sets the cookie. A session larger than MaxBytes is a
// *TooLargeError, and then nothing is stored or written. Backend failures
// are *UnavailableError, wrapped: find them with errors.As.
func (s *Store) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess == nil {
		return errors.New("sessionstore: save: nil session")
	}
	if s.backend == nil {
		return errNoBackend
	}
	name := sess.Name()
	opts := sess.Options
	if opts == nil {
		opts = s.options()
	}

	if opts.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.backend.Delete(r.Context(), sess.ID); err != nil {
				return fmt.Errorf("sessionstore: delete session %q: %w", name, err)
			}
		}
		http.SetCookie(w, sessions.NewCookie(name, "", opts))
		return nil
	}

	values := sess.Values
	if values == nil {
		values = map[any]any{}
	}
	data, err := Encode(values)
	if err != nil {
		return fmt.Errorf("sessionstore: save session %q: %w", name, err)
	}
	if limit := s.maxBytes(); len(data) > limit {
		return &TooLargeError{Size: len(data), Max: limit}
	}

	id := sess.ID
	lifetime := s.lifetime(opts)
	if id == "" {
		id = rand.Text()
		if ttl := s.newSessionTTL(); ttl > 0 && ttl < lifetime {
			lifetime = ttl // until the client comes back with the cookie
		}
	}
	encoded, err := securecookie.EncodeMulti(name, id, s.Codecs...)
	if err != nil {
		return fmt.Errorf("sessionstore: save session %q: encode cookie: %w", name, err)
	}
	if err := s.backend.Save(r.Context(), id, data, time.Now().Add(lifetime)); err != nil {
		return fmt.Errorf("sessionstore: save session %q: %w", name, err)
	}
	sess.ID = id
	http.SetCookie(w, sessions.NewCookie(name, encoded, opts))
	return nil
}

// options returns a copy of s.Options, or of the defaults if it is nil.
func (s *Store) options() *sessions.Options {
	if s.Options == nil {
		return &sessions.Options{Path: "/"}
	}
	o := *s.Options
	return &o
}

// lifetime is how long a row lives for a session with opts: its cookie's
// MaxAge, or sessionCookieLifetime for a session cookie.
func (s *Store) lifetime(opts *sessions.Options) time.Duration {
	if opts != nil && opts.MaxAge > 0 {
		return time.Duration(opts.MaxAge) * time.Second
	}
	return sessionCookieLifetime
}

func (s *Store) newSessionTTL() time.Duration {
	if s.NewSessionTTL == 0 {
		return DefaultNewSessionTTL
	}
	return s.NewSessionTTL
}

func (s *Store) maxBytes() int {
	if s.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return s.MaxBytes
}

// Encode serializes session values exactly as securecookie.GobEncoder does
// for gorilla's cookies: gob, so types other than the basic ones must be
// registered with gob.Register.
func Encode(values map[any]any) ([]byte, error) {
	return securecookie.GobEncoder{}.Serialize(values)
}

// DecodeValues is the inverse of Encode. It returns an error, never panics,
// on data that is not an encoded session.
func DecodeValues(data []byte) (values map[any]any, err error) {
	defer func() {
		// encoding/gob recovers its own errors; this guards against a
		// decoder bug turning a corrupt row into a crashed request.
		if p := recover(); p != nil {
			values, err = nil, fmt.Errorf("sessionstore: decode session: %v", p)
		}
	}()
	// encoding/gob trusts the lengths it reads: given a nil map, a corrupt
	// or forged row could make it allocate a map without end. It gets a
	// made map, which it fills entry by entry, and SafeGob checks the
	// bytes with a bounded decoder first.
	values = make(map[any]any)
	if err := (cookiecodec.SafeGob{}).Deserialize(data, &values); err != nil {
		return nil, err
	}
	if values == nil {
		values = map[any]any{}
	}
	return values, nil
}

// Open opens the backend named by spec: "sqlite:PATH" for an SQLite file
// (with default SQLiteOptions; "sqlite:PATH?sync=normal" trades the last
// commits before a power cut for faster writes), or "redis://HOST:PORT/DB"
// or "rediss://HOST:PORT/DB" for a Redis server.
func Open(ctx context.Context, spec string) (Backend, error) {
	if err := CheckSpec(spec); err != nil {
		return nil, fmt.Errorf("sessionstore: %w", err)
	}
	if rest, ok := strings.CutPrefix(spec, "sqlite:"); ok {
		path, opts, err := parseSQLiteSpec(rest)
		if err != nil {
			return nil, fmt.Errorf("sessionstore: %w", err)
		}
		b, err := OpenSQLite(ctx, path, opts)
		if err != nil {
			return nil, err // not a nil *SQLite inside a non-nil Backend
		}
		return b, nil
	}
	b, err := OpenRedis(ctx, spec)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// parseSQLiteSpec splits what follows "sqlite:" into the file's path and
// options. Only a final "?sync=full" or "?sync=normal" is an option: any
// other "?" is part of the file name.
func parseSQLiteSpec(rest string) (string, SQLiteOptions, error) {
	var opts SQLiteOptions
	path, query, ok := cutLast(rest, "?sync=")
	if !ok {
		return rest, opts, nil
	}
	sync, err := ParseSync(query)
	if err != nil {
		return "", opts, fmt.Errorf("sqlite:%s: %w", rest, err)
	}
	if path == "" {
		return "", opts, errors.New(`"sqlite:" has no file path; want sqlite:PATH, such as sqlite:sessions.db`)
	}
	opts.Sync = sync
	return path, opts, nil
}

// cutLast slices s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// CheckSpec reports whether spec names a session database that Open knows:
// sqlite:PATH, or redis://HOST:PORT/DB (rediss:// for TLS). It opens
// nothing, and its error never prints a password.
func CheckSpec(spec string) error {
	switch {
	case spec == "sqlite:":
		return errors.New(`"sqlite:" has no file path; want sqlite:PATH, such as sqlite:sessions.db`)
	case strings.HasPrefix(spec, "sqlite:"):
		_, _, err := parseSQLiteSpec(strings.TrimPrefix(spec, "sqlite:"))
		return err
	case strings.HasPrefix(spec, "redis://"), strings.HasPrefix(spec, "rediss://"):
		return nil
	}
	return fmt.Errorf("%q is not a session database: want sqlite:PATH or redis://HOST:PORT/DB", Redact(spec))
}

// Redact returns spec with every credential a URL-shaped spec can carry
// replaced by "xxxxx", so that it can be printed: the user and password
// before the host (redis://user:pass@, rediss://, unix://), and the value
// of any query parameter that names a credential (password=, username=,
// sentinel_password=, sentinel_username=, and any name containing "pass",
// "user", "auth", "secret", "token" or "cred", in any letter case or
// percent-encoding). It does not need spec to parse: everything between
// "://" and the last "@" is hidden.
func Redact(spec string) string {
	scheme, rest, ok := strings.Cut(spec, "://")
	if !ok {
		return spec
	}
	rest = redactQuery(rest)
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = "xxxxx" + rest[at:]
	}
	return scheme + "://" + rest
}

// redactQuery hides the value of every credential parameter in s. A
// parameter starts after any "?" or "&" and its value runs to the next "&"
// or "#", so a value holding "@", "/" or "?" is hidden whole.
func redactQuery(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexAny(s, "?&#")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+1])
		s = s[i+1:]
		name, _, hasValue := strings.Cut(s, "=")
		if !hasValue || strings.ContainsAny(name, "?&#") || !isCredentialParam(name) {
			continue
		}
		b.WriteString(name + "=xxxxx")
		s = s[len(name)+1:]
		end := strings.IndexAny(s, "&#")
		if end < 0 {
			return b.String()
		}
		s = s[end:]
	}
}

// isCredentialParam reports whether a query parameter named name (as
// written, perhaps percent-encoded) holds a credential.
func isCredentialParam(name string) bool {
	if n, err := url.QueryUnescape(name); err == nil {
		name = n
	}
	name = strings.ToLower(name)
	for _, w := range []string{"pass", "pwd", "user", "auth", "secret", "token", "cred"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
