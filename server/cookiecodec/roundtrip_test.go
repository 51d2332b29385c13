package cookiecodec_test

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/gorilla/securecookie"
)

func randomKey(t *testing.T, n int) []byte {
	t.Helper()
	k := make([]byte, n)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// TestServerRoundTrip decodes the cookie formtest's own server sets.
func TestServerRoundTrip(t *testing.T) {
	key, old := randomKey(t, 32), randomKey(t, 32)
	s, err := server.New(server.Config{Keys: [][]byte{key, old}, Stage: server.StageSession})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	form := url.Values{"name": {"Zoë 漢字"}, "email": {"zoe@example.com"}}
	resp, err := client.PostForm(ts.URL+"/users", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	lines := resp.Header.Values("Set-Cookie")
	if len(lines) != 1 {
		t.Fatalf("POST /users: %s, Set-Cookie %q; want one cookie", resp.Status, lines)
	}
	in, err := cookiecodec.ParseInput("Set-Cookie: "+lines[0], "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "Zoë 漢字", "email": "zoe@example.com"}

	tests := []struct {
		name      string
		opts      cookiecodec.Options
		signature cookiecodec.Verdict
		reason    string
	}{
		{"server's options", s.DecodeOptions(), cookiecodec.Valid, ""},
		{"no key", cookiecodec.Options{Name: in.Name}, cookiecodec.Unchecked, ""},
		{"old key only", cookiecodec.Options{Name: in.Name, Secrets: [][]byte{old}}, cookiecodec.Invalid, "no key verifies"},
		{"wrong name", cookiecodec.Options{Name: "formtest", Secrets: [][]byte{key}}, cookiecodec.Invalid, `signed under the name "session"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := cookiecodec.Decode(in.Value, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Signature != tt.signature || !strings.Contains(res.Reason, tt.reason) {
				t.Errorf("Signature %s (%q), want %s (%q)", res.Signature, res.Reason, tt.signature, tt.reason)
			}
			if !sameJSON(t, res.Values, want) || res.Expired || res.Format != cookiecodec.Gorilla {
				t.Errorf("Values %v, Expired %v, Format %s; want %v, false, gorilla", res.Values, res.Expired, res.Format, want)
			}
		})
	}
	if w := strings.Join(in.Attributes.Warnings(in.Name, time.Now()), "\n"); !strings.Contains(w, "no Secure") || strings.Contains(w, "HttpOnly") {
		t.Errorf("the server's cookie warnings: %s", w)
	}
	// Tampering with any single character is caught.
	for i := range len(in.Value) {
		b := []byte(in.Value)
		b[i] ^= 1
		res, err := cookiecodec.Decode(string(b), s.DecodeOptions())
		if err == nil && res.Signature == cookiecodec.Valid {
			t.Fatalf("flipping character %d still verifies", i)
		}
	}
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	return marshalJSON(t, a) == marshalJSON(t, b)
}

func marshalJSON(t *testing.T, v any) string {
	t.Helper()
	return cookiecodec.MarshalValue(asJSON(t, v))
}

// TestSecureCookieRoundTrip decodes what gorilla/securecookie makes with
// other settings: JSON, encryption, key rotation.
func TestSecureCookieRoundTrip(t *testing.T) {
	hash1, block1, hash2 := randomKey(t, 64), randomKey(t, 16), randomKey(t, 32)
	values := map[string]any{"user": "ada", "n": 3}
	enc := func(t *testing.T, sc *securecookie.SecureCookie, v any) string {
		t.Helper()
		s, err := sc.Encode("sess", v)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name      string
		cookie    string
		opts      cookiecodec.Options
		encrypted bool
		verdict   cookiecodec.Verdict
		values    any
	}{
		{"json serializer", enc(t, securecookie.New(hash1, nil).SetSerializer(securecookie.JSONEncoder{}), values),
			cookiecodec.Options{Name: "sess", Secrets: [][]byte{hash1}}, false, cookiecodec.Valid, values},
		{"encrypted", enc(t, securecookie.New(hash1, block1), map[any]any{"user": "ada"}),
			cookiecodec.Options{Name: "sess", Secrets: [][]byte{hash1}, BlockKeys: [][]byte{block1}}, true, cookiecodec.Valid, map[string]any{"user": "ada"}},
		{"encrypted, block key only", enc(t, securecookie.New(hash1, block1), map[any]any{"user": "ada"}),
			cookiecodec.Options{Name: "sess", BlockKeys: [][]byte{block1}}, true, cookiecodec.Unchecked, map[string]any{"user": "ada"}},
		{"encrypted, no block key", enc(t, securecookie.New(hash1, block1), map[any]any{"user": "ada"}),
			cookiecodec.Options{Name: "sess", Secrets: [][]byte{hash1}}, true, cookiecodec.Valid, nil},
		{"rotated key", enc(t, securecookie.New(hash2, nil), map[any]any{"k": []byte{1}}),
			cookiecodec.Options{Name: "sess", Secrets: [][]byte{hash1, hash2}}, false, cookiecodec.Valid, map[string]any{"k": map[string]any{"$bytes": "01"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := cookiecodec.Decode(tt.cookie, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Signature != tt.verdict || res.Encrypted != tt.encrypted {
				t.Errorf("Signature %s (%s), Encrypted %v; want %s, %v", res.Signature, res.Reason, res.Encrypted, tt.verdict, tt.encrypted)
			}
			var got any
			if res.Values != nil {
				got = res.Values
			}
			if !sameJSON(t, got, tt.values) {
				t.Errorf("Values = %v, want %v", got, tt.values)
			}
		})
	}
}

func TestForgeVerifiesWithTheKey(t *testing.T) {
	key := []byte("ThisIsSecret")
	v, err := cookiecodec.Forge("session", map[string]string{"name": "admin"}, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cookiecodec.Decode(v, cookiecodec.Options{Format: cookiecodec.Gorilla, Secrets: [][]byte{key}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Signature != cookiecodec.Valid || res.Values["name"] != "admin" {
		t.Fatalf("forged cookie: signature %v, values %v", res.Signature, res.Values)
	}
	res, _ = cookiecodec.Decode(v, cookiecodec.Options{Format: cookiecodec.Gorilla, Secrets: [][]byte{[]byte("another key")}})
	if res == nil || res.Signature != cookiecodec.Invalid {
		t.Fatalf("forged cookie verified under another key: %+v", res)
	}
}

func TestForgeEncryptedNeedsBlockKey(t *testing.T) {
	key := []byte("a secret of some length, for tests")
	block, err := cookiecodec.DeriveBlockKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if len(block) != 32 {
		t.Fatalf("block key is %d bytes, want 32", len(block))
	}
	v, err := cookiecodec.Forge("session", map[string]string{"name": "Jay"}, key, block)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cookiecodec.Decode(v, cookiecodec.Options{Format: cookiecodec.Gorilla, Secrets: [][]byte{key}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Encrypted || res.Values != nil {
		t.Fatalf("without the block key: encrypted=%v values=%v", res.Encrypted, res.Values)
	}
	res, err = cookiecodec.Decode(v, cookiecodec.Options{Format: cookiecodec.Gorilla, Secrets: [][]byte{key}, BlockKeys: [][]byte{block}})
	if err != nil || res.Values["name"] != "Jay" {
		t.Fatalf("with the block key: %v, %v", res, err)
	}
	again, _ := cookiecodec.DeriveBlockKey(key)
	other, _ := cookiecodec.DeriveBlockKey([]byte("another secret"))
	if string(again) != string(block) || string(other) == string(block) {
		t.Fatal("DeriveBlockKey is not a deterministic function of the secret")
	}
	if _, err := cookiecodec.DeriveBlockKey(nil); err == nil {
		t.Fatal("DeriveBlockKey(nil) succeeded")
	}
}

func TestTamperBreaksTheSignature(t *testing.T) {
	key := []byte("ThisIsSecret")
	v, err := cookiecodec.Forge("session", map[string]string{"name": "Jay", "email": "kpatel@codingdojo.com"}, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad, what, err := cookiecodec.Tamper(v)
	if err != nil {
		t.Fatal(err)
	}
	if bad == v || what == "" {
		t.Fatalf("Tamper changed nothing: %q", what)
	}
	res, _ := cookiecodec.Decode(bad, cookiecodec.Options{Format: cookiecodec.Gorilla, Secrets: [][]byte{key}})
	if res == nil || res.Signature != cookiecodec.Invalid {
		t.Fatalf("tampered cookie: %+v", res)
	}
	for _, in := range []string{"", "!!!", "YWJj"} {
		if _, _, err := cookiecodec.Tamper(in); err == nil {
			t.Errorf("Tamper(%q) succeeded", in)
		}
	}
}
