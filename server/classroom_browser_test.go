package server

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserFindsOwnSession submits the form in a real headless Chromium
// against a classroom server, follows the show page's link to /me, and
// reads its own session there, decoded.
func TestBrowserFindsOwnSession(t *testing.T) {
	s, err := New(Config{Keys: [][]byte{randomKey(t)}, Stage: StageTemplate, Classroom: &Classroom{}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	ctx := openInChromium(t, ts.URL+"/")
	submitInChromium(t, ctx, "Ada <b>Lovelace</b>", "ada@example.com")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[href="/me"]`))); err != nil {
		t.Fatalf("follow the link to /me: %v", err)
	}
	location := must(t)(chromedp.Run(ctx, chromedp.Location()))
	verdict := must(t)(chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict"))))
	values := must(t)(chromedp.Run(ctx, chromedp.Text(chromedp.ID("values"))))
	browser := must(t)(chromedp.Run(ctx, chromedp.Text(chromedp.ID("browser"))))
	bold := must(t)(chromedp.Run(ctx, chromedp.Evaluate[string](`String(document.querySelectorAll("#values b").length)`)))
	if location != ts.URL+"/me" {
		t.Errorf("landed on %q, want %s/me", location, ts.URL)
	}
	if !strings.HasPrefix(verdict, "Accepted") {
		t.Errorf("verdict = %q", verdict)
	}
	if !strings.Contains(values, "Ada <b>Lovelace</b>") || !strings.Contains(values, "ada@example.com") {
		t.Errorf("values = %q, want the submitted name and email as text", values)
	}
	if bold != "0" {
		t.Errorf("the name's markup became %s elements on the page", bold)
	}
	if browser != "Headless Chrome" {
		t.Errorf("browser = %q", browser)
	}
}
