package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/formtest/formtest/server"
)

// Example runs the lesson's session stage and watches one exchange: the
// form is posted, the server answers 302 with a Set-Cookie, and the
// exchange carries the session decoded from that header.
func Example() {
	s, err := server.New(server.Config{Keys: [][]byte{[]byte(server.LessonKey)}, Stage: server.StageSession})
	if err != nil {
		panic(err)
	}
	sub := s.Subscribe(1)
	defer sub.Close()

	form := url.Values{"name": {"Jay"}, "email": {"kpatel@codingdojo.com"}}
	req := httptest.NewRequest(http.MethodPost, "/users", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.ServeHTTP(httptest.NewRecorder(), req)

	e := <-sub.C
	fmt.Println(e.Method, e.Target, e.Status, e.ResponseHeader.Get("Location"))
	fmt.Println(strings.HasPrefix(e.SetCookies()[0], "session="))
	fmt.Println(e.Session["name"], e.Session["email"])
	// Output:
	// POST /users 302 /show
	// true
	// Jay kpatel@codingdojo.com
}
