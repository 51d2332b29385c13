package cookiecodec_test

import (
	"strings"
	"testing"

	"github.com/formtest/formtest/server/cookiecodec"
)

// hashcat's own self-test hashes for modes 29100 and 16500 (password
// "hashcat").
const (
	hashcatFlaskExample = "eyJ1c2VybmFtZSI6ImFkbWluIn0.YjdgRQ.1OTlf1PD0H9wXsu_qS0aywAJVD8"
	hashcatJWTExample   = "eyJhbGciOiJIUzI1NiJ9.eyIzNDM2MzQyMCI6NTc2ODc1NDd9.f1nXZ3V_Hrr6ee-AFCTLaHRnrkiKmio2t3JqwL32guY"
)

func TestHashcatFlask(t *testing.T) {
	// What hashcat cracks, formtest verifies alike.
	res, err := search(t, hashcatFlaskExample, cookiecodec.Options{}, strings.NewReader("x\nhashcat\n"), cookiecodec.SearchOptions{})
	if err != nil || string(res.Key) != "hashcat" {
		t.Fatalf("hashcat's example: %q, %v", res.Key, err)
	}
	tests := []struct {
		name, cookie, salt string
		ok                 bool
		why                string
	}{
		{"hashcat's example", hashcatFlaskExample, "", true, ""},
		{"short cookie", "e30.awcxVA.74AKodVGq35fMnVn3hmhHpzvTQM", "cookie-session", true, ""},
		{"payload too long", lessonFlask, "", false, "62 characters; hashcat's mode 29100 takes at most 56"},
		{"compressed", ".eJyrVsrLz0vOTFGyUlIqSS0uUdJRSs1LzsksSS1WslJKTUksSVWqBQDxTAxD.awcxVA.74AKodVGq35fMnVn3hmhHpzvTQM", "", false, "zlib"},
		{"other salt", hashcatFlaskExample, "other", false, "default salt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := cookiecodec.HashcatFlask(tt.cookie, tt.salt)
			if h.Mode != 29100 || (h.Hash == tt.cookie) != tt.ok || (h.Unsupported == "") != tt.ok || !strings.Contains(h.Unsupported, tt.why) {
				t.Errorf("HashcatFlask = %+v", h)
			}
		})
	}
	if got := cookiecodec.HashcatFlask(hashcatFlaskExample, "").Command("flask.hash", "all.txt"); got != "hashcat -m 29100 -a 0 flask.hash all.txt" {
		t.Errorf("Command = %q", got)
	}
}

func TestHashcatJWT(t *testing.T) {
	long := "eyJhbGciOiJIUzI1NiJ9." + strings.Repeat("A", 2048) + ".f1nXZ3V_Hrr6ee-AFCTLaHRnrkiKmio2t3JqwL32guY"
	tests := []struct {
		name, token string
		ok          bool
		why         string
	}{
		{"hashcat's example", hashcatJWTExample, true, ""},
		{"claims too long", long, false, "2047"},
		{"RS256 signature", "eyJhbGciOiJSUzI1NiJ9.e30." + strings.Repeat("A", 342), false, "342 characters"},
		{"alg none", "eyJhbGciOiJub25lIn0.e30.", false, "0 characters"},
		{"not a JWT", "a.b", false, "three"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := cookiecodec.HashcatJWT(tt.token)
			if h.Mode != 16500 || (h.Hash == tt.token) != tt.ok || (h.Unsupported == "") != tt.ok || !strings.Contains(h.Unsupported, tt.why) {
				t.Errorf("HashcatJWT = %+v", h)
			}
		})
	}
}
