package tui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// noCookie is why t cannot tamper: the jar holds no session cookie.
const noCookie = "run the stage first: there is no session cookie to tamper with"

// forgedValues are the values a forged cookie claims.
func forgedValues() map[string]string {
	return map[string]string{"name": "admin", "email": "admin@example.com"}
}

// lessonStorage is where the server keeps sessions during l: its Storage,
// or signed cookies when it names none.
func lessonStorage(l lessons.Lesson) (server.Storage, error) {
	if l.Storage == "" {
		return server.StorageSigned, nil
	}
	return server.ParseStorage(l.Storage)
}

// progressKey names lesson l in the saved progress: its stage, and its
// storage when it names one, since a stage may be taught again with
// another storage ("template", "template/signed").
func progressKey(l lessons.Lesson) string {
	if l.Storage == "" {
		return l.Stage
	}
	return l.Stage + "/" + l.Storage
}

// storageName says in a few words where sessions are kept.
func storageName(st server.Storage) string {
	switch st {
	case server.StorageEncrypted:
		return "encrypted cookie"
	case server.StorageServer:
		return "session in database"
	case server.StorageSigned:
		return "signed cookie"
	}
	return string(st)
}

// storageSentence explains a storage in a sentence.
func storageSentence(st server.Storage) string {
	switch st {
	case server.StorageEncrypted:
		return "the whole session travels in the cookie, signed and encrypted (AES-256-CTR with a block key derived from the secret): the browser carries values it cannot read"
	case server.StorageServer:
		return "the values live in a database row; the cookie carries only the row's random id, signed"
	}
	return "the whole session travels in the cookie, signed but not encrypted: anyone holding it can read the values"
}

// nextStorage is the storage after st in the cycle signed → encrypted →
// server, skipping server when there is no database.
func nextStorage(st server.Storage, haveDB bool) server.Storage {
	all := server.Storages()
	for i, s := range all {
		if s != st {
			continue
		}
		next := all[(i+1)%len(all)]
		if next == server.StorageServer && !haveDB {
			next = all[(i+2)%len(all)]
		}
		return next
	}
	return server.StorageSigned
}

// goCode returns the Go code shown for a lesson: the stage's handlers and,
// for a lesson that names a storage, the store it runs on.
func goCode(l lessons.Lesson, st server.Stage) (string, error) {
	code, err := server.StageCode(st)
	if err != nil {
		return "", err
	}
	if l.Storage == "" {
		return code, nil
	}
	storage, err := server.ParseStorage(l.Storage)
	if err != nil {
		return "", err
	}
	sc, err := server.StorageCode(storage)
	if err != nil {
		return "", err
	}
	return code + "\n" + sc, nil
}

// goCodeSource names the files goCode reads.
func goCodeSource(l lessons.Lesson) string {
	if l.Storage == "" {
		return "`server/stages.go`"
	}
	return "`server/stages.go` and `server/storage.go`"
}

// growNote is the note the tutor's form adds in the grow stage on run n
// (from 1): readable text of about 700 bytes, so that a few runs fill a
// cookie.
func growNote(n int) string {
	const filler = "the session keeps every note it is given, and the cookie carries the whole session to the browser and back on every request. "
	var b strings.Builder
	fmt.Fprintf(&b, "note %d: ", n)
	for b.Len() < growNoteBytes {
		b.WriteString(filler)
	}
	return strings.TrimSpace(b.String()[:growNoteBytes])
}

// growNoteBytes is about how long each grow note is.
const growNoteBytes = 700

// tamper changes one byte of the jar's session cookie, keeping its
// signature, and sends GET /show with it.
func tamper(ctx context.Context, r *Runner) (*Exchange, error) {
	v := r.SessionCookie()
	if v == "" {
		return nil, errors.New(noCookie)
	}
	changed, what, err := cookiecodec.Tamper(v)
	if err != nil {
		return nil, fmt.Errorf("tutor: %w", err)
	}
	r.SetSessionCookie(changed)
	ex, err := r.Run(ctx, http.MethodGet, "/show", Form{})
	ex.Title = "GET /show, tampered cookie"
	ex.Action = "The tutor tampered with the session cookie in the jar: it " + what + "."
	return ex, err
}

