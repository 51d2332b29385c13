package cookiecodec

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// WordlistFormat says how the lines of a wordlist are read as keys.
type WordlistFormat string

// The wordlist formats.
const (
	// WordlistAuto reads each line by its shape: "hex:..." and
	// "base64:..." as formtest writes binary keys; a Python string
	// literal ('key', "key", b'\x00...', as Flask-Unsign-Wordlist ships
	// them) as the string it stands for; a line that looks like padded
	// base64 (CookieMonster's lists) both as itself and decoded; any other
	// line as itself.
	WordlistAuto WordlistFormat = "auto"
	// WordlistPlain takes every line as the key, byte for byte.
	WordlistPlain WordlistFormat = "plain"
	// WordlistPython reads every line as a Python string or bytes
	// literal; a line that is not one is skipped.
	WordlistPython WordlistFormat = "python"
	// WordlistBase64 reads every line as base64 (standard or URL
	// alphabet, padded or not); a line that is not is skipped.
	WordlistBase64 WordlistFormat = "base64"
)

// ParseWordlistFormat parses a wordlist format name ("" is auto).
func ParseWordlistFormat(s string) (WordlistFormat, error) {
	switch f := WordlistFormat(strings.ToLower(s)); f {
	case "", WordlistAuto:
		return WordlistAuto, nil
	case WordlistPlain, WordlistPython, WordlistBase64:
		return f, nil
	}
	return "", fmt.Errorf("cookiecodec: unknown wordlist format %q (want auto, plain, python or base64)", s)
}

// MaxKeyLine is the longest wordlist line read as a key; a longer line is
// skipped. No one types a key that long.
const MaxKeyLine = 4096

// skipReason says why a wordlist line gave no key.
type skipReason int

const (
	notSkipped skipReason = iota
	skipEmpty
	skipTooLong
	skipBadLiteral
	skipBadBase64
)

// appendLineKeys appends to dst the keys a wordlist line (without its line
// break) stands for under format f: n keys (0, 1 or 2), the first ending
// at split, the second at len(out). why says why a line gave no key.
// decoded reports a key read as something other than the line itself.
func appendLineKeys(dst []byte, line []byte, f WordlistFormat) (out []byte, split, n int, decoded bool, why skipReason) {
	switch {
	case len(line) == 0:
		return dst, 0, 0, false, skipEmpty
	case len(line) > MaxKeyLine:
		return dst, 0, 0, false, skipTooLong
	}
	start := len(dst)
	switch f {
	case WordlistPlain:
		dst = append(dst, line...)
		return dst, len(dst), 1, false, notSkipped
	case WordlistPython:
		dst, ok := appendPythonLiteral(dst, trimSpace(line))
		if !ok || len(dst) == start {
			return dst[:start], 0, 0, false, skipBadLiteral
		}
		return dst, len(dst), 1, true, notSkipped
	case WordlistBase64:
		dst, ok := appendBase64(dst, trimSpace(line))
		if !ok || len(dst) == start {
			return dst[:start], 0, 0, false, skipBadBase64
		}
		return dst, len(dst), 1, true, notSkipped
	}
	// auto
	if p := prefixLen(line); p > 0 {
		var ok bool
		if p == len("hex:") {
			var err error
			dst, err = hex.AppendDecode(dst, line[p:])
			ok = err == nil
		} else {
			dst, ok = appendBase64(dst, line[p:])
		}
		if ok && len(dst) > start {
			return dst, len(dst), 1, true, notSkipped
		}
		dst = dst[:start] // not what it looks like: tried as written below
	}
	if t := trimSpace(line); looksPythonLiteral(t) {
		var ok bool
		if dst, ok = appendPythonLiteral(dst, t); ok && len(dst) > start {
			return dst, len(dst), 1, true, notSkipped
		}
		dst = dst[:start]
	}
	dst = append(dst, line...)
	split = len(dst)
	if looksBase64(line) {
		var ok bool
		if dst, ok = appendBase64(dst, line); ok && len(dst) > split {
			return dst, split, 2, true, notSkipped
		}
		dst = dst[:split]
	}
	return dst, split, 1, false, notSkipped
}

// prefixLen returns the length of formtest's "hex:" or "base64:" prefix
// of a key, or 0 when line has neither (or nothing after it).
func prefixLen(line []byte) int {
	for _, p := range [...]string{"hex:", "base64:"} {
		if len(line) > len(p) && string(line[:len(p)]) == p {
			return len(p)
		}
	}
	return 0
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// b64class says what c may be in base64: 1 either alphabet, 2 standard
// only (+ /), 3 URL only (- _), 4 padding; 0 none.
func b64class(c byte) uint8 {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return 1
	case c == '+', c == '/':
		return 2
	case c == '-', c == '_':
		return 3
	case c == '=':
		return 4
	}
	return 0
}

