package engine

import (
	"errors"
	"net/http"
	"time"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// errNoRecord is a cookie's Err when the server's record of its hop, which
// holds the server's decoding of it, did not arrive.
var errNoRecord = errors.New("the server's record of this request did not arrive, so the cookie is not decoded")

// Cookie is a session cookie seen in a trip, as the server decoded it.
type Cookie struct {
	// Hop is the index of the hop it was seen in.
	Hop int
	// Sent is true for a cookie the client sent (Cookie header), false for
	// one the server set (Set-Cookie header).
	Sent bool
	// Header is the raw header value: the whole Set-Cookie value with its
	// attributes, or name=value for a sent cookie.
	Header string
	// Value is the cookie's value.
	Value string
	// Deleted is true for a Set-Cookie that deletes the cookie.
	Deleted bool
	// SameAsSet is true for a sent cookie whose value is the one an earlier
	// hop of the trip set.
	SameAsSet bool
	// Layers are the parts of the value; nil when it did not split.
	Layers *Layers
	// Result is what the server's decoder made of it; Err is why it could
	// not decode, or errNoRecord.
	Result *cookiecodec.Result
	Err    error
	// Stored is the database row a session id cookie points to, as the
	// server read it while answering; StoredChecked says whether it read
	// it, StoredErr why the read failed. A checked cookie with no row and
	// no error points to no row.
	Stored        *server.StoredSession
	StoredChecked bool
	StoredErr     error
}

// Layers are the three parts of a gorilla/securecookie value, which is
// base64url("timestamp|payload|signature"), as cookiecodec found them.
type Layers struct {
	// Timestamp is when the cookie was made, as written in it.
	Timestamp string
	Issued    time.Time
	// Payload is the base64url text of the serialised session; PayloadSize
	// is the size of the serialised bytes, Serializer their encoding.
	Payload     string
	PayloadSize int
	Serializer  string
	// Signature is the hex of the HMAC-SHA256 over SignedInput.
	Signature   string
	SignedInput string
}

// Check is what a cookie's own check found, before the server's verdict
// on the request it came with.
type Check int

// Checks.
const (
	// CheckUndecodable: the value did not decode at all.
	CheckUndecodable Check = iota
	// CheckBadSignature: the signature does not verify.
	CheckBadSignature
	// CheckUnchecked: no key to check the signature with.
	CheckUnchecked
	// CheckExpired: signed, but older than the server accepts.
	CheckExpired
	// CheckValid: signed with the server's key, not expired.
	CheckValid
)

// Check returns what c's check found.
func (c Cookie) Check() Check {
	res := c.Result
	switch {
	case res != nil && res.Signature == cookiecodec.Invalid:
		return CheckBadSignature
	case c.Err != nil || res == nil:
		return CheckUndecodable
	case res.Signature != cookiecodec.Valid:
		return CheckUnchecked
	case res.Expired:
		return CheckExpired
	}
	return CheckValid
}

// Size is what a browser counts of the cookie against its limit: its name
// and value.
func (c Cookie) Size() int { return len(server.CookieName) + len(c.Value) }

// tripCookies lists the session cookies sent and set in hops, each with
// the server's decoding of it from the hop's record.
func tripCookies(hops []Hop) []Cookie {
	var out []Cookie
	set := make(map[string]bool)
	for i, h := range hops {
		rec := h.Record
		if h.SentCookie != "" {
			c := Cookie{Hop: i, Sent: true, Value: h.SentCookie, Header: server.CookieName + "=" + h.SentCookie, SameAsSet: set[h.SentCookie]}
			if rec != nil && rec.In != nil && rec.In.Value == h.SentCookie {
				c.decoded(*rec.In, rec)
			} else {
				c.Err = errNoRecord
			}
			out = append(out, c)
		}
		k := 0 // the next of the record's Set-Cookie decodings
		for _, line := range h.SetCookies {
			sc, err := http.ParseSetCookie(line)
			if err != nil || sc.Name != server.CookieName {
				continue
			}
			c := Cookie{Hop: i, Header: line, Value: sc.Value}
			var d *server.DecodedCookie
			if rec != nil && k < len(rec.Out) && rec.Out[k].Value == sc.Value {
				d = &rec.Out[k]
			}
			k++
			switch {
			case sc.MaxAge < 0 || sc.Value == "":
				c.Deleted = true
			case d == nil:
				c.Err = errNoRecord
				set[sc.Value] = true
			default:
				c.decoded(*d, rec)
				set[sc.Value] = true
				// What the browser files with the value: path, lifetime, flags.
				if in, err := cookiecodec.ParseSetCookie(line); err == nil && c.Result != nil {
					res := *c.Result // the record's result is shared with other watchers
					res.Attributes = in.Attributes
					c.Result = &res
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// decoded fills c from the server's decoding d, and the row from rec
// when the server read the row c's id points to.
func (c *Cookie) decoded(d server.DecodedCookie, rec *server.Exchange) {
	c.Result, c.Err = d.Result, d.Err
	res := c.Result
	if res != nil && res.Parts.Timestamp != "" {
		c.Layers = &Layers{
			Timestamp:   res.Parts.Timestamp,
			Issued:      res.IssuedAt,
			Payload:     res.Parts.Payload,
			PayloadSize: len(res.Payload),
			Serializer:  res.Serializer,
			Signature:   res.Parts.MAC,
			SignedInput: res.Parts.SignedInput,
		}
	}
	if res != nil && res.SessionID != "" && res.SessionID == rec.SessionID && rec.Storage == server.StorageServer && rec.Status != http.StatusServiceUnavailable {
		c.Stored, c.StoredErr, c.StoredChecked = rec.Stored, rec.StoredErr, true
	}
}
