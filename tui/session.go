package tui

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strconv"
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
}

// Layers are the three parts of a gorilla/securecookie value, which is
// base64url("timestamp|payload|signature").
type Layers struct {
	// Timestamp is when the cookie was made, as written in it.
	Timestamp string
	Issued    time.Time
	// Payload is the base64url text of the gob-encoded session; PayloadSize
	// is the size of the gob bytes.
	Payload     string
	PayloadSize int
	// Signature is the HMAC-SHA256 over name|timestamp|payload.
	Signature []byte
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
			}
			c.Hop, c.Header = i, line
			out = append(out, c)
		}
	}
	return out
}

// decodeCookie takes a session cookie value apart and verifies it.
func decodeCookie(value string, opts cookiecodec.Options) Cookie {
	c := Cookie{Value: value, Layers: splitLayers(value)}
	c.Result, c.Err = cookiecodec.Decode(value, opts)
	return c
}

// splitLayers splits a gorilla cookie value into its layers, or returns nil.
func splitLayers(value string) *Layers {
	raw, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return nil
	}
	parts := bytes.SplitN(raw, []byte("|"), 3)
	if len(parts) != 3 {
		return nil
	}
	l := &Layers{Timestamp: string(parts[0]), Payload: string(parts[1]), Signature: parts[2]}
	if ts, err := strconv.ParseInt(l.Timestamp, 10, 64); err == nil {
		l.Issued = time.Unix(ts, 0).UTC()
	}
	if gob, err := base64.URLEncoding.DecodeString(l.Payload); err == nil {
		l.PayloadSize = len(gob)
	}
	return l
}
