package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/formtest/formtest/server"
)

// newDBModel returns a Model on a test server with a session database,
// at the lesson whose progress key is at, and feed, which hands the model
// the server's exchanges seen so far, as the traffic channel would.
func newDBModel(t *testing.T, at string) (m *Model, srv *server.Server, r *Runner, feed func()) {
	t.Helper()
	srv, r = testServerDB(t, server.StageHardcoded)
	sub := srv.Subscribe(256)
	t.Cleanup(sub.Close)
	st := DefaultStyles(true)
	m, err := New(Options{Lessons: testLessons(t), Server: srv, Runner: r, Form: Form{Name: "Ada", Email: "ada@example.com"}, Progress: Progress{Current: at}, Styles: &st})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	feed = func() {
		t.Helper()
		// Every exchange of a finished run has been published by the
		// time the next request could start; give the hub a moment.
		deadline := time.After(2 * time.Second)
		for m.shown == nil || !observed(m.shown) {
			select {
			case e := <-sub.C:
				m.Update(trafficMsg{e})
			case <-deadline:
				t.Fatalf("the server's account of %q never came", m.shown.Title)
			}
		}
	}
	return m, srv, r, feed
}

// sessionScreen returns the screen with the session pane focused.
func sessionScreen(t *testing.T, m *Model) string {
	t.Helper()
	for m.focus != paneSession {
		press(t, m, "tab")
	}
	return screen(m)
}

