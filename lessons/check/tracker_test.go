package check

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// setCookie puts value in the browser's jar as its session cookie, as
// editing it in the developer tools does.
func (l *learner) setCookie(value string) {
	u, _ := url.Parse(l.url)
	l.jar.SetCookies(u, []*http.Cookie{{Name: server.CookieName, Value: value, Path: "/"}})
}

func TestStage1FormFromOwnBrowser(t *testing.T) {
	h := newHarness(t, "hardcoded", false)
	// The tutor's own run posts the form and loads /show: it never counts.
	if res := h.run(); len(res.Trip.Hops) < 3 {
		t.Fatalf("the tutor's run made %d hops", len(res.Trip.Hops))
	}
	h.expect()

	ff := h.browser(firefoxUA)
	if code, body := ff.post("Ada", "ada@example.com", ""); code != http.StatusOK || !strings.Contains(body, "<form") {
		t.Fatalf("the browser's post ended at %d:\n%s", code, body)
	}
	h.expect() // posted, but has not looked at /show yet
	if code, body := ff.show(""); code != http.StatusOK || !strings.Contains(body, "Jay") {
		t.Fatalf("/show answered %d:\n%s", code, body)
	}
	tk := h.expect("post-without-cookie")["post-without-cookie"]
	if tk.Client.Family != "Firefox" || tk.Client.Addr != "127.0.0.1" {
		t.Errorf("client = %+v", tk.Client)
	}
	steps := tk.How.Steps
	if tk.How.Kind != KindPostWithoutCookie || len(steps) != 2 || steps[0].Fact != FactPostedNoCookie || steps[1].Fact != FactShowNoCookie || steps[0].Seq >= steps[1].Seq {
		t.Fatalf("how = %+v", tk.How)
	}
	if want := "✓ Firefox at 127.0.0.1 posted the form in request #"; !strings.HasPrefix(tk.Said, want) || !strings.Contains(tk.Said, "still said Jay") {
		t.Errorf("said %q", tk.Said)
	}
	if tk.Challenge.Stage != "hardcoded" {
		t.Errorf("stage %q", tk.Challenge.Stage)
	}
	// Done once: doing it again says nothing more.
	ff.post("Ada", "ada@example.com", "")
	ff.show("")
	h.expect()
}

func TestStage1PostAtAnotherStageDoesNotCount(t *testing.T) {
	h := newHarness(t, "hardcoded", false)
	ff := h.browser(firefoxUA)
	ff.post("Ada", "ada@example.com", "")
	if _, err := h.e.Goto(1); err != nil { // the session stage: /show no longer says Jay
		t.Fatal(err)
	}
	ff.show("")
	h.expect()
}

func TestStage2OwnCookieAndSecondClient(t *testing.T) {
	h := newHarness(t, "session", false)
	tutor := h.run()
	h.expect()
	tutorCookie := h.e.Tutor().SessionCookie()
	if tutorCookie == "" {
		t.Fatalf("the tutor's run left no cookie: %v", tutor.Outcome)
	}

	// A client without a jar asks for /show before anyone outside holds a
	// session: no "second client" yet, as there is no first.
	curl := h.curl()
	if _, body := curl.show(""); !strings.Contains(body, "No user") {
		t.Fatalf("/show without a cookie:\n%s", body)
	}
	h.expect()

	// curl replaying the tutor's cookie is not its own cookie coming back;
	// it is a cookie sent by hand (stage 3's challenge).
	if _, body := curl.show(tutorCookie); !strings.Contains(body, "Tutor") {
		t.Fatalf("/show with the tutor's cookie:\n%s", body)
	}
	byHand := h.expect("cookie-by-hand")["cookie-by-hand"]
	if !strings.Contains(byHand.Said, "curl at 127.0.0.1 sent a cookie it never received") || !strings.Contains(byHand.Said, "as Tutor") {
		t.Errorf("by hand: %q", byHand.Said)
	}
	if got := byHand.How.Steps[0].Client; got != "the tutor's client tutor" {
		t.Errorf("the cookie is said to be set for %q", got)
	}

	ff := h.browser(firefoxUA)
	if code, body := ff.post("Ada", "ada@example.com", ""); code != http.StatusOK || !strings.Contains(body, "Ada") {
		t.Fatalf("the browser's post ended at %d:\n%s", code, body)
	}
	tk := h.expect("own-cookie-back")["own-cookie-back"]
	steps := tk.How.Steps
	if len(steps) != 2 || steps[0].Fact != FactGotCookie || steps[1].Fact != FactOwnCookieAccepted || steps[1].Method != "GET" || steps[1].Target != "/show" {
		t.Fatalf("how = %+v", tk.How)
	}
	if !strings.Contains(tk.Said, "Firefox at 127.0.0.1 sent back the cookie it got in response #") || !strings.Contains(tk.Said, "the name Ada") {
		t.Errorf("said %q", tk.Said)
	}

	// A private window: the same browser family and address, no cookies.
	private := h.browser(firefoxUA)
	if _, body := private.show(""); !strings.Contains(body, "No user") {
		t.Fatalf("/show from a private window:\n%s", body)
	}
	second := h.expect("second-client-no-user")["second-client-no-user"]
	if second.How.Steps[0].Seq != steps[1].Seq || second.How.Steps[1].Fact != FactNoUser {
		t.Errorf("second client's proof = %+v, want it to build on request #%d", second.How, steps[1].Seq)
	}
	// The browser's session is still there: the server keeps one per client.
	if _, body := ff.show(""); !strings.Contains(body, "Ada") {
		t.Errorf("the first browser lost its session:\n%s", body)
	}
	h.expect()
}

