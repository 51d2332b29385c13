package accessible

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

func TestCookieValue(t *testing.T) {
	if got := CookieValue("abc"); got != "abc" {
		t.Errorf("CookieValue(short) = %q, want it whole", got)
	}
	long := "MTc2NDYy" + strings.Repeat("x", 200)
	if got, want := CookieValue(long), "208 characters, beginning MTc2NDYy"; got != want {
		t.Errorf("CookieValue(long) = %q, want %q", got, want)
	}
	if got := CookieValue("a\x1b[2Jb"); strings.ContainsRune(got, 0x1b) {
		t.Errorf("CookieValue kept an escape character: %q", got)
	}
}

func TestHeaderLine(t *testing.T) {
	v := "MTc2NDYy" + strings.Repeat("A", 212)
	tests := []struct{ in, want string }{
		{"Content-Length: 0", "Content-Length: 0"},
		{"Set-Cookie: session=" + v + "; Path=/; HttpOnly; SameSite=Lax", "Set-Cookie: session=(220 characters, beginning MTc2NDYy); Path=/; HttpOnly; SameSite=Lax"},
		{"Cookie: session=" + v, "Cookie: session=(220 characters, beginning MTc2NDYy)"},
		{"Cookie: session=short", "Cookie: session=short"},
		{"X-Evil: a\x1b]0;owned\x07b", `X-Evil: a\x1b]0;owned\ab`},
	}
	for _, tt := range tests {
		if got := HeaderLine(tt.in); got != tt.want {
			t.Errorf("HeaderLine(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestFormSentence(t *testing.T) {
	if got, want := FormSentence([]byte("email=ada%40example.com&name=Ada")), "the form: name is Ada, email is ada@example.com"; got != want {
		t.Errorf("FormSentence = %q, want %q", got, want)
	}
	got := FormSentence([]byte("name=Ada&email=&note=" + strings.Repeat("n", 700)))
	if want := "the form: name is Ada, email is empty, note is a text of 700 characters, beginning"; !strings.HasPrefix(got, want) {
		t.Errorf("FormSentence with a note = %q, want it to begin %q", got, want)
	}
}

func TestBodySummary(t *testing.T) {
	page := []byte(`<!doctype html><html><head><title>Form Test Show</title></head><body>
<h1>User:</h1>
<h3 id="name">Ada</h3>
<h3 id="email">ada@example.com</h3>
<h3 id="x"><em>Tom</em> &amp; Jerry</h3>
</body></html>`)
	got := BodySummary("text/html; charset=utf-8", page, 945)
	want := "an HTML page of 945 bytes; title: Form Test Show; headings: User, Ada, ada@example.com, Tom & Jerry"
	if got != want {
		t.Errorf("BodySummary(page)\n got %q\nwant %q", got, want)
	}
	if got := BodySummary("", nil, 0); got != "empty" {
		t.Errorf("BodySummary(empty) = %q", got)
	}
	if got, want := BodySummary("text/plain", []byte("hi"), 2), "plain text of 2 bytes"; got != want {
		t.Errorf("BodySummary(text) = %q, want %q", got, want)
	}
}

func TestValuesSentence(t *testing.T) {
	tests := []struct {
		values map[string]any
		want   string
	}{
		{nil, "no values"},
		{map[string]any{"email": "ada@example.com", "name": "Ada"}, "2 values: name is Ada, email is ada@example.com"},
		{map[string]any{"name": "Ada"}, "1 value: name is Ada"},
		{map[string]any{"name": "", "count": 3.0}, "2 values: name is empty, count is 3"},
		{map[string]any{"notes": []any{"first", "second"}}, "1 value: notes is a list of 2 items, the first first"},
	}
	for _, tt := range tests {
		if got := ValuesSentence(tt.values); got != tt.want {
			t.Errorf("ValuesSentence(%v) = %q, want %q", tt.values, got, tt.want)
		}
	}
}

// A trip as the engine makes it: POST /users sets a cookie, GET /show
// sends it back and the server accepts it.
func testTrip() *engine.Trip {
	value := "MTc2NDYy" + strings.Repeat("A", 212)
	res := &cookiecodec.Result{Signature: cookiecodec.Valid, Values: map[string]any{"name": "Ada", "email": "ada@example.com"}}
	set := "session=" + value + "; Path=/; HttpOnly"
	post := &server.Exchange{Seq: 1, Method: "POST", Target: "/users", Status: 302, Out: []server.DecodedCookie{{Value: value, Result: res}}}
	show := &server.Exchange{Seq: 2, Method: "GET", Target: "/show", Status: 200, IncomingCookie: value, In: &server.DecodedCookie{Value: value, Result: res}}
	page := []byte("<title>Form Test Show</title><h1>User:</h1><h3>Ada</h3><h3>ada@example.com</h3>")
	t := &engine.Trip{Title: "POST /users", Client: engine.TutorClient, Hops: []engine.Hop{
		{Method: "POST", URL: "/users", RequestHead: []string{"POST /users HTTP/1.1", "Content-Type: application/x-www-form-urlencoded"},
			RequestBody: []byte("name=Ada&email=ada%40example.com"), Status: 302,
			ResponseHead: []string{"HTTP/1.1 302 Found", "Location: /show", "Set-Cookie: " + set}, SetCookies: []string{set}, Record: post},
		{Method: "GET", URL: "/show", RequestHead: []string{"GET /show HTTP/1.1", "Cookie: session=" + value}, SentCookie: value, Status: 200,
			ResponseHead: []string{"HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8"}, ResponseBody: page, BodySize: int64(len(page)), Record: show},
	}}
	t.Cookies = []engine.Cookie{
		{Hop: 0, Header: set, Value: value, Result: res},
		{Hop: 1, Sent: true, Header: "session=" + value, Value: value, SameAsSet: true, Result: res},
	}
	return t
}

func TestTripLines(t *testing.T) {
	got := strings.Join(TripLines(testTrip()), "\n")
	want := `Request 1 of 2:
POST /users HTTP/1.1
Content-Type: application/x-www-form-urlencoded
Request body, the form: name is Ada, email is ada@example.com.
Response 1 of 2:
HTTP/1.1 302 Found
Location: /show
Set-Cookie: session=(220 characters, beginning MTc2NDYy); Path=/; HttpOnly
Response body: empty.
The response sets the session cookie: 227 bytes with its name, of the 4096 a browser keeps.
The cookie holds 2 values: name is Ada, email is ada@example.com.
The signature is valid.
Request 2 of 2:
GET /show HTTP/1.1
Cookie: session=(220 characters, beginning MTc2NDYy)
This request carries the session cookie the server set above, handed back unchanged.
The server accepted it.
Response 2 of 2:
HTTP/1.1 200 OK
Content-Type: text/html; charset=utf-8
Response body: an HTML page of 79 bytes; title: Form Test Show; headings: User, Ada, ada@example.com.`
	if got != want {
		t.Errorf("TripLines:\n%s\n\nwant:\n%s", got, want)
	}
}

func TestCookieSentencesRefused(t *testing.T) {
	tr := testTrip()
	bad := &cookiecodec.Result{Signature: cookiecodec.Invalid, Reason: "no key verifies this cookie", Values: map[string]any{"name": "Ada"}}
	tr.Hops[1].Record.Rejected = "bad signature: no key verifies this cookie."
	tr.Cookies[1].SameAsSet = false
	tr.Cookies[1].Result = bad
	got := strings.Join(CookieSentences(tr, tr.Cookies[1]), " ")
	want := "This request carries the session cookie, 220 characters, beginning MTc2NDYy. The server refused it: bad signature: no key verifies this cookie. It answered as if there were no session. The cookie claims 1 value: name is Ada."
	if got != want {
		t.Errorf("CookieSentences(refused)\n got %q\nwant %q", got, want)
	}
}

func TestTrafficLine(t *testing.T) {
	e := server.Exchange{Seq: 7, Method: "GET", Target: "/show", Status: http.StatusOK, IncomingCookie: "abc", Session: map[string]any{"name": "Ada"}}
	o := engine.Observation{Exchange: e, Label: "Firefox"}
	if got, want := TrafficLine(o), "Request 7 from Firefox: GET /show, answered 200 OK, the session cookie was valid; the page shows Ada."; got != want {
		t.Errorf("TrafficLine = %q, want %q", got, want)
	}
	e.Rejected, e.Session = "bad signature", nil
	o = engine.Observation{Exchange: e, Label: "curl\x1b[31m"}
	got := TrafficLine(o)
	if want := `Request 7 from curl\x1b[31m: GET /show, answered 200 OK, the session cookie was refused (bad signature).`; got != want {
		t.Errorf("TrafficLine(refused, hostile label) = %q, want %q", got, want)
	}
}

func TestTickLines(t *testing.T) {
	tk := check.Tick{
		Challenge: lessons.Challenge{Title: "A second client gets no user"},
		Said:      "✓ curl at 127.0.0.1 got no user in request #3.",
		How: check.How{Steps: []check.Step{
			{Seq: 3, Method: "GET", Target: "/show", Status: 200, Client: "curl at 127.0.0.1", Fact: check.FactNoUser},
		}},
	}
	if got, want := TickLine(tk), "Challenge done: A second client gets no user. curl at 127.0.0.1 got no user in request 3."; got != want {
		t.Errorf("TickLine = %q, want %q", got, want)
	}
	got := strings.Join(ProofLines(tk.How), "\n")
	want := "Proof: request 3, GET /show, answered 200, from curl at 127.0.0.1: came without that cookie, and the page found no user."
	if got != want {
		t.Errorf("ProofLines = %q, want %q", got, want)
	}
}

func TestLimiter(t *testing.T) {
	l := &limiter{window: 5 * time.Second, burst: 3}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	for i := range 3 {
		if _, ok := l.offer(at(float64(i)*0.1), "line", "curl"); !ok {
			t.Fatalf("line %d held; the first three should be said", i+1)
		}
	}
	for i := range 5 {
		label := "curl"
		if i == 4 {
			label = "Firefox"
		}
		if _, ok := l.offer(at(1+float64(i)*0.1), "last line.", label); ok {
			t.Fatalf("line %d said; beyond the burst lines are held", i+4)
		}
	}
	if s := l.flush(at(3)); s != "" {
		t.Errorf("flush before the window passed = %q, want nothing yet", s)
	}
	s := l.flush(at(6))
	if want := "5 more requests in the last 5 seconds: 4 from curl and 1 from Firefox. The last: last line."; !strings.HasPrefix(s, want) {
		t.Errorf("flush = %q, want it to begin %q", s, want)
	}
	if s := l.flush(at(20)); s != "" {
		t.Errorf("second flush = %q, want nothing: all was said", s)
	}
	if _, ok := l.offer(at(30), "line", "curl"); !ok {
		t.Errorf("a line long after the burst was held")
	}
}

func TestBlocks(t *testing.T) {
	md := "Press **enter** to send `GET /show`, *then* read [the seed](https://example.com/seed).\nSame paragraph.\n\n1. one\n2. two\n\n- bullet\n\n```python app.py\nprint('hi')\n```\n\n<!-- a comment -->\n"
	got := strings.Join(Blocks(md), "\n")
	want := "Press enter to send GET /show, then read the seed (https://example.com/seed). Same paragraph.\n1. one\n2. two\nbullet\nCode:\nprint('hi')\nEnd of code."
	if got != want {
		t.Errorf("Blocks:\n%s\nwant:\n%s", got, want)
	}
}

func TestSplitLesson(t *testing.T) {
	l := SplitLesson("First paragraph, which says:\n\n1. one\n2. two\n\nSecond.\n\n<!-- more -->\n\nDetail.", "Extra.")
	if got, want := strings.Join(l.Opening, "|"), "First paragraph, which says:|1. one|2. two"; got != want {
		t.Errorf("Opening = %q, want %q", got, want)
	}
	if got, want := strings.Join(l.Rest, "|"), "Second.|Detail.|Extra."; got != want {
		t.Errorf("Rest = %q, want %q", got, want)
	}
}

// Every lesson renders with no markup left and opens with one paragraph
// (and the list it introduces).
func TestSplitLessonEmbedded(t *testing.T) {
	ls, err := lessons.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		sl := SplitLesson(l.Text, "")
		if len(sl.Opening) == 0 {
			t.Errorf("%s: no opening", l.File)
		}
		for _, b := range append(sl.Opening, sl.Rest...) {
			if strings.Contains(b, "**") || strings.Contains(b, "```") || strings.Contains(b, "`") {
				t.Errorf("%s: markup left in %q", l.File, b)
			}
		}
	}
}

func TestAttributesSentence(t *testing.T) {
	age := 2592000
	got := strings.Join(AttributesSentence(cookiecodec.Attributes{Path: "/", MaxAge: &age, HTTPOnly: true, SameSite: "Lax"}), " ")
	want := "The browser keeps it for 30 days, and sends it with every request to this site under /. HttpOnly: scripts in the page cannot read it. SameSite Lax: other sites' pages cannot make the browser send it, except by a link the visitor follows to this site."
	if got != want {
		t.Errorf("AttributesSentence\n got %q\nwant %q", got, want)
	}
	if got := AttributesSentence(cookiecodec.Attributes{})[0]; got != "The browser keeps it only until it closes, and sends it to this site." {
		t.Errorf("AttributesSentence(none) = %q", got)
	}
	if got := duration(90); got != "90 seconds" {
		t.Errorf("duration(90) = %q", got)
	}
}

func TestIDText(t *testing.T) {
	if got, want := idText("3D6TUERGEIABVY5Z6MLPTQQ25B"), "26 characters, beginning 3D6TUERG"; got != want {
		t.Errorf("idText = %q, want %q", got, want)
	}
	if got := idText("abc"); got != "abc" {
		t.Errorf("idText(short) = %q", got)
	}
}
