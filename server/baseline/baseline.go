// Package baseline is the yardstick for formtest's server: the lesson's three
// routes on net/http and gorilla/sessions with nothing else, no observer, no
// validation, no cross-origin check. Benchmarks and wrk runs compare
// formtest serve --quiet against it.
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
		pages.ExecuteTemplate(w, "user.html", map[string]any{"Name": sess.Values["name"], "Email": sess.Values["email"]})
	})
	return mux
}
