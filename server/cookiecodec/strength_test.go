package cookiecodec

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestCheckKeyStrengthRefusesGuessableKeys(t *testing.T) {
	for name, key := range map[string]string{
		"well-known":           "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET",
		"lesson key":           "ThisIsSecret",
		"lesson key repeated":  "ThisIsSecretThisIsSecretThisIsSecret",
		"one letter":           strings.Repeat("x", 40),
		"two letters":          strings.Repeat("ab", 20),
		"short pattern":        strings.Repeat("s3cr3tk3y", 5),
		"digits repeated":      strings.Repeat("0123456789", 4),
		"alphabet":             "abcdefghijklmnopqrstuvwxyz0123456789",
		"few distinct letters": "aabbccddaabbccddaabbccddaabbccddaabbccdd",
		"every other letter":   "acegikmoqsuwy02468:<>@BDFHJLNPRTVXZ",
		"all one byte":         string(make([]byte, 64)),
	} {
		t.Run(name, func(t *testing.T) {
			err := CheckKeyStrength([]byte(key))
			var we *WeakKeyError
			if !errors.As(err, &we) {
				t.Fatalf("CheckKeyStrength(%q) = %v, want a *WeakKeyError", key, err)
			}
			if len(key) >= 8 && strings.Contains(we.Reason, key[:8]) {
				t.Errorf("the reason shows the key: %s", we.Reason)
			}
		})
	}
}

func TestCheckKeyStrengthAcceptsRandomKeys(t *testing.T) {
	for range 2000 {
		raw := make([]byte, 32)
		rand.Read(raw)
		for _, key := range []string{
			string(raw),                                 // hex:$(openssl rand -hex 32)
			hex.EncodeToString(raw[:16]),                // openssl rand -hex 16, as text
			hex.EncodeToString(raw),                     // openssl rand -hex 32, as text
			base64.StdEncoding.EncodeToString(raw[:24]), // openssl rand -base64 24
			rand.Text() + rand.Text(),                   // base32
		} {
			if err := CheckKeyStrength([]byte(key)); err != nil {
				t.Fatalf("CheckKeyStrength(random %q) = %v", key, err)
			}
		}
	}
	// A long passphrase is not visibly weak.
	if err := CheckKeyStrength([]byte("correct horse battery staple, said the wombat")); err != nil {
		t.Errorf("passphrase refused: %v", err)
	}
}

func TestKeyPeriod(t *testing.T) {
	for key, want := range map[string]int{"": 0, "a": 1, "aaaa": 1, "abab": 2, "ababa": 2, "abc": 3, "abcab": 3, "abcd": 4} {
		if got := keyPeriod([]byte(key)); got != want {
			t.Errorf("keyPeriod(%q) = %d, want %d", key, got, want)
		}
	}
}
