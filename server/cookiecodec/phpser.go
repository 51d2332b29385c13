package cookiecodec

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the PHP serialize() reader.
const (
	// maxPHPDepth is how deeply arrays and objects may nest.
	maxPHPDepth = 32
	// maxPHPItems is how many values one input may hold in all.
	maxPHPItems = 10000
)

// UnserializePHP reads PHP serialize() output into JSON-friendly values:
// N, b, i, d and s become null, bools, numbers and strings; arrays become
// lists (keys 0..n-1 in order) or maps; objects are never instantiated but
// shown as {"$class": name, "$properties": {...}} (private and protected
// names unmangled), custom-serialized objects as {"$class", "$serialized"},
// enums as {"$enum": "Class:Case"} and references as {"$ref": n}. A string
// that is not UTF-8 becomes {"$bytes": hex}. Nesting, the number of values
// and every declared length are bounded by the input, so hostile input
// costs no more than its own size.
func UnserializePHP(s string) (any, error) {
	r := &phpReader{s: s}
	v, err := r.value(0)
	if err != nil {
		return nil, fmt.Errorf("php unserialize: %w at offset %d", err, r.pos)
	}
	if r.pos != len(s) {
		return nil, fmt.Errorf("php unserialize: %d bytes of extra data at offset %d", len(s)-r.pos, r.pos)
	}
	return v, nil
}

type phpReader struct {
	s     string
	pos   int
	items int
}

func (r *phpReader) expect(c byte) error {
	if r.pos >= len(r.s) || r.s[r.pos] != c {
		if r.pos >= len(r.s) {
			return fmt.Errorf("want %q, found the end", c)
		}
		return fmt.Errorf("want %q, found %q", c, r.s[r.pos])
	}
	r.pos++
	return nil
}

// until reads up to (not including) the next c, and skips c.
func (r *phpReader) until(c byte) (string, error) {
	i := strings.IndexByte(r.s[r.pos:], c)
	if i < 0 {
		return "", fmt.Errorf("want %q, found the end", c)
	}
	out := r.s[r.pos : r.pos+i]
	r.pos += i + 1
	return out, nil
}

// length reads a declared length that must fit in what is left.
func (r *phpReader) length(term byte) (int, error) {
	t, err := r.until(term)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > len(r.s)-r.pos {
		return 0, fmt.Errorf("bad length %q", t)
	}
	return n, nil
}

// str reads len:"bytes" (after the type letter's colon).
func (r *phpReader) str() (string, error) {
	n, err := r.length(':')
	if err != nil {
		return "", err
	}
	if err := r.expect('"'); err != nil {
		return "", err
	}
	if n > len(r.s)-r.pos {
		return "", errors.New("string longer than the input")
	}
	s := r.s[r.pos : r.pos+n]
	r.pos += n
	return s, r.expect('"')
}

func phpString(s string) any {
	if utf8.ValidString(s) {
		return s
	}
	return map[string]any{"$bytes": hex.EncodeToString([]byte(s))}
}

func (r *phpReader) value(depth int) (any, error) {
	if r.items++; r.items > maxPHPItems {
		return nil, fmt.Errorf("over %d values", maxPHPItems)
	}
	if r.pos+1 >= len(r.s) {
		return nil, errors.New("unexpected end")
	}
	t := r.s[r.pos]
	r.pos++
	if t == 'N' {
		return nil, r.expect(';')
	}
	if err := r.expect(':'); err != nil {
		return nil, err
	}
	switch t {
	case 'b':
		v, err := r.until(';')
		if err != nil || v != "0" && v != "1" {
			return nil, fmt.Errorf("bad boolean %q", v)
		}
		return v == "1", nil
	case 'i':
		v, err := r.until(';')
		if err != nil {
			return nil, err
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad integer %q", v)
		}
		return n, nil
	case 'd':
		v, err := r.until(';')
		if err != nil {
			return nil, err
		}
		switch v {
		case "INF", "-INF", "NAN":
			return v, nil // JSON has no such numbers
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("bad float %q", v)
		}
		return f, nil
	case 's':
		s, err := r.str()
		if err != nil {
			return nil, err
		}
		return phpString(s), r.expect(';')
	case 'a':
		if depth >= maxPHPDepth {
			return nil, fmt.Errorf("nested over %d deep", maxPHPDepth)
		}
		return r.array(depth)
	case 'O':
		if depth >= maxPHPDepth {
			return nil, fmt.Errorf("nested over %d deep", maxPHPDepth)
		}
		class, err := r.str()
		if err != nil {
			return nil, err
		}
		if err := r.expect(':'); err != nil {
			return nil, err
		}
		props, err := r.array(depth)
		if err != nil {
			return nil, err
		}
		return map[string]any{"$class": phpString(class), "$properties": unmangle(props)}, nil
	case 'C':
		class, err := r.str()
		if err != nil {
			return nil, err
		}
		if err := r.expect(':'); err != nil {
			return nil, err
		}
		n, err := r.length(':')
		if err != nil {
			return nil, err
		}
		if err := r.expect('{'); err != nil {
			return nil, err
		}
		if n > len(r.s)-r.pos {
			return nil, errors.New("data longer than the input")
		}
		data := r.s[r.pos : r.pos+n]
		r.pos += n
		return map[string]any{"$class": phpString(class), "$serialized": phpString(data)}, r.expect('}')
	case 'E':
		s, err := r.str()
		if err != nil {
			return nil, err
		}
		return map[string]any{"$enum": phpString(s)}, r.expect(';')
	case 'r', 'R':
		v, err := r.until(';')
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("bad reference %q", v)
		}
		return map[string]any{"$ref": n}, nil
	}
	return nil, fmt.Errorf("unknown type %q", t)
}

// array reads n:{key;value...} (after the colon).
func (r *phpReader) array(depth int) (any, error) {
	t, err := r.until(':')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(t)
	// Each pair takes at least 4 bytes ("i:0;N;" is 6).
	if err != nil || n < 0 || n > (len(r.s)-r.pos)/4 {
		return nil, fmt.Errorf("bad element count %q", t)
	}
	if err := r.expect('{'); err != nil {
		return nil, err
	}
	keys := make([]string, 0, n)
	vals := make([]any, 0, n)
	list := true
	for i := range n {
		k, err := r.value(maxPHPDepth) // a key is a scalar: no nesting allowed
		if err != nil {
			return nil, err
		}
		var key string
		switch x := k.(type) {
		case int64:
			key = strconv.FormatInt(x, 10)
			list = list && x == int64(i)
		case string:
			key, list = x, false
		default:
			return nil, errors.New("an array key is neither an integer nor a string")
		}
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		keys, vals = append(keys, key), append(vals, v)
	}
	if err := r.expect('}'); err != nil {
		return nil, err
	}
	if list {
		return vals, nil
	}
	m := make(map[string]any, n)
	for i, k := range keys {
		m[k] = vals[i]
	}
	return m, nil
}

// unmangle renames an object's private ("\0Class\0name") and protected
// ("\0*\0name") properties to "name (private)" / "name (protected)".
func unmangle(props any) any {
	m, ok := props.(map[string]any)
	if !ok {
		return props
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if strings.HasPrefix(k, "\x00") {
			if i := strings.IndexByte(k[1:], 0); i >= 0 {
				kind := " (private)"
				if k[1:i+1] == "*" {
					kind = " (protected)"
				}
				k = k[i+2:] + kind
			}
		}
		out[k] = v
	}
	return out
}
