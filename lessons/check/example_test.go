package check_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// A view feeds the tracker every observation its watcher receives, and
// shows each tick at once; here a browser outside the tutor posts the
// form in the session stage and gets its own cookie back.
func ExampleTracker() {
	srv, _ := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(ln, srv)
	defer ln.Close()
	base := "http://" + ln.Addr().String()

	ls, _ := lessons.Embedded()
	e, _ := engine.New(engine.Options{Lessons: ls, Server: srv, URL: base, Progress: engine.Progress{Current: "session"}})
	defer e.Close()
	course, _ := check.Embedded(e.Stages())
	tr := check.NewTracker(course, engine.Progress{}, nil)
	w := e.Watch(64)
	ticks := make(chan check.Tick, 8)
	go func() {
		for o := range w.C {
			for _, t := range tr.Observe(o) {
				ticks <- t
			}
		}
	}()

	// The learner's browser, which the tutor knows nothing of.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	form := url.Values{"name": {"Ada"}, "email": {"ada@example.com"}}
	resp, _ := browser.PostForm(base+"/users", form)
	resp.Body.Close()

	t := <-ticks
	fmt.Println(t.Challenge.Stage, t.Challenge.ID)
	fmt.Println(t.Said)
	fmt.Println(t.How)
	done, total := tr.Count("session")
	fmt.Printf("stage 2: %d of %d done\n", done, total)
	// Output:
	// session own-cookie-back
	// ✓ Go-http-client at 127.0.0.1 sent back the cookie it got in response #1: in request #2 the signature checked out and the server read the name Ada from it.
	// checked with own-cookie-accepted, from the server's own record of each request:
	//   request #1, POST /users → 302, from Go-http-client at 127.0.0.1: the server set a session cookie for this client
	//   request #2, GET /show → 200, from Go-http-client at 127.0.0.1: sent back the cookie the server had set for it; its signature verified and the session held a user
	// stage 2: 1 of 2 done
}
