package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/formtest/formtest/server"
)

// UserAgent is the User-Agent the tutor's own client sends. It is shown,
// never used to tell the tutor's requests apart: that is done by the
// connection they went over.
const UserAgent = "formtest-tutor"

// TutorClient is the name of the engine's own client.
const TutorClient = "tutor"

// maxHops is how many requests one trip may take, redirects included.
const maxHops = 5

// maxBody is how much of a response body a client keeps.
const maxBody = 64 << 10

// recordWait bounds how long a trip waits for the server's records of its
// requests once the responses are in. The server publishes a record before
// it finishes the response, so the wait is short unless a record was lost.
const recordWait = 2 * time.Second

// Form is the demo form a client posts to POST /users.
type Form struct {
	Name  string
	Email string
	// Note, when set, is posted as the form's "note" field, which the grow
	// stage appends to the session.
	Note string
}

// Hop is one request and its response as they crossed the wire, joined
// with the server's own record of that very request.
type Hop struct {
	// Method and URL of the request.
	Method string
	URL    string
	// RequestHead is the request line and headers, one a line, in the order
	// they were sent, without line ends.
	RequestHead []string
	// RequestBody is the body sent, if any.
	RequestBody []byte
	// Status is the response's status code; 0 when there was no response.
	Status int
	// ResponseHead is the status line and headers, one a line; each
	// Set-Cookie is a line of its own.
	ResponseHead []string
	// ResponseBody is the body received, cut at 64 KiB; BodySize is its
	// full size.
	ResponseBody []byte
	BodySize     int64
	// SentCookie is the value of the session cookie sent with the request,
	// or "" when none was sent.
	SentCookie string
	// SetCookies are the raw Set-Cookie header values received, in order.
	SetCookies []string
	// LocalAddr is the local address of the connection the request went
	// over; the server's record names the same address as RemoteAddr.
	LocalAddr string
	// Record is the server's record of this request: its verdict on the
	// cookie, why it rejected it, the session it decoded, the database row.
	// Nil when it never arrived (a server other than the engine's, or a
	// record lost because the engine fell behind).
	Record *server.Exchange

	// pending is the pairing table's entry that receives Record.
	pending *pending
}

// Verdict is the server's verdict on the session cookie a hop sent.
type Verdict int

// Verdicts.
const (
	// VerdictUnknown: the server's record did not arrive.
	VerdictUnknown Verdict = iota
	// VerdictNoCookie: the request carried no session cookie.
	VerdictNoCookie
	// VerdictAccepted: the server took the cookie's session.
	VerdictAccepted
	// VerdictRejected: the server refused the cookie and served the
	// request as having no session; the record's Rejected says why.
	VerdictRejected
)

// Verdict returns the server's verdict on the cookie h sent.
func (h Hop) Verdict() Verdict {
	switch {
	case h.Record == nil:
		return VerdictUnknown
	case h.Record.IncomingCookie == "":
		return VerdictNoCookie
	case h.Record.Rejected != "":
		return VerdictRejected
	}
	return VerdictAccepted
}

// Path returns the path and query the hop asked for.
func (h Hop) Path() string { return pathOf(h.URL) }

// Trip is one request and the redirects that followed, hop by hop; or,
// for traffic from outside, the one request the server saw.
type Trip struct {
	// Title names the trip, such as "POST /users" or "traffic #4".
	Title string
	// Client is the name of the engine's client that sent it; "" for a
	// request from outside (a browser, curl).
	Client string
	// Label names who sent it, for people: the client's name, or the
	// browser family read from the User-Agent. It is client-sent text:
	// escape it before printing.
	Label string
	// Hops are the requests in order.
	Hops []Hop
	// Cookies are the session cookies seen, as the server decoded them, in
	// order.
	Cookies []Cookie
	// Err is why the trip stopped early, if it did.
	Err error
	// Storage is where the server kept sessions when the trip ran.
	Storage server.Storage
	// Attack is what the client did to its cookie before sending, and
	// Action says it in a sentence for the learner.
	Attack AttackKind
	Action string
	// Started is when the trip began, by the engine's clock.
	Started time.Time
	// Seq is the server's sequence number of a trip made from traffic; 0
	// for a client's own trip.
	Seq uint64
}

// Own reports whether one of the engine's clients sent the trip.
func (t *Trip) Own() bool { return t.Client != "" }

// Last returns the last hop; a trip always has at least one when it ran.
func (t *Trip) Last() Hop { return t.Hops[len(t.Hops)-1] }

