package cookiecodec

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// WeakKeys returns well-known secret keys: the lesson's own, keys printed
// in popular tutorials, framework documentation and default
// configurations, and the words people type when they mean "fill in
// later". A session signed with any of them can be forged by anyone.
func WeakKeys() []string {
	return []string{
		// The lesson, gorilla and Go tutorials.
		"ThisIsSecret", "something-very-secret", "super-secret-key", "secret-key", "hash-key", "block-key",
		"very-secret", "a-very-secret-key", "my-secret-key", "t0p-s3cr3t", "session-key", "SESSION_KEY", "session_secret",
		"SESSION_SECRET", "cookie-secret", "your-secret-key", "your_secret_key", "yoursecretkey", "YOUR_SECRET_KEY",
		// Flask documentation and tutorials.
		"_5#y2L\"F4Q8z\n\xec]/", "dev", "development key", "development", "you-will-never-guess", "hard to guess string",
		"hard-to-guess-string", "super secret key", "SuperSecretKey", "supersecretkey", "super_secret_key", "super-secret",
		"supersecret", "SECRET_KEY", "secret_key", "secretkey", "flask", "flask-secret", "flask_secret_key", "FLASK_SECRET_KEY",
		"mysecret", "my_secret", "my-secret", "mysecretkey", "my_secret_key", "MySecretKey", "thisisasecret", "this-is-a-secret",
		"thisisnotasecret", "notasecret", "not-so-secret", "keep-it-secret", "topsecret", "top-secret", "s3cr3t", "s3cret",
		"secret123", "secret1234", "Secret", "SECRET", "secret", "secrets", "key", "KEY", "private", "my-key",
		// Default configurations (Apache Superset CVE-2023-27524, Express).
		"\x02\x01thisismyscretkey\x01\x02\\e\\y\\y\\h", "thisismyscretkey", "TEST_NON_DEV_SECRET",
		"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET", "keyboard cat", "temporary_key",
		// Placeholders.
		"changeme", "change-me", "change_me", "CHANGEME", "changeit", "changethis", "replace-me", "todo", "TODO", "default",
		"test", "testing", "test-secret", "testsecret", "insecure", "example", "sample", "demo", "local", "dev-key", "devkey",
		"password", "Password", "password1", "password123", "passw0rd", "admin", "root", "qwerty", "abc123", "letmein",
		"123456", "12345678", "1234567890", "12345", "0000", "1234", "none", "null", "session", "cookie", "gorilla",
		"securecookie", "formtest", "app", "application", "server", "web", "hello", "hello world", "foobar", "foo", "bar",
	}
}

// IsWeakKey reports whether key is one of WeakKeys, or shorter than 16 bytes.
func IsWeakKey(key []byte) bool {
	if len(key) < 16 {
		return true
	}
	for _, w := range WeakKeys() {
		if string(key) == w {
			return true
		}
	}
	return false
}

// keyChecker tells whether a key signed one cookie. Everything that does
// not depend on the key is prepared once, and the hashes are reused, so a
// check allocates nothing.
type keyChecker struct {
	format Format
	msg    []byte // what the MAC covers: name|ts|payload or payload.ts
	mac    []byte
	salt   []byte
	inner  hash.Hash
	outer  hash.Hash
	pad    [128]byte // one block of key ^ ipad or opad
	sum    [64]byte
	derive [64]byte
}

// newKeyChecker prepares checks of value under opts (Format, Name, Salt).
func newKeyChecker(value string, opts Options) (*keyChecker, error) {
	format, err := ParseFormat(string(opts.Format))
	if err != nil {
		return nil, err
	}
	if format == Auto {
		if format, err = detect(value); err != nil {
			return nil, err
		}
	}
	if format != Gorilla && format != Flask {
		return nil, fmt.Errorf("cookiecodec: the key search reads only gorilla and Flask cookies, not %s", format)
	}
	c := &keyChecker{format: format}
	if format == Gorilla {
		raw, err := base64.URLEncoding.DecodeString(value)
		if err != nil {
			return nil, fmt.Errorf("cookiecodec: malformed base64: %w", err)
		}
		parts := bytes.SplitN(raw, []byte("|"), 3)
		if len(parts) != 3 {
			return nil, errors.New("cookiecodec: not a gorilla cookie: want timestamp|payload|mac")
		}
		c.msg = fmt.Appendf(nil, "%s|%s|%s", wantName(opts.Name), parts[0], parts[1])
		c.mac = parts[2]
		c.inner, c.outer = sha256.New(), sha256.New()
		return c, nil
	}
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return nil, errors.New("cookiecodec: not a Flask cookie: no '.' found")
	}
	if c.mac, err = base64.RawURLEncoding.DecodeString(value[i+1:]); err != nil {
		return nil, fmt.Errorf("cookiecodec: malformed signature: %w", err)
	}
	c.msg = []byte(value[:i])
	c.salt = []byte(opts.Salt)
	if opts.Salt == "" {
		c.salt = []byte(DefaultSalt)
	}
	c.inner, c.outer = sha1.New(), sha1.New()
	return c, nil
}

