package tui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// UserAgent is the User-Agent the tutor's own requests carry, so that the
// traffic list can tell them from a browser's.
const UserAgent = "formtest-tutor"

// maxHops is how many requests one exchange may take, redirects included.
const maxHops = 5

// maxBody is how much of a response body the runner keeps.
const maxBody = 64 << 10

// Form is the demo form the tutor posts to POST /users.
type Form struct {
	Name  string
	Email string
	// Note, when set, is posted as the form's "note" field, which the grow
	// stage appends to the session.
	Note string
}

// Hop is one request and its response, as they crossed the wire.
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
	// Notes are remarks about the hop: why a cookie was rejected, what the
	// server noted while answering.
	Notes []string
	// Observed is the server's own account of the hop (why it rejected the
	// cookie, where it kept the session), once it has been matched from the
	// server's exchange stream; nil until then.
	Observed *server.Exchange
}

// Exchange is a run of hops: one request and the redirects that followed.
type Exchange struct {
	// Title names the exchange, such as "POST /users" or "traffic #4".
	Title string
	// Source says who made the requests: "tutor", or the client's name.
	Source string
	// Hops are the requests in order.
	Hops []Hop
	// Cookies are the session cookies seen, decoded, in order.
	Cookies []Cookie
	// Err is why the exchange stopped early, if it did.
	Err error
	// Storage is where the server kept sessions when the exchange ran; ""
	// when not known.
	Storage server.Storage
	// Action says what the tutor did to the cookie jar before sending, such
	// as tampering with the cookie; "" for a plain run.
	Action string

	// started is when the exchange began: the server's accounts of its hops
	// come from no earlier.
	started time.Time
}

// Runner runs a lesson's exchange against the server like a browser that
// shows its work: it keeps a cookie jar, and follows redirects itself, one
// hop at a time, recording each request and response in wire form.
type Runner struct {
	base   *url.URL
	decode cookiecodec.Options

	mu     sync.Mutex
	jar    *cookiejar.Jar
	client *http.Client
}

// SetDecodeOptions sets how the session cookies of later exchanges are
// decoded, for when the server starts keeping sessions another way.
func (r *Runner) SetDecodeOptions(opts cookiecodec.Options) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.decode = opts
}

// SessionCookie returns the value of the session cookie the jar would send
// to the server, or "" when it holds none.
func (r *Runner) SessionCookie() string {
	for _, c := range r.Cookies() {
		if c.Name == server.CookieName {
			return c.Value
		}
	}
	return ""
}

// SetSessionCookie puts value in the jar as the session cookie, in place of
// the one there, as a visitor editing their browser's cookies would.
func (r *Runner) SetSessionCookie(value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jar.SetCookies(r.base, []*http.Cookie{{Name: server.CookieName, Value: value, Path: "/", HttpOnly: true}})
}

// NewRunner returns a Runner for the server at baseURL whose session
// cookies decode with opts.
func NewRunner(baseURL string, opts cookiecodec.Options) (*Runner, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tutor: bad server URL %q", baseURL)
	}
	r := &Runner{base: u, decode: opts}
	r.ClearCookies()
	return r, nil
}

// URL returns the server's base URL.
func (r *Runner) URL() string { return r.base.String() }

