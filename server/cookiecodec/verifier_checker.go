package cookiecodec

import "sync"

// minSlowKey is the shortest well-known key tried against a format whose
// check is slow by design: such formats (Rails' secret_key_base) are
// keyed with long random strings, and each short word would cost a full
// key derivation.
const minSlowKey = 32

// verifierChecker is the KeyChecker of a format that has a Verifier (every
// format but gorilla and Flask, which have checkers of their own). A
// Verifier is for one goroutine at a time, so the checker keeps a pool of
// them.
type verifierChecker struct {
	pool sync.Pool
	cost KeyCost
}

// newVerifierChecker prepares key checks of value through the format's
// Verifier; opts.Format names the format.
func newVerifierChecker(value string, opts Options) (KeyChecker, error) {
	v, err := NewVerifier(value, opts)
	if err != nil {
		return nil, err
	}
	c := &verifierChecker{cost: KeyCost{Work: "HMAC of the signed text under the format's key derivation"}}
	if s, ok := v.(SlowVerifier); ok {
		c.cost = KeyCost{Work: s.Cost(), SlowByDesign: true}
	}
	c.pool.New = func() any {
		v, _ := NewVerifier(value, opts) // the same input verified once above
		return v
	}
	c.pool.Put(v)
	return c, nil
}

// Check reports whether key verifies the cookie.
func (c *verifierChecker) Check(key []byte) bool {
	v := c.pool.Get().(Verifier)
	ok := v.Verify(key)
	c.pool.Put(v)
	return ok
}

// Cost says what one check computes.
func (c *verifierChecker) Cost() KeyCost { return c.cost }
