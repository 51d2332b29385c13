package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestContentLength checks that every page is sent with a Content-Length
// equal to its body, not chunked: the small ones, whose length net/http
// computes, a page too large for that, which renderStatus declares, and
// HEAD, which has no body to measure.
func TestContentLength(t *testing.T) {
	_, ts, c := newTestServer(t, Config{})
	check := func(what string, r response, want int) {
		t.Helper()
		if got := r.header.Get("Content-Length"); got != strconv.Itoa(want) {
			t.Errorf("%s: Content-Length %q, want %d", what, got, want)
		}
		if len(r.header.Values("Transfer-Encoding")) > 0 {
			t.Errorf("%s: Transfer-Encoding %q, want none", what, r.header.Values("Transfer-Encoding"))
		}
	}

	index := get(t, c, ts.URL+"/")
	check("GET /", index, len(index.body))

	postForm(t, c, ts.URL+"/users", lessonForm())
	show := get(t, c, ts.URL+"/show")
	if show.status != http.StatusOK {
		t.Fatalf("GET /show = %d, want 200", show.status)
	}
	check("GET /show", show, len(show.body))

	req, err := http.NewRequest(http.MethodPost, ts.URL+"/users", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/"+strings.Repeat("x", 2*autoLengthBytes))
	big := do(t, c, req)
	if big.status != http.StatusUnsupportedMediaType || len(big.body) < autoLengthBytes {
		t.Fatalf("large error page: status %d, %d bytes; want 415 and over %d bytes", big.status, len(big.body), autoLengthBytes)
	}
	check("large error page", big, len(big.body))

	req, err = http.NewRequest(http.MethodHead, ts.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	head := do(t, c, req)
	check("HEAD /", head, len(index.body))
}
