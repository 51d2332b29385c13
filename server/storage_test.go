package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/server/sessionstore"
)

// openSQLite opens a session database in a fresh temporary directory.
func openSQLite(t *testing.T, path string) sessionstore.Backend {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "sessions.db")
	}
	b, err := sessionstore.Open(t.Context(), "sqlite:"+path)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// sessionCookieValue returns the value of the session Set-Cookie in r.
func sessionCookieValue(t *testing.T, r response) string {
	t.Helper()
	for _, line := range r.header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == CookieName {
			return c.Value
		}
	}
	t.Fatalf("no session Set-Cookie in %v", r.header)
	return ""
}

func TestEncryptedStorageHidesTheValues(t *testing.T) {
	key := []byte("test-key-0123456789abcdef0123456789")
	_, ts, c := newTestServer(t, Config{Keys: [][]byte{key}, Storage: StorageEncrypted})
	r := postForm(t, c, ts.URL+"/users", lessonForm())
	if r.status != http.StatusFound {
		t.Fatalf("POST /users = %d %s", r.status, r.body)
	}
	value := sessionCookieValue(t, r)
	res, err := cookiecodec.Decode(value, cookiecodec.Options{Format: cookiecodec.Gorilla, Secrets: [][]byte{key}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Signature != cookiecodec.Valid || !res.Encrypted || res.Values != nil {
		t.Fatalf("with the hash key only: signature %v encrypted %v values %v; want valid, encrypted, unreadable", res.Signature, res.Encrypted, res.Values)
	}
	block, _ := cookiecodec.DeriveBlockKey(key)
	res, err = cookiecodec.Decode(value, cookiecodec.Options{Format: cookiecodec.Gorilla, Secrets: [][]byte{key}, BlockKeys: [][]byte{block}})
	if err != nil || res.Values["name"] != "Ada" {
		t.Fatalf("with the derived block key: %v, %v", res, err)
	}
	if show := get(t, c, ts.URL+"/show"); show.status != http.StatusOK || !strings.Contains(show.body, "Ada") {
		t.Fatalf("GET /show = %d, want the values the server decrypted", show.status)
	}
}

func TestSwitchingStorageRejectsOldCookies(t *testing.T) {
	s, ts, c := newTestServer(t, Config{Backend: openSQLite(t, ""), Storage: StorageSigned})
	postForm(t, c, ts.URL+"/users", lessonForm())
	for _, st := range []Storage{StorageEncrypted, StorageServer} {
		if err := s.SetStorage(st); err != nil {
			t.Fatal(err)
		}
		sub := s.Subscribe(4)
		if r := get(t, c, ts.URL+"/show"); !strings.Contains(r.body, "No user in this session") {
			t.Errorf("%s: a cookie from another storage was accepted", st)
		}
		if e := <-sub.C; e.Rejected == "" || e.Storage != st {
			t.Errorf("%s: exchange storage %q rejected %q", st, e.Storage, e.Rejected)
		}
		sub.Close()
		postForm(t, c, ts.URL+"/users", lessonForm())
		if r := get(t, c, ts.URL+"/show"); !strings.Contains(r.body, "Ada") {
			t.Errorf("%s: a fresh session did not work: %s", st, r.body)
		}
	}
	// Back to cookies: the session-id cookie no longer counts, and the
	// observer says so rather than showing the row.
	if err := s.SetStorage(StorageSigned); err != nil {
		t.Fatal(err)
	}
	sub := s.Subscribe(4)
	defer sub.Close()
	if r := get(t, c, ts.URL+"/show"); !strings.Contains(r.body, "No user in this session") {
		t.Errorf("signed: a session-id cookie was accepted: %s", r.body)
	}
	if e := <-sub.C; !strings.Contains(e.Rejected, "session id") || e.Session != nil || e.Stored != nil {
		t.Errorf("signed: exchange rejected %q, session %v, stored %v", e.Rejected, e.Session, e.Stored)
	}
}

func TestSetStorageNeedsADatabase(t *testing.T) {
	s, _, _ := newTestServer(t, Config{})
	if err := s.SetStorage(StorageServer); err == nil || !strings.Contains(err.Error(), "--store") {
		t.Fatalf("SetStorage(server) without a database = %v, want an error naming --store", err)
	}
	if err := s.SetStorage("disk"); err == nil {
		t.Fatal("SetStorage(disk) succeeded")
	}
	if _, err := New(Config{Keys: [][]byte{[]byte("k")}, Storage: StorageServer}); err == nil {
		t.Fatal("New with server storage and no Backend succeeded")
	}
}

func TestServerStorageSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	db := openSQLite(t, path)
	key := []byte("test-key-0123456789abcdef0123456789")
	s, ts, c := newTestServer(t, Config{Keys: [][]byte{key}, Backend: db})
	if s.Storage() != StorageServer {
		t.Fatalf("storage = %s, want server when a Backend is given", s.Storage())
	}
	sub := s.Subscribe(8)
	defer sub.Close()
	r := postForm(t, c, ts.URL+"/users", lessonForm())
	if r.status != http.StatusFound {
		t.Fatalf("POST /users = %d %s", r.status, r.body)
	}
	res, err := cookiecodec.Decode(sessionCookieValue(t, r), cookiecodec.Options{Format: cookiecodec.Gorilla, Secrets: [][]byte{key}})
	if err != nil {
		t.Fatal(err)
	}
	if res.SessionID == "" || res.Values != nil {
		t.Fatalf("the cookie holds values %v and id %q; want only an id", res.Values, res.SessionID)
	}
	post := <-sub.C
	if post.SessionID != res.SessionID || post.Stored == nil || post.Stored.Values["name"] != "Ada" || !strings.Contains(post.Stored.Row.Where, "sqlite") {
		t.Fatalf("exchange: id %q stored %+v", post.SessionID, post.Stored)
	}
	stored, err := s.StoredSession(t.Context(), res.SessionID)
	if err != nil || stored == nil || stored.Values["email"] != "ada@example.com" || stored.Row.Expires.Before(time.Now()) {
		t.Fatalf("StoredSession = %+v, %v", stored, err)
	}
	if show := get(t, c, ts.URL+"/show"); !strings.Contains(show.body, "Ada") {
		t.Fatalf("GET /show: %s", show.body)
	}
	<-sub.C

	// A restart loses nothing: a new server on the reopened file knows the session.
	db.Close()
	s2, ts2, _ := newTestServer(t, Config{Keys: [][]byte{key}, Backend: openSQLite(t, path)})
	u, _ := url.Parse(ts.URL)
	req, _ := http.NewRequest(http.MethodGet, ts2.URL+"/show", nil)
	for _, ck := range c.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	if show := do(t, http.DefaultClient, req); !strings.Contains(show.body, "Ada") {
		t.Fatalf("after a restart GET /show = %d %s", show.status, show.body)
	}

	// Logging out deletes the row; the old cookie then names no session.
	c2 := ts2.Client()
	c2.Jar = c.Jar
	c2.CheckRedirect = c.CheckRedirect
	req, _ = http.NewRequest(http.MethodPost, ts2.URL+"/logout", nil)
	if r := do(t, c2, req); r.status != http.StatusFound {
		t.Fatalf("POST /logout = %d", r.status)
	}
	if stored, err := s2.StoredSession(t.Context(), res.SessionID); err != nil || stored != nil {
		t.Fatalf("after logout the row is %+v, %v; want gone", stored, err)
	}
	sub2 := s2.Subscribe(2)
	defer sub2.Close()
	req, _ = http.NewRequest(http.MethodGet, ts2.URL+"/show", nil)
	req.AddCookie(&http.Cookie{Name: CookieName, Value: sessionCookieValue(t, r)})
	if show := do(t, http.DefaultClient, req); !strings.Contains(show.body, "No user in this session") {
		t.Fatalf("a deleted session's cookie still works: %s", show.body)
	}
	if e := <-sub2.C; !strings.HasPrefix(e.Rejected, "unknown session id") {
		t.Errorf("Rejected = %q, want unknown session id", e.Rejected)
	}
}

// flakyBackend is a session database that can be taken down and brought
// back, to test how the server behaves when its store fails.
type flakyBackend struct {
	mu    sync.Mutex
	rows  map[string][]byte
	down  atomic.Bool
	fault sessionstore.Fault // the class of the failures while down
}

func (f *flakyBackend) fail(op string) error {
	if f.down.Load() {
		return &sessionstore.UnavailableError{Kind: "flaky", Op: op, Fault: f.fault, Err: errors.New("connection refused")}
	}
	return nil
}

func (f *flakyBackend) Kind() string { return "flaky" }

func (f *flakyBackend) Load(_ context.Context, id string) ([]byte, bool, error) {
	if err := f.fail("load"); err != nil {
		return nil, false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.rows[id]
	return b, ok, nil
}

func (f *flakyBackend) Save(_ context.Context, id string, data []byte, _ time.Time) error {
	if err := f.fail("save"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rows == nil {
		f.rows = make(map[string][]byte)
	}
	f.rows[id] = data
	return nil
}

func (f *flakyBackend) Delete(_ context.Context, id string) error {
	if err := f.fail("delete"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.rows, id)
	return nil
}

func (f *flakyBackend) Row(ctx context.Context, id string) (sessionstore.Row, bool, error) {
	b, ok, err := f.Load(ctx, id)
	return sessionstore.Row{Where: "flaky", ID: id, Data: b}, ok, err
}

func (f *flakyBackend) Close() error { return nil }

func TestStoreFailureIs503AndRecovers(t *testing.T) {
	db := &flakyBackend{}
	var logged strings.Builder
	var logMu sync.Mutex
	_, ts, c := newTestServer(t, Config{Backend: db, Logger: testLogger(&logMu, &logged)})
	if r := postForm(t, c, ts.URL+"/users", lessonForm()); r.status != http.StatusFound {
		t.Fatalf("POST /users = %d", r.status)
	}
	db.down.Store(true)
	for _, try := range []func() response{
		func() response { return get(t, c, ts.URL+"/show") },
		func() response { return postForm(t, c, ts.URL+"/users", lessonForm()) },
	} {
		r := try()
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "again in a few seconds") {
			t.Fatalf("with the store down: %d Retry-After %q\n%s", r.status, r.header.Get("Retry-After"), r.body)
		}
		if r.header.Get("Set-Cookie") != "" {
			t.Errorf("a 503 set a cookie: %q", r.header.Get("Set-Cookie"))
		}
		if strings.Contains(r.body, "connection refused") {
			t.Errorf("the 503 page shows the internal error:\n%s", r.body)
		}
	}
	logMu.Lock()
	if !strings.Contains(logged.String(), "session store unavailable") {
		t.Errorf("no log line for the failure; log:\n%s", logged.String())
	}
	logMu.Unlock()
	db.down.Store(false)
	if r := get(t, c, ts.URL+"/show"); r.status != http.StatusOK || !strings.Contains(r.body, "Ada") {
		t.Fatalf("after the store came back GET /show = %d: the session was lost", r.status)
	}
}

func TestGrowStageOutgrowsTheCookie(t *testing.T) {
	s, ts, c := newTestServer(t, Config{Stage: StageGrow, Backend: openSQLite(t, ""), Storage: StorageSigned})
	note := strings.Repeat("a note that makes the session bigger. ", 20) // 760 bytes
	form := lessonForm()
	form.Set("note", note)
	var n int
	for n = 1; n < 20; n++ {
		r := postForm(t, c, ts.URL+"/users", form)
		if r.status == StatusSessionTooLarge {
			if !strings.Contains(r.body, "would not fit in a cookie") || r.header.Get("Set-Cookie") != "" {
				t.Fatalf("%d without the cookie message, or with a cookie: %s", r.status, r.body)
			}
			break
		}
		if r.status != http.StatusFound {
			t.Fatalf("post %d = %d %s", n, r.status, r.body)
		}
	}
	if n < 2 || n >= 20 {
		t.Fatalf("the session outgrew the cookie at post %d", n)
	}
	show := get(t, c, ts.URL+"/show")
	if got := strings.Count(show.body, "<li>"); got != n-1 {
		t.Errorf("/show lists %d notes, want the %d that fitted", got, n-1)
	}
	// The same data fits when the session lives in the database.
	if err := s.SetStorage(StorageServer); err != nil {
		t.Fatal(err)
	}
	for i := range n + 2 {
		if r := postForm(t, c, ts.URL+"/users", form); r.status != http.StatusFound {
			t.Fatalf("server storage, post %d = %d %s", i+1, r.status, r.body)
		}
	}
	show = get(t, c, ts.URL+"/show")
	if got := strings.Count(show.body, "<li>"); got != n+2 {
		t.Errorf("/show lists %d notes, want %d", got, n+2)
	}
	// A note with a control character is refused.
	form.Set("note", "bell\a")
	if r := postForm(t, c, ts.URL+"/users", form); r.status != http.StatusBadRequest || !strings.Contains(r.body, "note") {
		t.Errorf("control character in note = %d", r.status)
	}
}

func TestForgedCookieWithTheLessonKeyIsAccepted(t *testing.T) {
	_, ts, c := newTestServer(t, Config{Keys: [][]byte{[]byte(LessonKey)}})
	forged, err := cookiecodec.Forge(CookieName, map[string]string{"name": "admin", "email": "admin@example.com"}, []byte(LessonKey), nil)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/show", nil)
	req.AddCookie(&http.Cookie{Name: CookieName, Value: forged})
	if r := do(t, c, req); !strings.Contains(r.body, "admin@example.com") {
		t.Fatalf("a cookie forged with the public key was refused: %s", r.body)
	}
}

func TestStorageCode(t *testing.T) {
	for _, st := range Storages() {
		code, err := StorageCode(st)
		if err != nil || !strings.HasPrefix(code, "// new") || !strings.Contains(code, "func new") {
			t.Errorf("StorageCode(%s) = %q, %v", st, code, err)
		}
	}
	if code, err := StageCode(StageGrow); err != nil || !strings.Contains(code, "notes") {
		t.Errorf("StageCode(grow) = %q, %v", code, err)
	}
}

// rawSerializer signs bytes as they are, to build hostile payloads.
type rawSerializer struct{}

func (rawSerializer) Serialize(src any) ([]byte, error)     { return src.([]byte), nil }
func (rawSerializer) Deserialize(src []byte, dst any) error { return nil }

// TestSignedHostileGobIsRefused signs, with the lesson's public key, a gob
// payload whose forged map length makes encoding/gob allocate without end
// when it decodes into a nil map. Anyone can sign with a public key, so the
// server must survive it: gorilla decodes into the session's existing map,
// which gob fills entry by entry, and the payload runs out at once.
func TestSignedHostileGobIsRefused(t *testing.T) {
	hostile := []byte("\r\x7f\x04\x01\x02\xff \x00\x01\x10\x01\x10\x00\x000\xff\x80\x00\xfa\x00\x00\xfa00000000000000000000000000000000000000000")
	for _, st := range []Storage{StorageSigned, StorageEncrypted} {
		t.Run(string(st), func(t *testing.T) {
			key := []byte(LessonKey)
			var block []byte
			if st == StorageEncrypted {
				block, _ = cookiecodec.DeriveBlockKey(key)
			}
			sc := securecookie.New(key, block).SetSerializer(rawSerializer{})
			value, err := sc.Encode(CookieName, hostile)
			if err != nil {
				t.Fatal(err)
			}
			_, ts, c := newTestServer(t, Config{Keys: [][]byte{key}, Storage: st})
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/show", nil)
			req.AddCookie(&http.Cookie{Name: CookieName, Value: value})
			if r := do(t, c, req); r.status != http.StatusOK || !strings.Contains(r.body, "No user in this session") {
				t.Fatalf("GET /show with a hostile payload = %d\n%s", r.status, r.body)
			}
		})
	}
}
