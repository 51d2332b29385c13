package sessionstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/formtest/formtest/server/internal/redistest"
)

const cookieName = "session"

// memBackend is an in-memory Backend whose calls fail with err when it is
// set.
type memBackend struct {
	mu   sync.Mutex
	rows map[string]Row
	err  error
}

func newMemBackend() *memBackend { return &memBackend{rows: map[string]Row{}} }

func (m *memBackend) Kind() string { return "mem" }

func (m *memBackend) fail(op string) error {
	if m.err == nil {
		return nil
	}
	return &UnavailableError{Kind: "mem", Op: op, Err: m.err}
}

func (m *memBackend) Load(_ context.Context, id string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail("load"); err != nil {
		return nil, false, err
	}
	row, ok := m.rows[id]
	if !ok || !row.Expires.After(time.Now()) {
		return nil, false, nil
	}
	return row.Data, true, nil
}

func (m *memBackend) Save(_ context.Context, id string, data []byte, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail("save"); err != nil {
		return err
	}
	m.rows[id] = Row{Where: "memory", ID: id, Data: bytes.Clone(data), Expires: expires}
	return nil
}

func (m *memBackend) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail("delete"); err != nil {
		return err
	}
	delete(m.rows, id)
	return nil
}

func (m *memBackend) Row(_ context.Context, id string) (Row, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail("row"); err != nil {
		return Row{}, false, err
	}
	row, ok := m.rows[id]
	return row, ok, nil
}

func (m *memBackend) Close() error { return nil }

func (m *memBackend) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.rows)
}

func newCodecs() []securecookie.Codec {
	return securecookie.CodecsFromPairs([]byte(rand.Text() + rand.Text()))
}

func newTestStore(b Backend) *Store {
	return NewStore(b, newCodecs(), &sessions.Options{Path: "/", MaxAge: 3600, HttpOnly: true})
}

// save saves sess and returns the cookie the response set.
func save(t *testing.T, s *Store, sess *sessions.Session) *http.Cookie {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := s.Save(httptest.NewRequest("POST", "/", nil), rec, sess); err != nil {
		t.Fatalf("Save: %v", err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("Save set %d cookies, want 1: %v", len(cookies), rec.Header()["Set-Cookie"])
	}
	return cookies[0]
}

// requestWith returns a request carrying c, or no cookie if c is nil.
func requestWith(c *http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "/show", nil)
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

// backends returns the backends a Store test runs against: SQLite always,
// Redis when a server is available.
func backends(t *testing.T) map[string]func(*testing.T) Backend {
	return map[string]func(*testing.T) Backend{
		"sqlite": func(t *testing.T) Backend {
			return openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{})
		},
		"redis": func(t *testing.T) Backend {
			return openTestRedis(t, redistest.Start(t).URL)
		},
	}
}

func TestStoreRoundTrip(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			b := open(t)
			s := newTestStore(b)

			sess, err := s.New(requestWith(nil), cookieName)
			if err != nil || sess == nil || !sess.IsNew || sess.ID != "" {
				t.Fatalf("New without cookie = %+v, %v; want a fresh session, nil", sess, err)
			}
			sess.Values["name"] = "Ada"
			sess.Values["email"] = "ada@example.com"
			c := save(t, s, sess)

			if sess.ID == "" || len(sess.ID) != 26 {
				t.Errorf("saved session ID = %q, want 26 base32 characters", sess.ID)
			}
			if c.Name != cookieName || c.Path != "/" || !c.HttpOnly || c.MaxAge != 3600 {
				t.Errorf("cookie = %+v, want %s, Path /, HttpOnly, MaxAge 3600", c, cookieName)
			}
			// The cookie holds only the signed id, not the values.
			var id string
			if err := securecookie.DecodeMulti(cookieName, c.Value, &id, s.Codecs...); err != nil || id != sess.ID {
				t.Errorf("cookie decodes to %q, %v; want the id %q", id, err, sess.ID)
			}
			row, ok, err := b.Row(context.Background(), sess.ID)
			if !ok || err != nil {
				t.Fatalf("Row(%s) = %v, %v", sess.ID, ok, err)
			}
			if d := time.Until(row.Expires) - DefaultNewSessionTTL; d.Abs() > 5*time.Second {
				t.Errorf("new row expires in %v, want DefaultNewSessionTTL until its client comes back", time.Until(row.Expires))
			}
			if stored, err := DecodeValues(row.Data); err != nil || stored["name"] != "Ada" {
				t.Errorf("stored row decodes to %v, %v", stored, err)
			}

			got, err := s.New(requestWith(c), cookieName)
			if err != nil {
				t.Fatalf("New with cookie: %v", err)
			}
			// The client came back: the row now lives as long as the cookie.
			row, _, _ = b.Row(context.Background(), sess.ID)
			if d := time.Until(row.Expires) - time.Hour; d.Abs() > 5*time.Second {
				t.Errorf("row expires in %v after the client came back, want MaxAge 1h", time.Until(row.Expires))
			}
			if got.IsNew || got.ID != sess.ID || got.Values["name"] != "Ada" || got.Values["email"] != "ada@example.com" {
				t.Errorf("New with cookie = ID %q IsNew %v Values %v; want the saved session", got.ID, got.IsNew, got.Values)
			}

			// Saving again keeps the id and replaces the values.
			got.Values["name"] = "Grace"
			c2 := save(t, s, got)
			again, err := s.New(requestWith(c2), cookieName)
			if err != nil || again.ID != sess.ID || again.Values["name"] != "Grace" {
				t.Errorf("after second save: ID %q name %v err %v; want ID %q name Grace", again.ID, again.Values["name"], err, sess.ID)
			}
		})
	}
}

