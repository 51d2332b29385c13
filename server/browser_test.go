package server

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/formtest/formtest/server/servertest"
)

// TestBrowserFormToShow submits the form in a real headless Chromium and
// checks the page it lands on, and that page scripts cannot see the
// session cookie (HttpOnly) though the browser holds it.
func TestBrowserFormToShow(t *testing.T) {
	s, err := New(Config{Keys: [][]byte{[]byte(LessonKey)}, Stage: StageTemplate})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	ctx := openInChromium(t, ts.URL+"/")

	resp := submitInChromium(t, ctx, "Grace Hopper", "grace@example.com")
	if resp.Status != 200 {
		t.Errorf("after submitting, status %d, want 200", resp.Status)
	}
	location := must(t)(chromedp.Run(ctx, chromedp.Location()))
	name := must(t)(chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h3#name"))))
	email := must(t)(chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h3#email"))))
	docCookie := must(t)(chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`)))
	var cookies []*network.Cookie
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{ts.URL}})
		cookies = res.Cookies
		return err
	}))
	if err != nil {
		t.Fatalf("read the browser's cookies: %v", err)
	}
	if location != ts.URL+"/show" {
		t.Errorf("landed on %q, want %s/show", location, ts.URL)
	}
	if name != "Grace Hopper" || email != "grace@example.com" {
		t.Errorf("/show shows %q %q, want the submitted values", name, email)
	}
	if docCookie != "" {
		t.Errorf("document.cookie = %q, want empty (the session cookie must be HttpOnly)", docCookie)
	}
	var found bool
	for _, c := range cookies {
		if c.Name == CookieName {
			found = true
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
				t.Errorf("browser holds the cookie with HttpOnly=%v SameSite=%v, want true, Lax", c.HTTPOnly, c.SameSite)
			}
		}
	}
	if !found {
		t.Errorf("the browser holds no %q cookie; it has %d cookies", CookieName, len(cookies))
	}
}

// openInChromium opens u in a headless Chromium (servertest.Chromium) and
// returns a context for more actions, under a 30-second deadline. The
// browser stops when the test ends.
func openInChromium(t *testing.T, u string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(servertest.Chromium(t, u), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// must returns a func that fails t on a non-nil error and returns v.
func must(t *testing.T) func(v string, err error) string {
	return func(v string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		return v
	}
}

// submitInChromium fills in the form the browser shows with name and
// email, submits it, and returns the response the browser ends on.
func submitInChromium(t *testing.T, ctx context.Context, name, email string) *network.Response {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("email"), email),
	)
	if err != nil {
		t.Fatalf("fill in the form: %v", err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("name")))
	if err != nil {
		t.Fatalf("submit the form: %v", err)
	}
	return resp
}
