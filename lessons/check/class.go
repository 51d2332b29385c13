package check

// This file is the class tracker: in classroom mode a challenge is not
// done once, for the one learner at the keyboard, but once per student,
// and the teacher's screen counts the students who did each one ("9
// students tampered with a cookie; all 9 were refused").

import (
	"net/netip"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
)

// A student of a class is a machine: the address its requests come from.
// Two browsers on one laptop are one student (that is how the "second
// client" challenge is done), and a student's phone is another.

// classTally is what a class tracker keeps per student.
type classTally struct {
	// students are by address; the one seen first is forgotten first
	// when the class outgrows its bound.
	students *fifo[netip.Addr, *student]
	// counts is how many students did each challenge, by id.
	counts map[string]int
	// forgotten counts students forgotten to make room.
	forgotten uint64
}

// student is one student's part of the class tally.
type student struct {
	done map[string]bool // challenge ids
	// holder is the last of the student's clients whose own cookie was
	// accepted with a user, for the "second client" challenge.
	holder *holder
}

// NewClassTracker returns a tracker for a whole class (formtest tutor
// --classroom): it counts each challenge once per student, a student
// being the address the requests come from, where a learner's tracker
// ticks a challenge once. Observe returns a Tick the first time each
// student does each challenge; Class and StudentDone give the counts. It
// keeps no progress, and its tables are sized for a class of up to
// server.DefaultMaxClients browsers; past that the student seen first is
// forgotten first.
func NewClassTracker(course *Course, now func() time.Time) *Tracker {
	t := NewTracker(course, engine.Progress{}, now)
	t.cookies = newFifo[cookieKey, *cookieInfo](maxClassCookies)
	t.clients = newFifo[string, *clientState](maxClassStudents)
	t.class = &classTally{
		students: newFifo[netip.Addr, *student](maxClassStudents),
		counts:   make(map[string]int),
	}
	return t
}

// ip is the client's address as the class view parses it
// (server.RemoteIP): an IPv4 address written as IPv6 is the IPv4 one. An
// address that does not parse is the zero Addr.
func (c Client) ip() netip.Addr {
	a, _ := netip.ParseAddr(c.Addr)
	return a.Unmap()
}

// student returns the student at addr, making one, and forgetting the
// one seen first when the class is full. t.mu must be held.
func (ct *classTally) student(addr netip.Addr) *student {
	return ct.students.getOrMake(addr, func() *student { return &student{done: make(map[string]bool, 2)} },
		func(_ netip.Addr, old *student) {
			for id := range old.done {
				ct.counts[id]--
			}
			ct.forgotten++
		})
}

// mark records that s did challenge id.
func (ct *classTally) mark(s *student, id string) {
	if !s.done[id] {
		s.done[id] = true
		ct.counts[id]++
	}
}

// ClassCount is one challenge of a stage and how many students did it.
type ClassCount struct {
	Challenge lessons.Challenge
	// Students is how many students did it: for a class tracker, the
	// students of the class still remembered; for a learner's tracker, 1
	// once it is done.
	Students int
}

// Said is the count in a sentence for the teacher's screen (the
// challenge file's class sentences).
func (c ClassCount) Said() string {
	s, err := c.Challenge.ClassSaid(c.Students)
	if err != nil {
		// A challenge from the course always renders; should one not, the
		// count still shows.
		s, _ = lessons.Challenge{Title: c.Challenge.Title}.ClassSaid(c.Students)
	}
	return s
}

// Class returns the challenges of the stage whose progress key is stage,
// each with how many students did it.
func (t *Tracker) Class(stage string) []ClassCount {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []ClassCount
	for _, ch := range t.course.Challenges(stage) {
		n := 0
		if t.class != nil {
			n = t.class.counts[ch.ID]
		} else if _, ok := t.done[ch.ID]; ok {
			n = 1
		}
		out = append(out, ClassCount{Challenge: ch, Students: n})
	}
	return out
}

// StudentDone returns how many of the challenges of the stage whose
// progress key is stage the student at addr did, and how many the stage
// has. A learner's tracker counts every outside client as that one
// learner.
func (t *Tracker) StudentDone(addr netip.Addr, stage string) (done, total int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var s *student
	if t.class != nil {
		s = t.class.students.get(addr.Unmap())
	}
	for _, ch := range t.course.stageChallenges(stage) {
		total++
		switch {
		case t.class == nil:
			if _, ok := t.done[ch.ID]; ok {
				done++
			}
		case s != nil && s.done[ch.ID]:
			done++
		}
	}
	return done, total
}

// Students returns how many students a class tracker remembers, and how
// many it forgot to make room; 0 and 0 for a learner's tracker.
func (t *Tracker) Students() (n int, forgotten uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.class == nil {
		return 0, 0
	}
	return t.class.students.len(), t.class.forgotten
}
