package server

import (
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"

	"github.com/formtest/formtest/server/cookiecodec"
)

// TestObserverRecordsAddressAndDecodings checks what a watcher needs to
// join a request to its record without guessing: the client's address as
// the server saw it, equal to the local address of the client's connection,
// and the server's own decoding of the cookies that went either way.
func TestObserverRecordsAddressAndDecodings(t *testing.T) {
	s, ts, c := newTestServer(t, Config{Stage: StageSession})
	sub := s.Subscribe(8)
	defer sub.Close()
	var local string
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { local = info.Conn.LocalAddr().String() }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodPost, ts.URL+"/users", strings.NewReader(lessonForm().Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	post := <-sub.C
	if _, _, err := net.SplitHostPort(post.RemoteAddr); err != nil || post.RemoteAddr != local {
		t.Errorf("RemoteAddr = %q, want the client's local address %q", post.RemoteAddr, local)
	}
	if post.In != nil || len(post.Out) != 1 || post.Out[0].Result == nil || post.Out[0].Result.Signature != cookiecodec.Valid || post.Out[0].Result.Values["name"] != "Ada" {
		t.Fatalf("POST decodings: in %+v, out %+v", post.In, post.Out)
	}
	get(t, c, ts.URL+"/show")
	show := <-sub.C
	if show.In == nil || show.In.Value != post.Out[0].Value || show.In.Result.Signature != cookiecodec.Valid || len(show.Out) != 0 {
		t.Errorf("GET /show decodings: in %+v, out %+v", show.In, show.Out)
	}
}
