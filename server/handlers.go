package server

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/sessions"

	"github.com/formtest/formtest/server/sessionstore"
)

// user is what user.html shows.
type user struct {
	Name  string
	Email string
	// Forget shows the "Forget me" button, which posts to /logout. The
	// hardcoded stage has no session to forget.
	Forget bool
}

// index serves the form.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	// A plain string: html/template formats other types with fmt. The form
	// shows nothing of the session, so it is written as a public page.
	s.write(w, r, http.StatusOK, "index.html", struct{ Stage string }{string(s.Stage())}, false)
}

// createUser answers POST /users with the current stage's handler.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	switch s.Stage() {
	case StageHardcoded:
		s.createUserHardcoded(w, r)
	case StageGrow:
		s.createUserGrow(w, r)
	default:
		s.createUserSession(w, r)
	}
}

// showUser answers GET /show with the current stage's handler.
func (s *Server) showUser(w http.ResponseWriter, r *http.Request) {
	switch s.Stage() {
	case StageHardcoded:
		s.showUserHardcoded(w, r)
	case StageSession:
		s.showUserSession(w, r)
	case StageGrow:
		s.showUserGrow(w, r)
	default:
		s.showUserTemplate(w, r)
	}
}

// logout answers POST /logout: it ends the session. A cookie session ends
// when its cookie is expired; a database session also loses its row.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if s.Stage() != StageHardcoded {
		sess, ok := s.session(w, r)
		if !ok {
			return
		}
		clear(sess.Values)
		opts := *sess.Options
		opts.MaxAge = -1
		sess.Options = &opts
		if err := s.saveSession(w, r, sess); err != nil {
			s.sessionError(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/", http.StatusFound)
}

// readForm parses the posted form and returns its name and email. On any
// problem it writes a 4xx page naming it and returns ok=false.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (name, email string, ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch ct {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		err = r.ParseMultipartForm(maxBodyBytes)
	default:
		s.fail(w, r, http.StatusUnsupportedMediaType, "The form must be sent as application/x-www-form-urlencoded or multipart/form-data, not "+strconv.Quote(r.Header.Get("Content-Type"))+".")
		return "", "", false
	}
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The form is larger than %d bytes, the most this server reads.", maxBodyBytes))
		} else {
			s.fail(w, r, http.StatusBadRequest, "The form could not be read: "+err.Error()+".")
		}
		return "", "", false
	}
	var values [2]string
	for i, field := range formFields() {
		v := strings.TrimSpace(r.PostForm.Get(field))
		switch {
		case v == "":
			s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("The form has no %q field, or it is empty: fill in both name and email.", field))
			return "", "", false
		case !utf8.ValidString(v):
			s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("The %q field is not valid UTF-8 text.", field))
			return "", "", false
		case strings.IndexFunc(v, unicode.IsControl) >= 0:
			s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("The %q field contains control characters.", field))
			return "", "", false
		}
		values[i] = v
	}
	return values[0], values[1], true
}

// readNote returns the form's optional note, for the grow stage. readForm
// must have parsed the form. Line breaks and tabs are allowed; other control
// characters are refused with a 400 page.
func (s *Server) readNote(w http.ResponseWriter, r *http.Request) (string, bool) {
	v := strings.TrimSpace(r.PostForm.Get("note"))
	switch {
	case !utf8.ValidString(v):
		s.fail(w, r, http.StatusBadRequest, `The "note" field is not valid UTF-8 text.`)
		return "", false
	case strings.IndexFunc(v, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\r' && c != '\t' }) >= 0:
		s.fail(w, r, http.StatusBadRequest, `The "note" field contains control characters.`)
		return "", false
	}
	return v, true
}

// missing reports whether sess lacks name or email, and if so writes a page
// that says which and links back to the form. The lesson's Flask app does
// otherwise, and differently per stage: see flaskOnMissing.
func (s *Server) missing(w http.ResponseWriter, r *http.Request, sess *sessions.Session) bool {
	var absent []string
	for _, field := range formFields() {
		if v, _ := sess.Values[field].(string); v == "" {
			absent = append(absent, field)
		}
	}
	if len(absent) == 0 {
		return false
	}
	st := s.Stage()
	keyError := flaskOnMissing(st) == http.StatusInternalServerError
	if keyError {
		note(r, fmt.Sprintf("session has no %s: the lesson's Flask app would fail here with KeyError: %q (500)", strings.Join(absent, " or "), absent[0]))
	} else {
		note(r, fmt.Sprintf("session has no %s: the lesson's Flask app would answer 200 here, with empty headings", strings.Join(absent, " or ")))
	}
	s.render(w, r, "missing.html", struct {
		Missing  []string
		Stage    Stage
		KeyError bool
	}{absent, st, keyError})
	return true
}

// flaskOnMissing returns the status the lesson's Flask app answers GET /show
// with when the session lacks name or email in stage st. In the session
// stage the handler reads session['name'], which raises KeyError: 500. From
// the template stage on, the template reads {{session['name']}}, which Jinja
// renders as an empty string: 200, with empty headings.
func flaskOnMissing(st Stage) int {
	if st == StageSession {
		return http.StatusInternalServerError
	}
	return http.StatusOK
}

// sessionError answers a session that could not be saved.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	if isTooLarge(err) {
		note(r, err.Error())
		s.fail(w, r, StatusSessionTooLarge, "Not saved: "+err.Error()+". Send shorter values.")
		return
	}
	if ue, down := errors.AsType[*sessionstore.UnavailableError](err); down {
		s.storeFailed(w, r, ue)
		return
	}
	s.log.Error("save session", "err", err)
	s.fail(w, r, http.StatusInternalServerError, "The session could not be saved.")
}

