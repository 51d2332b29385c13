package accessible

import (
	"fmt"
	"slices"
	"time"
)

// limiter keeps traffic announcements listenable: at most burst lines in
// any window; the requests beyond them are held and summed up in one line
// once a window has passed since the first was held.
type limiter struct {
	window time.Duration
	burst  int
	// sum, when set, says the held lines: how many, over how many
	// seconds, how many of each label ("3 joined"), and the last. nil
	// means the traffic's summary ("2 from Firefox").
	sum func(held, secs int, byLabel []string, last string) string

	said []time.Time // when lines were said, within the last window

	held      int
	heldSince time.Time
	byLabel   map[string]int
	labels    []string // in the order first held
	lastHeld  string
}

// offer returns line, and true, when it may be said now; else it holds it.
func (l *limiter) offer(now time.Time, line, label string) (string, bool) {
	l.prune(now)
	if l.held == 0 && len(l.said) < l.burst {
		l.said = append(l.said, now)
		return line, true
	}
	if l.held == 0 {
		l.heldSince = now
		l.byLabel = make(map[string]int)
		l.labels = nil
	}
	l.held++
	if l.byLabel[label] == 0 {
		l.labels = append(l.labels, label)
	}
	l.byLabel[label]++
	l.lastHeld = line
	return "", false
}

// flush returns the summary of the held requests once a window has passed
// since the first was held, or "".
func (l *limiter) flush(now time.Time) string {
	if l.held == 0 || now.Sub(l.heldSince) < l.window {
		return ""
	}
	var s string
	if l.held == 1 {
		s = l.lastHeld
	} else {
		secs := int(now.Sub(l.heldSince).Round(time.Second) / time.Second)
		parts := make([]string, len(l.labels))
		for i, lb := range l.labels {
			if l.sum != nil {
				parts[i] = fmt.Sprintf("%d %s", l.byLabel[lb], lb)
			} else {
				parts[i] = fmt.Sprintf("%d from %s", l.byLabel[lb], lb)
			}
		}
		if l.sum != nil {
			s = l.sum(l.held, secs, parts, l.lastHeld)
		} else {
			s = fmt.Sprintf("%d more requests in the last %s: %s. The last: %s Type traffic to hear the last ten.",
				l.held, lastSeconds(secs), andList(parts), l.lastHeld)
		}
	}
	l.held = 0
	l.prune(now)
	l.said = append(l.said, now)
	return s
}

// prune forgets lines said more than a window ago.
func (l *limiter) prune(now time.Time) {
	l.said = slices.DeleteFunc(l.said, func(t time.Time) bool { return now.Sub(t) >= l.window })
}

// lastSeconds says a span of seconds after "in the last": "second", "5
// seconds".
func lastSeconds(secs int) string {
	if secs <= 1 {
		return "second"
	}
	return fmt.Sprintf("%d seconds", secs)
}
