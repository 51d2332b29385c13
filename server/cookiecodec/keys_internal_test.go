package cookiecodec

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strings"
	"testing"
)

// TestHMACChecker checks the allocation-free HMAC against crypto/hmac
// for each hash the formats use, with keys shorter than, as long as and
// longer than a block.
func TestHMACChecker(t *testing.T) {
	msg := []byte("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9")
	for _, tc := range []struct {
		name string
		h    hmacHash
		std  func() hash.Hash
	}{
		{"sha1", sha1HMAC(), sha1.New},
		{"sha256", sha256HMAC(), sha256.New},
		{"sha384", sha384HMAC(), sha512.New384},
		{"sha512", sha512HMAC(), sha512.New},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, n := range []int{0, 1, 20, tc.h.blockSize - 1, tc.h.blockSize, tc.h.blockSize + 1, 300} {
				key := []byte(strings.Repeat("k", n))
				m := hmac.New(tc.std, key)
				m.Write(msg)
				want := m.Sum(nil)
				c := newHMACChecker(tc.h, msg, want, "test")
				if !c.Check(key) {
					t.Errorf("a %d-byte key does not verify its own HMAC", n)
				}
				if c.Check(append(key, 'x')) {
					t.Errorf("a %d-byte key's HMAC verifies another key", n)
				}
				// The state is reused: a second check gives the same answer.
				if !c.Check(key) {
					t.Errorf("a %d-byte key fails the second time", n)
				}
			}
		})
	}
}
