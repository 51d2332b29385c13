package cookiecodec

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
)

// This file is a schema-less gob decoder. encoding/gob can only decode into
// Go types it knows, and a session that holds a registered custom type
// cannot be decoded by a program that lacks that type. But gob sends a
// description of every type it uses (its "wire types") ahead of the values,
// so the values can be read from those descriptions alone: a struct becomes
// a map of its field names, plus "$type".
//
// The decoder follows encoding/gob's own reading algorithm (decoder.go and
// decode.go in the standard library), message by message, and is built to
// be fed hostile bytes: every length is checked against the bytes that
// remain, nesting is limited to maxGobDepth, the number of decoded values
// to maxGobValues, and any failure, including a bug of its own, comes back
// as an error rather than a panic. It runs no code of the types it decodes
// (encoding/gob calls GobDecode and UnmarshalBinary methods).

// Limits of the gob decoder.
const (
	// maxGobDepth is how deeply values may nest.
	maxGobDepth = 100
	// maxGobValues caps the number of values (including struct fields
	// filled in with their zero value) one payload may decode to.
	maxGobValues = 100_000
	// maxGobNameLen caps a registered type name, as encoding/gob does.
	maxGobNameLen = 1024
)

// Type ids that gob predefines (encoding/gob type.go).
const (
	gobBool      = 1
	gobInt       = 2
	gobUint      = 3
	gobFloat     = 4
	gobBytes     = 5
	gobString    = 6
	gobComplex   = 7
	gobInterface = 8
	// gobFirstUserID is the first id a stream may define.
	gobFirstUserID = 64
)

type gobKind int

const (
	gobArray gobKind = iota + 1
	gobSlice
	gobStruct
	gobMap
	gobExternal // GobEncoder, BinaryMarshaler or TextMarshaler: opaque bytes
)

// gobType is a type as a gob stream describes it.
type gobType struct {
	kind   gobKind
	name   string
	elem   int64
	key    int64
	length int64
	fields []gobField
	// marshaler says, for gobExternal, which interface made the bytes.
	marshaler string
}

type gobField struct {
	name string
	id   int64
}

// gobError is how the decoder unwinds on bad input; decodeGob recovers it.
type gobError struct{ msg string }

// gobDecoder holds the state of one decoding.
type gobDecoder struct {
	stream []byte // what follows the current message
	buf    []byte // the rest of the current message
	types  map[int64]*gobType
	depth  int
	values int
}

// DecodeGob decodes one gob value, the first in data, without knowing its
// Go type, within fixed limits on nesting and on the number of values, so
// that no input can make it run long or allocate much. It returns values in
// the JSON-friendly forms decodeGob describes. encoding/gob has no such
// limits (a forged map length makes it allocate without end), so code that
// gob-decodes bytes it did not write itself should check them with
// DecodeGob first.
func DecodeGob(data []byte) (any, error) { return decodeGob(data) }

// decodeGob decodes one gob value, the first in data, without knowing its
// Go type. Maps become map[string]any (keys formatted as strings), structs
// map[string]any with a "$type" key, []byte {"$bytes": hex}, time.Time
// {"$datetime": RFC 3339}, and other values their JSON-friendly Go form.
func decodeGob(data []byte) (v any, err error) {
	d := &gobDecoder{stream: data, types: make(map[int64]*gobType)}
	defer func() {
		if r := recover(); r != nil {
			v = nil
			switch e := r.(type) {
			case gobError:
				err = fmt.Errorf("gob: %s", e.msg)
			case runtime.Error:
				// Not expected on any input; reported, never re-panicked,
				// because the server decodes attackers' cookies.
				err = fmt.Errorf("gob: decoder bug: %v", e)
			default:
				err = fmt.Errorf("gob: decoder bug: %v", r)
			}
		}
	}()
	id := d.typeSequence(false)
	return d.value(id), nil
}

func (d *gobDecoder) fail(format string, args ...any) {
	panic(gobError{msg: fmt.Sprintf(format, args...)})
}

