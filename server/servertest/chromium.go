package servertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// RequireBrowser names the environment variable that makes a missing
// Chromium fail a browser test instead of skipping it (CI sets it).
const RequireBrowser = "FORMTEST_REQUIRE_BROWSER"

// Chromium starts a headless Chromium for the test, opens u in a tab
// ("about:blank" when u is ""), and returns the tab's context; the
// browser stops when the test ends. With no Chromium on PATH the test is
// skipped, or fails when RequireBrowser is set.
func Chromium(tb testing.TB, u string) context.Context {
	tb.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		const msg = "no chromium on PATH (install Debian's chromium package: apt-get install -y chromium)"
		if os.Getenv(RequireBrowser) != "" {
			tb.Fatal(RequireBrowser + " is set but there is " + msg)
		}
		tb.Skip("skipping browser test: " + msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(tb.TempDir()),
	)
	ctx, cancelAlloc := chromedp.NewExecAllocator(tb.Context(), opts...)
	tb.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	tb.Cleanup(cancelBrowser)
	if u == "" {
		u = "about:blank"
	}
	// The first action starts the browser.
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		tb.Fatalf("start chromium and open %s: %v", u, err)
	}
	return ctx
}
