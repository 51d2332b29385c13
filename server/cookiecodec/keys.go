package cookiecodec

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A KeyChecker reports whether a key verifies one cookie. It is built
// once per cookie, with everything that does not depend on the key
// (splitting and decoding the value, the message the MAC covers, the
// expected MAC) prepared then, so a check only hashes.
//
// A format plugs into the key search by returning its KeyChecker from
// NewKeyChecker; SearchKeys, FindWeakKeyWith and MeasureRate then work for
// it unchanged. A format signed with HMAC(key, message) needs only
// newHMACChecker (with sha1HMAC, sha256HMAC, sha384HMAC or sha512HMAC);
// one that derives the HMAC key first builds on fixedHMAC, as
// flaskChecker does.
type KeyChecker interface {
	// Check reports whether key verifies the cookie. It is safe for
	// concurrent use, and should not allocate.
	Check(key []byte) bool
	// Cost describes what one Check does, so that a search can warn
	// before it starts that it will be slow.
	Cost() KeyCost
}

// KeyCost describes the work of one KeyChecker.Check.
type KeyCost struct {
	// Work names what one check computes, for people: "HMAC-SHA256 over
	// name|date|value".
	Work string
	// SlowByDesign is set for checks built to be slow (a key derivation
	// such as Rails' PBKDF2). Before searching a wordlist, the caller
	// should measure the rate (MeasureRate) and say how long the search
	// will take.
	SlowByDesign bool
}

// NewKeyChecker prepares checks of keys against value under opts (Format,
// Name, Salt). It fails when value is not a cookie of a format whose key
// can be searched for.
func NewKeyChecker(value string, opts Options) (KeyChecker, error) {
	format, err := ParseFormat(string(opts.Format))
	if err != nil {
		return nil, err
	}
	if format == Auto {
		if format, err = detect(value); err != nil {
			return nil, err
		}
	}
	switch format {
	case Gorilla:
		return newGorillaChecker(value, opts.Name)
	case Flask:
		return newFlaskChecker(value, opts.Salt)
	}
	opts.Format = format
	return newVerifierChecker(value, opts)
}

// fixedHMAC computes HMAC(key, msg) for one message and many keys, with
// no allocation: the message sits once after the key block of the inner
// hash's input, so a key costs writing one block and the hashes. It is
// not safe for concurrent use: a checker keeps one per goroutine in a
// sync.Pool.
type fixedHMAC struct {
	sum   func(dst, data []byte) []byte // the hash, appended to dst
	bs    int                           // the hash's block size
	inner []byte                        // key ^ ipad, then msg
	outer []byte                        // key ^ opad, then the inner hash
	ipad  []byte                        // bs bytes of 0x36
	opad  []byte                        // bs bytes of 0x5c
	long  []byte                        // the hash of a key longer than a block
}

// newFixedHMAC prepares HMACs of msg with the hash sum (of block size bs
// and output size size).
func newFixedHMAC(sum func(dst, data []byte) []byte, bs, size int, msg []byte) *fixedHMAC {
	h := &fixedHMAC{
		sum:   sum,
		bs:    bs,
		inner: append(make([]byte, bs, bs+len(msg)), msg...),
		outer: make([]byte, bs, bs+size),
		ipad:  bytes.Repeat([]byte{0x36}, bs),
		opad:  bytes.Repeat([]byte{0x5c}, bs),
		long:  make([]byte, 0, size),
	}
	return h
}

// mac appends HMAC(key, msg) to dst[:0] and returns it.
func (h *fixedHMAC) mac(dst, key []byte) []byte {
	if len(key) > h.bs {
		key = h.sum(h.long[:0], key)
	}
	copy(h.inner, h.ipad)
	copy(h.outer, h.opad)
	for i, k := range key {
		h.inner[i] ^= k
		h.outer[i] ^= k
	}
	h.outer = h.sum(h.outer[:h.bs], h.inner)
	return h.sum(dst[:0], h.outer)
}

// hmacHash is a hash for fixedHMAC: its sum, block size and size.
type hmacHash struct {
	sum       func(dst, data []byte) []byte
	blockSize int
	size      int
}

func sha1HMAC() hmacHash   { return hmacHash{sha1Sum, sha1.BlockSize, sha1.Size} }
func sha256HMAC() hmacHash { return hmacHash{sha256Sum, sha256.BlockSize, sha256.Size} }
func sha384HMAC() hmacHash { return hmacHash{sha384Sum, sha512.BlockSize, sha512.Size384} }
func sha512HMAC() hmacHash { return hmacHash{sha512Sum, sha512.BlockSize, sha512.Size} }

func sha1Sum(dst, data []byte) []byte {
	s := sha1.Sum(data)
	return append(dst, s[:]...)
}

func sha256Sum(dst, data []byte) []byte {
	s := sha256.Sum256(data)
	return append(dst, s[:]...)
}

func sha384Sum(dst, data []byte) []byte {
	s := sha512.Sum384(data)
	return append(dst, s[:]...)
}

func sha512Sum(dst, data []byte) []byte {
	s := sha512.Sum512(data)
	return append(dst, s[:]...)
}

