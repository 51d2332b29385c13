package server

// This file holds the handlers that change from one lesson stage to the
// next. The tutor shows their source beside the lesson's Flask code, so each
// is kept short and reads like its Flask twin. StageCode extracts them.

import (
	"net/http"
)

// createUserHardcoded is stage 1's POST /users: it reads the form, logs what
// it got, and sends the browser back to the form. Nothing is remembered.
func (s *Server) createUserHardcoded(w http.ResponseWriter, r *http.Request) {
	name, email, ok := s.readForm(w, r)
	if !ok {
		return
	}
	note(r, "got post info: name="+quote(name)+" email="+quote(email))
	http.Redirect(w, r, "/", http.StatusFound)
}

// showUserHardcoded is stage 1's GET /show: the values are written into
// the handler, whoever asks.
func (s *Server) showUserHardcoded(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "user.html", user{Name: "Jay", Email: "kpatel@codingdojo.com"})
}

// createUserSession is POST /users in stages 2 and 3: the form's values go
// into the session, which travels back to the browser as a signed cookie.
func (s *Server) createUserSession(w http.ResponseWriter, r *http.Request) {
	name, email, ok := s.readForm(w, r)
	if !ok {
		return
	}
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	sess.Values["name"] = name
	sess.Values["email"] = email
	if err := s.saveSession(w, r, sess); err != nil {
		s.sessionError(w, r, err)
		return
	}
	http.Redirect(w, r, "/show", http.StatusFound)
}

// showUserSession is stage 2's GET /show: the handler reads the session and
// passes the values to the template.
func (s *Server) showUserSession(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	name, _ := sess.Values["name"].(string)
	email, _ := sess.Values["email"].(string)
	if s.missing(w, r, sess) {
		return
	}
	s.render(w, r, "user.html", user{Name: name, Email: email, Forget: true})
}

// showUserTemplate is stage 3's GET /show: the handler passes the session
// itself, and the template reads name and email out of it.
func (s *Server) showUserTemplate(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(w, r)
	if !ok || s.missing(w, r, sess) {
		return
	}
	s.render(w, r, "user_session.html", sess)
}

// createUserGrow is the grow stage's POST /users: like stage 3, and each
// post also appends its note to a list kept in the session. The session
// grows with every visit, and so does the cookie that carries it.
func (s *Server) createUserGrow(w http.ResponseWriter, r *http.Request) {
	name, email, ok := s.readForm(w, r)
	if !ok {
		return
	}
	note, ok := s.readNote(w, r)
	if !ok {
		return
	}
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	sess.Values["name"] = name
	sess.Values["email"] = email
	if note != "" {
		notes, _ := sess.Values["notes"].([]string)
		sess.Values["notes"] = append(notes, note)
	}
	if err := s.saveSession(w, r, sess); err != nil {
		s.sessionError(w, r, err)
		return
	}
	http.Redirect(w, r, "/show", http.StatusFound)
}

// showUserGrow is the grow stage's GET /show: the user and every note the
// session has collected.
func (s *Server) showUserGrow(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(w, r)
	if !ok || s.missing(w, r, sess) {
		return
	}
	s.render(w, r, "user_notes.html", sess)
}
