// Command formtest-classload stands in for a class: it runs N students
// against a formtest server in classroom mode, each from a loopback
// address of its own (127.1.0.1, 127.1.0.2, …, bound with net.Dialer's
// LocalAddr, which wrk cannot do), each with its own cookie jar, posting
// the form and reading /show and /me at a steady pace, and prints what the
// class got: requests a second, status counts and latency.
//
//	go run ./cmd/formtest-classload -url http://127.0.0.1:5090 -clients 300 -rate 2 -d 10s
//
// -greedy K makes the first K students send as fast as they can, as a
// student running wrk would; the others should still be served.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:5090", "the classroom server's URL (loopback)")
	clients := flag.Int("clients", 30, "students, each from its own loopback address")
	rate := flag.Float64("rate", 2, "requests a second each student sends")
	greedy := flag.Int("greedy", 0, "students that send as fast as they can instead")
	d := flag.Duration("d", 10*time.Second, "how long to run")
	flag.Parse()
	if err := run(*base, *clients, *greedy, *rate, *d); err != nil {
		fmt.Fprintf(os.Stderr, "formtest-classload: %v\n", err)
		os.Exit(1)
	}
}

// result is what one student saw.
type result struct {
	status    map[int]int
	errors    int
	latencies []time.Duration // of responses other than 429
	greedy    bool
}

func run(base string, n, greedy int, rate float64, d time.Duration) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return fmt.Errorf("bad -url %q", base)
	}
	if n < 1 || n > 60000 || rate <= 0 {
		return fmt.Errorf("-clients must be 1 to 60000 and -rate above 0")
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	results := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		// 127.1.0.1 and on: 127.0.0.1 is left to the tutor itself.
		src := netip.AddrFrom4([4]byte{127, byte(1 + (i+1)>>16), byte((i + 1) >> 8), byte(i + 1)})
		wg.Go(func() { results[i] = student(ctx, u, src, i < greedy, rate) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	report(os.Stdout, results, elapsed)
	return nil
}

// student posts the form, then reads /show and /me in turn, at rate
// requests a second (or flat out when greedy), until ctx is done.
func student(ctx context.Context, base *url.URL, src netip.Addr, greedy bool, rate float64) result {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: src.AsSlice()}, Timeout: 5 * time.Second}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1},
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res := result{status: map[int]int{}, greedy: greedy}
	tick := time.Duration(float64(time.Second) / rate)
	next := time.Now()
	for i := 0; ctx.Err() == nil; i++ {
		if !greedy {
			// Start at a random-looking offset so the class is not in step.
			if i == 0 {
				next = next.Add(time.Duration(src.As4()[3]) * tick / 256)
			}
			if wait := time.Until(next); wait > 0 {
				select {
				case <-ctx.Done():
					return res
				case <-time.After(wait):
				}
			}
			next = next.Add(tick)
		}
		var req *http.Request
		switch i % 3 {
		case 0:
			form := url.Values{"name": {"Student " + src.String()}, "email": {"s" + strings.ReplaceAll(src.String(), ".", "-") + "@example.com"}}
			req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base.JoinPath("/users").String(), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		case 1:
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base.JoinPath("/show").String(), nil)
		default:
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base.JoinPath("/me").String(), nil)
		}
		req.Header.Set("User-Agent", "formtest-classload")
		t0 := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				res.errors++
			}
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		res.status[resp.StatusCode]++
		if resp.StatusCode != http.StatusTooManyRequests {
			res.latencies = append(res.latencies, time.Since(t0))
		}
	}
	return res
}

// report prints requests a second, status counts and latency, for the
// steady students and the greedy ones apart.
func report(w io.Writer, results []result, elapsed time.Duration) {
	for _, greedy := range []bool{false, true} {
		status := map[int]int{}
		var lat []time.Duration
		errs, students, total := 0, 0, 0
		for _, r := range results {
			if r.greedy != greedy {
				continue
			}
			students++
			errs += r.errors
			for code, k := range r.status {
				status[code] += k
				total += k
			}
			lat = append(lat, r.latencies...)
		}
		if students == 0 {
			continue
		}
		kind := "steady"
		if greedy {
			kind = "greedy"
		}
		codes := make([]int, 0, len(status))
		for c := range status {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%d×%d", status[c], c))
		}
		slices.Sort(lat)
		pct := func(p float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, int(p*float64(len(lat))))]
		}
		fmt.Fprintf(w, "%s students %d: %.0f requests/s, %s, %d errors; served p50 %v p99 %v\n",
			kind, students, float64(total)/elapsed.Seconds(), strings.Join(parts, " "), errs, pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
	}
}
