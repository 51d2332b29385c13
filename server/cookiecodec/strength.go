package cookiecodec

import (
	"fmt"
	"math"
)

// MinKeyEntropyBits is the least entropy, by EstimateKeyEntropy, that
// CheckKeyStrength accepts in a key.
const MinKeyEntropyBits = 64

// minKeyDistinctBytes is the fewest different bytes CheckKeyStrength
// accepts in a key. A random key of 32 or more bytes drawn from even 16
// symbols (hex) has fewer with a probability below 10^-9.
const minKeyDistinctBytes = 8

// WeakKeyError says why CheckKeyStrength refused a key. It never holds the
// key or any part of it.
type WeakKeyError struct {
	// Reason is why, in words, such as "it is a well-known key".
	Reason string
}

// Error returns the reason.
func (e *WeakKeyError) Error() string { return e.Reason }

// CheckKeyStrength returns a *WeakKeyError when key is one anyone could
// guess: one of WeakKeys (or one of them repeated), a key of fewer than
// 8 different bytes, or one of visibly low entropy by EstimateKeyEntropy
// (below MinKeyEntropyBits). It does not check the length; a random key
// passes whatever its alphabet.
func CheckKeyStrength(key []byte) error {
	period := keyPeriod(key)
	unit := key[:period]
	for _, w := range WeakKeys() {
		switch {
		case string(key) == w:
			return &WeakKeyError{Reason: "it is a well-known key, printed in tutorials, documentation or default configurations (it is in the list inspect-cookie tries), so anyone can forge sessions signed with it"}
		case period < len(key) && string(unit) == w:
			return &WeakKeyError{Reason: "it is a well-known key repeated, which anyone can guess"}
		}
	}
	if n := distinctBytes(key); n < minKeyDistinctBytes {
		what := "different characters"
		if n == 1 {
			what = "different character"
		}
		return &WeakKeyError{Reason: fmt.Sprintf("it is made of only %d %s (a random key of this length has many more); at least %d are needed", n, what, minKeyDistinctBytes)}
	}
	if period < len(key) && period*2 <= len(key) {
		return &WeakKeyError{Reason: fmt.Sprintf("it is a pattern of %d bytes repeated, which is no stronger than those %d bytes", period, period)}
	}
	if bits := EstimateKeyEntropy(key); bits < MinKeyEntropyBits {
		return &WeakKeyError{Reason: fmt.Sprintf("it holds about %.0f bits of entropy by formtest's estimate, fewer than the %d needed: runs such as aaaa, abcd or 9753 and repeated patterns count for almost nothing", bits, MinKeyEntropyBits)}
	}
	return nil
}

// EstimateKeyEntropy estimates, in bits, how hard key is to guess. It is
// a deliberately simple, pessimistic rule meant to catch keys that are
// visibly not random, not to rate good ones:
//   - a key that repeats a shorter pattern counts as that pattern;
//   - each byte is worth the Shannon entropy, in bits, of the pattern's
//     byte frequencies (so a 32-byte key of one letter is worth 0, and
//     random bytes about 5 bits each);
//   - a byte that continues a run, differing from the byte before by the
//     same step as that one from its own predecessor (aaaa, abcd, 9753),
//     is worth nothing.
func EstimateKeyEntropy(key []byte) float64 {
	if len(key) == 0 {
		return 0
	}
	unit := key[:keyPeriod(key)]
	var counts [256]int
	for _, b := range unit {
		counts[b]++
	}
	perByte := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(len(unit))
			perByte -= p * math.Log2(p)
		}
	}
	free := len(unit)
	for i := 2; i < len(unit); i++ {
		if int(unit[i])-int(unit[i-1]) == int(unit[i-1])-int(unit[i-2]) {
			free--
		}
	}
	return perByte * float64(free)
}

// keyPeriod returns the length of the shortest prefix of key that, repeated,
// makes key (the last repetition may be cut short); len(key) when there is
// none shorter.
func keyPeriod(key []byte) int {
	// The prefix function of Knuth-Morris-Pratt: the longest border of
	// key gives its shortest period.
	if len(key) == 0 {
		return 0
	}
	border := make([]int, len(key))
	for i, k := 1, 0; i < len(key); i++ {
		for k > 0 && key[i] != key[k] {
			k = border[k-1]
		}
		if key[i] == key[k] {
			k++
		}
		border[i] = k
	}
	return len(key) - border[len(key)-1]
}

func distinctBytes(key []byte) int {
	var seen [256]bool
	n := 0
	for _, b := range key {
		if !seen[b] {
			seen[b] = true
			n++
		}
	}
	return n
}
