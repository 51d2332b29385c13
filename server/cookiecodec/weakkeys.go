package cookiecodec

import "strings"

// A WeakKeyList is a list of well-known secret keys from one source:
// keys printed in a framework's documentation, its tutorials or its
// default configuration. A session signed with any of them can be forged
// by anyone.
type WeakKeyList struct {
	// Source names where the keys come from, for people: "Flask
	// documentation and tutorials".
	Source string
	Keys   []string
}

// DjangoInsecurePrefix starts every SECRET_KEY that Django's startproject
// writes into a new project's settings (Django 3.2 and later): a key for
// development, which `manage.py check --deploy` flags.
const DjangoInsecurePrefix = "django-insecure-"

// WeakKeyLists returns the built-in lists of well-known keys, one per
// framework or source, in the order a search tries them.
func WeakKeyLists() []WeakKeyList {
	return []WeakKeyList{
		{"the lesson, gorilla and Go tutorials", []string{
			"ThisIsSecret", "something-very-secret", "super-secret-key", "secret-key", "hash-key", "block-key",
			"very-secret", "a-very-secret-key", "my-secret-key", "t0p-s3cr3t", "session-key", "SESSION_KEY", "session_secret",
			"SESSION_SECRET", "cookie-secret", "your-secret-key", "your_secret_key", "yoursecretkey", "YOUR_SECRET_KEY",
			"gorilla", "securecookie", "formtest",
		}},
		{"Flask documentation and tutorials", []string{
			// The quickstart's example key, b'_5#y2L"F4Q8z\n\xec]/'.
			"_5#y2L\"F4Q8z\n\xec]/", "dev", "development key", "development", "you-will-never-guess", "hard to guess string",
			"hard-to-guess-string", "super secret key", "SuperSecretKey", "supersecretkey", "super_secret_key", "super-secret",
			"supersecret", "SECRET_KEY", "secret_key", "secretkey", "flask", "flask-secret", "flask_secret_key", "FLASK_SECRET_KEY",
			"mysecret", "my_secret", "my-secret", "mysecretkey", "my_secret_key", "MySecretKey", "thisisasecret", "this-is-a-secret",
			"thisisnotasecret", "notasecret", "not-so-secret", "keep-it-secret", "topsecret", "top-secret", "s3cr3t", "s3cret",
			"secret123", "secret1234",
			// Apache Superset's default key (CVE-2023-27524) and its old one.
			"\x02\x01thisismyscretkey\x01\x02\\e\\y\\y\\h", "thisismyscretkey", "TEST_NON_DEV_SECRET",
			"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET", "temporary_key",
		}},
		{"Django documentation, tests and tutorials", []string{
			"django_tests_secret_key", "django-insecure", "django", "django-secret", "django-secret-key", "django_secret_key",
			"DJANGO_SECRET_KEY", "your-secret-key-here", "your_secret_key_here", "replace-this-with-a-real-secret",
		}},
		{"Express documentation and examples (express-session, cookie-session)", []string{
			"keyboard cat", "shhhh, very secret", "manny is cool", "key1", "key2", "secret1", "secret2",
			"express", "express-secret", "session-secret", "sessionsecret", "cookie_secret", "cookiesecret",
		}},
		{"JWT documentation and tutorials (jwt.io, jsonwebtoken)", []string{
			"your-256-bit-secret", "your-384-bit-secret", "your-512-bit-secret", "shhhhh", "shhhhhhared-secret",
			"jwt", "jwt-secret", "jwt_secret", "JWT_SECRET", "jwtsecret", "jwt-secret-key", "jwt_secret_key", "JWT_SECRET_KEY",
			"secretOrPrivateKey", "my-256-bit-secret", "access-token-secret", "refresh-token-secret",
		}},
		{"placeholders", []string{
			"Secret", "SECRET", "secret", "secrets", "key", "KEY", "private", "my-key",
			"changeme", "change-me", "change_me", "CHANGEME", "changeit", "changethis", "replace-me", "todo", "TODO", "default",
			"test", "testing", "test-secret", "testsecret", "insecure", "example", "sample", "demo", "local", "dev-key", "devkey",
			"password", "Password", "password1", "password123", "passw0rd", "admin", "root", "qwerty", "abc123", "letmein",
			"123456", "12345678", "1234567890", "12345", "0000", "1234", "none", "null", "session", "cookie",
			"app", "application", "server", "web", "hello", "hello world", "foobar", "foo", "bar",
		}},
	}
}

// WeakKeys returns every key of WeakKeyLists, each once.
func WeakKeys() []string {
	seen := make(map[string]bool)
	var keys []string
	for _, l := range WeakKeyLists() {
		for _, k := range l.Keys {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// IsWeakKey reports whether key is one of WeakKeys, starts with
// DjangoInsecurePrefix, or is shorter than 16 bytes.
func IsWeakKey(key []byte) bool {
	if len(key) < 16 || strings.HasPrefix(string(key), DjangoInsecurePrefix) {
		return true
	}
	for _, l := range WeakKeyLists() {
		for _, w := range l.Keys {
			if string(key) == w {
				return true
			}
		}
	}
	return false
}