// Verdict is the server's verdict on the last session cookie the trip
// sent, and the reason it gave for a rejection; VerdictNoCookie when none
// was sent.
func (t *Trip) Verdict() (Verdict, string) {
	for i := len(t.Hops) - 1; i >= 0; i-- {
		h := t.Hops[i]
		if h.SentCookie == "" {
			continue
		}
		v := h.Verdict()
		if v == VerdictRejected {
			return v, h.Record.Rejected
		}
		return v, ""
	}
	return VerdictNoCookie, ""
}

// Client is a browser that shows its work: it keeps a cookie jar and
// follows redirects itself, one hop at a time, recording each request and
// response in wire form. Each request is paired with the server's record
// of it by the address of the connection it went over.
type Client struct {
	name      string
	userAgent string
	base      *url.URL
	pairs     *pairing // nil for a client outside an engine

	mu     sync.Mutex
	jar    *cookiejar.Jar
	client *http.Client
	grow   growth
	// lastStorage is where sessions were kept when Demo last ran with
	// this client.
	lastStorage server.Storage
}

// growth is what the grow stage has seen from one client since its jar
// was cleared.
type growth struct {
	runs  int
	sizes []int
}

// NewClient returns a client named name for the server at baseURL that
// sends userAgent, outside any engine: its hops get no server records.
// Engine.NewClient makes one whose hops do.
func NewClient(name, userAgent, baseURL string) (*Client, error) {
	return newClient(name, userAgent, baseURL, nil)
}

func newClient(name, userAgent, baseURL string, pairs *pairing) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("engine: bad server URL %q", baseURL)
	}
	if name == "" {
		return nil, errors.New("engine: a client needs a name")
	}
	c := &Client{name: name, userAgent: userAgent, base: u, pairs: pairs}
	c.Clear()
	return c, nil
}

// Name returns the client's name, which every trip and observation of
// its requests carries.
func (c *Client) Name() string { return c.name }

// URL returns the server's base URL.
func (c *Client) URL() string { return c.base.String() }

