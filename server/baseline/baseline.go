// Package baseline is the yardstick for formtest's server: the lesson's three
// routes on net/http and gorilla/sessions with nothing else, no observer, no
// validation, no cross-origin check. Benchmarks and wrk runs compare
// formtest serve --quiet against it.
//
// It answers with what the routes must send, no more: the same pages, a
// Content-Type, and on the page that shows the session the two headers
// that keep it out of shared caches (Cache-Control: no-store, Vary: Cookie).
// A server that showed session data without them would not be doing the
// same job, so the comparison measures formtest's extras, not the HTTP
// the lesson requires of both.
package baseline

import (
	"html/template"
	"net/http"

	"github.com/gorilla/sessions"
)

// Handler returns the baseline server's handler, signing sessions with key
// and rendering pages (formtest's own, from server.Pages, so that both
// servers send the same bytes).
func Handler(key []byte, pages *template.Template) http.Handler {
	store := sessions.NewCookieStore(key)
	store.Options.HttpOnly = true
	store.Options.Secure = false
	store.Options.SameSite = http.SameSiteLaxMode
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		pages.ExecuteTemplate(w, "index.html", map[string]string{"Stage": "template"})
	})
	mux.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		sess, _ := store.Get(r, "session")
		sess.Values["name"] = r.PostFormValue("name")
		sess.Values["email"] = r.PostFormValue("email")
		if err := sess.Save(r, w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/show", http.StatusFound)
	})
	mux.HandleFunc("GET /show", func(w http.ResponseWriter, r *http.Request) {
		sess, _ := store.Get(r, "session")
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Vary", "Cookie")
		pages.ExecuteTemplate(w, "user.html", map[string]any{"Name": sess.Values["name"], "Email": sess.Values["email"], "Forget": true})
	})
	return mux
}
