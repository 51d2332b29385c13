package tui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

func TestRunHardcoded(t *testing.T) {
	_, r := testServer(t, server.StageHardcoded)
	ex, err := r.Run(context.Background(), "GET", "/show", Form{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(ex.Hops) != 1 {
		t.Fatalf("Run made %d hops, want 1", len(ex.Hops))
	}
	h := ex.Hops[0]
	if h.RequestHead[0] != "GET /show HTTP/1.1" || h.Status != 200 || h.ResponseHead[0] != "HTTP/1.1 200 OK" {
		t.Errorf("hop = %q / %d %q, want GET /show and 200 OK", h.RequestHead[0], h.Status, h.ResponseHead[0])
	}
	if h.SentCookie != "" || len(h.SetCookies) != 0 || len(ex.Cookies) != 0 {
		t.Errorf("stage 1 moved cookies: sent %q, set %q", h.SentCookie, h.SetCookies)
	}
	if !strings.Contains(string(h.ResponseBody), "Jay") || strings.Contains(string(h.ResponseBody), "Ada") {
		t.Errorf("stage 1 page does not show the hard-coded values:\n%s", h.ResponseBody)
	}
}

func TestRunSessionFollowsRedirectHopByHop(t *testing.T) {
	_, r := testServer(t, server.StageSession)
	ex, err := r.Run(context.Background(), "POST", "/users", Form{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(ex.Hops) != 2 {
		t.Fatalf("Run made %d hops, want 2", len(ex.Hops))
	}
	post, show := ex.Hops[0], ex.Hops[1]
	if post.RequestHead[0] != "POST /users HTTP/1.1" || string(post.RequestBody) != "email=ada%40example.com&name=Ada" {
		t.Errorf("first hop = %q with body %q", post.RequestHead[0], post.RequestBody)
	}
	if post.Status != http.StatusFound || post.ResponseHead[0] != "HTTP/1.1 302 Found" || len(post.SetCookies) != 1 {
		t.Fatalf("first hop answered %d %q with Set-Cookie %q, want 302 Found and one cookie", post.Status, post.ResponseHead[0], post.SetCookies)
	}
	if post.SentCookie != "" {
		t.Errorf("first hop sent cookie %q from an empty jar", post.SentCookie)
	}
	if !slices.Contains(post.ResponseHead, "Set-Cookie: "+post.SetCookies[0]) {
		t.Errorf("response head %q lacks the Set-Cookie line", post.ResponseHead)
	}
	if show.RequestHead[0] != "GET /show HTTP/1.1" || show.Status != 200 {
		t.Errorf("second hop = %q → %d, want GET /show → 200", show.RequestHead[0], show.Status)
	}
	set, _ := http.ParseSetCookie(post.SetCookies[0])
	if show.SentCookie != set.Value {
		t.Errorf("second hop sent cookie %q, want the value just set, %q", show.SentCookie, set.Value)
	}
	if !slices.Contains(show.RequestHead, "Cookie: session="+set.Value) {
		t.Errorf("request head %q lacks the Cookie line", show.RequestHead)
	}
	// The head keeps the order the client wrote: the request line, Host, then the rest.
	if !strings.HasPrefix(show.RequestHead[1], "Host: 127.0.0.1:") || show.RequestHead[2] != "User-Agent: "+UserAgent {
		t.Errorf("request head order = %q", show.RequestHead)
	}
	if !strings.Contains(string(show.ResponseBody), "ada@example.com") {
		t.Errorf("/show does not show the posted email:\n%s", show.ResponseBody)
	}
	if len(ex.Cookies) != 2 || ex.Cookies[0].Sent || !ex.Cookies[1].Sent || !ex.Cookies[1].SameAsSet {
		t.Fatalf("Cookies = %+v, want the Set-Cookie then the same value sent back", ex.Cookies)
	}
	c := ex.Cookies[0]
	if c.Err != nil || c.Result.Signature != cookiecodec.Valid || c.Result.Values["name"] != "Ada" || c.Result.Values["email"] != "ada@example.com" {
		t.Errorf("decoded Set-Cookie = %+v, %v; want valid with name Ada", c.Result, c.Err)
	}
	if c.Layers == nil || c.Layers.Timestamp == "" || c.Layers.Payload == "" || len(c.Layers.Signature) != 64 {
		t.Errorf("layers = %+v, want timestamp, payload and a 32-byte signature in hex", c.Layers)
	}

	// The jar carries the cookie to the next run, until it is cleared.
	if got := len(r.Cookies()); got != 1 {
		t.Errorf("jar holds %d cookies, want 1", got)
	}
	ex, err = r.Run(context.Background(), "GET", "/show", Form{})
	if err != nil || ex.Hops[0].SentCookie != set.Value {
		t.Errorf("next run sent %q (err %v), want the jar's cookie", ex.Hops[0].SentCookie, err)
	}
	r.ClearCookies()
	ex, err = r.Run(context.Background(), "GET", "/show", Form{})
	if err != nil || ex.Hops[0].SentCookie != "" || len(r.Cookies()) != 0 {
		t.Errorf("after ClearCookies the run sent %q (err %v)", ex.Hops[0].SentCookie, err)
	}
	if !strings.Contains(string(ex.Hops[0].ResponseBody), "No user in this session") {
		t.Errorf("without a cookie /show should say there is no user:\n%s", ex.Hops[0].ResponseBody)
	}
}

func TestRunStops(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.com/", http.StatusFound)
	})
	mux.HandleFunc("/two", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "not-a-gorilla-cookie"})
		http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark"})
		w.Write([]byte("ok"))
	})
	base := handlerServer(t, mux)
	r, err := NewRunner(base, cookiecodec.Options{Secrets: [][]byte{[]byte("k")}})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := r.Run(context.Background(), "GET", "/loop", Form{})
	if err == nil || !strings.Contains(err.Error(), "more than 4 redirects") || len(ex.Hops) != maxHops || ex.Err == nil {
		t.Errorf("redirect loop: %d hops, err %v", len(ex.Hops), err)
	}
	ex, err = r.Run(context.Background(), "GET", "/away", Form{})
	if err == nil || !strings.Contains(err.Error(), "off the server") || len(ex.Hops) != 1 {
		t.Errorf("redirect away: %d hops, err %v", len(ex.Hops), err)
	}
	ex, err = r.Run(context.Background(), "GET", "/two", Form{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range ex.Hops[0].ResponseHead {
		if strings.HasPrefix(l, "Set-Cookie:") {
			lines = append(lines, l)
		}
	}
	if want := []string{"Set-Cookie: session=not-a-gorilla-cookie", "Set-Cookie: theme=dark"}; !slices.Equal(lines, want) {
		t.Errorf("Set-Cookie lines = %q, want each on its own line: %q", lines, want)
	}
	if len(ex.Cookies) != 1 || ex.Cookies[0].Err == nil {
		t.Errorf("Cookies = %+v, want the session cookie, undecodable", ex.Cookies)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Run(ctx, "GET", "/two", Form{}); err == nil {
		t.Error("Run with a cancelled context succeeded")
	}
	for _, bad := range []string{"", "ftp://x", "http://"} {
		if _, err := NewRunner(bad, cookiecodec.Options{}); err == nil {
			t.Errorf("NewRunner(%q) succeeded", bad)
		}
	}
}

func TestFromServer(t *testing.T) {
	srv, r := testServer(t, server.StageTemplate)
	sub := srv.Subscribe(8)
	defer sub.Close()
	if _, err := r.Run(context.Background(), "POST", "/users", Form{Name: "Ada", Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	var got []*Exchange
	for range 2 {
		select {
		case e := <-sub.C:
			got = append(got, FromServer(e, srv.DecodeOptions()))
		case <-time.After(5 * time.Second):
			t.Fatal("no exchange observed")
		}
	}
	post, show := got[0], got[1]
	if post.Source != "tutor" || post.Title != fmt.Sprintf("traffic #%d", 1) {
		t.Errorf("post = %q from %q", post.Title, post.Source)
	}
	h := post.Hops[0]
	if h.RequestHead[0] != "POST /users HTTP/1.1" || h.ResponseHead[0] != "HTTP/1.1 302 Found" || len(h.SetCookies) != 1 {
		t.Errorf("observed POST = %q → %q, Set-Cookie %q", h.RequestHead[0], h.ResponseHead[0], h.SetCookies)
	}
	if len(post.Cookies) != 1 || post.Cookies[0].Result.Values["name"] != "Ada" {
		t.Errorf("observed POST cookies = %+v", post.Cookies)
	}
	if show.Hops[0].SentCookie == "" || len(show.Cookies) != 1 || !show.Cookies[0].Sent {
		t.Errorf("observed GET /show cookies = %+v", show.Cookies)
	}
}

func TestClientName(t *testing.T) {
	tests := map[string]string{
		UserAgent:    "tutor",
		"":           "unknown client",
		"curl/8.5.0": "curl",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0":                                          "Firefox",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36": "Chrome",
		"HTTPie/3.2.4": "HTTPie",
	}
	for ua, want := range tests {
		if got := clientName(ua); got != want {
			t.Errorf("clientName(%q) = %q, want %q", ua, got, want)
		}
	}
}
