package check

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// flood returns the i-th observation of a flood: a new client (its own
// User-Agent) posting the form and getting a new cookie.
func flood(i int) engine.Observation {
	v := fmt.Sprintf("cookie-%d", i)
	return engine.Observation{Exchange: server.Exchange{
		Seq: uint64(i + 1), Method: http.MethodPost, Target: "/users", Status: http.StatusFound,
		Stage: server.StageSession, Storage: server.StorageSigned, RemoteAddr: "127.0.0.1:40000",
		RequestHeader: http.Header{"User-Agent": {fmt.Sprintf("bot%d/1", i)}},
		Out:           []server.DecodedCookie{{Value: v, Result: &cookiecodec.Result{Signature: cookiecodec.Valid}}},
		Session:       map[string]any{"name": "Ada"},
	}}
}

func TestTrackerMemoryIsBounded(t *testing.T) {
	c := embeddedCourse(t)
	tr := NewTracker(c, engine.Progress{}, nil)
	for i := range 3 * maxCookies {
		tr.Observe(flood(i))
	}
	if tr.cookies.len() > maxCookies || len(tr.cookies.order) > maxCookies {
		t.Errorf("%d cookies remembered, at most %d wanted", tr.cookies.len(), maxCookies)
	}
	if tr.clients.len() > maxClients || len(tr.clients.order) > maxClients {
		t.Errorf("%d clients remembered, at most %d wanted", tr.clients.len(), maxClients)
	}
	// The newest are the ones kept: the last client's cookie still counts
	// as its own.
	last := flood(3*maxCookies - 1)
	back := last
	back.Exchange.Seq++
	back.Exchange.Method, back.Exchange.Target, back.Exchange.Status = http.MethodGet, "/show", http.StatusOK
	back.Exchange.IncomingCookie = last.Exchange.Out[0].Value
	back.Exchange.In = &last.Exchange.Out[0]
	back.Exchange.Out = nil
	ticks := tr.Observe(back)
	if len(ticks) != 1 || ticks[0].Challenge.ID != "own-cookie-back" {
		t.Errorf("after the flood, the newest client's cookie ticked %+v", ticks)
	}
}

// BenchmarkObserve measures what the tracker costs per observation, with
// its tables full.
func BenchmarkObserve(b *testing.B) {
	stages, err := engineStages()
	if err != nil {
		b.Fatal(err)
	}
	c, err := Embedded(stages)
	if err != nil {
		b.Fatal(err)
	}
	tr := NewTracker(c, engine.Progress{}, nil)
	for i := range maxCookies {
		tr.Observe(flood(i))
	}
	obs := make([]engine.Observation, 1024)
	for i := range obs {
		obs[i] = flood(maxCookies + i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		tr.Observe(obs[i%len(obs)])
	}
}
