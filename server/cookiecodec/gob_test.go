package cookiecodec

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type gobTestProfile struct {
	Name  string
	Age   int
	Admin bool
	Tags  []string
	Inner *gobTestInner
}

type gobTestInner struct{ X float64 }

type gobTestRole string

func gobEncode(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatalf("gob encode %#v: %v", v, err)
	}
	return buf.Bytes()
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("json encode %#v: %v", v, err)
	}
	return strings.TrimSpace(buf.String())
}

func TestDecodeGobMatchesEncodingGob(t *testing.T) {
	gob.Register(gobTestProfile{})
	gob.Register(&gobTestInner{})
	gob.Register(gobTestRole(""))
	gob.Register([]any{})
	gob.Register(map[string]any{})
	gob.Register(map[int]string{})
	gob.Register([3]int{})
	gob.Register(time.Time{})
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"strings", map[any]any{"name": "Jay", "email": "a@b"}, `{"email":"a@b","name":"Jay"}`},
		{"empty map", map[any]any{}, `{}`},
		{"basic types", map[any]any{"b": []byte{0, 255}, "f": 1.5, "n": 42, "neg": -7, "ok": true, "u": uint(9), "c": complex(1, 2)},
			`{"b":{"$bytes":"00ff"},"c":"(1+2i)","f":1.5,"n":42,"neg":-7,"ok":true,"u":9}`},
		{"custom struct", map[any]any{"p": gobTestProfile{Name: "Ada", Age: 36, Tags: []string{"math"}}},
			`{"p":{"$type":"github.com/formtest/formtest/server/cookiecodec.gobTestProfile","Admin":false,"Age":36,"Inner":null,"Name":"Ada","Tags":["math"]}}`},
		{"nested struct pointer", map[any]any{"p": gobTestProfile{Name: "B", Inner: &gobTestInner{X: 2}}},
			`{"p":{"$type":"github.com/formtest/formtest/server/cookiecodec.gobTestProfile","Admin":false,"Age":0,"Inner":{"$type":"gobTestInner","X":2},"Name":"B","Tags":null}}`},
		{"registered pointer", map[any]any{"i": &gobTestInner{X: 1}}, `{"i":{"$type":"cookiecodec.gobTestInner","X":1}}`},
		{"struct in slice in interface", map[any]any{"l": []any{gobTestProfile{Name: "C"}, "s", nil}},
			`{"l":[{"$type":"github.com/formtest/formtest/server/cookiecodec.gobTestProfile","Admin":false,"Age":0,"Inner":null,"Name":"C","Tags":null},"s",null]}`},
		{"struct twice", map[any]any{"a": gobTestProfile{Name: "A"}, "b": []any{gobTestProfile{Name: "B"}}},
			`{"a":{"$type":"github.com/formtest/formtest/server/cookiecodec.gobTestProfile","Admin":false,"Age":0,"Inner":null,"Name":"A","Tags":null},"b":[{"$type":"github.com/formtest/formtest/server/cookiecodec.gobTestProfile","Admin":false,"Age":0,"Inner":null,"Name":"B","Tags":null}]}`},
		{"nested maps", map[any]any{"m": map[string]any{"x": []any{1, "y"}}}, `{"m":{"x":[1,"y"]}}`},
		{"int keys", map[any]any{1: "one", "m": map[int]string{2: "two"}}, `{"1":"one","m":{"2":"two"}}`},
		{"array", map[any]any{"a": [3]int{1, 2, 3}}, `{"a":[1,2,3]}`},
		{"named string", map[any]any{"r": gobTestRole("admin")}, `{"r":{"$type":"github.com/formtest/formtest/server/cookiecodec.gobTestRole","$value":"admin"}}`},
		{"time", map[any]any{"t": time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)}, `{"t":{"$datetime":"2024-03-01T12:30:00Z"}}`},
		{"bare string", "FOR5Y35LO2CVFZSPGOCTBHDEMNZ6KYP5IWUSROS7VE6UK4BC2U4Q", `"FOR5Y35LO2CVFZSPGOCTBHDEMNZ6KYP5IWUSROS7VE6UK4BC2U4Q"`},
		{"control characters", map[any]any{"x": "\x1b[31mred\x07"}, `{"x":"\u001b[31mred\u0007"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := gobEncode(t, tt.in)
			got, err := decodeGob(data)
			if err != nil {
				t.Fatalf("decodeGob(% x) error: %v", data, err)
			}
			if s := jsonString(t, got); s != tt.want {
				t.Errorf("decodeGob = %s, want %s", s, tt.want)
			}
		})
	}
}

func TestDecodeGobHostile(t *testing.T) {
	// A []interface{} holding itself 200 deep.
	var deep any = "x"
	for range 200 {
		deep = []any{deep}
	}
	deepData := gobEncode(t, map[any]any{"d": deep})
	// A map claiming a billion entries.
	huge := gobEncode(t, map[any]any{"s": []any{"a"}})
	i := bytes.Index(huge, []byte{0x01, 0x06, 's', 't', 'r', 'i', 'n', 'g'})
	if i < 0 {
		t.Fatalf("no slice length found in % x", huge)
	}
	huge = append(append(append([]byte{}, huge[:i]...), 0xfc, 0x3b, 0x9a, 0xca, 0x00), huge[i+1:]...)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "unexpected end of data"},
		{"deep nesting", deepData, "nest more than"},
		{"huge declared length", huge, "end of data"},
		{"bad uint", []byte{0x80}, "bad unsigned integer"},
		{"message longer than data", []byte{0x7f, 1, 2}, "exceeds"},
		{"undefined type", []byte{0x03, 0xff, 0x82, 0x00}, "undefined type id 65"},
		{"reserved type", []byte{0x02, 0x12, 0x00}, "reserved type id 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeGob(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decodeGob(% .40x) = %v, %v; want an error containing %q", tt.data, got, err, tt.want)
			}
		})
	}
}

func TestDecodeGobEveryPrefixFails(t *testing.T) {
	gob.Register(gobTestProfile{})
	data := gobEncode(t, map[any]any{"p": gobTestProfile{Name: "Ada", Tags: []string{"x"}}, "n": 1})
	for n := range len(data) {
		if _, err := decodeGob(data[:n]); err == nil {
			t.Errorf("decodeGob(first %d of %d bytes) succeeded, want an error", n, len(data))
		}
		if _, err := decodeGob(data[:n]); err != nil && strings.Contains(err.Error(), "bug") {
			t.Errorf("decodeGob(first %d bytes): %v", n, err)
		}
	}
}