func TestStoreGetUsesRegistry(t *testing.T) {
	s := newTestStore(newMemBackend())
	r := requestWith(nil)
	a, err := s.Get(r, cookieName)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Get(r, cookieName)
	if a != b {
		t.Error("Get twice in one request returned different sessions")
	}
	if a.Store() != s {
		t.Error("session's Store() is not the Store")
	}
}

func TestStoreOptionsCopied(t *testing.T) {
	s := newTestStore(newMemBackend())
	sess, _ := s.New(requestWith(nil), cookieName)
	sess.Options.MaxAge = -1
	if s.Options.MaxAge != 3600 {
		t.Errorf("changing a session's Options changed the Store's: MaxAge %d", s.Options.MaxAge)
	}
}

func TestStoreBadCookie(t *testing.T) {
	b := newMemBackend()
	s := newTestStore(b)
	sess, _ := s.New(requestWith(nil), cookieName)
	sess.Values["k"] = "v"
	good := save(t, s, sess)

	otherKey := NewStore(b, newCodecs(), nil)
	wrongKey := save(t, otherKey, sessions.NewSession(otherKey, cookieName))

	tampered := *good
	v := []byte(tampered.Value)
	v[len(v)/2] ^= 1
	tampered.Value = string(v)

	for name, c := range map[string]*http.Cookie{
		"tampered":  &tampered,
		"wrong key": wrongKey,
		"garbage":   {Name: cookieName, Value: "not-a-cookie"},
		"empty":     {Name: cookieName, Value: ""},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := s.New(requestWith(c), cookieName)
			if got == nil || !got.IsNew || got.ID != "" || len(got.Values) != 0 {
				t.Errorf("New = %+v, want a fresh session", got)
			}
			var scErr securecookie.Error
			if !errors.As(err, &scErr) || !scErr.IsDecode() {
				t.Errorf("New error = %v (%T), want a securecookie decode error", err, err)
			}
		})
	}
}

func TestStoreKeyRotation(t *testing.T) {
	b := newMemBackend()
	old := newTestStore(b)
	sess, _ := old.New(requestWith(nil), cookieName)
	sess.Values["k"] = "v"
	c := save(t, old, sess)

	rotated := newTestStore(b)
	rotated.Codecs = append(newCodecs(), old.Codecs...)
	got, err := rotated.New(requestWith(c), cookieName)
	if err != nil || got.Values["k"] != "v" {
		t.Errorf("New with an old-key cookie = %v, %v; want the session", got.Values, err)
	}
}