// looksBase64 reports whether line has the shape of padded base64 in one
// alphabet: a length that is a multiple of 4, at least 8 characters, and
// '=' only as the last one or two.
func looksBase64(line []byte) bool {
	if len(line) < 8 || len(line)%4 != 0 {
		return false
	}
	var std, url bool
	for i, c := range line {
		switch b64class(c) {
		case 0:
			return false
		case 2:
			std = true
		case 3:
			url = true
		case 4:
			if i < len(line)-2 || i == len(line)-2 && line[i+1] != '=' {
				return false
			}
		}
	}
	return !(std && url)
}

// appendBase64 appends the decoding of s, base64 in either alphabet,
// padded or not.
func appendBase64(dst, s []byte) ([]byte, bool) {
	std, url := base64.StdEncoding, base64.URLEncoding
	if len(s)%4 != 0 {
		std, url = base64.RawStdEncoding, base64.RawURLEncoding
	}
	if out, err := std.AppendDecode(dst, s); err == nil {
		return out, true
	}
	if out, err := url.AppendDecode(dst, s); err == nil {
		return out, true
	}
	return dst, false
}

// looksPythonLiteral reports whether s starts like a Python string
// literal: an optional prefix of b, r or u, then a quote, and ends with a
// quote.
func looksPythonLiteral(s []byte) bool {
	i := 0
	for i < len(s) && i < 2 && strings.IndexByte("bBrRuU", s[i]) >= 0 {
		i++
	}
	return len(s)-i >= 2 && (s[i] == '\'' || s[i] == '"') && s[len(s)-1] == s[i]
}

// appendPythonLiteral appends the value of the Python string or bytes
// literal s, as Python's ast.literal_eval reads it, to dst: a str as
// UTF-8, as Flask encodes a str SECRET_KEY. It reports false when s is
// not exactly one literal.
func appendPythonLiteral(dst, s []byte) ([]byte, bool) {
	var isBytes, raw, isU bool
	i := 0
	for ; i < len(s) && i < 2; i++ {
		switch s[i] {
		case 'b', 'B':
			if isBytes || isU {
				return dst, false
			}
			isBytes = true
			continue
		case 'r', 'R':
			if raw || isU {
				return dst, false
			}
			raw = true
			continue
		case 'u', 'U':
			if i > 0 {
				return dst, false
			}
			isU = true
			continue
		}
		break
	}
	if i >= len(s) || s[i] != '\'' && s[i] != '"' {
		return dst, false
	}
	q := s[i : i+1]
	if len(s)-i >= 6 && s[i+1] == s[i] && s[i+2] == s[i] {
		q = s[i : i+3] // triple quoted
	}
	body := s[i+len(q):]
	if len(body) < len(q) || string(body[len(body)-len(q):]) != string(q) {
		return dst, false
	}
	body = body[:len(body)-len(q)]
	for j := 0; j < len(body); {
		c := body[j]
		if c == q[0] && len(q) == 1 {
			return dst, false // an unescaped quote ends the literal early
		}
		if isBytes && c >= 0x80 {
			return dst, false // bytes literals hold only ASCII characters
		}
		if c != '\\' {
			dst = append(dst, c)
			j++
			continue
		}
		if j+1 >= len(body) {
			return dst, false // a backslash would escape the closing quote
		}
		e := body[j+1]
		if raw {
			dst = append(dst, c, e) // a raw string keeps its backslashes
			j += 2
			continue
		}
		j += 2
		switch e {
		case '\\', '\'', '"':
			dst = append(dst, e)
		case 'a':
			dst = append(dst, '\a')
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'v':
			dst = append(dst, '\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := rune(e - '0')
			for n := 0; n < 2 && j < len(body) && body[j] >= '0' && body[j] <= '7'; n++ {
				v = v*8 + rune(body[j]-'0')
				j++
			}
			var ok bool
			if dst, ok = appendCode(dst, v, isBytes); !ok {
				return dst, false
			}
		case 'x', 'u', 'U':
			n := 2
			switch e {
			case 'u':
				n = 4
			case 'U':
				n = 8
			}
			if e != 'x' && isBytes {
				dst = append(dst, '\\', e) // no \u in bytes: kept as written
				continue
			}
			if j+n > len(body) {
				return dst, false
			}
			var v rune
			for _, h := range body[j : j+n] {
				d, ok := hexDigit(h)
				if !ok {
					return dst, false
				}
				v = v*16 + rune(d)
			}
			j += n
			var ok bool
			if dst, ok = appendCode(dst, v, isBytes); !ok {
				return dst, false
			}
		case 'N':
			return dst, false // \N{name} needs Unicode's name table
		default:
			dst = append(dst, '\\', e) // an unknown escape stays as written
		}
	}
	return dst, true
}

// appendCode appends the character of code v: a byte in a bytes literal,
// UTF-8 in a str. It reports false for a value that cannot be one.
func appendCode(dst []byte, v rune, isBytes bool) ([]byte, bool) {
	if isBytes {
		if v > 0xff {
			return dst, false
		}
		return append(dst, byte(v)), true
	}
	if !utf8.ValidRune(v) {
		return dst, false // a lone surrogate cannot be encoded as UTF-8
	}
	return utf8.AppendRune(dst, v), true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
