package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// newDBModel returns a Model on a test server with a session database,
// at the lesson whose progress key is at, and check, which checks that
// the trip on screen came with the server's record of every hop: the
// engine joins them before the run finishes, so there is nothing to wait
// for.
func newDBModel(t *testing.T, at string) (m *Model, srv *server.Server, r *engine.Client, check func()) {
	t.Helper()
	e, srv := testEngine(t, engine.Progress{Current: at}, true)
	m = newModelOn(t, e)
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	check = func() {
		t.Helper()
		if m.exchange.trip == nil || !observed(m.exchange.trip) {
			t.Fatalf("the server's record of %+v did not come with it", m.exchange.trip)
		}
	}
	return m, srv, e.Tutor(), check
}

// verdict is the server's verdict on the last cookie t sent, and its
// reason for a rejection.
func verdict(t *engine.Trip) (string, bool) {
	v, reason := t.Verdict()
	return reason, v == engine.VerdictAccepted || v == engine.VerdictRejected
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
	m, srv, r, check := newDBModel(t, "template/signed")
	if m.Stage() != 3 || srv.Storage() != server.StorageSigned || !strings.Contains(screen(m), "· signed cookie") {
		t.Fatalf("stage 4: lesson %d, storage %q:\n%s", m.Stage(), srv.Storage(), screen(m))
	}
	// The help names every key the lesson asks for: p and f on the first
	// line, c, t, F and S on the second.
	if h := ansi.Strip(m.helpView()); !strings.Contains(h, "p/← prev") || !strings.Contains(h, "f form") || !strings.Contains(h, "\nc clear jar • t tamper • F forge • S storage") {
		t.Errorf("stage 4's help = %q", h)
	}

	// t with an empty jar says what to do first.
	press(t, m, "t")
	if !strings.Contains(m.status.text, "Run the stage first: there is no session cookie to tamper with") || m.exchange.trip != nil {
		t.Errorf("t with no cookie: status %q", m.status.text)
	}

	press(t, m, "enter")
	check()
	before := r.SessionCookie()
	press(t, m, "t")
	check()
	if r.SessionCookie() == before || m.exchange.trip.Title != "GET /show, tampered cookie" {
		t.Errorf("t did not put a changed cookie in the jar and send it: %q", m.exchange.trip.Title)
	}
	if rej, _ := verdict(m.exchange.trip); !strings.HasPrefix(rej, "bad signature") {
		t.Errorf("server verdict on the tampered cookie = %q, want bad signature", rej)
	}
	if !strings.Contains(m.status.text, "The server rejected the tampered cookie: bad signature") {
		t.Errorf("status after t = %q", m.status.text)
	}
	s := sessionScreen(t, m)
	for _, want := range []string{"The tutor tampered with the session cookie in the jar: it", "✗ REJECTED by the server: bad signature"} {
		if !strings.Contains(s, want) {
			t.Errorf("after t the screen lacks %q:\n%s", want, s)
		}
	}
	// The session pane gives the server's reason once.
	_, reason := m.exchange.trip.Verdict()
	detail := strings.TrimPrefix(reason, "bad signature: ")
	plain := PlainStyles()
	if pane := (renderer{st: &plain}).session(m.exchange.trip); strings.Count(pane, detail) != 1 {
		t.Errorf("the session pane gives the reason %q %d times:\n%s", detail, strings.Count(pane, detail), pane)
	}
	if h := m.exchange.trip.Hops[0]; !strings.Contains(string(h.ResponseBody), "No user in this session") {
		t.Errorf("tampered GET /show page:\n%s", h.ResponseBody)
	}

	// F forges admin with the lesson's key, which the server uses: accepted.
	press(t, m, "F")
	check()
	if rej, known := verdict(m.exchange.trip); !known || rej != "" {
		t.Errorf("server verdict on the forged cookie = %q, %v; want accepted", rej, known)
	}
	s = sessionScreen(t, m)
	for _, want := range []string{`values     email = "admin@example.com", name = "admin"`, "server     ✓ accepted the cookie"} {
		if !strings.Contains(s, want) {
			t.Errorf("after F the screen lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(m.status.text, `The server accepted the forged cookie: it shows the user "admin"`) {
		t.Errorf("status after F = %q", m.status.text)
	}

	// S: encrypted cookies. The forged cookie is encrypted too now, and
	// still accepted; a run shows ciphertext and the decrypted values.
	press(t, m, "S")
	if srv.Storage() != server.StorageEncrypted || !strings.Contains(screen(m), "· encrypted cookie") || !strings.Contains(m.status.text, "Sessions now: encrypted cookie") {
		t.Fatalf("S: storage %q, status %q", srv.Storage(), m.status.text)
	}
	press(t, m, "F")
	check()
	if rej, known := verdict(m.exchange.trip); !known || rej != "" || !strings.Contains(m.exchange.trip.Action, "encrypted with the block key") {
		t.Errorf("encrypted forge: verdict %q, %v; action %q", rej, known, m.exchange.trip.Action)
	}
	press(t, m, "c", "enter")
	check()
	set := m.exchange.trip.Cookies[0]
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
	check()
	if srv.Storage() != server.StorageServer {
		t.Fatalf("second S: storage %q", srv.Storage())
	}
	set = m.exchange.trip.Cookies[0]
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
	check()
	if rej, _ := verdict(m.exchange.trip); !strings.HasPrefix(rej, "not a session id") || !strings.Contains(m.exchange.trip.Action, "expects a signed session id") {
		t.Errorf("forge under database sessions: verdict %q, action %q", rej, m.exchange.trip.Action)
	}
	if !strings.Contains(m.status.text, "The server rejected the forged cookie: not a session id") {
		t.Errorf("status = %q", m.status.text)
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
	m, srv, _ := newTestModel(t, engine.Progress{})
	var got []server.Storage
	for range 3 {
		press(t, m, "S")
		got = append(got, srv.Storage())
	}
	if want := []server.Storage{server.StorageEncrypted, server.StorageSigned, server.StorageEncrypted}; !slices.Equal(got, want) {
		t.Errorf("S without a database cycles %v, want %v", got, want)
	}
	if !strings.Contains(m.status.text, "No database: S skips") && srv.Storage() == server.StorageSigned {
		t.Errorf("status = %q", m.status.text)
	}
}

func TestModelGrowsUntilTheCookieIsFull(t *testing.T) {
	m, srv, _, check := newDBModel(t, "grow/signed")
	if srv.Stage() != server.StageGrow {
		t.Fatalf("server stage %q", srv.Stage())
	}
	runs := 0
	for ; runs < 8; runs++ {
		press(t, m, "enter")
		check()
		if m.exchange.trip.Hops[0].Status == server.StatusSessionTooLarge {
			break
		}
		if !strings.Contains(m.status.text, fmt.Sprintf("Note %d added: the session cookie is ", runs+1)) {
			t.Errorf("run %d: status %q", runs+1, m.status.text)
		}
	}
	if runs < 2 || runs >= 8 {
		t.Fatalf("the cookie filled after %d runs", runs+1)
	}
	if g := m.lastGrowth(); g == nil || !slices.IsSorted(g.Sizes) || len(g.Sizes) != runs {
		t.Errorf("cookie sizes %+v over %d runs", g, runs)
	}
	if !m.status.isErr || !strings.Contains(m.status.text, fmt.Sprintf("%d: the session would not fit in a cookie", server.StatusSessionTooLarge)) || !strings.Contains(screen(m), "HTTP/1.1 "+tooLarge) {
		t.Errorf("after the session outgrew its cookie: status %q\n%s", m.status.text, screen(m))
	}
	// In the database the session grows on and the cookie stays small.
	press(t, m, "S", "S")
	for range runs + 1 {
		press(t, m, "enter")
		check()
	}
	last := m.exchange.trip.Hops[len(m.exchange.trip.Hops)-1]
	if srv.Storage() != server.StorageServer || m.exchange.trip.Hops[0].Status != 302 || last.Status != 200 {
		t.Fatalf("database run: storage %q, statuses %d, %d", srv.Storage(), m.exchange.trip.Hops[0].Status, last.Status)
	}
	if size := setCookieSize(m.exchange.trip); size == 0 || size > 200 || storedSize(m.exchange.trip) < 2*engine.GrowNoteBytes*runs/2 {
		t.Errorf("database run: cookie %d bytes, row %d bytes", size, storedSize(m.exchange.trip))
	}
	if !strings.Contains(m.status.text, "The database row holds") {
		t.Errorf("status = %q", m.status.text)
	}
	if n := strings.Count(string(last.ResponseBody), "note "); n < runs+1 {
		t.Errorf("/show lists %d notes, want %d", n, runs+1)
	}
}