func TestStoreUnknownID(t *testing.T) {
	s := newTestStore(newMemBackend())
	enc, err := securecookie.EncodeMulti(cookieName, "NOSUCHID", s.Codecs...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.New(requestWith(&http.Cookie{Name: cookieName, Value: enc}), cookieName)
	if err != ErrUnknownID {
		t.Errorf("New with unknown id: err = %v, want ErrUnknownID", err)
	}
	if got == nil || !got.IsNew || got.ID != "" {
		t.Errorf("New with unknown id = %+v, want a fresh session with no ID", got)
	}

	// Saving it makes a new id: a client cannot choose its session id.
	got.Values["k"] = "v"
	save(t, s, got)
	if got.ID == "NOSUCHID" || got.ID == "" {
		t.Errorf("saved session ID = %q, want a fresh random id", got.ID)
	}
}

func TestStoreExpiredRowIsUnknown(t *testing.T) {
	b := openTestSQLite(t, filepath.Join(t.TempDir(), "s.db"), SQLiteOptions{})
	s := newTestStore(b)
	sess, _ := s.New(requestWith(nil), cookieName)
	c := save(t, s, sess)
	// Age the row past its expiry.
	if err := b.Save(context.Background(), sess.ID, []byte("x"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.New(requestWith(c), cookieName); err != ErrUnknownID {
		t.Errorf("New with expired row: err = %v, want ErrUnknownID", err)
	}
}

func TestStoreDelete(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			b := open(t)
			s := newTestStore(b)
			sess, _ := s.New(requestWith(nil), cookieName)
			sess.Values["k"] = "v"
			c := save(t, s, sess)

			got, err := s.New(requestWith(c), cookieName)
			if err != nil {
				t.Fatal(err)
			}
			got.Options.MaxAge = -1
			del := save(t, s, got)
			if del.MaxAge >= 0 || del.Value != "" {
				t.Errorf("deleting cookie = %+v, want MaxAge < 0 and no value", del)
			}
			if _, ok, err := b.Row(context.Background(), sess.ID); ok || err != nil {
				t.Errorf("Row after delete = %v, %v; want gone", ok, err)
			}
			if _, err := s.New(requestWith(c), cookieName); err != ErrUnknownID {
				t.Errorf("New with the old cookie: err = %v, want ErrUnknownID", err)
			}
		})
	}
}

func TestStoreDeleteUnsaved(t *testing.T) {
	s := newTestStore(newMemBackend())
	sess, _ := s.New(requestWith(nil), cookieName)
	sess.Options.MaxAge = -1
	if c := save(t, s, sess); c.MaxAge >= 0 {
		t.Errorf("cookie MaxAge = %d, want < 0", c.MaxAge)
	}
}

func TestStoreSessionCookieLifetime(t *testing.T) {
	b := newMemBackend()
	s := newTestStore(b)
	s.NewSessionTTL = -1 // the row's whole life at once
	sess, _ := s.New(requestWith(nil), cookieName)
	sess.Options.MaxAge = 0
	c := save(t, s, sess)
	if c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("cookie = MaxAge %d Expires %v, want a session cookie", c.MaxAge, c.Expires)
	}
	row, _, _ := b.Row(context.Background(), sess.ID)
	if d := time.Until(row.Expires) - 24*time.Hour; d.Abs() > 5*time.Second {
		t.Errorf("row expires in %v, want 24h", time.Until(row.Expires))
	}
}

// TestStoreNewSessionsNobodyReturnsToExpireSoon posts as a flood would:
// many new sessions whose cookies never come back. Their rows live
// NewSessionTTL, not the cookie's MaxAge; a returning client's row gets
// the whole MaxAge.
func TestStoreNewSessionsNobodyReturnsToExpireSoon(t *testing.T) {
	b := newMemBackend()
	s := newTestStore(b)
	s.NewSessionTTL = time.Minute
	var kept *http.Cookie
	for i := range 50 {
		sess, _ := s.New(requestWith(nil), cookieName)
		sess.Values["name"] = "flood"
		c := save(t, s, sess)
		if i == 0 {
			kept = c
		}
	}
	if _, err := s.New(requestWith(kept), cookieName); err != nil {
		t.Fatal(err)
	}
	long := 0
	b.mu.Lock()
	for _, row := range b.rows {
		switch d := time.Until(row.Expires); {
		case d > 59*time.Minute:
			long++
		case d > time.Minute:
			t.Errorf("row %s expires in %v, want about a minute", row.ID, d)
		}
	}
	b.mu.Unlock()
	if long != 1 {
		t.Errorf("%d rows live the cookie's hour, want 1 (the one whose client came back)", long)
	}

	// With NewSessionTTL < 0 a new row gets the whole MaxAge at once.
	s.NewSessionTTL = -1
	sess, _ := s.New(requestWith(nil), cookieName)
	save(t, s, sess)
	row, _, _ := b.Row(context.Background(), sess.ID)
	if d := time.Until(row.Expires); d < 59*time.Minute {
		t.Errorf("with NewSessionTTL < 0 a new row expires in %v, want 1h", d)
	}
}

