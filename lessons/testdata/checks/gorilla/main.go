// Command gorilla checks, against the gorilla/sessions and securecookie
// versions in go.mod, the facts the lessons state about them.
//
// Run from the repository root: go run ./lessons/testdata/checks/gorilla
//
// Each check prints PASS or FAIL, what it checked, and what it saw. The exit
// status is 1 if any check failed.
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
)

func main() {
	c := &checker{}
	c.defaults()
	c.maxLength()
	c.gobOrder()
	c.mac()
	c.encrypted()
	c.formtestCookie()
	c.noteGrowth()
	c.formtestMaxAge()
	fmt.Println()
	if c.failed > 0 {
		fmt.Printf("%d check(s) FAILED\n", c.failed)
		os.Exit(1)
	}
	fmt.Println("all checks passed")
}

type checker struct{ failed int }

func (c *checker) check(name string, ok bool, seen string) {
	word := "PASS"
	if !ok {
		word = "FAIL"
		c.failed++
	}
	fmt.Printf("%s  %s\n      %s\n", word, name, seen)
}

var key = []byte("ThisIsSecret")

func values() map[any]any {
	return map[any]any{"name": "Ada", "email": "ada@example.com"}
}

// defaults: what a CookieStore sets unless told otherwise.
func (c *checker) defaults() {
	cs := sessions.NewCookieStore(key)
	o := cs.Options
	c.check("sessions.NewCookieStore defaults: Path=/, MaxAge 30 days, SameSite=None, Secure, not HttpOnly",
		o.Path == "/" && o.MaxAge == 86400*30 && o.SameSite == http.SameSiteNoneMode && o.Secure && !o.HttpOnly,
		fmt.Sprintf("%+v", *o))
}

// maxLength: securecookie refuses to encode a value over 4096 bytes, so
// Save fails, and nothing is sent.
func (c *checker) maxLength() {
	cs := sessions.NewCookieStore(key)
	r := httptest.NewRequest("POST", "/users", nil)
	w := httptest.NewRecorder()
	sess, _ := cs.New(r, "session")
	sess.Values["note"] = strings.Repeat("n", 4000)
	err := sess.Save(r, w)
	c.check("default MaxLength(4096): Save of a big session fails with \"the value is too long\", and no Set-Cookie is sent",
		err != nil && strings.Contains(err.Error(), "the value is too long") && w.Header().Get("Set-Cookie") == "",
		fmt.Sprintf("err=%v; Set-Cookie %d bytes", err, len(w.Header().Get("Set-Cookie"))))
}

// gobOrder: gob writes a map's entries in Go's random map order, so the
// same values give different bytes, and all of them decode to the same map.
func (c *checker) gobOrder() {
	distinct := map[string]bool{}
	same := true
	for range 50 {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(values()); err != nil {
			panic(err)
		}
		distinct[b.String()] = true
		var m map[any]any
		if err := gob.NewDecoder(bytes.NewReader(b.Bytes())).Decode(&m); err != nil || m["name"] != "Ada" || m["email"] != "ada@example.com" || len(m) != 2 {
			same = false
		}
	}
	c.check("gob: the same two-entry map encodes to different bytes (entry order varies), all decoding to the same values",
		len(distinct) == 2 && same, fmt.Sprintf("%d distinct encodings in 50; all decode the same: %v", len(distinct), same))

	sc := securecookie.New(key, nil)
	cookies := map[string]bool{}
	for range 20 {
		v, err := sc.Encode("session", values())
		if err != nil {
			panic(err)
		}
		cookies[v] = true
	}
	c.check("securecookie: the same values, encoded again within the same second, give different cookies",
		len(cookies) > 1, fmt.Sprintf("%d distinct cookies in 20 encodings", len(cookies)))
}

// mac: the cookie is base64("date|value|mac"), the MAC is HMAC-SHA256 of
// "name|date|value", so a cookie is bound to its name.
func (c *checker) mac() {
	sc := securecookie.New(key, nil)
	v, err := sc.Encode("session", values())
	if err != nil {
		panic(err)
	}
	raw, _ := base64.URLEncoding.DecodeString(v)
	parts := bytes.SplitN(raw, []byte("|"), 3)
	h := hmac.New(sha256.New, key)
	fmt.Fprintf(h, "session|%s|%s", parts[0], parts[1])
	ts, _ := strconv.ParseInt(string(parts[0]), 10, 64)
	c.check("the cookie is base64 of \"timestamp|payload|MAC\"; MAC = HMAC-SHA256(key, \"session|timestamp|payload\")",
		len(parts) == 3 && hmac.Equal(h.Sum(nil), parts[2]) && time.Since(time.Unix(ts, 0)) < time.Minute,
		fmt.Sprintf("timestamp %s, payload %d bytes, MAC %d bytes, recomputed MAC equal: %v", parts[0], len(parts[1]), len(parts[2]), hmac.Equal(h.Sum(nil), parts[2])))

	var m map[any]any
	err = sc.Decode("other", v, &m)
	c.check("the cookie name is bound in: the same value under another name does not verify",
		err != nil, fmt.Sprintf("err=%v", err))

	b := []byte(v)
	b[len(b)/2] ^= 1
	if b[len(b)/2] == '=' || b[len(b)/2] == '-' {
		b[len(b)/2] = 'A'
	}
	err = sc.Decode("session", string(b), &m)
	c.check("one changed byte: Decode refuses it", err != nil, fmt.Sprintf("err=%v", err))

	payload, _ := base64.URLEncoding.DecodeString(string(parts[1]))
	var plain map[any]any
	err = gob.NewDecoder(bytes.NewReader(payload)).Decode(&plain)
	c.check("signed, not encrypted: the payload is base64 of gob, readable without any key",
		err == nil && plain["name"] == "Ada", fmt.Sprintf("%v err=%v", plain, err))
}

