package engine_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
)

// A challenge is a predicate over the stream of observations: here, "a
// client other than the tutor presented a session cookie the server
// accepted". The tutor's own runs never tick it, because every
// observation names the client that sent the request.
func ExampleEngine_Watch() {
	srv, _ := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(ln, srv)
	defer ln.Close()
	ls, _ := lessons.Embedded()
	e, _ := engine.New(engine.Options{Lessons: ls, Server: srv, URL: "http://" + ln.Addr().String(), Progress: engine.Progress{Current: "session"}})
	defer e.Close()
	w := e.Watch(64)
	defer w.Close()

	ticked := func(o engine.Observation) bool {
		return !o.Own() && o.Exchange.IncomingCookie != "" && o.Exchange.Rejected == ""
	}
	ctx := context.Background()
	form := engine.Form{Name: "Ada", Email: "ada@example.com"}
	e.Run(ctx, e.Tutor(), form) // the tutor's own run: POST, then GET with the cookie
	second, _ := e.NewClient("second browser", "Mozilla/5.0 Firefox/133.0")
	e.Run(ctx, second, form) // a second client of the engine: also its own

	// A browser outside the engine: a plain client sends the cookie back.
	browser, _ := engine.NewClient("browser", "Mozilla/5.0 Firefox/133.0", e.URL())
	browser.Do(ctx, "POST", "/users", form, time.Now())

	for range 6 {
		o := <-w.C
		fmt.Printf("%-14s %-4s %-6s ticks: %v\n", o.Label, o.Exchange.Method, o.Exchange.Target, ticked(o))
	}
	// Output:
	// tutor          POST /users ticks: false
	// tutor          GET  /show  ticks: false
	// second browser POST /users ticks: false
	// second browser GET  /show  ticks: false
	// Firefox        POST /users ticks: false
	// Firefox        GET  /show  ticks: true
}
