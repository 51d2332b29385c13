package tui

import (
	"net/http"
	"time"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

// Cookie is a session cookie seen in an exchange, taken apart.
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
	// hop of the exchange set.
	SameAsSet bool
	// Layers are the parts of the value; nil when it did not split.
	Layers *Layers
	// Result is what cookiecodec made of it; Err is why it could not decode.
	Result *cookiecodec.Result
	Err    error
	// Stored is the database row a session id cookie points to, read after
	// the exchange; StoredChecked says whether it was looked up, StoredErr
	// why the lookup failed. A checked cookie with no row and no error
	// points to no row.
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

// sessionCookies decodes the session cookies sent and set in hops.
func sessionCookies(hops []Hop, opts cookiecodec.Options) []Cookie {
	var out []Cookie
	set := make(map[string]bool)
	for i, h := range hops {
		if h.SentCookie != "" {
			c := decodeCookie(h.SentCookie, opts)
			c.Hop, c.Sent = i, true
			c.Header = server.CookieName + "=" + h.SentCookie
			c.SameAsSet = set[h.SentCookie]
			out = append(out, c)
		}
		for _, line := range h.SetCookies {
			sc, err := http.ParseSetCookie(line)
			if err != nil || sc.Name != server.CookieName {
				continue
			}
			c := Cookie{Value: sc.Value}
			if sc.MaxAge < 0 || sc.Value == "" {
				c.Deleted = true
			} else {
				c = decodeCookie(sc.Value, opts)
				set[sc.Value] = true
				// What the browser files with the value: path, lifetime, flags.
				if in, err := cookiecodec.ParseSetCookie(line); err == nil && c.Result != nil {
					c.Result.Attributes = in.Attributes
				}
			}
			c.Hop, c.Header = i, line
			out = append(out, c)
		}
	}
	return out
}

// decodeCookie takes a session cookie value apart and verifies it.
func decodeCookie(value string, opts cookiecodec.Options) Cookie {
	c := Cookie{Value: value}
	c.Result, c.Err = cookiecodec.Decode(value, opts)
	if res := c.Result; res != nil && res.Parts.Timestamp != "" {
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
	return c
}