// storeFailed answers a request whose session database failed it, by the
// failure's class:
//   - the client went away (its context was canceled): not a failure of
//     the store; counted apart, logged at debug level, answered 499 to
//     nobody;
//   - temporary (busy, locked, down): 503 with Retry-After and a page that
//     says to try again;
//   - permanent (read-only, corrupt, full, file gone): 500 and a page that
//     promises no retry.
//
// Store failures are logged by s.faults, one line per distinct failure and
// then at most one every faultLogEvery with a count. The page names no
// address or error text: those are for the log, not for whoever is on the
// other end of the connection. The session stays in the database.
func (s *Server) storeFailed(w http.ResponseWriter, r *http.Request, ue *sessionstore.UnavailableError) {
	if ue.Fault == sessionstore.FaultCanceled {
		s.faults.canceled(r.Context(), ue, r.Method, r.URL.Path)
		note(r, "the client went away before the session store answered ("+ue.Error()+"); not a store failure")
		w.WriteHeader(StatusClientClosedRequest)
		return
	}
	s.faults.failed(r.Context(), ue, r.Method, r.URL.Path)
	note(r, "session store "+ue.Fault.String()+": "+ue.Error())
	if !ue.Temporary() {
		msg := "The session database cannot keep sessions: it needs its operator's attention, and trying again will not help until then."
		if r.Method == http.MethodPost {
			msg = "The session database cannot keep sessions, so the form was not saved. It needs its operator's attention; sending the form again will not help until then."
		}
		s.fail(w, r, http.StatusInternalServerError, msg)
		return
	}
	w.Header().Set("Retry-After", "5")
	msg := "The session database is not answering right now. Your session is still there; try again in a few seconds."
	if r.Method == http.MethodPost {
		msg = "The session database is not answering right now, so the form was not saved. Your session is still there; send the form again in a few seconds."
	}
	s.fail(w, r, http.StatusServiceUnavailable, msg)
}

// crossOrigin answers a POST that came from another site's page.
func (s *Server) crossOrigin(w http.ResponseWriter, r *http.Request) {
	note(r, "refused: cross-origin "+r.Method+" (Origin "+quote(r.Header.Get("Origin"))+", Sec-Fetch-Site "+quote(r.Header.Get("Sec-Fetch-Site"))+")")
	s.fail(w, r, http.StatusForbidden, "This form only accepts posts from its own pages; a page on another site tried to post it.")
}

// fail writes an error page with status code and message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	note(r, fmt.Sprintf("%d: %s", code, msg))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.renderStatus(w, r, code, "error.html", struct {
		Status  string
		Message string
	}{fmt.Sprintf("%d %s", code, http.StatusText(code)), msg})
}

// render writes page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data any) {
	s.renderStatus(w, r, http.StatusOK, page, data)
}

// renderStatus writes page with status code. The page may show session
// data, so it is not to be stored, and caches must key on the cookie.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, code int, page string, data any) {
	s.write(w, r, code, page, data, true)
}

// write executes page into a buffer first, so that a template error never
// leaves half a page, then writes it. A private page (one that may show
// session data) is sent with Cache-Control: no-store and Vary: Cookie.
//
// net/http itself sends the Content-Length of a body under autoLengthBytes
// that is written before the handler returns, without an entry in the
// header map to write, clone and sort; renderStatus sets it only for larger
// pages, which net/http would otherwise send chunked, and for HEAD, where no
// body is written.
func (s *Server) write(w http.ResponseWriter, r *http.Request, code int, page string, data any, private bool) {
	buf, _ := s.buffers.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	defer s.buffers.Put(buf)
	if err := s.pages.ExecuteTemplate(buf, page, data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error: the page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = s.headers.contentType
	if private {
		h["Cache-Control"] = s.headers.cacheControl
		h["Vary"] = s.headers.vary
	}
	if r.Method == http.MethodHead || buf.Len() >= autoLengthBytes {
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
	}
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// autoLengthBytes is the size of the buffer in front of a net/http response
// body (its bufferBeforeChunkingSize): a body smaller than this, written in
// full before the handler returns, is sent with a Content-Length that
// net/http computes. TestContentLength checks that pages still carry one.
const autoLengthBytes = 2048

// pageHeaders holds the values of the headers every page carries, made once
// in New so that a response does not allocate them again. The slices are
// shared by all responses: net/http and the observer only read or clone
// header values, and Set or Add replace a slice rather than write into it
// (each has a capacity of one, so an append copies).
type pageHeaders struct {
	contentType, cacheControl, vary []string
}

// newPageHeaders returns the page headers' values, for New.
func newPageHeaders() pageHeaders {
	return pageHeaders{
		contentType:  []string{"text/html; charset=utf-8"},
		cacheControl: []string{"no-store"},
		vary:         []string{"Cookie"},
	}
}

// formFields returns the form's inputs, in the order the page shows them.
func formFields() [2]string { return [2]string{"name", "email"} }

// quote quotes s for a log line, escaping control characters.
func quote(s string) string { return strconv.Quote(s) }

// isForm reports whether r's body is a url-encoded form.
func isForm(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/x-www-form-urlencoded"
}
