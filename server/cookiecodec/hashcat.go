package cookiecodec

import (
	"fmt"
	"strings"
)

// A HashcatTarget is what hashcat (https://hashcat.net) needs to search
// for a cookie's key on a GPU, when the CPU search found nothing.
type HashcatTarget struct {
	// Mode is hashcat's hash mode, its -m.
	Mode int
	// Name is hashcat's name for the mode.
	Name string
	// Hash is the line to give hashcat; empty when Unsupported is set.
	Hash string
	// Unsupported says why hashcat's mode cannot take this cookie, if it
	// cannot.
	Unsupported string
}

// Command returns the hashcat command line that searches wordlist for the
// key, with the hash saved in hashFile.
func (t HashcatTarget) Command(hashFile, wordlist string) string {
	return fmt.Sprintf("hashcat -m %d -a 0 %s %s", t.Mode, hashFile, wordlist)
}

// Limits of hashcat's parsers (src/modules/module_29100.c, module_16500.c).
const (
	hashcatFlaskPayload = 56   // characters of the payload part
	hashcatFlaskTime    = 6    // characters of the timestamp part
	hashcatJWTPart      = 2047 // characters of the header, and of the claims
	hashcatJWTSigned    = 4096 // characters of header.claims
)

// HashcatFlask returns the hashcat target for a Flask cookie (mode 29100),
// signed with salt ("" is DefaultSalt). The hash line is the cookie
// itself; hashcat's mode takes only the default salt, an uncompressed
// payload of at most 56 characters, and a SHA1 signature.
func HashcatFlask(value, salt string) HashcatTarget {
	t := HashcatTarget{Mode: 29100, Name: "Flask Session Cookie"}
	parts := strings.Split(value, ".")
	switch {
	case salt != "" && salt != DefaultSalt:
		t.Unsupported = fmt.Sprintf("hashcat's mode %d knows only Flask's default salt %q, not %q", t.Mode, DefaultSalt, salt)
	case strings.HasPrefix(value, "."):
		t.Unsupported = fmt.Sprintf("the payload is zlib-compressed (a leading '.'), which hashcat's mode %d cannot parse", t.Mode)
	case len(parts) != 3 || !base64URLOnly(parts[0]) || !base64URLOnly(parts[1]) || !base64URLOnly(parts[2]):
		t.Unsupported = "not a Flask cookie of three base64url parts"
	case len(parts[0]) > hashcatFlaskPayload:
		t.Unsupported = fmt.Sprintf("the payload is %d characters; hashcat's mode %d takes at most %d", len(parts[0]), t.Mode, hashcatFlaskPayload)
	case len(parts[1]) < 1 || len(parts[1]) > hashcatFlaskTime:
		t.Unsupported = fmt.Sprintf("the timestamp is %d characters; hashcat's mode %d takes 1 to %d", len(parts[1]), t.Mode, hashcatFlaskTime)
	case len(parts[2]) != 27:
		t.Unsupported = fmt.Sprintf("the signature is %d characters, not the 27 of HMAC-SHA1 that hashcat's mode %d takes", len(parts[2]), t.Mode)
	default:
		t.Hash = value
	}
	return t
}

// HashcatJWT returns the hashcat target for a JWT signed with HS256,
// HS384 or HS512 (mode 16500). The hash line is the token itself; hashcat
// takes a header and claims of at most 2047 characters each, 4096 in all.
func HashcatJWT(token string) HashcatTarget {
	t := HashcatTarget{Mode: 16500, Name: "JWT (JSON Web Token)"}
	parts := strings.Split(token, ".")
	switch {
	case len(parts) != 3 || !base64URLOnly(parts[0]) || !base64URLOnly(parts[1]) || !base64URLOnly(parts[2]):
		t.Unsupported = "not a JWT of three base64url parts"
	case len(parts[2]) != 43 && len(parts[2]) != 64 && len(parts[2]) != 86:
		t.Unsupported = fmt.Sprintf("the signature is %d characters; hashcat's mode %d takes HS256, HS384 and HS512 (43, 64 or 86)", len(parts[2]), t.Mode)
	case len(parts[0]) > hashcatJWTPart || len(parts[1]) > hashcatJWTPart:
		t.Unsupported = fmt.Sprintf("the header or the claims run over %d characters, hashcat's limit for mode %d", hashcatJWTPart, t.Mode)
	case len(parts[0])+1+len(parts[1]) > hashcatJWTSigned:
		t.Unsupported = fmt.Sprintf("header.claims is %d characters; hashcat's mode %d takes at most %d", len(parts[0])+1+len(parts[1]), t.Mode, hashcatJWTSigned)
	case parts[0] == "" || parts[1] == "":
		t.Unsupported = "the header or the claims are empty"
	default:
		t.Hash = token
	}
	return t
}

func base64URLOnly(s string) bool {
	for i := range len(s) {
		if !isBase64URL(rune(s[i])) {
			return false
		}
	}
	return true
}