// ClearCookies empties the cookie jar, as a new browser would start.
func (r *Runner) ClearCookies() {
	jar, _ := cookiejar.New(nil) // never fails without options
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jar = jar
	r.client = &http.Client{
		Jar:       jar,
		Transport: &recordingTransport{next: http.DefaultTransport},
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Cookies returns the cookies the jar would send to the server.
func (r *Runner) Cookies() []*http.Cookie {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jar.Cookies(r.base)
}

// Run sends method path, with form as the body of a POST, then follows any
// redirect with a GET, hop by hop. The exchange records every hop; err is
// also set in the exchange's Err when it stopped early.
func (r *Runner) Run(ctx context.Context, method, path string, form Form) (*Exchange, error) {
	r.mu.Lock()
	client := r.client
	r.mu.Unlock()
	ex := &Exchange{Title: method + " " + path, Source: "tutor", started: time.Now()}
	next, err := r.base.Parse(path)
	if err != nil {
		return ex, r.stop(ex, fmt.Errorf("bad path %q: %w", path, err))
	}
	for range maxHops {
		req, err := r.request(ctx, method, next, form)
		if err != nil {
			return ex, r.stop(ex, err)
		}
		hop, resp, err := roundTrip(client, req)
		ex.Hops = append(ex.Hops, hop)
		if err != nil {
			return ex, r.stop(ex, err)
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
			r.decodeCookies(ex)
			return ex, nil
		}
		if next, err = next.Parse(loc); err != nil {
			return ex, r.stop(ex, fmt.Errorf("bad Location %q: %w", loc, err))
		}
		if next.Host != r.base.Host {
			return ex, r.stop(ex, fmt.Errorf("not following a redirect off the server, to %s", next.Redacted()))
		}
		method = http.MethodGet // a 302 or 303 after a POST is followed with GET, as browsers do
	}
	return ex, r.stop(ex, fmt.Errorf("more than %d redirects", maxHops-1))
}

// stop records err in ex and returns it.
func (r *Runner) stop(ex *Exchange, err error) error {
	err = fmt.Errorf("tutor: %s: %w", ex.Title, err)
	r.decodeCookies(ex)
	ex.Err = err
	return err
}

func (r *Runner) request(ctx context.Context, method string, u *url.URL, form Form) (*http.Request, error) {
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
	req.Header.Set("User-Agent", UserAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, nil
}

// decodeCookies fills ex.Cookies from its hops.
func (r *Runner) decodeCookies(ex *Exchange) {
	r.mu.Lock()
	opts := r.decode
	r.mu.Unlock()
	ex.Cookies = sessionCookies(ex.Hops, opts)
}

// roundTrip sends req with client and records the hop.
func roundTrip(client *http.Client, req *http.Request) (Hop, *http.Response, error) {
	rec := &hopRecord{}
	req = req.WithContext(context.WithValue(req.Context(), recordKey{}, rec))
	hop := Hop{Method: req.Method, URL: req.URL.String()}
	resp, err := client.Do(req)
	hop.RequestHead, hop.RequestBody = splitWire(rec.request)
	if c := cookieFromHead(hop.RequestHead); c != "" {
		hop.SentCookie = c
	}
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

// hopRecord receives the wire form of a request from recordingTransport.
type hopRecord struct {
	request []byte
}

// recordingTransport dumps each request as it goes out, after the client
// has added the jar's cookies, so the dump shows the Cookie header sent.
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

// FromServer turns an exchange the server observed (a request from a
// browser, curl or the tutor) into an Exchange of one hop, in wire form as
// near as the server can tell: it does not see header order, so headers
// are sorted by name.
func FromServer(e server.Exchange, opts cookiecodec.Options) *Exchange {
	ex := &Exchange{
		Title:  fmt.Sprintf("traffic #%d", e.Seq),
		Source: clientName(e.RequestHeader.Get("User-Agent")),
	}
	proto := e.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	hop := Hop{Method: e.Method, URL: e.Target, Status: e.Status, BodySize: e.BodySize}
	hop.RequestHead = append(hop.RequestHead, e.Method+" "+e.Target+" "+proto)
	if e.Host != "" {
		hop.RequestHead = append(hop.RequestHead, "Host: "+e.Host)
	}
	hop.RequestHead = append(hop.RequestHead, headerLines(e.RequestHeader)...)
	hop.RequestBody = e.RequestBody
	hop.ResponseHead = append(hop.ResponseHead, fmt.Sprintf("HTTP/1.1 %d %s", e.Status, http.StatusText(e.Status)))
	hop.ResponseHead = append(hop.ResponseHead, headerLines(e.ResponseHeader)...)
	hop.SentCookie = e.IncomingCookie
	hop.SetCookies = e.SetCookies()
	hop.Observed = &e
	ex.Hops = []Hop{hop}
	ex.Storage = e.Storage
	ex.Cookies = sessionCookies(ex.Hops, opts)
	for i := range ex.Cookies {
		c := &ex.Cookies[i]
		if e.Stored != nil && c.Result != nil && c.Result.SessionID == e.Stored.Row.ID {
			c.Stored, c.StoredChecked = e.Stored, true
		}
	}
	return ex
}

// headerLines renders h as "Name: value" lines sorted by name, a line for
// each value.
func headerLines(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		for _, v := range h[k] {
			out = append(out, k+": "+v)
		}
	}
	return out
}

// clientName names the client from its User-Agent.
func clientName(ua string) string {
	switch {
	case ua == UserAgent:
		return "tutor"
	case ua == "":
		return "unknown client"
	case strings.HasPrefix(ua, "curl/"):
		return "curl"
	case strings.Contains(ua, "Firefox/"):
		return "Firefox"
	case strings.Contains(ua, "Edg/"):
		return "Edge"
	case strings.Contains(ua, "Chrome/"):
		return "Chrome"
	case strings.Contains(ua, "Safari/"):
		return "Safari"
	}
	name, _, _ := strings.Cut(ua, "/")
	name, _, _ = strings.Cut(name, " ")
	return name
}
