package cookiecodec_test

import (
	"fmt"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
)

// A Flask session cookie is readable without its key; the key only
// checks the signature.
func ExampleDecode() {
	cookie := "eyJuYW1lIjoiSmF5IiwiZW1haWwiOiJrcGF0ZWxAY29kaW5nZG9qby5jb20ifQ.awcxVA.is-cjB4Eof45qhUbv7p5055l_Co"
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

	res, err := cookiecodec.Decode(cookie, cookiecodec.Options{Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Format, res.Signature, res.Values["name"], res.ReadWithoutKey())

	res, _ = cookiecodec.Decode(cookie, cookiecodec.Options{Now: now, Secrets: [][]byte{[]byte("ThisIsSecret")}})
	fmt.Println(res.Signature, res.IssuedAt)
	// Output:
	// flask unchecked Jay true
	// valid 2026-11-25 19:04:52 +0000 UTC
}

// ParseInput finds the cookie in what a user pastes: here a Set-Cookie
// line, whose attributes come with warnings.
func ExampleParseInput() {
	in, err := cookiecodec.ParseInput("Set-Cookie: session=e30.awcxVA.74AKodVGq35fMnVn3hmhHpzvTQM; Path=/; SameSite=None", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(in.Name, in.Value, in.Form)
	for _, w := range in.Attributes.Warnings(in.Name, time.Now()) {
		fmt.Println("-", w)
	}
	// Output:
	// session e30.awcxVA.74AKodVGq35fMnVn3hmhHpzvTQM Set-Cookie
	// - SameSite=None without Secure: browsers reject this cookie
	// - no HttpOnly: scripts in the page can read this session cookie (document.cookie)
	// - no Secure: the cookie also travels over plain http
}

// FindWeakKey shows a session anyone can forge.
func ExampleFindWeakKey() {
	key, ok := cookiecodec.FindWeakKey("e30.awcxVA.74AKodVGq35fMnVn3hmhHpzvTQM", cookiecodec.Options{})
	fmt.Printf("%q %v\n", key, ok)
	// Output: "dev" true
}

// Whoever knows the key can make a cookie the server takes as its own:
// here a Django session (Django 3.2's signing.dumps makes the same value at
// that time with that key), read back and verified.
func ExampleSign() {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	key := []byte("django-insecure-tutorial-key")
	cookies, err := cookiecodec.Sign(map[string]any{"user": "admin"}, cookiecodec.SignOptions{Format: cookiecodec.Django, Secret: key, Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cookies[0].Name, cookies[0].Value)

	res, _ := cookiecodec.Decode(cookies[0].Value, cookiecodec.Options{Secrets: [][]byte{key}, Now: now})
	fmt.Println(res.Format, res.Signature, res.Values["user"])
	// Output:
	// sessionid eyJ1c2VyIjoiYWRtaW4ifQ:1xWY8u:6w89v4ydEg3viOraeVwvfAIMah4YORB9_SIQnJ1TKkA
	// django valid admin
}

// A Verifier checks keys against one cookie without decoding it again:
// what a key search runs for every line of a wordlist.
func ExampleNewVerifier() {
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqYXkiLCJuYW1lIjoiSmF5IiwiZW1haWwiOiJrcGF0ZWxAY29kaW5nZG9qby5jb20iLCJpYXQiOjE3NjcyMjU1NDB9.QtjyeGbmPl0sC3PcStL1PWNqyPPwjOX9rbaumU23J_8"
	v, err := cookiecodec.NewVerifier(jwt, cookiecodec.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range []string{"secret", "your-256-bit-secret"} {
		fmt.Println(k, v.Verify([]byte(k)))
	}
	// Output:
	// secret false
	// your-256-bit-secret true
}
