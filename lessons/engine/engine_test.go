package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/server/servertest"
)

func TestRunHardcodedPostsThenShows(t *testing.T) {
	e := testEngine(t, "", false)
	res, err := e.Run(context.Background(), e.Tutor(), Form{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	tr := res.Trip
	var lines []string
	for _, h := range tr.Hops {
		lines = append(lines, fmt.Sprintf("%s %s %d", h.Method, h.Path(), h.Status))
	}
	if want := []string{"POST /users 302", "GET / 200", "GET /show 200"}; !slices.Equal(lines, want) {
		t.Fatalf("stage 1 hops = %q, want %q", lines, want)
	}
	for _, h := range tr.Hops {
		if h.SentCookie != "" || len(h.SetCookies) != 0 {
			t.Errorf("stage 1 moved cookies: sent %q, set %q", h.SentCookie, h.SetCookies)
		}
		if h.Record == nil || h.Verdict() != VerdictNoCookie {
			t.Errorf("hop %s %s: record %v, verdict %v", h.Method, h.Path(), h.Record != nil, h.Verdict())
		}
	}
	if len(tr.Cookies) != 0 || res.Outcome != OutcomeNoCookie || !res.Done {
		t.Errorf("outcome %v, done %v, cookies %+v", res.Outcome, res.Done, tr.Cookies)
	}
	show := tr.Last()
	if !strings.Contains(string(show.ResponseBody), "Jay") || strings.Contains(string(show.ResponseBody), "Ada") {
		t.Errorf("stage 1 page does not show the hard-coded values:\n%s", show.ResponseBody)
	}
	if post := tr.Hops[0]; post.Record.Form.Get("name") != "Ada" {
		t.Errorf("the server's record of the POST lacks the form: %v", post.Record.Form)
	}
	if !e.Progress().IsDone("hardcoded") {
		t.Errorf("progress = %+v", e.Progress())
	}
}

func TestRunSessionFollowsRedirectHopByHop(t *testing.T) {
	e := testEngine(t, "session", false)
	c := e.Tutor()
	res, err := e.Run(context.Background(), c, Form{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	ex := res.Trip
	if len(ex.Hops) != 2 || res.Outcome != OutcomeSetAndReturned {
		t.Fatalf("Run made %d hops, outcome %v; want 2, set and returned", len(ex.Hops), res.Outcome)
	}
	post, show := ex.Hops[0], ex.Hops[1]
	if post.RequestHead[0] != "POST /users HTTP/1.1" || string(post.RequestBody) != "email=ada%40example.com&name=Ada" {
		t.Errorf("first hop = %q with body %q", post.RequestHead[0], post.RequestBody)
	}
	if post.Status != http.StatusFound || post.ResponseHead[0] != "HTTP/1.1 302 Found" || len(post.SetCookies) != 1 {
		t.Fatalf("first hop answered %d %q with Set-Cookie %q, want 302 Found and one cookie", post.Status, post.ResponseHead[0], post.SetCookies)
	}
	if post.SentCookie != "" {
		t.Errorf("first hop sent cookie %q from an empty jar", post.SentCookie)
	}
	if !slices.Contains(post.ResponseHead, "Set-Cookie: "+post.SetCookies[0]) {
		t.Errorf("response head %q lacks the Set-Cookie line", post.ResponseHead)
	}
	if show.RequestHead[0] != "GET /show HTTP/1.1" || show.Status != 200 {
		t.Errorf("second hop = %q → %d, want GET /show → 200", show.RequestHead[0], show.Status)
	}
	set, _ := http.ParseSetCookie(post.SetCookies[0])
	if show.SentCookie != set.Value {
		t.Errorf("second hop sent cookie %q, want the value just set, %q", show.SentCookie, set.Value)
	}
	if !slices.Contains(show.RequestHead, "Cookie: session="+set.Value) {
		t.Errorf("request head %q lacks the Cookie line", show.RequestHead)
	}
	// The head keeps the order the client wrote: the request line, Host, then the rest.
	if !strings.HasPrefix(show.RequestHead[1], "Host: 127.0.0.1:") || show.RequestHead[2] != "User-Agent: "+UserAgent {
		t.Errorf("request head order = %q", show.RequestHead)
	}
	if !strings.Contains(string(show.ResponseBody), "ada@example.com") {
		t.Errorf("/show does not show the posted email:\n%s", show.ResponseBody)
	}
	// Each hop carries the server's own record of it.
	if post.Record == nil || post.Record.Method != "POST" || post.Record.RemoteAddr != post.LocalAddr || show.Record == nil || show.Record.Target != "/show" || show.Verdict() != VerdictAccepted {
		t.Fatalf("records: post %+v, show %+v", post.Record, show.Record)
	}
	if len(ex.Cookies) != 2 || ex.Cookies[0].Sent || !ex.Cookies[1].Sent || !ex.Cookies[1].SameAsSet {
		t.Fatalf("Cookies = %+v, want the Set-Cookie then the same value sent back", ex.Cookies)
	}
	k := ex.Cookies[0]
	if k.Err != nil || k.Result.Signature != cookiecodec.Valid || k.Result.Values["name"] != "Ada" || k.Result.Values["email"] != "ada@example.com" || k.Check() != CheckValid {
		t.Errorf("decoded Set-Cookie = %+v, %v; want valid with name Ada", k.Result, k.Err)
	}
	if k.Layers == nil || k.Layers.Timestamp == "" || k.Layers.Payload == "" || len(k.Layers.Signature) != 64 {
		t.Errorf("layers = %+v, want timestamp, payload and a 32-byte signature in hex", k.Layers)
	}
	if k.Result.Attributes == nil || post.Record.Out[0].Result.Attributes != nil {
		t.Errorf("attributes %v set on the trip's copy only (record's: %v)", k.Result.Attributes, post.Record.Out[0].Result.Attributes)
	}

	// The jar carries the cookie to the next run, until it is cleared.
	if got := len(c.Cookies()); got != 1 {
		t.Errorf("jar holds %d cookies, want 1", got)
	}
	tr, err := c.Do(context.Background(), "GET", "/show", Form{}, time.Now())
	if err != nil || tr.Hops[0].SentCookie != set.Value {
		t.Errorf("next run sent %q (err %v), want the jar's cookie", tr.Hops[0].SentCookie, err)
	}
	c.Clear()
	tr, err = c.Do(context.Background(), "GET", "/show", Form{}, time.Now())
	if err != nil || tr.Hops[0].SentCookie != "" || len(c.Cookies()) != 0 {
		t.Errorf("after Clear the run sent %q (err %v)", tr.Hops[0].SentCookie, err)
	}
	if !strings.Contains(string(tr.Hops[0].ResponseBody), "No user in this session") {
		t.Errorf("without a cookie /show should say there is no user:\n%s", tr.Hops[0].ResponseBody)
	}
}

func TestClientStops(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.com/", http.StatusFound)
	})
	mux.HandleFunc("/two", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "not-a-gorilla-cookie"})
		http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark"})
		w.Write([]byte("ok"))
	})
	r, err := NewClient("probe", UserAgent, servertest.Serve(t, mux))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ex, err := r.Do(ctx, "GET", "/loop", Form{}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "more than 4 redirects") || len(ex.Hops) != maxHops || ex.Err == nil {
		t.Errorf("redirect loop: %d hops, err %v", len(ex.Hops), err)
	}
	ex, err = r.Do(ctx, "GET", "/away", Form{}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "off the server") || len(ex.Hops) != 1 {
		t.Errorf("redirect away: %d hops, err %v", len(ex.Hops), err)
	}
	ex, err = r.Do(ctx, "GET", "/two", Form{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range ex.Hops[0].ResponseHead {
		if strings.HasPrefix(l, "Set-Cookie:") {
			lines = append(lines, l)
		}
	}
	if want := []string{"Set-Cookie: session=not-a-gorilla-cookie", "Set-Cookie: theme=dark"}; !slices.Equal(lines, want) {
		t.Errorf("Set-Cookie lines = %q, want each on its own line: %q", lines, want)
	}
	// Not formtest's server: no record, so nothing decodes the cookie.
	if len(ex.Cookies) != 1 || !errors.Is(ex.Cookies[0].Err, errNoRecord) || ex.Hops[0].Verdict() != VerdictUnknown {
		t.Errorf("Cookies = %+v, want the session cookie, without the server's record", ex.Cookies)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Do(cctx, "GET", "/two", Form{}, time.Now()); err == nil {
		t.Error("Do with a cancelled context succeeded")
	}
	for _, bad := range []string{"", "ftp://x", "http://"} {
		if _, err := NewClient("x", UserAgent, bad); err == nil {
			t.Errorf("NewClient(%q) succeeded", bad)
		}
	}
}

// TestPairingIsExact runs two clients of the engine and an outside client
// at once, each sending the same requests with the same User-Agent, and
// checks that every record is filed under the very request that caused it
// and every observation names the client that sent it.
func TestPairingIsExact(t *testing.T) {
	e := testEngine(t, "session", false)
	w := e.Watch(1024)
	defer w.Close()
	second, err := e.NewClient("second", UserAgent)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.NewClient("second", UserAgent); err == nil {
		t.Error("a second client of the same name was made")
	}
	outside, err := NewClient("outside", UserAgent, e.URL()) // not the engine's: its requests are traffic
	if err != nil {
		t.Fatal(err)
	}
	const rounds = 15
	var wg sync.WaitGroup
	trips := map[string][]*Trip{}
	var mu sync.Mutex
	for _, c := range []*Client{e.Tutor(), second, outside} {
		wg.Go(func() {
			for i := range rounds {
				res, err := e.Run(context.Background(), c, Form{Name: fmt.Sprintf("%s-%d", c.Name(), i), Email: "x@example.com"})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				trips[c.Name()] = append(trips[c.Name()], res.Trip)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, name := range []string{TutorClient, "second"} {
		for i, tr := range trips[name] {
			post, show := tr.Hops[0], tr.Hops[1]
			want := fmt.Sprintf("%s-%d", name, i)
			if post.Record == nil || post.Record.Form.Get("name") != want || show.Record == nil || show.Record.Session["name"] != want {
				t.Fatalf("%s run %d: records name %v / %v, want %s", name, i, post.Record.Form, show.Record.Session, want)
			}
			if show.Record.IncomingCookie != show.SentCookie || post.Record.RemoteAddr != post.LocalAddr {
				t.Errorf("%s run %d: the show record is another request's", name, i)
			}
		}
	}
	for _, tr := range trips["outside"] {
		if tr.Hops[0].Record != nil {
			t.Errorf("a client outside the engine got a record")
		}
	}
	count := map[string]int{}
	deadline := time.After(5 * time.Second)
	for count[TutorClient]+count["second"]+count[""] < 3*rounds*2 {
		select {
		case o := <-w.C:
			count[o.Client]++
			name, _ := o.Exchange.Form["name"]
			if len(name) > 0 && !strings.HasPrefix(name[0], o.Label+"-") && !(o.Client == "" && strings.HasPrefix(name[0], "outside-")) {
				t.Errorf("observation of %q labelled %q (client %q)", name, o.Label, o.Client)
			}
		case <-deadline:
			t.Fatalf("observations: %v", count)
		}
	}
	if count[TutorClient] != 2*rounds || count["second"] != 2*rounds || count[""] != 2*rounds {
		t.Errorf("observations by client = %v, want %d each", count, 2*rounds)
	}
}

func TestTripOfObservation(t *testing.T) {
	e := testEngine(t, "template", false)
	w := e.Watch(8)
	defer w.Close()
	c, err := NewClient("browser", "curl/8.5.0", e.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), "POST", "/users", Form{Name: "Ada", Email: "ada@example.com"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	var got []*Trip
	for range 2 {
		select {
		case o := <-w.C:
			if o.Own() || o.Label != "curl" {
				t.Errorf("observation from %q, label %q", o.Client, o.Label)
			}
			got = append(got, TripOf(o))
		case <-time.After(5 * time.Second):
			t.Fatal("no exchange observed")
		}
	}
	post, show := got[0], got[1]
	if post.Own() || post.Label != "curl" || post.Title != "traffic #1" {
		t.Errorf("post = %q from %q", post.Title, post.Label)
	}
	h := post.Hops[0]
	if h.RequestHead[0] != "POST /users HTTP/1.1" || h.ResponseHead[0] != "HTTP/1.1 302 Found" || len(h.SetCookies) != 1 {
		t.Errorf("observed POST = %q → %q, Set-Cookie %q", h.RequestHead[0], h.ResponseHead[0], h.SetCookies)
	}
	if len(post.Cookies) != 1 || post.Cookies[0].Result.Values["name"] != "Ada" {
		t.Errorf("observed POST cookies = %+v", post.Cookies)
	}
	if show.Hops[0].SentCookie == "" || len(show.Cookies) != 1 || !show.Cookies[0].Sent || show.Cookies[0].Check() != CheckValid {
		t.Errorf("observed GET /show cookies = %+v", show.Cookies)
	}
}

func TestClientLabel(t *testing.T) {
	tests := map[string]string{
		"":           "unknown client",
		"curl/8.5.0": "curl",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0":                                          "Firefox",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36": "Chrome",
		"HTTPie/3.2.4": "HTTPie",
		UserAgent:      UserAgent, // the tutor is known by its connection, not by this
	}
	for ua, want := range tests {
		if got := ClientLabel(ua); got != want {
			t.Errorf("ClientLabel(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestGotoAndStorage(t *testing.T) {
	e := testEngine(t, "", false)
	srv := e.Server()
	if _, err := e.Goto(-1); !errors.Is(err, ErrBeforeFirst) {
		t.Errorf("Goto(-1) = %v", err)
	}
	if _, err := e.Goto(len(e.Stages())); !errors.Is(err, ErrPastLast) {
		t.Errorf("Goto(past) = %v", err)
	}
	sc, err := e.Goto(5) // the database stage, and this server has none
	if err != nil || !sc.NoDatabase || sc.Storage != server.StorageSigned || srv.Storage() != server.StorageSigned || srv.Stage() != sc.Stage.Server {
		t.Errorf("Goto(5) = %+v, %v; server %q %q", sc, err, srv.Stage(), srv.Storage())
	}
	if e.Progress().Current != "template/server" {
		t.Errorf("progress current = %q", e.Progress().Current)
	}
	var got []server.Storage
	for range 3 {
		sc, err := e.CycleStorage()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, sc.Storage)
	}
	if want := []server.Storage{server.StorageEncrypted, server.StorageSigned, server.StorageEncrypted}; !slices.Equal(got, want) {
		t.Errorf("cycle without a database = %v, want %v", got, want)
	}
	for i, st := range e.Stages() {
		if st.FlaskFromSeed != (i < 3) {
			t.Errorf("stage %d: Flask code from the seed = %v", i+1, st.FlaskFromSeed)
		}
	}
}

// TestDemoWalksEveryStage runs every stage's demonstration, with a
// session database, and checks the steps each emits and what they found.
func TestDemoWalksEveryStage(t *testing.T) {
	e := testEngine(t, "", true)
	c := e.Tutor()
	var kinds [][]EventKind
	for i := range e.Stages() {
		if _, err := e.Goto(i); err != nil {
			t.Fatal(err)
		}
		var got []EventKind
		err := e.Demo(context.Background(), c, Form{Name: "Ada", Email: "ada@example.com"}, func(ev Event) error {
			got = append(got, ev.Kind)
			switch ev.Kind {
			case EventRun:
				if ev.Run.Outcome == OutcomeStopped || ev.Run.Outcome == OutcomeFailed {
					t.Errorf("stage %d run: outcome %v", i+1, ev.Run.Outcome)
				}
			case EventAttack:
				want := map[AttackKind]Verdict{AttackTamper: VerdictRejected, AttackForge: VerdictAccepted}[ev.Attack.Kind]
				if ev.Attack.Verdict != want {
					t.Errorf("stage %d: attack %v got %v (%q), want %v", i+1, ev.Attack.Kind, ev.Attack.Verdict, ev.Attack.Reason, want)
				}
			case EventGrowRun:
				if g := ev.Run.Growth; g == nil || g.Run == 0 {
					t.Errorf("grow run without growth: %+v", ev.Run)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("stage %d: %v", i+1, err)
		}
		kinds = append(kinds, got)
	}
	if want := []EventKind{EventRun, EventAttack, EventAttack}; !slices.Equal(kinds[3], want) {
		t.Errorf("stage 4 emits %v, want run, tamper, forge", kinds[3])
	}
	if kinds[4][0] != EventNewBrowser || kinds[5][0] != EventNewBrowser {
		t.Errorf("stages 5 and 6, on other storage, start with a new browser: %v, %v", kinds[4], kinds[5])
	}
	grow := kinds[6]
	if grow[0] != EventGrowStart || !slices.Contains(grow, EventStorage) || grow[len(grow)-1] != EventGrowRun {
		t.Errorf("stage 7 emits %v", grow)
	}
	if e.Storage() != server.StorageServer || !e.Progress().IsDone("grow/signed") {
		t.Errorf("after the walk: storage %q, progress %+v", e.Storage(), e.Progress())
	}
	// An error from emit stops the walk.
	stop := errors.New("stop")
	if err := e.Demo(context.Background(), c, Form{}, func(Event) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Demo with a failing emit = %v", err)
	}
}

// TestObservationsUseTheClock checks that the engine stamps trips and
// observations with its own clock.
func TestObservationsUseTheClock(t *testing.T) {
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	e := testEngineAt(t, "session", false, func() time.Time { return at })
	w := e.Watch(8)
	defer w.Close()
	res, err := e.Run(context.Background(), e.Tutor(), Form{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Trip.Started.Equal(at) {
		t.Errorf("trip started %v, want the engine's clock %v", res.Trip.Started, at)
	}
	select {
	case o := <-w.C:
		if !o.Received.Equal(at) || !o.Own() || o.Client != TutorClient {
			t.Errorf("observation received %v from %q", o.Received, o.Client)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no observation")
	}
	w.Close()
	e.Close()
	if _, ok := <-e.Watch(1).C; ok {
		t.Error("a watcher of a closed engine got an observation")
	}
}

func TestNames(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{OutcomeTooLarge.String(), "too large"}, {OutcomeStopped.String(), "stopped"},
		{VerdictRejected.String(), "rejected"}, {AttackForge.String(), "forge"},
		{CheckValid.String(), "valid"}, {EventStorage.String(), "storage"}, {Verdict(99).String(), "?"},
	} {
		if tt.got != tt.want {
			t.Errorf("name %q, want %q", tt.got, tt.want)
		}
	}
}

// TestWatchersAreToldOfRecordsTheEngineLost: when the engine falls behind
// the server (here: held up while more requests than its subscription
// holds are answered), its watchers are told how many records they never
// got, so that a class view can say its counts are short.
func TestWatchersAreToldOfRecordsTheEngineLost(t *testing.T) {
	e := testEngine(t, "", false)
	w := e.Watch(subscriptionBuffer * 2)
	defer w.Close()
	n := subscriptionBuffer + 50
	e.mu.Lock() // watch cannot hand anything on: the subscription fills up
	for range n {
		e.srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}
	e.mu.Unlock()
	// Probes until one arrives: one sent while the subscription is still
	// full is lost too, and counted.
	got, missed, probes := 0, uint64(0), 0
	probe := func() {
		probes++
		e.srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, fmt.Sprintf("/?probe=%d", probes), nil))
	}
	probe()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case o := <-w.C:
			got++
			missed += o.Missed
			if k, ok := strings.CutPrefix(o.Exchange.Target, "/?probe="); ok {
				// Every record before this probe's was delivered or missed.
				want := n + atoi(t, k)
				if got+int(missed) != want || missed == 0 {
					t.Errorf("got %d observations and %d missed, want %d in all with some missed", got, missed, want)
				}
				return
			}
		case <-tick.C:
			probe()
		case <-deadline:
			t.Fatalf("no probe arrived; got %d, missed %d", got, missed)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTutorMachineIsMarked: in classroom mode a request from one of the
// server's exempt addresses is marked as the tutor's machine's, one from
// any other address is not; outside classroom mode none is.
func TestTutorMachineIsMarked(t *testing.T) {
	ls, err := lessons.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, class := range []bool{true, false} {
		cfg := server.Config{Keys: [][]byte{[]byte("a classroom test key of 32 bytes!")}}
		if class {
			cfg.Classroom = &server.Classroom{Exempt: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}
		}
		srv, err := server.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		u := servertest.Serve(t, srv.HTTPServer("").Handler)
		e, err := New(Options{Lessons: ls, Server: srv, URL: u})
		if err != nil {
			t.Fatal(err)
		}
		w := e.Watch(16)
		got := map[string]bool{}
		for _, src := range []string{"127.0.0.1", "127.0.0.2"} {
			res, err := servertest.Browser(t, src).Get(u + "/")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			o := <-w.C
			got[src] = o.TutorMachine
		}
		if got["127.0.0.1"] != class || got["127.0.0.2"] {
			t.Errorf("classroom %v: TutorMachine %v, want it only for 127.0.0.1 in classroom mode", class, got)
		}
		w.Close()
		e.Close()
	}
}
