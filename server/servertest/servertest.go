// Package servertest helps tests play the form server's clients: a server
// on a free loopback port, and clients on machines of their own, each
// connecting from a loopback source address such as 127.0.0.2, as the
// students of a classroom do (Linux routes all of 127.0.0.0/8 to the
// loopback interface, so a client can bind any of them).
//
// It is for tests only; nothing in formtest's commands imports it.
package servertest

import (
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Timeout bounds every connection and request of a Client, so that a
// test that goes wrong fails instead of hanging.
const Timeout = 10 * time.Second

// Serve serves h on a free loopback port until the test ends, and
// returns its URL ("http://127.0.0.1:PORT").
func Serve(tb testing.TB, h http.Handler) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(ln)
	tb.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// Dialer returns a dialer whose connections come from the IP address
// src. It fails the test when src is not an IP address.
func Dialer(tb testing.TB, src string) *net.Dialer {
	tb.Helper()
	ip := net.ParseIP(src)
	if ip == nil {
		tb.Fatalf("servertest: bad source address %q", src)
	}
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: Timeout}
}

// Transport returns a transport whose connections come from src; its idle
// connections are closed when the test ends.
func Transport(tb testing.TB, src string) *http.Transport {
	tb.Helper()
	tr := &http.Transport{DialContext: Dialer(tb, src).DialContext, MaxIdleConnsPerHost: 4}
	tb.Cleanup(tr.CloseIdleConnections)
	return tr
}

// Browser returns a client on a machine of its own, connecting from src,
// with a cookie jar of its own, that follows redirects as a browser does.
func Browser(tb testing.TB, src string) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{Transport: Transport(tb, src), Jar: jar, Timeout: Timeout}
}

// NoRedirects makes c stop at the first response, as curl without -L
// does, and returns it.
func NoRedirects(c *http.Client) *http.Client {
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// Student is a browser on a machine of its own, as a classroom test
// plays one: requests from a source address of its own, with a cookie
// jar, following redirects, sending a browser's User-Agent.
type Student struct {
	tb testing.TB
	// Base is the server's URL; UA the User-Agent sent.
	Base, UA string
	// Client sends the requests (Browser's).
	Client *http.Client
}

// NewStudent returns a student at source address src of the server at
// base, sending User-Agent ua.
func NewStudent(tb testing.TB, base, src, ua string) *Student {
	tb.Helper()
	return &Student{tb: tb, Base: base, UA: ua, Client: Browser(tb, src)}
}

// Do sends method path, with form posted when it is not nil and header's
// fields added, following redirects, and returns the last status. It
// fails the test when the request cannot be sent.
func (s *Student) Do(method, path string, form url.Values, header http.Header) int {
	s.tb.Helper()
	body := strings.NewReader("")
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.Base+path, body)
	if err != nil {
		s.tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", s.UA)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		s.tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Submit posts the form with name and email, following the redirect to
// /show with the cookie it set.
func (s *Student) Submit(name, email string) int {
	s.tb.Helper()
	return s.Do(http.MethodPost, "/users", url.Values{"name": {name}, "email": {email}}, nil)
}

// Cookies returns the cookies the student's jar holds for the server.
func (s *Student) Cookies() []*http.Cookie {
	u, err := url.Parse(s.Base)
	if err != nil {
		s.tb.Fatal(err)
	}
	return s.Client.Jar.Cookies(u)
}
