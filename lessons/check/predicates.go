package check

// This file holds the predicates: what each Kind reads of an outside
// observation, given what the tracker has learnt before it.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// seen is an outside observation with what every predicate reads of it,
// worked out once.
type seen struct {
	o        engine.Observation
	e        *server.Exchange
	c        Client
	who      string // c.String()
	sent     string // the session cookie sent, or ""
	info     *cookieInfo
	accepted bool
	name     string // the user name in the session, or ""
}

// match checks rule r against the outside observation sn, given what the
// tracker has learnt before it.
func (t *Tracker) match(r rule, sn *seen) (How, lessons.SuccessData, bool) {
	e, o, c, who := sn.e, sn.o, sn.c, sn.who
	sent, info, accepted, name := sn.sent, sn.info, sn.accepted, sn.name
	how := How{Kind: r.kind}
	data := lessons.SuccessData{Seq: e.Seq}
	setFor := func(key string) bool { return info != nil && slices.Contains(info.receivers, key) }
	switch r.kind {
	case KindPostWithoutCookie:
		cs := t.clients.get(c.key())
		if cs == nil || cs.post == 0 || !isShow(e) || e.Status != http.StatusOK || len(e.Out) > 0 || e.Stage != cs.postStage {
			return How{}, data, false
		}
		how.Steps = []Step{cs.postStep, stepOf(o, who, FactShowNoCookie)}
		data.From = cs.post
	case KindOwnCookieAccepted:
		if !accepted || name == "" || !setFor(c.key()) {
			return How{}, data, false
		}
		how.Steps = []Step{setStep(info, c), stepOf(o, who, FactOwnCookieAccepted)}
		data.From, data.Name = info.setSeq, name
	case KindSecondClientNoUser:
		h := t.holderFor(c)
		if h == nil || !isShow(e) || e.Status != http.StatusOK || name != "" || sent != "" {
			return How{}, data, false
		}
		if hi := t.cookies.get(h.cookie); hi != nil && hi.ended {
			return How{}, data, false
		}
		how.Steps = []Step{h.step, stepOf(o, who, FactNoUser)}
		data.From = h.seq
	case KindCookieByHand:
		if !accepted || name == "" || info == nil || len(info.receivers) == 0 || setFor(c.key()) {
			return How{}, data, false
		}
		how.Steps = []Step{setStep(info, c), stepOf(o, who, FactCopiedCookieAccepted)}
		data.From, data.Name = info.setSeq, name
	case KindTamperedRefused:
		if sent == "" || e.Rejected == "" || e.In == nil || e.In.Result == nil || e.In.Result.Signature != cookiecodec.Invalid {
			return How{}, data, false
		}
		if info != nil && (info.sentByEngine || len(info.receivers) > 0) {
			return How{}, data, false
		}
		how.Steps = []Step{stepOf(o, who, FactBadSignature)}
	case KindForgedAccepted:
		if !accepted || name != r.name || (info != nil && (info.sentByEngine || len(info.receivers) > 0)) {
			return How{}, data, false
		}
		how.Steps = []Step{stepOf(o, who, FactForgedAccepted)}
		data.Name = name
	case KindEncryptedRefused:
		if sent == "" || e.Rejected == "" || e.Storage != server.StorageSigned || info == nil || info.setStorage != server.StorageEncrypted {
			return How{}, data, false
		}
		if r.own && !setFor(c.key()) {
			return How{}, data, false
		}
		how.Steps = []Step{setStep(info, c), stepOf(o, who, FactEncryptedRefused)}
		data.From = info.setSeq
	case KindForgottenIDRefused:
		if sent == "" || e.Rejected == "" || e.Storage != server.StorageServer || e.SessionID == "" || e.Stored != nil || e.StoredErr != nil || info == nil || info.loggedOut == 0 {
			return How{}, data, false
		}
		how.Steps = []Step{info.logout, stepOf(o, who, FactUnknownID)}
		data.From = info.loggedOut
	case KindSessionTooLarge:
		if e.Method != http.MethodPost || e.Status != server.StatusSessionTooLarge || !accepted || !wholeBody(e) {
			return How{}, data, false
		}
		if r.own && !setFor(c.key()) {
			return How{}, data, false
		}
		how.Steps = []Step{stepOf(o, who, FactTooLarge)}
		if info != nil {
			how.Steps = append([]Step{setStep(info, c)}, how.Steps...)
			data.From = info.setSeq
		}
		data.Name = name
	default:
		return How{}, data, false
	}
	return how, data, true
}

// holderFor is the holder a second client of c's is checked against: the
// last outside client whose own cookie was accepted with a user; in a
// class, the last one at c's address, so that one student's session does
// not make another student's first visit a "second client".
func (t *Tracker) holderFor(c Client) *holder {
	if t.class == nil {
		return t.holder
	}
	return t.class.student(c.ip()).holder
}

// setStep is the step of the exchange that set the cookie info is about,
// naming c when the server set it for c, or else the client it was first
// set for.
func setStep(info *cookieInfo, c Client) Step {
	s := info.set
	if slices.Contains(info.receivers, c.key()) {
		s.Client = c.String()
	}
	return s
}

// receiverName names a receiver key for people.
func receiverName(key string) string {
	kind, rest, _ := strings.Cut(key, "\x00")
	switch kind {
	case "engine":
		return "the tutor's client " + cookiecodec.EscapeText(rest)
	case "outside":
		addr, family, _ := strings.Cut(rest, "\x00")
		return Client{Addr: addr, Family: family}.String()
	}
	return "another client"
}

// userName is the user name in the session the server worked with, or "".
func userName(e *server.Exchange) string {
	name, _ := e.Session["name"].(string)
	return name
}

// isShow reports whether e asked for the user page.
func isShow(e *server.Exchange) bool {
	return e.Method == http.MethodGet && pathOf(e.Target) == "/show"
}

// deletes reports whether e's answer deleted the session cookie.
func deletes(e *server.Exchange) bool {
	for _, out := range e.Out {
		if out.Result == nil && out.Err == nil {
			return true
		}
	}
	return false
}

// wholeBody reports whether the server's record holds the request's whole
// body, so that the request was not refused for its size before the
// session was looked at.
func wholeBody(e *server.Exchange) bool {
	n, err := strconv.Atoi(e.RequestHeader.Get("Content-Length"))
	return err == nil && n == len(e.RequestBody)
}

// pathOf is a request target's path, without the query.
func pathOf(target string) string {
	for i := 0; i < len(target); i++ {
		if target[i] == '?' || target[i] == '#' {
			return target[:i]
		}
	}
	return target
}