// readUint reads one gob unsigned integer from p.
func (d *gobDecoder) readUint(p *[]byte) uint64 {
	b := *p
	if len(b) == 0 {
		d.fail("unexpected end of data")
	}
	c := b[0]
	b = b[1:]
	if c <= 0x7f {
		*p = b
		return uint64(c)
	}
	n := -int(int8(c))
	if n > 8 {
		d.fail("bad unsigned integer (length byte %#x)", c)
	}
	if len(b) < n {
		d.fail("unexpected end of data in an integer")
	}
	var x uint64
	for _, c := range b[:n] {
		x = x<<8 | uint64(c)
	}
	*p = b[n:]
	return x
}

func (d *gobDecoder) uint() uint64 { return d.readUint(&d.buf) }

func (d *gobDecoder) int() int64 {
	x := d.uint()
	i := int64(x >> 1)
	if x&1 != 0 {
		i = ^i
	}
	return i
}

// bytes reads a length-prefixed byte string.
func (d *gobDecoder) bytes() []byte {
	n := d.uint()
	if n > uint64(len(d.buf)) {
		d.fail("length %d exceeds the %d bytes left", n, len(d.buf))
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

// recvMessage makes the next message of the stream the current buffer.
func (d *gobDecoder) recvMessage() {
	if len(d.stream) == 0 {
		d.fail("unexpected end of data")
	}
	n := d.readUint(&d.stream)
	if n > uint64(len(d.stream)) {
		d.fail("message length %d exceeds the %d bytes left", n, len(d.stream))
	}
	d.buf = d.stream[:n]
	d.stream = d.stream[n:]
}

// typeSequence reads type definitions until a type id that is followed by
// a value, which it returns (encoding/gob decodeTypeSequence).
func (d *gobDecoder) typeSequence(isInterface bool) int64 {
	for {
		if len(d.buf) == 0 {
			d.recvMessage()
		}
		id := d.int()
		if id >= 0 {
			return id
		}
		d.recvType(-id)
		if len(d.buf) > 0 {
			if !isInterface {
				d.fail("extra data after a type definition")
			}
			d.uint() // the length of the value that follows
		}
	}
}

// structFields walks the fields of a struct in the buffer: field-number
// deltas, each followed by the field's value, which fn reads, up to a zero
// delta or the end of the message.
func (d *gobDecoder) structFields(numFields int, fn func(field int)) {
	field := -1
	for len(d.buf) > 0 {
		delta := d.uint()
		if delta == 0 {
			return
		}
		if delta > uint64(numFields-1-field) {
			d.fail("field number out of range")
		}
		field += int(delta)
		fn(field)
	}
}

// recvType reads the definition (a wireType struct) of type id.
func (d *gobDecoder) recvType(id int64) {
	if id < gobFirstUserID || d.types[id] != nil {
		d.fail("bad or duplicate type id %d", id)
	}
	t := &gobType{}
	common := func() {
		d.structFields(2, func(f int) {
			if f == 0 {
				t.name = string(d.bytes())
			} else {
				d.int() // the sender's own id for the type
			}
		})
	}
	set := func(k gobKind) bool {
		if t.kind != 0 {
			d.fail("type %d defined as two kinds", id)
		}
		t.kind = k
		return true
	}
	// wireType{ArrayT, SliceT, StructT, MapT, GobEncoderT,
	// BinaryMarshalerT, TextMarshalerT}, each a pointer to a struct that
	// starts with CommonType{Name, Id}.
	d.structFields(7, func(f int) {
		switch f {
		case 0:
			set(gobArray)
			d.structFields(3, func(g int) {
				switch g {
				case 0:
					common()
				case 1:
					t.elem = d.int()
				case 2:
					t.length = d.int()
				}
			})
		case 1:
			set(gobSlice)
			d.structFields(2, func(g int) {
				if g == 0 {
					common()
				} else {
					t.elem = d.int()
				}
			})
		case 2:
			set(gobStruct)
			d.structFields(2, func(g int) {
				if g == 0 {
					common()
					return
				}
				n := d.uint()
				if n > uint64(len(d.buf)) {
					d.fail("struct with %d fields in %d bytes", n, len(d.buf))
				}
				t.fields = make([]gobField, 0, n)
				for range n {
					var fld gobField
					d.structFields(2, func(h int) {
						if h == 0 {
							fld.name = string(d.bytes())
						} else {
							fld.id = d.int()
						}
					})
					t.fields = append(t.fields, fld)
				}
			})
		case 3:
			set(gobMap)
			d.structFields(3, func(g int) {
				switch g {
				case 0:
					common()
				case 1:
					t.key = d.int()
				case 2:
					t.elem = d.int()
				}
			})
		default:
			set(gobExternal)
			t.marshaler = [...]string{"GobEncoder", "BinaryMarshaler", "TextMarshaler"}[f-4]
			d.structFields(1, func(int) { common() })
		}
	})
	if t.kind == 0 {
		d.fail("type %d defined with no kind", id)
	}
	if t.kind == gobArray && t.length < 0 {
		d.fail("array type with negative length")
	}
	d.types[id] = t
}

// lookup returns the definition of a user type id.
func (d *gobDecoder) lookup(id int64) *gobType {
	t := d.types[id]
	if t == nil {
		d.fail("undefined type id %d", id)
	}
	return t
}

// value reads a top-level or interface value of type id: a struct as is,
// anything else as a struct's single field 0.
func (d *gobDecoder) value(id int64) any {
	if id >= gobFirstUserID {
		if t := d.lookup(id); t.kind == gobStruct {
			return d.structValue(t)
		}
	}
	if d.uint() != 0 {
		d.fail("corrupted data: non-zero delta for a single value")
	}
	return d.op(id)
}

// enter counts one value and one level of nesting; leave undoes the level.
func (d *gobDecoder) enter() {
	d.depth++
	d.values++
	if d.depth > maxGobDepth {
		d.fail("values nest more than %d deep", maxGobDepth)
	}
	if d.values > maxGobValues {
		d.fail("too large: more than %d values", maxGobValues)
	}
}

func (d *gobDecoder) leave() { d.depth-- }

// op reads one value of type id in its plain encoding.
func (d *gobDecoder) op(id int64) any {
	d.enter()
	defer d.leave()
	switch id {
	case gobBool:
		return d.uint() != 0
	case gobInt:
		return d.int()
	case gobUint:
		return d.uint()
	case gobFloat:
		return jsonFloat(gobFloat64(d.uint()))
	case gobBytes:
		return bytesValue(d.bytes())
	case gobString:
		return string(d.bytes())
	case gobComplex:
		re, im := gobFloat64(d.uint()), gobFloat64(d.uint())
		return strconv.FormatComplex(complex(re, im), 'g', -1, 128)
	case gobInterface:
		return d.iface()
	}
	if id < gobFirstUserID {
		d.fail("reserved type id %d", id)
	}
	t := d.lookup(id)
	switch t.kind {
	case gobArray:
		n := d.uint()
		if n != uint64(t.length) {
			d.fail("array of %d elements sent with %d", t.length, n)
		}
		return d.elems(n, t.elem)
	case gobSlice:
		return d.elems(d.uint(), t.elem)
	case gobMap:
		n := d.uint()
		m := make(map[string]any, min(n, uint64(len(d.buf))))
		for range n {
			if len(d.buf) == 0 {
				d.fail("map of %d entries exceeds the data", n)
			}
			k := d.op(t.key)
			m[keyString(k)] = d.op(t.elem)
		}
		return m
	case gobStruct:
		return d.structValue(t)
	default: // gobExternal
		return externalValue(t, d.bytes())
	}
}

// elems reads n elements of type elem.
func (d *gobDecoder) elems(n uint64, elem int64) []any {
	s := make([]any, 0, min(n, uint64(len(d.buf))))
	for range n {
		if len(d.buf) == 0 {
			d.fail("array or slice of %d elements exceeds the data", n)
		}
		s = append(s, d.op(elem))
	}
	return s
}

// structValue reads a struct of type t. Gob leaves out fields that hold
// their zero value; they are filled back in, so that every field shows.
func (d *gobDecoder) structValue(t *gobType) any {
	m := make(map[string]any, len(t.fields)+1)
	d.structFields(len(t.fields), func(f int) {
		m[t.fields[f].name] = d.op(t.fields[f].id)
	})
	for _, f := range t.fields {
		if _, ok := m[f.name]; !ok {
			d.enter()
			d.leave()
			m[f.name] = gobZero(f.id)
		}
	}
	m["$type"] = t.name
	return m
}

// iface reads an interface value: the registered name of the concrete
// type, type definitions, its id, a byte count, and the value.
func (d *gobDecoder) iface() any {
	n := d.uint()
	if n > uint64(len(d.buf)) {
		d.fail("type name length %d exceeds the %d bytes left", n, len(d.buf))
	}
	if n == 0 {
		return nil
	}
	if n > maxGobNameLen {
		d.fail("type name of %d bytes is too long", n)
	}
	name := string(d.buf[:n])
	d.buf = d.buf[n:]
	id := d.typeSequence(true)
	d.uint() // byte count of the value
	v := d.value(id)
	// A pointer is an encoding detail gob flattens: "*main.Profile" and
	// "main.Profile" hold the same data.
	name = strings.TrimPrefix(name, "*")
	switch x := v.(type) {
	case map[string]any:
		if _, isStruct := x["$type"]; isStruct {
			x["$type"] = name
			return x
		}
	case nil:
		return nil
	}
	if isNamedType(name) && !isTaggedValue(v) {
		return map[string]any{"$type": name, "$value": v}
	}
	return v
}

// isNamedType reports whether a gob type name is a package-qualified type,
// like main.Role, as opposed to one gob names itself, like []interface {}.
func isNamedType(name string) bool {
	return strings.Contains(name, ".")
}

// isTaggedValue reports whether v is already one of the "$..." objects.
func isTaggedValue(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	for k := range m {
		return strings.HasPrefix(k, "$")
	}
	return false
}

// gobZero is the value of a field gob left out because it was zero.
func gobZero(id int64) any {
	switch id {
	case gobBool:
		return false
	case gobInt, gobUint:
		return int64(0)
	case gobFloat:
		return float64(0)
	case gobString:
		return ""
	case gobComplex:
		return "(0+0i)"
	}
	return nil // bytes, interface, slice, map, struct (or nil pointer)
}

// gobFloat64 undoes gob's byte-reversed float encoding.
func gobFloat64(u uint64) float64 {
	return math.Float64frombits(bits.ReverseBytes64(u))
}

// jsonFloat keeps a float JSON-encodable: NaN and infinities become strings.
func jsonFloat(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return f
}

// bytesValue is how a byte string appears among values.
func bytesValue(b []byte) any {
	return map[string]any{"$bytes": hex.EncodeToString(b)}
}

// externalValue shows a value that marshaled itself. time.Time, the common
// case, is decoded by the standard library's own (checked) parser.
func externalValue(t *gobType, b []byte) any {
	if t.name == "Time" && t.marshaler == "GobEncoder" {
		var tm time.Time
		if err := tm.GobDecode(b); err == nil {
			return map[string]any{"$datetime": tm.Format(time.RFC3339Nano)}
		}
	}
	if t.marshaler == "TextMarshaler" {
		return map[string]any{"$type": t.name, "$text": string(b)}
	}
	return map[string]any{"$type": t.name, "$bytes": hex.EncodeToString(b)}
}

// keyString formats a map key for a map[string]any.
func keyString(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case nil:
		return "<nil>"
	case int64, uint64, float64, bool:
		return fmt.Sprint(x)
	}
	b, err := json.Marshal(k)
	if err != nil {
		return fmt.Sprint(k)
	}
	return string(b)
}

// SafeGob is a securecookie.Serializer for gob, like securecookie's
// GobEncoder, that checks every payload with DecodeGob before handing it to
// encoding/gob. A signature proves only that someone with the key made a
// cookie; where the key is public, as the lesson's is, anyone can sign a
// payload built to make encoding/gob allocate without end.
type SafeGob struct{}

// Serialize gob-encodes src, as securecookie.GobEncoder does.
func (SafeGob) Serialize(src any) ([]byte, error) {
	return securecookie.GobEncoder{}.Serialize(src)
}

// Deserialize checks src with DecodeGob, then gob-decodes it into dst.
func (SafeGob) Deserialize(src []byte, dst any) error {
	if _, err := DecodeGob(src); err != nil {
		return fmt.Errorf("cookiecodec: refusing a gob payload: %w", err)
	}
	return securecookie.GobEncoder{}.Deserialize(src, dst)
}
