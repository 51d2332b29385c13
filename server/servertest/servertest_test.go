package servertest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestBrowserComesFromItsOwnAddress: a Browser's requests reach the
// server from the source address it was given, it keeps the cookies it is
// set, and it follows redirects unless told not to.
func TestBrowserComesFromItsOwnAddress(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "v1"})
		http.Redirect(w, r, "/echo", http.StatusFound)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("session")
		v := ""
		if c != nil {
			v = c.Value
		}
		io.WriteString(w, r.RemoteAddr+" "+v)
	})
	base := Serve(t, mux)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("Serve = %q", base)
	}
	res, err := Browser(t, "127.0.0.7").Get(base + "/set")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got := string(b); !strings.HasPrefix(got, "127.0.0.7:") || !strings.HasSuffix(got, " v1") {
		t.Errorf("after the redirect the server saw %q, want a request from 127.0.0.7 with the cookie v1", got)
	}
	res, err = NoRedirects(Browser(t, "127.0.0.8")).Get(base + "/set")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Errorf("NoRedirects followed the redirect: %d", res.StatusCode)
	}
}

// TestStudentSendsItsUserAgentAndForm: a Student's request carries its
// User-Agent, its form and the extra header, from its own address.
func TestStudentSendsItsUserAgentAndForm(t *testing.T) {
	var got string
	base := Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got = r.RemoteAddr[:len("127.0.0.9")] + " " + r.UserAgent() + " " + r.Form.Get("name") + " " + r.Header.Get("X-Extra")
		w.WriteHeader(http.StatusTeapot)
	}))
	s := NewStudent(t, base, "127.0.0.9", "Firefox/1")
	if code := s.Do(http.MethodPost, "/users", map[string][]string{"name": {"Ann"}}, http.Header{"X-Extra": {"x"}}); code != http.StatusTeapot {
		t.Errorf("status %d", code)
	}
	if got != "127.0.0.9 Firefox/1 Ann x" {
		t.Errorf("the server saw %q", got)
	}
	if len(s.Cookies()) != 0 {
		t.Errorf("cookies %v", s.Cookies())
	}
}