// hmacInto computes HMAC(key, msg) with the checker's hashes into out.
func (c *keyChecker) hmacInto(out, key, msg []byte) []byte {
	bs := c.inner.BlockSize()
	if len(key) > bs {
		c.outer.Reset()
		c.outer.Write(key)
		key = c.outer.Sum(c.derive[:0])
	}
	pad := c.pad[:bs]
	copy(pad, key)
	clear(pad[len(key):])
	for i := range pad {
		pad[i] ^= 0x36
	}
	c.inner.Reset()
	c.inner.Write(pad)
	c.inner.Write(msg)
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	c.outer.Reset()
	c.outer.Write(pad)
	c.outer.Write(c.inner.Sum(c.sum[:0]))
	return c.outer.Sum(out[:0])
}

// check reports whether key signed the cookie.
func (c *keyChecker) check(key []byte) bool {
	var buf [64]byte
	if c.format == Gorilla {
		return hmac.Equal(c.hmacInto(buf[:], key, c.msg), c.mac)
	}
	var k [sha1.Size]byte
	c.hmacInto(k[:], key, c.salt)
	return hmac.Equal(c.hmacInto(buf[:], k[:], c.msg), c.mac)
}

// FindWeakKey tries every key of WeakKeys on value and returns the one
// that verifies it, if one does. opts gives the Format, Name and Salt.
func FindWeakKey(value string, opts Options) ([]byte, bool) {
	c, err := NewVerifier(value, opts)
	if err != nil {
		return nil, false
	}
	_, slow := c.(SlowVerifier)
	for _, k := range WeakKeys() {
		if slow && len(k) < 32 {
			continue // a slow derivation's keys (Rails' secret_key_base) are long
		}
		if c.Verify([]byte(k)) {
			return []byte(k), true
		}
	}
	return nil, false
}

// SearchOptions tunes SearchKeys.
type SearchOptions struct {
	// Workers is how many goroutines check keys; 0 means GOMAXPROCS.
	Workers int
	// Progress, if set, is called now and then with the number of keys
	// tried so far, from any goroutine but never concurrently.
	Progress func(tried int64)
}

// searchChunk is how many keys a worker takes at a time.
const searchChunk = 4096

// SearchKeys tries the keys in words, one per line (a trailing "\r" is
// dropped), on value, on all cores, and returns the first key that
// verifies it, or nil. tried is how many keys were checked. opts gives the
// Format, Name and Salt. It stops early when ctx is done.
func SearchKeys(ctx context.Context, value string, opts Options, words io.Reader, so SearchOptions) (key []byte, tried int64, err error) {
	first, err := newKeyChecker(value, opts)
	if err != nil {
		return nil, 0, err
	}
	workers := so.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type chunk struct {
		data []byte
		ends []int
	}
	chunks := make(chan *chunk, 2*workers)
	free := sync.Pool{New: func() any { return &chunk{ends: make([]int, 0, searchChunk)} }}
	var (
		found     []byte
		foundOnce sync.Once
		count     atomic.Int64
		progMu    sync.Mutex
		wg        sync.WaitGroup
	)
	for w := range workers {
		c := first
		if w > 0 {
			c, _ = newKeyChecker(value, opts)
		}
		wg.Go(func() {
			for ch := range chunks {
				if ctx.Err() != nil {
					continue // found, or cancelled: drain without checking
				}
				start := 0
				for _, end := range ch.ends {
					if c.check(ch.data[start:end]) {
						k := bytes.Clone(ch.data[start:end])
						foundOnce.Do(func() { found = k })
						cancel()
					}
					start = end
				}
				n := count.Add(int64(len(ch.ends)))
				ch.data, ch.ends = ch.data[:0], ch.ends[:0]
				free.Put(ch)
				if so.Progress != nil && progMu.TryLock() {
					so.Progress(n)
					progMu.Unlock()
				}
			}
		})
	}

	br := bufio.NewReaderSize(words, 256<<10)
	ch := free.Get().(*chunk)
	var readErr error
read:
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line over 256 KiB is no key anyone types; skip it.
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if len(line) > 0 {
			ch.data = append(ch.data, line...)
			ch.ends = append(ch.ends, len(ch.data))
		}
		if len(ch.ends) == searchChunk || err != nil && len(ch.ends) > 0 {
			select {
			case chunks <- ch:
			case <-ctx.Done():
				break read
			}
			ch = free.Get().(*chunk)
		}
		if err != nil {
			if err != io.EOF {
				readErr = fmt.Errorf("cookiecodec: read wordlist: %w", err)
			}
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(chunks)
	wg.Wait()
	if so.Progress != nil {
		so.Progress(count.Load())
	}
	if found != nil {
		return found, count.Load(), nil
	}
	if readErr != nil {
		return nil, count.Load(), readErr
	}
	return nil, count.Load(), context.Cause(ctx)
}