func TestStoreTooLarge(t *testing.T) {
	b := newMemBackend()
	s := newTestStore(b)
	s.MaxBytes = 200
	sess, _ := s.New(requestWith(nil), cookieName)
	sess.Values["big"] = strings.Repeat("x", 300)
	rec := httptest.NewRecorder()
	err := s.Save(httptest.NewRequest("POST", "/", nil), rec, sess)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Max != 200 || tl.Size <= 300 {
		t.Fatalf("Save = %v, want *TooLargeError with Max 200 and Size > 300", err)
	}
	if want := "the session is "; !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "more than the store's limit of 200") {
		t.Errorf("error = %q", err)
	}
	if h := rec.Header()["Set-Cookie"]; len(h) != 0 {
		t.Errorf("Save set %v, want no cookie", h)
	}
	if b.len() != 0 || sess.ID != "" {
		t.Errorf("Save stored %d rows and set ID %q, want nothing", b.len(), sess.ID)
	}

	// The default limit is 64 KiB.
	s.MaxBytes = 0
	sess.Values["big"] = strings.Repeat("x", 65<<10)
	if err := s.Save(httptest.NewRequest("POST", "/", nil), httptest.NewRecorder(), sess); !errors.As(err, &tl) || tl.Max != 64<<10 {
		t.Errorf("Save of 65 KiB = %v, want *TooLargeError with Max 65536", err)
	}
	sess.Values["big"] = strings.Repeat("x", 60<<10)
	save(t, s, sess)
}

func TestStoreBackendFails(t *testing.T) {
	b := newMemBackend()
	s := newTestStore(b)
	sess, _ := s.New(requestWith(nil), cookieName)
	sess.Values["k"] = "v"
	c := save(t, s, sess)

	b.err = errors.New("connection refused")
	got, err := s.New(requestWith(c), cookieName)
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Op != "row" {
		t.Errorf("New with failing backend: err = %v, want *UnavailableError row", err)
	}
	if got == nil || !got.IsNew || got.ID != "" {
		t.Errorf("New with failing backend = %+v, want a fresh session", got)
	}

	rec := httptest.NewRecorder()
	err = s.Save(httptest.NewRequest("POST", "/", nil), rec, sess)
	if !errors.As(err, &ue) || ue.Op != "save" || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Save with failing backend = %v, want *UnavailableError save", err)
	}
	if h := rec.Header()["Set-Cookie"]; len(h) != 0 {
		t.Errorf("failed Save set %v, want no cookie", h)
	}

	sess.Options.MaxAge = -1
	if err := s.Save(httptest.NewRequest("POST", "/", nil), httptest.NewRecorder(), sess); !errors.As(err, &ue) || ue.Op != "delete" {
		t.Errorf("delete with failing backend = %v, want *UnavailableError delete", err)
	}
}

func TestStoreUndecodableRow(t *testing.T) {
	b := newMemBackend()
	s := newTestStore(b)
	sess, _ := s.New(requestWith(nil), cookieName)
	c := save(t, s, sess)
	b.Save(context.Background(), sess.ID, []byte("not gob"), time.Now().Add(time.Hour))

	got, err := s.New(requestWith(c), cookieName)
	if err == nil || err == ErrUnknownID {
		t.Errorf("New with undecodable row: err = %v, want a decode error", err)
	}
	if got == nil || !got.IsNew || got.ID != "" {
		t.Errorf("New with undecodable row = %+v, want a fresh session", got)
	}
}

func TestStoreSaveErrors(t *testing.T) {
	s := newTestStore(newMemBackend())
	sess, _ := s.New(requestWith(nil), cookieName)
	type unregistered struct{ X int }
	sess.Values["k"] = unregistered{1}
	if err := s.Save(httptest.NewRequest("POST", "/", nil), httptest.NewRecorder(), sess); err == nil {
		t.Error("Save of an unregistered gob type succeeded")
	}

	s.Codecs = nil
	sess, _ = s.New(requestWith(nil), cookieName)
	rec := httptest.NewRecorder()
	if err := s.Save(httptest.NewRequest("POST", "/", nil), rec, sess); err == nil || len(rec.Header()["Set-Cookie"]) != 0 {
		t.Errorf("Save with no codecs = %v, set %v; want an error and no cookie", err, rec.Header()["Set-Cookie"])
	}
	if err := s.Save(httptest.NewRequest("POST", "/", nil), rec, nil); err == nil {
		t.Error("Save(nil) succeeded")
	}

	// A Store not made by NewStore fails instead of panicking.
	var zero Store
	r := requestWith(&http.Cookie{Name: cookieName, Value: "x"})
	if sess, err := zero.New(r, cookieName); sess == nil || err == nil {
		t.Errorf("zero Store New = %v, %v; want a session and an error", sess, err)
	}
	if err := zero.Save(r, httptest.NewRecorder(), sessions.NewSession(&zero, cookieName)); err == nil {
		t.Error("zero Store Save succeeded")
	}
}

