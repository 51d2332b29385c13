// Package servertest helps tests play the form server's clients: a server
// on a free loopback port, and clients on machines of their own, each
// connecting from a loopback source address such as 127.0.0.2, as the
// students of a classroom do (Linux routes all of 127.0.0.0/8 to the
// loopback interface, so a client can bind any of them).
//
// It is for tests only; nothing in formtest's commands imports it.
package servertest

import (
	"net"
	"net/http"
	"net/http/cookiejar"
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