// hmacChecker is the KeyChecker of a format whose signature is
// HMAC(key, msg) for a message the cookie fixes: gorilla, and the
// HMAC-signed formats of other frameworks (a JWT's HS256/384/512, an
// Express cookie's keygrip signature, express-session's id signature).
type hmacChecker struct {
	mac    []byte
	work   string
	states sync.Pool // of *hmacCheckState
}

type hmacCheckState struct {
	h   *fixedHMAC
	out [sha512.Size]byte
}

// newHMACChecker returns a checker of mac == HMAC-h(key, msg); work says
// what it computes, for KeyCost.
func newHMACChecker(h hmacHash, msg, mac []byte, work string) *hmacChecker {
	c := &hmacChecker{mac: mac, work: work}
	c.states.New = func() any {
		return &hmacCheckState{h: newFixedHMAC(h.sum, h.blockSize, h.size, msg)}
	}
	return c
}

// Check reports whether key signed the cookie.
func (c *hmacChecker) Check(key []byte) bool {
	s := c.states.Get().(*hmacCheckState)
	ok := hmac.Equal(s.h.mac(s.out[:0], key), c.mac)
	c.states.Put(s)
	return ok
}

// Cost says what a check computes.
func (c *hmacChecker) Cost() KeyCost { return KeyCost{Work: c.work} }

// newGorillaChecker checks keys against a gorilla/securecookie value: the
// MAC is HMAC-SHA256(key, name|date|value).
func newGorillaChecker(value, name string) (*hmacChecker, error) {
	raw, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed base64: %w", err)
	}
	parts := strings.SplitN(string(raw), "|", 3)
	if len(parts) != 3 {
		return nil, errors.New("cookiecodec: not a gorilla cookie: want timestamp|payload|mac")
	}
	msg := fmt.Appendf(nil, "%s|%s|%s", wantName(name), parts[0], parts[1])
	return newHMACChecker(sha256HMAC(), msg, []byte(parts[2]), "HMAC-SHA256 over name|date|value"), nil
}

// flaskChecker checks keys against a Flask (itsdangerous) value: the
// signing key is HMAC-SHA1(secret, salt), the signature HMAC-SHA1(signing
// key, payload.timestamp).
type flaskChecker struct {
	mac    []byte
	states sync.Pool // of *flaskState
}

type flaskState struct {
	derive, sign *fixedHMAC
	key, out     [sha1.Size]byte
}

func newFlaskChecker(value, salt string) (*flaskChecker, error) {
	signed, mac, err := splitFlaskSignature(value)
	if err != nil {
		return nil, err
	}
	salt = flaskSalt(salt)
	c := &flaskChecker{mac: mac}
	c.states.New = func() any {
		return &flaskState{
			derive: newFixedHMAC(sha1Sum, sha1.BlockSize, sha1.Size, []byte(salt)),
			sign:   newFixedHMAC(sha1Sum, sha1.BlockSize, sha1.Size, []byte(signed)),
		}
	}
	return c, nil
}

// Check reports whether key is the app's SECRET_KEY.
func (c *flaskChecker) Check(key []byte) bool {
	s := c.states.Get().(*flaskState)
	k := s.derive.mac(s.key[:0], key)
	ok := hmac.Equal(s.sign.mac(s.out[:0], k), c.mac)
	c.states.Put(s)
	return ok
}

// Cost says what a Flask check computes.
func (c *flaskChecker) Cost() KeyCost {
	return KeyCost{Work: "HMAC-SHA1 key derivation, then HMAC-SHA1 over payload.timestamp"}
}

// FindWeakKey tries every key of WeakKeys on value and returns the one
// that verifies it, if one does. opts gives the Format, Name and Salt.
func FindWeakKey(value string, opts Options) ([]byte, bool) {
	c, err := NewKeyChecker(value, opts)
	if err != nil {
		return nil, false
	}
	k, _, ok := FindWeakKeyWith(context.Background(), c)
	return k, ok
}

// FindWeakKeyWith tries every built-in well-known key (WeakKeyLists) with c
// and returns the one that verifies, with the name of the list it is in.
// It stops early, finding nothing, when ctx is done.
func FindWeakKeyWith(ctx context.Context, c KeyChecker) (key []byte, list string, ok bool) {
	var buf []byte
	slow := c.Cost().SlowByDesign
	for _, l := range WeakKeyLists() {
		if ctx.Err() != nil {
			return nil, "", false
		}
		for _, k := range l.Keys {
			if slow && len(k) < minSlowKey {
				continue
			}
			buf = append(buf[:0], k...)
			if c.Check(buf) {
				return []byte(k), l.Source, true
			}
		}
	}
	return nil, "", false
}

// MeasureRate runs c on made-up keys on workers goroutines (0 means
// GOMAXPROCS) for about d and returns the keys checked per second, so a
// caller can say how long a slow search will take before it starts.
func MeasureRate(ctx context.Context, c KeyChecker, workers int, d time.Duration) float64 {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var n atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			key := fmt.Appendf(nil, "formtest-rate-%d-", w)
			base := len(key)
			for i := 0; ; i++ {
				if i%8 == 0 && (time.Since(start) >= d || ctx.Err() != nil) {
					return
				}
				key = fmt.Appendf(key[:base], "%d", i)
				c.Check(key)
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / max(time.Since(start).Seconds(), 1e-9)
}
