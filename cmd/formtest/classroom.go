package main

// This file is `formtest tutor --classroom`: the tutor serving a whole
// class on the local network. tutor.go calls planClassroom and, when it
// returns a plan, uses its address, keys and server configuration, shows
// how to join, and (with --plain) logs the class's requests a line each.

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/pflag"

	"github.com/formtest/formtest/lessons/check"
	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/tui/qrtext"
)

// classroomFlags are the tutor's classroom flags.
type classroomFlags struct {
	// On is --classroom.
	On bool
	// LessonKey is --lesson-key: sign with the lesson's public key, so
	// that students can forge sessions on purpose.
	LessonKey bool
	// AddrSet reports that --addr was given; otherwise classroom mode
	// listens on every interface, on a free port.
	AddrSet bool

	// addrs lists the machine's interface addresses; nil means
	// machineAddrs. Tests set it.
	addrs func() ([]classroom.HostAddr, error)
	// random is where a fresh key comes from; nil means crypto/rand.
	random io.Reader
}

// register adds --classroom and --lesson-key to f.
func (c *classroomFlags) register(f *pflag.FlagSet) {
	f.BoolVar(&c.On, "classroom", false, "serve the form to a whole class on this network (all interfaces, a free port, a fresh random key), with a QR code to join")
	f.BoolVar(&c.LessonKey, "lesson-key", false, "with --classroom: sign sessions with the lesson's public key, so every student can forge any session (for the forging lesson only)")
}

// classroomListenAddr is where classroom mode listens without --addr:
// every interface, a free port.
const classroomListenAddr = ":0"

// classroomPlan is how the tutor serves a class.
type classroomPlan struct {
	// Addr is where to listen.
	Addr string
	// Keys are the session keys; KeyNote says where they came from, in a
	// sentence that never holds a key.
	Keys    [][]byte
	KeyNote string
	// Warning, when set, is to be shown loudly: the key protects nothing.
	Warning string
	// Server is the server's classroom configuration.
	Server server.Classroom

	addrs func() ([]classroom.HostAddr, error)
}

// planClassroom returns how to serve a class, or nil when --classroom was
// not given. The key is --secret, --secret-file or FORMTEST_SECRET when
// given (at least 32 bytes, not the lesson's), the lesson's public key
// only with --lesson-key, and otherwise 32 random bytes made for this run.
func planClassroom(addr string, c classroomFlags, keys keyFlags) (*classroomPlan, error) {
	if !c.On {
		if c.LessonKey {
			return nil, usageErrorf("--lesson-key is for --classroom; the tutor on loopback uses the lesson's key unless given another")
		}
		return nil, nil
	}
	p := &classroomPlan{Addr: addr, addrs: c.addrs}
	if p.addrs == nil {
		p.addrs = classroom.MachineAddrs
	}
	if !c.AddrSet {
		p.Addr = classroomListenAddr
	}
	if _, _, err := net.SplitHostPort(p.Addr); err != nil {
		return nil, usageErrorf("--addr %q: want host:port, such as 192.168.1.10:5000 or :0: %w", p.Addr, err)
	}
	raw, _, err := keys.raw()
	if err != nil {
		return nil, err
	}
	switch {
	case c.LessonKey && len(raw) > 0:
		return nil, usageErrorf("--lesson-key and a key of your own (--secret, --secret-file or FORMTEST_SECRET) contradict each other: choose one")
	case c.LessonKey:
		p.Keys = [][]byte{[]byte(server.LessonKey)}
		p.KeyNote = "the lesson's public key"
		p.Warning = "WARNING: --lesson-key signs every session with the lesson's public key,\nwhich anyone can read in the tutorial. Every student can forge any session,\nwith any name in it, and the server will believe it. Use it only to show\nforging; start again without it for anything else."
	case len(raw) > 0:
		k, source, err := serveKeys(keys, false) // the rules for a key off loopback
		if err != nil {
			return nil, err
		}
		p.Keys = k
		p.KeyNote = fmt.Sprintf("the key from %s\n(sessions outlive a restart)", source)
	default:
		k := make([]byte, 32)
		if _, err := io.ReadFull(cmp.Or[io.Reader](c.random, rand.Reader), k); err != nil {
			return nil, fmt.Errorf("make a session key: %w", err)
		}
		p.Keys = [][]byte{k}
		p.KeyNote = "a random key made for this run, never shown\n(sessions end when the tutor stops; --secret-file keeps them)"
	}
	// The tutor's own clients reach the server over loopback, or over the
	// one address it listens on; the budget is for the class.
	p.Server.Exempt = []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}
	if ip, err := netip.ParseAddr(hostOf(p.Addr)); err == nil && !ip.IsUnspecified() {
		p.Server.Exempt = append(p.Server.Exempt, ip.Unmap())
	}
	return p, nil
}

