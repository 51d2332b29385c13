package server

// This file holds the three ways formtest can keep a session. The tutor
// shows their source beside the lessons on keys, encryption and databases,
// so each is kept short. StorageCode extracts them.

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/server/sessionstore"
)

// Storage says where a session's values live between requests.
type Storage string

// The ways to keep a session.
const (
	// StorageSigned keeps the whole session in the cookie, signed with the
	// secret key: anyone can read it, nobody can change it unnoticed. This
	// is what the lesson's Flask app does.
	StorageSigned Storage = "signed"
	// StorageEncrypted keeps the whole session in the cookie, signed and
	// encrypted (AES-256-CTR) with a block key derived from the secret: the
	// browser carries values it cannot read.
	StorageEncrypted Storage = "encrypted"
	// StorageServer keeps the values in a database row; the cookie carries
	// only the row's random id, signed.
	StorageServer Storage = "server"
)

// Storages returns the ways to keep a session, in teaching order.
func Storages() []Storage {
	return []Storage{StorageSigned, StorageEncrypted, StorageServer}
}

// ParseStorage returns the storage named s, accepting any letter case.
func ParseStorage(s string) (Storage, error) {
	for _, st := range Storages() {
		if strings.EqualFold(s, string(st)) {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown session storage %q (want one of: signed, encrypted, server)", s)
}

// String returns the storage's name.
func (s Storage) String() string { return string(s) }

// newSignedStore keeps the session in a cookie signed with each key: the
// first key signs, every key verifies, so keys can be rotated.
func newSignedStore(keys [][]byte) *sessions.CookieStore {
	pairs := make([][]byte, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, nil) // hash key, no block key: signed, not encrypted
	}
	return sessions.NewCookieStore(pairs...)
}

// newEncryptedStore keeps the session in a cookie that is signed and also
// encrypted, with an AES-256 block key derived from each secret key.
func newEncryptedStore(keys [][]byte) (*sessions.CookieStore, error) {
	pairs := make([][]byte, 0, 2*len(keys))
	for _, k := range keys {
		block, err := cookiecodec.DeriveBlockKey(k)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, k, block) // hash key and block key
	}
	return sessions.NewCookieStore(pairs...), nil
}

// newServerStore keeps the session's values in a database; the cookie holds
// only a random session id, signed like any other cookie.
func newServerStore(db sessionstore.Backend, keys [][]byte) *sessionstore.Store {
	pairs := make([][]byte, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, nil)
	}
	return sessionstore.NewStore(db, securecookie.CodecsFromPairs(pairs...), nil)
}

// cookieOptions returns the session cookie's attributes.
//
// gorilla's defaults since v1.3 are SameSite=None and Secure. A Secure
// cookie set over plain http://127.0.0.1 is dropped by browsers that do not
// treat localhost as a secure context (Safari), so the lesson would silently
// lose its session. Each attribute is set on purpose instead: HttpOnly so
// page scripts cannot read the session, SameSite=Lax so other sites cannot
// post with it, and Secure only when the server really speaks TLS.
func cookieOptions(cfg Config) *sessions.Options {
	return &sessions.Options{
		Path:     "/",
		MaxAge:   int(cfg.MaxAge.Seconds()),
		HttpOnly: true,
		Secure:   cfg.Secure,
		SameSite: http.SameSiteLaxMode,
	}
}