func TestStage2ForgetMeIsNotASecondClient(t *testing.T) {
	h := newHarness(t, "session", false)
	ff := h.browser(firefoxUA)
	ff.post("Ada", "ada@example.com", "")
	h.expect("own-cookie-back")
	// Forget me ends the browser's session; the same browser, now without
	// a cookie, is not a second client beside a live session.
	ff.do(http.MethodPost, "/logout", url.Values{}, "")
	if ff.cookie() != "" {
		t.Fatal("the cookie survived Forget me")
	}
	ff.show("")
	h.curl().show("")
	h.expect()
}

func TestTutorsUserAgentNeverCounts(t *testing.T) {
	// A request with the tutor's User-Agent that the engine did not pair
	// (as when its record came too late) is still the tutor's.
	h := newHarness(t, "session", false)
	ghost := h.browser(engine.UserAgent)
	ghost.post("Ada", "ada@example.com", "")
	h.expect()
	h.curl().show(ghost.cookie())
	h.expect("cookie-by-hand")
}

func TestStage2TutorsCookieNeverCountsAsOwn(t *testing.T) {
	h := newHarness(t, "session", false)
	h.run()
	cookie := h.e.Tutor().SessionCookie()
	// A browser that has the tutor's cookie pasted in, and sends it back
	// again and again: never its own.
	ff := h.browser(chromeUA)
	ff.setCookie(cookie)
	ff.show("")
	ff.show("")
	ticks := h.expect("cookie-by-hand")
	if ticks["cookie-by-hand"].Client.Family != "Chrome" {
		t.Errorf("client %+v", ticks["cookie-by-hand"].Client)
	}
	// The tutor's own client sending its cookie to /show: nothing.
	if _, err := h.e.Tutor().Do(context.Background(), http.MethodGet, "/show", engine.Form{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.expect()
}

func TestStage3CookieByHandFromBrowserToCurl(t *testing.T) {
	h := newHarness(t, "template", false)
	ff := h.browser(firefoxUA)
	ff.post("Ada", "ada@example.com", "")
	h.expect("own-cookie-back") // the same act proves stage 2's challenge
	// The browser sending its own cookie again is not by hand.
	ff.show("")
	h.expect()
	curl := h.curl()
	if _, body := curl.show(ff.cookie()); !strings.Contains(body, "Ada") {
		t.Fatalf("curl with the browser's cookie:\n%s", body)
	}
	tk := h.expect("cookie-by-hand")["cookie-by-hand"]
	if tk.Client.Family != "curl" || tk.How.Steps[0].Client != "Firefox at 127.0.0.1" || tk.How.Steps[1].Fact != FactCopiedCookieAccepted {
		t.Errorf("tick = %+v", tk)
	}
	// The hint's command has the browser's cookie filled in.
	d := h.tr.HintData(h.e)
	if d.Cookie != ff.cookie() || d.URL != h.url {
		t.Errorf("hint data = %+v, want the browser's cookie and %s", d, h.url)
	}
}

func TestStage4TamperAndForge(t *testing.T) {
	h := newHarness(t, "template/signed", false)
	ctx := context.Background()
	h.run()
	// The tutor's own tamper and forge never count.
	tampered, err := h.e.Tamper(ctx, h.e.Tutor())
	if err != nil || tampered.Verdict != engine.VerdictRejected {
		t.Fatalf("tutor's tamper: %v, %v", tampered.Verdict, err)
	}
	forged, err := h.e.Forge(ctx, h.e.Tutor())
	if err != nil || forged.Verdict != engine.VerdictAccepted {
		t.Fatalf("tutor's forge: %v, %v", forged.Verdict, err)
	}
	h.expect()
	// Nor do copies of the tutor's tampered and forged cookies.
	curl := h.curl()
	curl.show(tampered.Trip.Last().SentCookie)
	curl.show(forged.Trip.Last().SentCookie)
	h.expect()

	// The learner's browser gets a cookie, then edits it.
	ff := h.browser(firefoxUA)
	ff.post("Ada", "ada@example.com", "")
	h.expect("own-cookie-back")
	bad, _, err := cookiecodec.Tamper(ff.cookie())
	if err != nil {
		t.Fatal(err)
	}
	ff.setCookie(bad)
	if _, body := ff.show(""); !strings.Contains(body, "No user") {
		t.Fatalf("/show with a tampered cookie:\n%s", body)
	}
	// Refused, and no user: but the browser sent a cookie, so this is not
	// a second client without one.
	tk := h.expect("tampered-refused")["tampered-refused"]
	if tk.How.Steps[0].Fact != FactBadSignature || !strings.Contains(tk.Said, "its signature did not match") {
		t.Errorf("tick = %+v", tk)
	}

	// A forgery that names someone else is accepted, but is not the
	// challenge; one that says admin is.
	bob, err := cookiecodec.Forge(server.CookieName, map[string]string{"name": "bob", "email": "b@example.com"}, []byte(server.LessonKey), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, body := curl.show(bob); !strings.Contains(body, "bob") {
		t.Fatalf("/show with bob's forgery:\n%s", body)
	}
	h.expect()
	admin, err := cookiecodec.Forge(server.CookieName, map[string]string{"name": "admin", "email": "admin@example.com"}, []byte(server.LessonKey), nil)
	if err != nil {
		t.Fatal(err)
	}
	if admin == forged.Trip.Last().SentCookie {
		t.Skip("the learner's forgery came out identical to the tutor's (same second); the check cannot tell them apart")
	}
	if _, body := curl.show(admin); !strings.Contains(body, "admin") {
		t.Fatalf("/show with the admin forgery:\n%s", body)
	}
	fk := h.expect("forged-admin")["forged-admin"]
	if fk.How.Steps[0].Fact != FactForgedAccepted || !strings.Contains(fk.Said, "greeted admin") || fk.Client.Family != "curl" {
		t.Errorf("tick = %+v", fk)
	}
}

func TestStage4ForgeWithAnotherKeyIsRefused(t *testing.T) {
	h := newHarness(t, "template/signed", false)
	v, err := cookiecodec.Forge(server.CookieName, map[string]string{"name": "admin", "email": "admin@example.com"}, []byte("not the key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	h.curl().show(v)
	// Refused for its signature: that is the tamper challenge's evidence
	// (a cookie that does not verify), never the forge's.
	h.expect("tampered-refused")
}

func TestStage5EncryptedCookieRefusedUnderSigned(t *testing.T) {
	h := newHarness(t, "template/encrypted", false)
	h.run()
	tutorCookie := h.e.Tutor().SessionCookie()
	ff := h.browser(firefoxUA)
	if _, body := ff.post("Ada", "ada@example.com", ""); !strings.Contains(body, "Ada") {
		t.Fatalf("encrypted stage:\n%s", body)
	}
	h.expect("own-cookie-back")
	// Still encrypted: the cookie works.
	ff.show("")
	h.expect()
	if _, err := h.e.SetStorage(server.StorageSigned); err != nil {
		t.Fatal(err)
	}
	// The tutor's encrypted cookie, copied into curl, is not the client's
	// own: it does not tick this challenge.
	h.curl().show(tutorCookie)
	h.expect()
	if _, body := ff.show(""); !strings.Contains(body, "No user") {
		t.Fatalf("encrypted cookie under signed storage:\n%s", body)
	}
	tk := h.expect("encrypted-refused")["encrypted-refused"]
	if len(tk.How.Steps) != 2 || tk.How.Steps[1].Fact != FactEncryptedRefused || tk.Client.Family != "Firefox" {
		t.Errorf("tick = %+v", tk)
	}
}

func TestStage6ForgottenIDRefused(t *testing.T) {
	h := newHarness(t, "template/server", true)
	ff := h.browser(firefoxUA)
	ff.post("Ada", "ada@example.com", "")
	h.expect("own-cookie-back")
	old := ff.cookie()
	// A session id the server never deleted, sent again: accepted.
	h.curl().show(old)
	h.expect("cookie-by-hand")
	// Forget me: POST /logout from the page, which deletes the row.
	if code, _ := ff.do(http.MethodPost, "/logout", url.Values{}, ""); code != http.StatusOK {
		t.Fatalf("logout ended at %d", code)
	}
	if ff.cookie() != "" {
		t.Fatalf("the browser kept its cookie after Forget me")
	}
	h.sync() // the tracker has read the logout
	if got := h.tr.HintData(h.e).Forgotten; got != old {
		t.Errorf("hint's forgotten cookie = %q, want the one sent with Forget me", got)
	}
	if _, body := h.curl().show(old); !strings.Contains(body, "No user") {
		t.Fatalf("/show with the forgotten cookie:\n%s", body)
	}
	tk := h.expect("forgotten-id-refused")["forgotten-id-refused"]
	if tk.How.Steps[0].Fact != FactLoggedOut || tk.How.Steps[1].Fact != FactUnknownID || !strings.Contains(tk.Said, "unknown id") {
		t.Errorf("tick = %+v", tk)
	}
}

func TestStage6NoDatabaseCannotTick(t *testing.T) {
	h := newHarness(t, "template/server", false) // falls back to signed cookies
	ff := h.browser(firefoxUA)
	ff.post("Ada", "ada@example.com", "")
	old := ff.cookie()
	ff.do(http.MethodPost, "/logout", url.Values{}, "")
	h.curl().show(old)
	got := h.take()
	for _, tk := range got {
		if tk.Challenge.ID == "forgotten-id-refused" {
			t.Fatalf("ticked without a database: %+v", tk)
		}
	}
}

func TestStage7SessionTooLarge(t *testing.T) {
	h := newHarness(t, "grow/signed", false)
	ctx := context.Background()
	// The tutor grows its own session until it no longer fits: not the
	// learner's doing.
	for range 12 {
		res, err := h.e.Run(ctx, h.e.Tutor(), engine.Form{Name: "Tutor", Email: "tutor@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome == engine.OutcomeTooLarge {
			break
		}
	}
	h.expect()
	// curl posting with a copy of the tutor's grown session: too large,
	// but not a session the learner grew.
	grown := h.e.Tutor().SessionCookie()
	code, _ := h.curl().do(http.MethodPost, "/users", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "note": {strings.Repeat("x", 2000)}}, grown)
	if code != server.StatusSessionTooLarge {
		t.Fatalf("a post on the tutor's grown session answered %d", code)
	}
	h.expect("cookie-by-hand")
	ff := h.browser(firefoxUA)
	note := strings.Repeat("a long note to fill the session. ", 30)
	var seen []int
	for range 10 {
		code, _ := ff.post("Ada", "ada@example.com", note)
		seen = append(seen, code)
		if code == server.StatusSessionTooLarge {
			break
		}
	}
	if seen[len(seen)-1] != server.StatusSessionTooLarge {
		t.Fatalf("the session never grew too large: %v", seen)
	}
	ticks := h.expect("own-cookie-back", "session-too-large")
	tk := ticks["session-too-large"]
	if last := tk.How.Steps[len(tk.How.Steps)-1]; last.Fact != FactTooLarge || last.Status != server.StatusSessionTooLarge || last.Method != "POST" {
		t.Errorf("tick = %+v", tk)
	}
}

func TestStage7BodyTooLargeIsNotASessionTooLarge(t *testing.T) {
	h := newHarness(t, "grow/signed", false)
	ff := h.browser(firefoxUA)
	ff.post("Ada", "ada@example.com", "short")
	h.expect("own-cookie-back")
	// A form over the server's body limit is refused before the session is
	// looked at: 413 too, but not because the session outgrew its cookie.
	code, _ := ff.post("Ada", "ada@example.com", strings.Repeat("x", 20<<10))
	if code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 20 KiB form answered %d", code)
	}
	h.expect()
}

func TestOnlyOutsideClientsTick(t *testing.T) {
	// A second client inside the tutor (another browser of the engine's)
	// is still the tutor: its requests never tick, whatever they do.
	h := newHarness(t, "session", false)
	other, err := h.e.NewClient("second browser", firefoxUA)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := h.e.Run(ctx, other, engine.Form{Name: "Bea", Email: "bea@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Do(ctx, http.MethodGet, "/show", engine.Form{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	other.Clear()
	if _, err := other.Do(ctx, http.MethodGet, "/show", engine.Form{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.expect()
	if s := h.tr.Summary(); s.ChallengesDone != 0 || s.Challenges < 9 {
		t.Errorf("summary = %+v", s)
	}
}