func TestEncodeMatchesGobEncoder(t *testing.T) {
	// gob writes map entries in map order, so compare bytes on one entry.
	one := map[any]any{"name": "Ada"}
	got, err := Encode(one)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := securecookie.GobEncoder{}.Serialize(one)
	if !bytes.Equal(got, want) {
		t.Errorf("Encode = %x, want GobEncoder's %x", got, want)
	}

	values := map[any]any{"name": "Ada", "n": 3, 7: []string{"a", "b"}}
	enc, err := Encode(values)
	if err != nil {
		t.Fatal(err)
	}
	var viaGorilla map[any]any
	if err := (securecookie.GobEncoder{}).Deserialize(enc, &viaGorilla); err != nil || viaGorilla["n"] != 3 {
		t.Errorf("GobEncoder.Deserialize(Encode(v)) = %v, %v", viaGorilla, err)
	}
	back, err := DecodeValues(enc)
	list, _ := back[7].([]string)
	if err != nil || back["name"] != "Ada" || back["n"] != 3 || len(list) != 2 {
		t.Errorf("DecodeValues(Encode(v)) = %v, %v", back, err)
	}
	if _, err := DecodeValues([]byte{0xff, 0x00, 0x13}); err == nil {
		t.Error("DecodeValues(garbage) succeeded")
	}
	if empty, err := Encode(map[any]any{}); err != nil {
		t.Error(err)
	} else if m, err := DecodeValues(empty); err != nil || m == nil || len(m) != 0 {
		t.Errorf("DecodeValues(empty) = %v, %v; want an empty non-nil map", m, err)
	}
}

func FuzzStoreNew(f *testing.F) {
	b := newMemBackend()
	s := newTestStore(b)
	sess, _ := s.New(requestWith(nil), cookieName)
	sess.Values["k"] = "v"
	rec := httptest.NewRecorder()
	if err := s.Save(httptest.NewRequest("POST", "/", nil), rec, sess); err != nil {
		f.Fatal(err)
	}
	good := rec.Result().Cookies()[0].Value
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add("")
	f.Add("MTIzNDU2Nzg5MHw=")
	f.Add(strings.Repeat("A", 5000))
	f.Fuzz(func(t *testing.T, value string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", cookieName+"="+value)
		got, err := s.New(r, cookieName)
		if got == nil {
			t.Fatalf("New(%q) returned a nil session", value)
		}
		if err != nil && (!got.IsNew || got.ID != "") {
			t.Fatalf("New(%q) = %+v with error %v, want a fresh session", value, got, err)
		}
	})
}

func FuzzDecodeValues(f *testing.F) {
	v, _ := Encode(map[any]any{"name": "Ada", "n": 3})
	f.Add(v)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = DecodeValues(data)
	})
}

func TestRedactHidesPasswordsEvenInBadURLs(t *testing.T) {
	for _, spec := range []string{
		"redis://:hunter2@127.0.0.1:6379/0",
		"redis://user:hunter2@127.0.0.1:notaport/0",
		"Redis://:hunter2@h/0",
		"redis://:hun@ter2@h%zz/0",
		"rediss://:hunter2@[::1/0",
	} {
		got := Redact(spec)
		if strings.Contains(got, "hunter2") || strings.Contains(got, "ter2") {
			t.Errorf("Redact(%q) = %q: the password shows", spec, got)
		}
		if !strings.Contains(got, "xxxxx@") {
			t.Errorf("Redact(%q) = %q: no sign of what was hidden", spec, got)
		}
	}
	for _, spec := range []string{"sqlite:/tmp/a@b.db", "redis://127.0.0.1:6379/0", "cookie"} {
		if got := Redact(spec); got != spec {
			t.Errorf("Redact(%q) = %q, want it unchanged", spec, got)
		}
	}
}
