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
