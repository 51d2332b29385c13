// Command browser checks, in Debian's headless Chromium, what the lessons
// say browsers do with formtest's session cookie: which cross-site requests
// carry a SameSite=Lax cookie, and that a cookie over 4096 bytes is dropped,
// with a note in the developer tools only.
//
// Run from the repository root: go run ./lessons/testdata/checks/browser
//
// formtest runs on 127.0.0.1; "another site" is a page served from
// localhost, a different site to the browser.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/formtest/formtest/server"
)

func main() {
	failed := 0
	check := func(name string, ok bool, seen string) {
		word := "PASS"
		if !ok {
			word = "FAIL"
			failed++
		}
		fmt.Printf("%s  %s\n      %s\n", word, name, seen)
	}
	if err := run(check); err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println()
	if failed > 0 {
		fmt.Printf("%d check(s) FAILED\n", failed)
		os.Exit(1)
	}
	fmt.Println("all checks passed")
}

func run(check func(string, bool, string)) error {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		return fmt.Errorf("no chromium on PATH (apt-get install -y chromium): %w", err)
	}
	srv, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}, Stage: server.StageTemplate})
	if err != nil {
		return err
	}
	// Record whether each request to formtest carried the session cookie,
	// by the "via" in its query.
	var mu sync.Mutex
	carried := map[string]bool{}
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("size"))
		http.SetCookie(w, &http.Cookie{Name: "big", Value: strings.Repeat("b", n), Path: "/"})
		fmt.Fprintf(w, "a cookie of %d bytes was set", n)
	})
	mux.Handle("/", srv)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if via := r.URL.Query().Get("via"); via != "" {
			_, err := r.Cookie(server.CookieName)
			mu.Lock()
			carried[via] = err == nil
			mu.Unlock()
		}
		mux.ServeHTTP(w, r)
	}))
	defer site.Close()
	_, port, _ := net.SplitHostPort(site.Listener.Addr().String())
	target := "http://127.0.0.1:" + port
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>another site</title>
<a id="link" href="%[1]s/show?via=link">a link</a>
<img src="%[1]s/show?via=img">
<iframe src="%[1]s/show?via=iframe"></iframe>
<form id="post" method="post" action="%[1]s/users?via=post"><input name="name" value="Mallory"><input name="email" value="m@example.com"></form>`, target)
	}))
	defer other.Close()
	_, otherPort, _ := net.SplitHostPort(other.Listener.Addr().String())
	otherURL := "http://localhost:" + otherPort + "/"

	profile, err := os.MkdirTemp("", "formtest-browser-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.UserDataDir(profile))
	ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(target+"/")); err != nil {
		return fmt.Errorf("open the form: %w", err)
	}
	ctx, cancel = context.WithTimeout(ctx, time.Minute)
	defer cancel()

	// Start a session on formtest, as a visitor would.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Ada"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
	)
	if err != nil {
		return fmt.Errorf("fill in the form: %w", err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("name"))); err != nil {
		return fmt.Errorf("submit the form: %w", err)
	}

	// From another site: a page that loads an image and a frame from
	// formtest, then a link followed, then a form posted.
	if err := chromedp.Do(ctx, chromedp.Navigate(otherURL)); err != nil {
		return fmt.Errorf("open the other site: %w", err)
	}
	time.Sleep(time.Second) // let the image and the frame load
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("link"))); err != nil {
		return fmt.Errorf("follow the link: %w", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(otherURL)); err != nil {
		return err
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("post"))); err != nil {
		return fmt.Errorf("post the form: %w", err)
	}
	mu.Lock()
	seen := fmt.Sprintf("cookie sent: link=%v img=%v iframe=%v post=%v", carried["link"], carried["img"], carried["iframe"], carried["post"])
	_, all := carried["img"]
	all = all && len(carried) == 4
	check("SameSite=Lax: from another site, a followed link carries the cookie; an image, a frame and a posted form do not",
		all && carried["link"] && !carried["img"] && !carried["iframe"] && !carried["post"], seen)
	mu.Unlock()

	// A cookie over 4096 bytes: dropped, and only the devtools say so.
	var blocked []string
	var bmu sync.Mutex
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceivedExtraInfo); ok {
			bmu.Lock()
			for _, b := range e.BlockedCookies {
				for _, r := range b.BlockedReasons {
					blocked = append(blocked, string(r))
				}
			}
			bmu.Unlock()
		}
	}); err != nil {
		return err
	}
	for _, size := range []string{"10", "5000"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(target+"/big?size="+size)); err != nil {
			return err
		}
	}
	var cookies []*network.Cookie
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{target}})
		cookies = res.Cookies
		return err
	}))
	if err != nil {
		return err
	}
	kept := -1
	for _, c := range cookies {
		if c.Name == "big" {
			kept = len(c.Value)
		}
	}
	bmu.Lock()
	check("a 5000-byte cookie is not stored, the 10-byte one before it stays; the devtools protocol reports it blocked",
		kept == 10 && strings.Contains(strings.Join(blocked, ","), string(network.SetCookieBlockedReasonNameValuePairExceedsMaxSize)),
		fmt.Sprintf("the browser holds a %d-byte value; blocked reasons %v", kept, blocked))
	bmu.Unlock()
	return nil
}