func TestModelTamperForgeStorage(t *testing.T) {
	m, srv, r, feed := newDBModel(t, "template/signed")
	if m.Stage() != 3 || srv.Storage() != server.StorageSigned || !strings.Contains(screen(m), "· signed cookie") {
		t.Fatalf("stage 4: lesson %d, storage %q:\n%s", m.Stage(), srv.Storage(), screen(m))
	}
	if h := ansi.Strip(m.helpView()); !strings.Contains(h, "t tamper • F forge • S storage • ? keys • q quit") {
		t.Errorf("stage 4's help line = %q", h)
	}

	// t with an empty jar says what to do first.
	press(t, m, "t")
	if !strings.Contains(m.status, "Run the stage first: there is no session cookie to tamper with") || m.shown != nil {
		t.Errorf("t with no cookie: status %q", m.status)
	}

	press(t, m, "enter")
	feed()
	before := r.SessionCookie()
	press(t, m, "t")
	feed()
	if r.SessionCookie() == before || m.shown.Title != "GET /show, tampered cookie" {
		t.Errorf("t did not put a changed cookie in the jar and send it: %q", m.shown.Title)
	}
	if rej, _ := serverVerdict(m.shown); !strings.HasPrefix(rej, "bad signature") {
		t.Errorf("server verdict on the tampered cookie = %q, want bad signature", rej)
	}
	if !strings.Contains(m.status, "The server rejected the tampered cookie: bad signature") {
		t.Errorf("status after t = %q", m.status)
	}
	s := sessionScreen(t, m)
	for _, want := range []string{"The tutor tampered with the session cookie in the jar: it", "✗ REJECTED by the server: bad signature"} {
		if !strings.Contains(s, want) {
			t.Errorf("after t the screen lacks %q:\n%s", want, s)
		}
	}
	if h := m.shown.Hops[0]; !strings.Contains(string(h.ResponseBody), "No user in this session") {
		t.Errorf("tampered GET /show page:\n%s", h.ResponseBody)
	}

	// F forges admin with the lesson's key, which the server uses: accepted.
	press(t, m, "F")
	feed()
	if rej, known := serverVerdict(m.shown); !known || rej != "" {
		t.Errorf("server verdict on the forged cookie = %q, %v; want accepted", rej, known)
	}
	s = sessionScreen(t, m)
	for _, want := range []string{`values     email = "admin@example.com", name = "admin"`, "server     ✓ accepted the cookie"} {
		if !strings.Contains(s, want) {
			t.Errorf("after F the screen lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(m.status, `The server accepted the forged cookie: it shows the user "admin"`) {
		t.Errorf("status after F = %q", m.status)
	}

	// S: encrypted cookies. The forged cookie is encrypted too now, and
	// still accepted; a run shows ciphertext and the decrypted values.
	press(t, m, "S")
	if srv.Storage() != server.StorageEncrypted || !strings.Contains(screen(m), "· encrypted cookie") || !strings.Contains(m.status, "Sessions now: encrypted cookie") {
		t.Fatalf("S: storage %q, status %q", srv.Storage(), m.status)
	}
	press(t, m, "F")
	feed()
	if rej, known := serverVerdict(m.shown); !known || rej != "" || !strings.Contains(m.shown.Action, "encrypted with the block key") {
		t.Errorf("encrypted forge: verdict %q, %v; action %q", rej, known, m.shown.Action)
	}
	press(t, m, "c", "enter")
	feed()
	set := m.shown.Cookies[0]
	if set.Sent || set.Result == nil || !set.Result.Encrypted || set.Result.Values["name"] != "Ada" {
		t.Fatalf("encrypted run's Set-Cookie = %+v", set.Result)
	}
	s = sessionScreen(t, m)
	for _, want := range []string{`decrypted  email = "ada@example.com", name = "Ada"`, "ciphertext (AES-256-CTR)", "Session · decoded cookies · encrypted cookie"} {
		if !strings.Contains(s, want) {
			t.Errorf("encrypted run: the screen lacks %q:\n%s", want, s)
		}
	}

	// S: sessions in the database. The cookie holds an id; the row is shown.
	press(t, m, "S", "c", "enter")
	feed()
	if srv.Storage() != server.StorageServer {
		t.Fatalf("second S: storage %q", srv.Storage())
	}
	set = m.shown.Cookies[0]
	if set.Result == nil || set.Result.SessionID == "" || set.Stored == nil || set.Stored.Values["name"] != "Ada" || set.Stored.Row.ID != set.Result.SessionID {
		t.Fatalf("database run's Set-Cookie = %+v, row %+v", set.Result, set.Stored)
	}
	s = sessionScreen(t, m)
	for _, want := range []string{"session id " + set.Result.SessionID, "row        sqlite table sessions in ", `row values email = "ada@example.com", name = "Ada"`} {
		if !strings.Contains(s, want) {
			t.Errorf("database run: the screen lacks %q:\n%s", want, s)
		}
	}
	// A forged cookie holds a whole session where the server wants an id.
	press(t, m, "F")
	feed()
	if rej, _ := serverVerdict(m.shown); !strings.HasPrefix(rej, "not a session id") || !strings.Contains(m.shown.Action, "expects a signed session id") {
		t.Errorf("forge under database sessions: verdict %q, action %q", rej, m.shown.Action)
	}
	if !strings.Contains(m.status, "The server rejected the forged cookie: not a session id") {
		t.Errorf("status = %q", m.status)
	}
	// And round again.
	press(t, m, "S")
	if srv.Storage() != server.StorageSigned {
		t.Errorf("third S: storage %q, want signed", srv.Storage())
	}
	// Moving to another lesson applies its storage.
	press(t, m, "S", "n")
	if srv.Storage() != server.StorageEncrypted || m.Stage() != 4 {
		t.Errorf("stage 5: lesson %d, storage %q", m.Stage(), srv.Storage())
	}
}

func TestStorageCycleWithoutDatabase(t *testing.T) {
	m, srv, _ := newTestModel(t, Progress{}, nil)
	var got []server.Storage
	for range 3 {
		press(t, m, "S")
		got = append(got, srv.Storage())
	}
	if want := []server.Storage{server.StorageEncrypted, server.StorageSigned, server.StorageEncrypted}; !slices.Equal(got, want) {
		t.Errorf("S without a database cycles %v, want %v", got, want)
	}
	if !strings.Contains(m.status, "No database: S skips") && srv.Storage() == server.StorageSigned {
		t.Errorf("status = %q", m.status)
	}
}

func TestModelGrowsUntilTheCookieIsFull(t *testing.T) {
	m, srv, _, feed := newDBModel(t, "grow/signed")
	if srv.Stage() != server.StageGrow {
		t.Fatalf("server stage %q", srv.Stage())
	}
	runs := 0
	for ; runs < 8; runs++ {
		press(t, m, "enter")
		feed()
		if m.shown.Hops[0].Status == server.StatusSessionTooLarge {
			break
		}
		if !strings.Contains(m.status, fmt.Sprintf("Note %d added: the session cookie is ", runs+1)) {
			t.Errorf("run %d: status %q", runs+1, m.status)
		}
	}
	if runs < 2 || runs >= 8 {
		t.Fatalf("the cookie filled after %d runs", runs+1)
	}
	if !slices.IsSorted(m.growSizes) || len(m.growSizes) != runs {
		t.Errorf("cookie sizes %v over %d runs", m.growSizes, runs)
	}
	if !m.statusErr || !strings.Contains(m.status, "507: the session would not fit in a cookie") || !strings.Contains(screen(m), "HTTP/1.1 507 Insufficient Storage") {
		t.Errorf("after the 413: status %q\n%s", m.status, screen(m))
	}
	// In the database the session grows on and the cookie stays small.
	press(t, m, "S", "S")
	for range runs + 1 {
		press(t, m, "enter")
		feed()
	}
	last := m.shown.Hops[len(m.shown.Hops)-1]
	if srv.Storage() != server.StorageServer || m.shown.Hops[0].Status != 302 || last.Status != 200 {
		t.Fatalf("database run: storage %q, statuses %d, %d", srv.Storage(), m.shown.Hops[0].Status, last.Status)
	}
	if size := setCookieSize(m.shown); size == 0 || size > 200 || storedSize(m.shown) < 2*growNoteBytes*runs/2 {
		t.Errorf("database run: cookie %d bytes, row %d bytes", size, storedSize(m.shown))
	}
	if !strings.Contains(m.status, "The database row holds") {
		t.Errorf("status = %q", m.status)
	}
	if n := strings.Count(string(last.ResponseBody), "note "); n < runs+1 {
		t.Errorf("/show lists %d notes, want %d", n, runs+1)
	}
}
