package check

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/formtest/formtest/server/servertest"
)

// submit fills in and submits the form at base in the tab ctx, and
// returns the text of the page it lands on.
func submit(t *testing.T, ctx context.Context, base, name, email string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("email"), email),
	)
	if err != nil {
		t.Fatalf("fill in the form: %v", err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("name"))); err != nil {
		t.Fatalf("submit the form: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	return text
}

// TestBrowserTicksChallenges plays the learner with a real Chromium: the
// form submitted in a window (stage 2), /show in a private window (a new
// browser context, with no cookies), then Forget me on the page while
// sessions live in the database (stage 6) and the old cookie sent again.
func TestBrowserTicksChallenges(t *testing.T) {
	tab := servertest.Chromium(t, "")
	h := newHarness(t, "session", true)

	if text := submit(t, tab, h.url, "Grace", "grace@example.com"); !strings.Contains(text, "Grace") {
		t.Fatalf("the page after submitting:\n%s", text)
	}
	tk := h.expect("own-cookie-back")["own-cookie-back"]
	if tk.Client.Family != "Chrome" || !strings.Contains(tk.Said, "Chrome at 127.0.0.1 sent back the cookie") {
		t.Errorf("tick = %+v", tk)
	}

	private, cancel := chromedp.NewContext(tab, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(private, chromedp.Navigate(h.url+"/show")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(private, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "No user") {
		t.Fatalf("/show in a private window:\n%s", text)
	}
	h.expect("second-client-no-user")

	// Stage 6: the session in the database, ended with the page's button.
	if _, err := h.e.Goto(5); err != nil {
		t.Fatal(err)
	}
	if h.e.Current().Key != "template/server" {
		t.Fatalf("stage 6 is %q", h.e.Current().Key)
	}
	submit(t, tab, h.url, "Grace", "grace@example.com")
	h.take()
	ctx, cancelClick := context.WithTimeout(tab, 30*time.Second)
	defer cancelClick()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))); err != nil {
		t.Fatalf("press Forget me: %v", err)
	}
	old := h.tr.HintData(h.e).Forgotten
	if old == PlaceholderForgotten {
		t.Fatal("the tracker did not see the cookie sent with Forget me")
	}
	if _, body := h.curl().show(old); !strings.Contains(body, "No user") {
		t.Fatalf("/show with the forgotten cookie:\n%s", body)
	}
	fk := h.expect("forgotten-id-refused")["forgotten-id-refused"]
	if fk.How.Steps[0].Client != "Chrome at 127.0.0.1" || fk.How.Steps[0].Target != "/logout" {
		t.Errorf("tick = %+v", fk)
	}
}