// Clear empties the cookie jar, as a new browser would start, and forgets
// the grow stage's runs.
func (c *Client) Clear() {
	jar, _ := cookiejar.New(nil) // never fails without options
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client != nil {
		c.client.CloseIdleConnections()
	}
	c.jar = jar
	c.grow = growth{}
	c.client = &http.Client{
		Jar: jar,
		// A transport of its own: a connection carries only this client's
		// requests, every one of them expected by the pairing table, which
		// is what makes the records of one address arrive in its order.
		Transport: &recordingTransport{next: http.DefaultTransport.(*http.Transport).Clone()},
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Cookies returns the cookies the jar would send to the server.
func (c *Client) Cookies() []*http.Cookie {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.jar.Cookies(c.base)
}

// SessionCookie returns the value of the session cookie the jar would send
// to the server, or "" when it holds none.
func (c *Client) SessionCookie() string {
	for _, k := range c.Cookies() {
		if k.Name == server.CookieName {
			return k.Value
		}
	}
	return ""
}

// SetSessionCookie puts value in the jar as the session cookie, in place of
// the one there, as a visitor editing their browser's cookies would.
func (c *Client) SetSessionCookie(value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.jar.SetCookies(c.base, []*http.Cookie{{Name: server.CookieName, Value: value, Path: "/", HttpOnly: true}})
}

// Do sends method path, with form as the body of a POST, then follows any
// redirect with a GET, hop by hop, and joins each hop with the server's
// record of it. The trip records every hop; err is also set in the trip's
// Err when it stopped early.
func (c *Client) Do(ctx context.Context, method, path string, form Form, now time.Time) (*Trip, error) {
	t := &Trip{Title: method + " " + path, Client: c.name, Label: c.name, Started: now}
	err := c.follow(ctx, t, method, path, form)
	c.finish(ctx, t)
	return t, err
}

// follow sends method path and its redirects, adding hops to t.
func (c *Client) follow(ctx context.Context, t *Trip, method, path string, form Form) error {
	c.mu.Lock()
	client := c.client
	c.mu.Unlock()
	next, err := c.base.Parse(path)
	if err != nil {
		return c.stop(t, fmt.Errorf("bad path %q: %w", path, err))
	}
	for range maxHops {
		req, err := c.request(ctx, method, next, form)
		if err != nil {
			return c.stop(t, err)
		}
		hop, resp, err := c.roundTrip(client, req)
		t.Hops = append(t.Hops, hop)
		if err != nil {
			return c.stop(t, err)
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
			return nil
		}
		if next, err = next.Parse(loc); err != nil {
			return c.stop(t, fmt.Errorf("bad Location %q: %w", loc, err))
		}
		if next.Host != c.base.Host {
			return c.stop(t, fmt.Errorf("not following a redirect off the server, to %s", next.Redacted()))
		}
		method = http.MethodGet // a 302 or 303 after a POST is followed with GET, as browsers do
	}
	return c.stop(t, fmt.Errorf("more than %d redirects", maxHops-1))
}

// stop records err in t and returns it.
func (c *Client) stop(t *Trip, err error) error {
	err = fmt.Errorf("tutor: %s: %w", t.Title, err)
	t.Err = err
	return err
}

// finish waits for the server's records of t's hops and takes t's cookies
// from them.
func (c *Client) finish(ctx context.Context, t *Trip) {
	if c.pairs != nil {
		c.pairs.await(ctx, t.Hops)
	}
	t.Cookies = tripCookies(t.Hops)
}

func (c *Client) request(ctx context.Context, method string, u *url.URL, form Form) (*http.Request, error) {
	var body io.Reader
	if method == http.MethodPost {
		v := url.Values{"name": {form.Name}, "email": {form.Email}}
		if form.Note != "" {
			v.Set("note", form.Note)
		}
		body = strings.NewReader(v.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, nil
}

// roundTrip sends req with client and records the hop. The connection's
// local address is noted, and the hop expected by the pairing table,
// before the request is written, so its record cannot come first.
func (c *Client) roundTrip(client *http.Client, req *http.Request) (Hop, *http.Response, error) {
	rec := &hopRecord{}
	hop := Hop{Method: req.Method, URL: req.URL.String()}
	target := req.URL.RequestURI()
	rec.trace = &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		rec.local = info.Conn.LocalAddr().String()
		if c.pairs != nil {
			if rec.pending != nil {
				// The transport is retrying the request on a new
				// connection: the old one failed before the server read it.
				c.pairs.abandon(rec.pending)
			}
			head, _ := splitWire(rec.request)
			rec.pending = c.pairs.expect(rec.local, c.name, req.Method, target, cookieFromHead(head))
		}
	}}
	resp, err := client.Do(req.WithContext(context.WithValue(req.Context(), recordKey{}, rec)))
	hop.RequestHead, hop.RequestBody = splitWire(rec.request)
	hop.SentCookie = cookieFromHead(hop.RequestHead)
	hop.LocalAddr = rec.local
	hop.pending = rec.pending
	if err != nil {
		return hop, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return hop, nil, fmt.Errorf("read response: %w", err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	hop.Status = resp.StatusCode
	hop.ResponseBody = body
	hop.BodySize = int64(len(body)) + n
	head, err := httputil.DumpResponse(resp, false)
	if err != nil {
		return hop, nil, fmt.Errorf("dump response: %w", err)
	}
	hop.ResponseHead, _ = splitWire(head)
	hop.SetCookies = resp.Header.Values("Set-Cookie")
	return hop, resp, nil
}

// recordKey is the context key of a request's hopRecord.
type recordKey struct{}

// hopRecord receives the wire form of a request from recordingTransport,
// and the connection it went over from the trace.
type hopRecord struct {
	request []byte
	trace   *httptrace.ClientTrace
	local   string
	pending *pending
}

// recordingTransport dumps each request as it goes out, after the client
// has added the jar's cookies, so the dump shows the Cookie header sent,
// then sends it with the hop's trace, which notes the connection it goes
// over (after the dump, whose own pretend connection is not the server's).
type recordingTransport struct {
	next http.RoundTripper
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if rec, ok := req.Context().Value(recordKey{}).(*hopRecord); ok {
		b, err := httputil.DumpRequestOut(req, true)
		if err != nil {
			return nil, fmt.Errorf("dump request: %w", err)
		}
		rec.request = b
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), rec.trace))
	}
	return t.next.RoundTrip(req)
}

// splitWire splits a dumped HTTP message into its head lines and body.
func splitWire(b []byte) (head []string, body []byte) {
	h, body, _ := bytes.Cut(b, []byte("\r\n\r\n"))
	if len(h) == 0 {
		return nil, body
	}
	return strings.Split(string(h), "\r\n"), body
}

// cookieFromHead returns the value of the session cookie in a request's
// Cookie header lines, or "".
func cookieFromHead(head []string) string {
	for _, line := range head {
		name, v, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(name, "Cookie") {
			continue
		}
		cs, err := http.ParseCookie(strings.TrimSpace(v))
		if err != nil {
			continue
		}
		for _, c := range cs {
			if c.Name == server.CookieName {
				return c.Value
			}
		}
	}
	return ""
}

// pathOf returns the path and query of a URL string.
func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return rest[j:]
		}
		return "/"
	}
	return u
}
