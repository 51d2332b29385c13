package cookiecodec_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// frameworkVector is one cookie made by a real framework (see
// testdata/frameworks/README.md for the fields).
type frameworkVector struct {
	Format         string          `json:"format"`
	Kind           string          `json:"kind"`
	Name           string          `json:"name"`
	Cookie         string          `json:"cookie"`
	Cookies        string          `json:"cookies"`
	Secret         json.RawMessage `json:"secret"`
	Valid          *bool           `json:"valid"`
	Now            int64           `json:"now"`
	MaxAge         *int64          `json:"max_age"`
	Values         json.RawMessage `json:"values"`
	SessionID      string          `json:"session_id"`
	Cipher         *string         `json:"cipher"`
	RailsKDF       json.RawMessage `json:"rails_kdf_digest"`
	ContainsObject bool            `json:"contains_object"`
	SessionEncrypt *bool           `json:"session_encrypt"`
	Note           string          `json:"note"`
}

// vectorFormat maps a vector's format to formtest's.
func vectorFormat(f string) cookiecodec.Format {
	switch f {
	case "django-db":
		return cookiecodec.Django
	case "express-cookie-session":
		return cookiecodec.Express
	}
	return cookiecodec.Format(f)
}

// secrets reads a vector's secret: a string, a list (rotation), or null.
func (v frameworkVector) secrets(t *testing.T) [][]byte {
	t.Helper()
	var one string
	if json.Unmarshal(v.Secret, &one) == nil {
		if one == "" {
			return nil
		}
		return [][]byte{mustKey(t, one)}
	}
	var many []string
	if err := json.Unmarshal(v.Secret, &many); err != nil {
		return nil
	}
	out := make([][]byte, len(many))
	for i, s := range many {
		out[i] = mustKey(t, s)
	}
	return out
}

// input is the vector as a user would paste it: the whole Cookie header
// when the cookie needs a companion, else name=value.
func (v frameworkVector) input() string {
	if v.Cookies != "" {
		return "Cookie: " + v.Cookies
	}
	return v.Name + "=" + v.Cookie
}

// appConfigDiffers reports whether the vector was refused only because
// the app was configured for one Rails key derivation or one Laravel
// cipher, where formtest tries them all and says which one worked.
func appConfigDiffers(v frameworkVector, res *cookiecodec.Result) bool {
	if res.Signature != cookiecodec.Valid || v.Valid == nil || *v.Valid {
		return false
	}
	switch v.Format {
	case "rails":
		var digests []string
		var one string
		if json.Unmarshal(v.RailsKDF, &one) == nil {
			digests = []string{one}
		} else {
			json.Unmarshal(v.RailsKDF, &digests)
		}
		for _, d := range digests {
			if strings.Contains(res.Parts.KeyDerivation, "PBKDF2-HMAC-"+d+" ") {
				return false
			}
		}
		return len(digests) > 0
	case "laravel":
		if v.SessionEncrypt != nil && !*v.SessionEncrypt && strings.Contains(strings.Join(res.About, " "), "session.encrypt is on") {
			return true // formtest reads doubly encrypted data whatever the app's setting
		}
		return v.Cipher != nil && !strings.HasPrefix(res.Parts.Algorithm, *v.Cipher)
	}
	return false
}

func TestFrameworkFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/frameworks/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no framework vectors: %v", err)
	}
	total := 0
	for _, file := range files {
		if strings.HasPrefix(filepath.Base(file), "verify-") {
			continue // an example input of the verifiers, not vectors
		}
		for i, v := range readVectors[frameworkVector](t, file) {
			total++
			t.Run(filepath.Base(file)+"/"+v.Note, func(t *testing.T) {
				in, err := cookiecodec.ParseInput(v.input(), v.Name)
				if err != nil {
					t.Fatalf("vector %d: ParseInput: %v", i, err)
				}
				now := time.Unix(v.Now, 0)
				if v.Now == 0 {
					now = fixtureNow
				}
				opts := cookiecodec.Options{Name: v.Name, Secrets: v.secrets(t), Now: now, Companions: in.Companions}
				if v.MaxAge != nil {
					opts.MaxAge = time.Duration(*v.MaxAge) * time.Second
				}
				res, err := cookiecodec.Decode(in.Value, opts)
				want := vectorFormat(v.Format)
				if res == nil {
					if v.Valid != nil && *v.Valid {
						t.Fatalf("vector %d: Decode: %v", i, err)
					}
					return // a refused cookie may not decode at all
				}
				if res.Format != want {
					t.Errorf("detected %q, want %q", res.Format, want)
				}
				if err != nil && v.Valid != nil && *v.Valid {
					t.Fatalf("vector %d: Decode: %v", i, err)
				}
				got := res.Signature == cookiecodec.Valid && !res.Expired && err == nil
				switch {
				case v.Valid == nil:
					if res.Signature == cookiecodec.Valid {
						t.Errorf("nothing to verify, yet signature %s", res.Signature)
					}
				case appConfigDiffers(v, res):
					t.Logf("the app refused it for its configuration; formtest: %s, %s", res.Parts.KeyDerivation, res.Parts.Algorithm)
				case got != *v.Valid:
					t.Errorf("valid = %v (signature %s, expired %v, reason %q, err %v), want %v", got, res.Signature, res.Expired, res.Reason, err, *v.Valid)
				}
				if v.SessionID != "" && err == nil && res.SessionID != v.SessionID && v.Format != "laravel" {
					t.Errorf("SessionID = %q, want %q", res.SessionID, v.SessionID)
				}
				if res.Encrypted && res.Signature != cookiecodec.Valid {
					return // nothing can be read without the key
				}
				var values any
				json.Unmarshal(v.Values, &values)
				switch x := values.(type) {
				case nil:
					if v.ContainsObject {
						if !strings.Contains(cookiecodec.MarshalValue(res.Values), `"$class":"stdClass"`) {
							t.Errorf("the object is not shown by its class: %v", res.Values)
						}
					}
				case map[string]any:
					if res.Values == nil && v.Format == "laravel" && res.Expired {
						return // Laravel's expired data cookie reads as empty
					}
					if got, want := asJSON(t, res.Values), asJSON(t, x); !reflect.DeepEqual(got, want) {
						t.Errorf("Values = %v, want %v", got, want)
					}
				default:
					if got := asJSON(t, res.Values["value"]); !reflect.DeepEqual(got, asJSON(t, x)) {
						t.Errorf("value = %v, want %v", got, x)
					}
				}
				if text := cookiecodec.ExplainText(res, err); strings.ContainsAny(text, "\x00\x1b") {
					t.Errorf("explanation holds a control character: %q", text)
				}
			})
		}
	}
	if total < 100 {
		t.Errorf("only %d framework vectors", total)
	}
}

// TestLaravelNameUnknown: a Laravel cookie pasted without its name still
// verifies with the APP_KEY, with a warning that its name binds it; under
// a wrong name it is invalid.
func TestLaravelNameUnknown(t *testing.T) {
	for _, v := range readVectors[frameworkVector](t, "testdata/frameworks/laravel.json") {
		if v.Name != "prefs" || v.Valid == nil || !*v.Valid {
			continue
		}
		in, err := cookiecodec.ParseInput(v.Cookie, "")
		if err != nil {
			t.Fatal(err)
		}
		opts := cookiecodec.Options{Secrets: v.secrets(t), Now: time.Unix(v.Now, 0)}
		res, err := cookiecodec.Decode(in.Value, opts)
		if err != nil || res.Signature != cookiecodec.Valid || !strings.Contains(strings.Join(res.Warnings, " "), "--name") {
			t.Errorf("no name: %v, signature %s, warnings %q", err, res.Signature, res.Warnings)
		}
		opts.Name = "theme"
		if res, err := cookiecodec.Decode(in.Value, opts); err != nil || res.Signature != cookiecodec.Invalid {
			t.Errorf("as theme: %v, signature %s", err, res.Signature)
		}
		return
	}
	t.Fatal("no valid prefs vector")
}