// encrypted: with a 32-byte block key, the payload is IV + AES-256-CTR(gob),
// and the MAC is computed over that ciphertext.
func (c *checker) encrypted() {
	block, err := cookiecodec.DeriveBlockKey(key)
	if err != nil {
		panic(err)
	}
	sc := securecookie.New(key, block)
	v, err := sc.Encode("session", values())
	if err != nil {
		panic(err)
	}
	raw, _ := base64.URLEncoding.DecodeString(v)
	parts := bytes.SplitN(raw, []byte("|"), 3)
	h := hmac.New(sha256.New, key)
	fmt.Fprintf(h, "session|%s|%s", parts[0], parts[1])
	ct, _ := base64.URLEncoding.DecodeString(string(parts[1]))
	aesBlock, _ := aes.NewCipher(block)
	iv, body := ct[:aes.BlockSize], append([]byte(nil), ct[aes.BlockSize:]...)
	cipher.NewCTR(aesBlock, iv).XORKeyStream(body, body)
	var m map[any]any
	err = gob.NewDecoder(bytes.NewReader(body)).Decode(&m)
	c.check("encrypted: payload = 16-byte IV + AES-256-CTR(gob); the MAC covers the ciphertext",
		len(block) == 32 && hmac.Equal(h.Sum(nil), parts[2]) && err == nil && m["name"] == "Ada",
		fmt.Sprintf("block key %d bytes; MAC over ciphertext: %v; decrypted by hand: %v", len(block), hmac.Equal(h.Sum(nil), parts[2]), m))
	var empty map[any]any
	b := []byte(v)
	b[len(b)/2] ^= 1
	err = sc.Decode("session", string(b), &empty)
	c.check("encrypted: a changed byte is refused before decryption (bad MAC)", err != nil, fmt.Sprintf("err=%v", err))
}

// formtestCookie: formtest's own Set-Cookie, to compare with Flask's default.
func (c *checker) formtestCookie() {
	srv, err := server.New(server.Config{Keys: [][]byte{key}, Stage: server.StageTemplate})
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("POST", "/users", strings.NewReader("name=Ada&email=ada%40example.com"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	sc := w.Header().Get("Set-Cookie")
	attrs := sc[strings.Index(sc, ";"):]
	c.check("formtest's session cookie: Max-Age=2592000 (30 days) and an Expires, HttpOnly, SameSite=Lax",
		strings.Contains(attrs, "Max-Age=2592000") && strings.Contains(attrs, "Expires=") && strings.Contains(attrs, "HttpOnly") && strings.Contains(attrs, "SameSite=Lax"),
		attrs)
}

// noteGrowth: how much each 700-byte note adds to a signed cookie (lesson 7
// says about 1,250 bytes: gob, base64, signature, base64 again). The first
// note also brings the "notes" key and gob's description of a []string.
func (c *checker) noteGrowth() {
	sc := securecookie.New(key, nil)
	gob.Register([]string(nil))
	v := values()
	var sizes []int
	var notes []string
	for range 3 {
		enc, err := sc.Encode("session", v)
		if err != nil {
			panic(err)
		}
		sizes = append(sizes, len(enc))
		notes = append(notes, strings.Repeat("n", 700))
		v["notes"] = notes
	}
	first, next := sizes[1]-sizes[0], sizes[2]-sizes[1]
	c.check("each 700-byte note adds about 1,250 bytes to the signed cookie (the first a little more)",
		next > 1200 && next < 1300 && first >= next, fmt.Sprintf("cookie sizes %v: +%d, then +%d", sizes, first, next))
}

// formtestMaxAge: formtest refuses a cookie whose signed timestamp is more
// than 30 days old, whatever the browser kept. The cookies are made by hand
// in gorilla's format, with an old timestamp.
func (c *checker) formtestMaxAge() {
	srv, err := server.New(server.Config{Keys: [][]byte{key}, Stage: server.StageTemplate})
	if err != nil {
		panic(err)
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(values()); err != nil {
		panic(err)
	}
	value := base64.URLEncoding.EncodeToString(payload.Bytes())
	show := func(age time.Duration) bool {
		ts := strconv.FormatInt(time.Now().Add(-age).Unix(), 10)
		h := hmac.New(sha256.New, key)
		fmt.Fprintf(h, "session|%s|%s", ts, value)
		cookie := base64.URLEncoding.EncodeToString([]byte(ts + "|" + value + "|" + string(h.Sum(nil))))
		r := httptest.NewRequest("GET", "/show", nil)
		r.AddCookie(&http.Cookie{Name: "session", Value: cookie})
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return strings.Contains(w.Body.String(), ">Ada<")
	}
	young, old := show(29*24*time.Hour), show(31*24*time.Hour)
	c.check("formtest accepts a cookie signed 29 days ago and refuses one signed 31 days ago",
		young && !old, fmt.Sprintf("29 days: accepted=%v; 31 days: accepted=%v", young, old))
}
