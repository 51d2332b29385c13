package cookiecodec_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// fixtureNow is when the fixture checks run: a day after the vectors were made.
var fixtureNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

type flaskVector struct {
	Cookie  string         `json:"cookie"`
	Secret  string         `json:"secret"`
	Valid   bool           `json:"valid"`
	MaxAge  *int64         `json:"max_age"`
	Session map[string]any `json:"session"`
	Note    string         `json:"note"`
}

type gorillaVector struct {
	Cookie    string         `json:"cookie"`
	Name      string         `json:"name"`
	HashKey   string         `json:"hash_key"`
	BlockKey  string         `json:"block_key"`
	MaxAge    int64          `json:"max_age"`
	Valid     bool           `json:"valid"`
	Values    map[string]any `json:"values"`
	SessionID string         `json:"session_id"`
	Note      string         `json:"note"`
}

func readVectors[T any](t testing.TB, path string) []T {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var vs []T
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return vs
}

// asJSON round-trips v through JSON, so decoded values compare with the
// fixtures' values.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal(%#v): %v", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustKey(t testing.TB, s string) []byte {
	t.Helper()
	k, err := cookiecodec.ParseKey(s)
	if err != nil {
		t.Fatalf("ParseKey(%q): %v", s, err)
	}
	return k
}

func TestFlaskFixtures(t *testing.T) {
	for i, v := range readVectors[flaskVector](t, "testdata/flask-cookies.json") {
		t.Run(v.Note, func(t *testing.T) {
			maxAge := time.Duration(-1)
			if v.MaxAge != nil {
				maxAge = time.Duration(*v.MaxAge) * time.Second
			}
			opts := cookiecodec.Options{Secrets: [][]byte{[]byte(v.Secret)}, MaxAge: maxAge, Now: fixtureNow}
			res, err := cookiecodec.Decode(v.Cookie, opts)
			if err != nil {
				t.Fatalf("vector %d: Decode: %v", i, err)
			}
			if res.Format != cookiecodec.Flask {
				t.Errorf("Format = %q, want flask", res.Format)
			}
			if got := res.Signature == cookiecodec.Valid && !res.Expired; got != v.Valid {
				t.Errorf("valid = %v (signature %s, expired %v, reason %q), want %v", got, res.Signature, res.Expired, res.Reason, v.Valid)
			}
			if got, want := asJSON(t, res.Values), asJSON(t, v.Session); !reflect.DeepEqual(got, want) {
				t.Errorf("Values = %v, want %v", got, want)
			}
			if res.Compressed != strings.HasPrefix(v.Cookie, ".") {
				t.Errorf("Compressed = %v", res.Compressed)
			}
			// Readable without any key: signed is not encrypted.
			keyless, err := cookiecodec.Decode(v.Cookie, cookiecodec.Options{Now: fixtureNow, MaxAge: -1})
			if err != nil {
				t.Fatalf("keyless Decode: %v", err)
			}
			if keyless.Signature != cookiecodec.Unchecked || !keyless.ReadWithoutKey() {
				t.Errorf("keyless: signature %s, readable %v; want unchecked, true", keyless.Signature, keyless.ReadWithoutKey())
			}
			if got, want := asJSON(t, keyless.Values), asJSON(t, v.Session); !reflect.DeepEqual(got, want) {
				t.Errorf("keyless Values = %v, want %v", got, want)
			}
		})
	}
}

func TestGorillaFixtures(t *testing.T) {
	for i, v := range readVectors[gorillaVector](t, "testdata/gorilla-cookies.json") {
		t.Run(v.Note, func(t *testing.T) {
			maxAge := time.Duration(-1)
			if v.MaxAge != 0 {
				maxAge = time.Duration(v.MaxAge) * time.Second
			}
			opts := cookiecodec.Options{Name: v.Name, Secrets: [][]byte{mustKey(t, v.HashKey)}, MaxAge: maxAge, Now: fixtureNow}
			if v.BlockKey != "" {
				opts.BlockKeys = [][]byte{mustKey(t, "hex:"+v.BlockKey)}
			}
			res, err := cookiecodec.Decode(v.Cookie, opts)
			if v.Valid && err != nil {
				t.Fatalf("vector %d: Decode: %v", i, err)
			}
			if res == nil {
				t.Fatalf("vector %d: Decode returned no result: %v", i, err)
			}
			if res.Format != cookiecodec.Gorilla {
				t.Errorf("Format = %q, want gorilla", res.Format)
			}
			if got := res.Signature == cookiecodec.Valid && !res.Expired; got != v.Valid {
				t.Errorf("valid = %v (signature %s, expired %v, reason %q), want %v", got, res.Signature, res.Expired, res.Reason, v.Valid)
			}
			if !v.Valid && (err != nil || res.Values == nil && res.SessionID == "") {
				return // a tampered vector may not decode at all
			}
			if got, want := asJSON(t, res.Values), asJSON(t, v.Values); !reflect.DeepEqual(got, want) {
				t.Errorf("Values = %v, want %v", got, want)
			}
			if res.SessionID != v.SessionID {
				t.Errorf("SessionID = %q, want %q", res.SessionID, v.SessionID)
			}
			if res.Encrypted != (v.BlockKey != "") {
				t.Errorf("Encrypted = %v", res.Encrypted)
			}
			keyless, err := cookiecodec.Decode(v.Cookie, cookiecodec.Options{Name: v.Name, Now: fixtureNow, MaxAge: -1})
			if err != nil {
				t.Fatalf("keyless Decode: %v", err)
			}
			if v.BlockKey != "" {
				if keyless.Values != nil || !keyless.Encrypted || keyless.ReadWithoutKey() {
					t.Errorf("keyless on an encrypted cookie: Values %v, Encrypted %v; want nil, true", keyless.Values, keyless.Encrypted)
				}
				return
			}
			if got, want := asJSON(t, keyless.Values), asJSON(t, v.Values); !reflect.DeepEqual(got, want) || !keyless.ReadWithoutKey() {
				t.Errorf("keyless Values = %v, want %v", got, want)
			}
		})
	}
}