// forge signs a session claiming to be admin with the lesson's public key,
// as anyone who knows the key can, encrypts it too when the server keeps
// encrypted cookies, puts it in the jar and sends GET /show with it.
func forge(ctx context.Context, r *Runner, st server.Storage) (*Exchange, error) {
	key := []byte(server.LessonKey)
	var block []byte
	action := "The tutor forged a session cookie claiming name=admin, email=admin@example.com, signed with the lesson's public key (server.LessonKey)"
	if st == server.StorageEncrypted {
		var err error
		if block, err = cookiecodec.DeriveBlockKey(key); err != nil {
			return nil, fmt.Errorf("tutor: %w", err)
		}
		action += " and encrypted with the block key derived from it"
	}
	v, err := cookiecodec.Forge(server.CookieName, forgedValues(), key, block)
	if err != nil {
		return nil, fmt.Errorf("tutor: %w", err)
	}
	r.SetSessionCookie(v)
	ex, err := r.Run(ctx, http.MethodGet, "/show", Form{})
	ex.Title = "GET /show, forged cookie"
	ex.Action = action + ", and put it in the jar."
	if st == server.StorageServer {
		ex.Action += " But the server keeps sessions in its database now: it expects a signed session id, not a whole session."
	}
	return ex, err
}

// lookupStored reads the database row of every session id cookie in ex
// whose signature verifies.
func lookupStored(ctx context.Context, srv *server.Server, ex *Exchange) {
	if ex == nil || srv.Backend() == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	type row struct {
		stored *server.StoredSession
		err    error
	}
	read := make(map[string]row) // one read per id: a run sends the id it was given back
	for i := range ex.Cookies {
		c := &ex.Cookies[i]
		if c.Result == nil || c.Result.SessionID == "" || c.Result.Signature != cookiecodec.Valid {
			continue
		}
		r, ok := read[c.Result.SessionID]
		if !ok {
			r.stored, r.err = srv.StoredSession(ctx, c.Result.SessionID)
			read[c.Result.SessionID] = r
		}
		c.Stored, c.StoredErr, c.StoredChecked = r.stored, r.err, true
	}
}

// observe files e, an exchange the server saw, under the first hop of ex
// that it answers and that has no account yet. It reports whether it did.
func observe(ex *Exchange, e *server.Exchange) bool {
	if ex == nil || clientName(e.RequestHeader.Get("User-Agent")) != "tutor" || e.Start.Before(ex.started) {
		return false
	}
	for i := range ex.Hops {
		h := &ex.Hops[i]
		if h.Observed != nil || h.Status == 0 {
			continue
		}
		if h.Method == e.Method && pathOf(h.URL) == e.Target && h.Status == e.Status && h.SentCookie == e.IncomingCookie {
			cp := *e
			h.Observed = &cp
			return true
		}
		return false // hops are answered in order
	}
	return false
}

// observed reports whether every answered hop of ex has the server's
// account.
func observed(ex *Exchange) bool {
	for _, h := range ex.Hops {
		if h.Status != 0 && h.Observed == nil {
			return false
		}
	}
	return true
}

// serverVerdict is the server's verdict on the last cookie ex sent: the
// reason it rejected it, "" when it accepted it, and known=false until the
// server's account has arrived or when no cookie was sent.
func serverVerdict(ex *Exchange) (rejected string, known bool) {
	if ex == nil {
		return "", false
	}
	for i := len(ex.Hops) - 1; i >= 0; i-- {
		h := ex.Hops[i]
		if h.SentCookie == "" {
			continue
		}
		if h.Observed == nil {
			return "", false
		}
		return h.Observed.Rejected, true
	}
	return "", false
}

// attackOutcome sums up a tamper or forge exchange in a sentence, once the
// server's verdict is known.
func attackOutcome(ex *Exchange) (text string, bad bool) {
	if ex == nil {
		return "", false
	}
	rejected, known := serverVerdict(ex)
	forged := strings.Contains(ex.Action, "forged")
	switch {
	case !known:
		return "", false
	case rejected != "":
		what := "tampered"
		if forged {
			what = "forged"
		}
		return fmt.Sprintf("The server rejected the %s cookie: %s. It treated the request as having no session.", what, sanitize(rejected)), false
	case forged:
		return "The server accepted the forged cookie: it shows the user \"admin\", because the cookie is signed with the lesson's public key, the same key the server uses. Anyone who knows a site's key can log in as anyone.", true
	}
	return "The server accepted the tampered cookie.", true
}

// waitObserved reads the server's exchanges from c until every hop of ex
// has its account, or a short time has passed.
func waitObserved(ctx context.Context, c <-chan server.Exchange, ex *Exchange) {
	if ex == nil || c == nil {
		return
	}
	timeout := time.NewTimer(2 * time.Second)
	defer timeout.Stop()
	for !observed(ex) {
		select {
		case e, ok := <-c:
			if !ok {
				return
			}
			observe(ex, &e)
		case <-timeout.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