// hostOf returns the host of a host:port address, without brackets.
func hostOf(addr string) string {
	h, _, _ := net.SplitHostPort(addr)
	return h
}

// serverConfig returns the server's classroom configuration, or nil
// outside classroom mode.
func (p *classroomPlan) serverConfig() *server.Classroom {
	if p == nil {
		return nil
	}
	c := p.Server
	return &c
}

// localURL returns the URL the tutor's own clients use for a server whose
// listener says listenURL: loopback, when it listens on every interface.
func (p *classroomPlan) localURL(listenURL string) string {
	u, err := url.Parse(listenURL)
	if err != nil {
		return listenURL
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && ip.IsUnspecified() {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	}
	return u.String()
}

// join returns how students reach the server whose listener says
// listenURL, for the announcement and for a view.
func (p *classroomPlan) join(listenURL string) (*classroom.Join, error) {
	u, err := url.Parse(listenURL)
	if err != nil {
		return nil, fmt.Errorf("server URL %q: %w", listenURL, err)
	}
	addrs, err := p.addrs()
	if err != nil {
		return nil, err
	}
	j := &classroom.Join{
		URLs:    classroom.JoinURLs(hostOf(p.Addr), u.Port(), addrs),
		Local:   p.localURL(listenURL),
		KeyNote: p.KeyNote,
		Warning: p.Warning,
		Rate:    cmp.Or(p.Server.Rate, server.DefaultClassRate),
		Burst:   cmp.Or(p.Server.Burst, server.DefaultClassBurst),
	}
	if len(j.URLs) > 0 {
		if j.QR, err = qrtext.Lines(j.URLs[0].URL, qrtext.Options{}); err != nil {
			j.QR = nil // a URL too long for 80 columns: the URLs are still listed
		}
	}
	return j, nil
}

// announceWidth is the width the announcement is wrapped to: the
// classic terminal's, which the QR code fits too.
const announceWidth = 80

// announce writes how students join: the URLs, a QR code of the first,
// the key in use and the budget (the notes the full-screen join screen
// shows), or plainly that no other device can reach this machine. Every
// line but the code's is wrapped to 80 columns; the code is never wider.
func announce(w io.Writer, j *classroom.Join) error {
	var b strings.Builder
	para := func(s string) {
		for _, l := range strings.Split(ansi.Wrap(cookiecodec.EscapeText(strings.Join(strings.Fields(s), " ")), announceWidth, ""), "\n") {
			// ansi.Wrap can leave the space it broke at, a column too many.
			b.WriteString(strings.TrimRight(l, " ") + "\n")
		}
	}
	if j.Warning != "" {
		b.WriteString("\n")
		para(j.Warning)
		b.WriteString("\n")
	}
	if len(j.URLs) == 0 {
		para("This machine has no network address beyond loopback, so no other device can reach the tutor. Join the class's network (Wi-Fi or cable) and start the tutor again. On this machine it answers at " + j.Local)
	} else {
		b.WriteString("Students join at (on the same network as this machine):\n")
		width := 0
		for _, u := range j.URLs {
			width = max(width, len(u.URL))
		}
		for _, u := range j.URLs {
			line := fmt.Sprintf("  %-*s  %s", width, cookiecodec.EscapeText(u.URL), classroom.SafeText(u.Iface, 16))
			if ansi.StringWidth(line) > announceWidth { // a URL too long to share its line
				line = fmt.Sprintf("  %s\n    %s", cookiecodec.EscapeText(u.URL), classroom.SafeText(u.Iface, 16))
			}
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
		if j.QR != nil {
			b.WriteString("\n")
			para("Scan to open " + j.URLs[0].URL + ":")
			for _, l := range j.QR {
				b.WriteString(l + "\n")
			}
			b.WriteString("\n")
		}
	}
	for _, n := range j.Notes() {
		para(n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// runClassroomPlain logs the class's requests to w, a line each, until ctx
// is done: what the full-screen class view shows, for a terminal that
// cannot show it or a screen reader. Emails are masked and client text
// escaped, as on the projected view.
func runClassroomPlain(ctx context.Context, w io.Writer, eng *engine.Engine, srv *server.Server) error {
	challenges, err := classChallenges(eng)
	if err != nil {
		return err
	}
	m := classroom.New(classroom.Options{Server: srv, Challenges: challenges})
	watch := eng.Watch(1024)
	defer watch.Close()
	fmt.Fprintf(w, "Stage %d, %s: waiting for the class (Ctrl-C stops).\n", eng.Current().Index+1, eng.Current().Server)
	for {
		select {
		case <-ctx.Done():
			s := m.Summary(eng.Current().Server)
			fmt.Fprintf(w, "%s; %d clients in all.\n", s, s.Clients)
			return nil
		case o, ok := <-watch.C:
			if !ok {
				return nil
			}
			if o.Own() {
				continue
			}
			if o.Missed > 0 {
				fmt.Fprintf(w, "(%d requests not shown: the log fell behind)\n", o.Missed)
			}
			ticks := m.Add(o)
			k := classroom.Key{Addr: server.RemoteIP(o.Exchange.RemoteAddr), Browser: server.BrowserFamily(o.Exchange.RequestHeader.Get("User-Agent"))}
			r, ok := m.Row(k)
			if !ok {
				continue
			}
			line := classLine(r, &o.Exchange) + "\n"
			for _, t := range ticks {
				line += tickLine(r, t, challenges) + "\n"
			}
			if _, err := io.WriteString(w, line); err != nil {
				return err
			}
		}
	}
}

// classChallenges is the tracker that counts the class's challenges, one
// student at a time.
func classChallenges(eng *engine.Engine) (*check.Tracker, error) {
	course, err := check.Embedded(eng.Stages())
	if err != nil {
		return nil, fmt.Errorf("classroom: challenges: %w", err)
	}
	return check.NewClassTracker(course, nil), nil
}

// tickLine says that the student of row r did a challenge for the first
// time, and how many students have done it now.
func tickLine(r classroom.Row, t check.Tick, tr *check.Tracker) string {
	line := fmt.Sprintf("         %-6s %-8s did a challenge: %s", r.Label, r.Browser, classroom.SafeText(t.Challenge.Title, 80))
	for _, c := range tr.Class(t.Challenge.Stage) {
		if c.Challenge.ID == t.Challenge.ID {
			line += ". " + classroom.SafeText(c.Said(), 200)
		}
	}
	return line
}

// classLine is one request of the class in a line: when, who, what, and
// the client's session after it.
func classLine(r classroom.Row, e *server.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-6s %-8s %s %s -> %d", e.Start.Format("15:04:05"), r.Label, r.Browser, classroom.SafeText(e.Method, 10), classroom.SafeText(e.Target, 60), e.Status)
	switch r.Verdict {
	case engine.VerdictRejected:
		fmt.Fprintf(&b, "; cookie refused (%s)", r.Rejected)
	case engine.VerdictAccepted:
		b.WriteString("; cookie accepted")
	}
	if r.Name != "" {
		fmt.Fprintf(&b, "; submitted %s <%s>", r.Name, r.Email)
	}
	if r.HasSession {
		b.WriteString("; holds a session")
	} else {
		b.WriteString("; no session")
	}
	return b.String()
}

// classroomNote is the tutor's status note in classroom mode.
func classroomNote(j *classroom.Join) string {
	if len(j.URLs) == 0 {
		return "Classroom: no network address beyond loopback, so only this machine can reach the server."
	}
	return "Classroom: students join at " + j.URLs[0].URL + " and see their own session at /me."
}
