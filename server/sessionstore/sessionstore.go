// Package sessionstore keeps session data on the server, as Django and most
// frameworks do: the browser's cookie carries only a random session id,
// signed, and the values live in a database row keyed by that id.
//
// A Backend is the database: SQLite through a pure-Go driver (OpenSQLite),
// or Redis (OpenRedis); Open picks one from a spec such as
// "sqlite:sessions.db" or "redis://127.0.0.1:6379/0". Store wraps a Backend
// as a gorilla sessions.Store, so handlers use it as they would a
// CookieStore.
//
// Failures fall into classes a server can act on: *UnavailableError (the
// database failed; its Fault says whether it will pass, as busy, locked or
// down do: answer 503, or not, as read-only, corrupt or full do: answer
// 500, or whether the request's client went away), *TooLargeError (the
// session outgrew Store.MaxBytes), ErrUnknownID (the cookie names a
// session that expired or was deleted: start a new one), and
// securecookie's decode errors (the cookie did not verify).
package sessionstore

import (
	"context"
	"time"
)

// Backend keeps serialized sessions by id. Implementations are safe for
// concurrent use. Every method that fails because the database cannot be
// reached, is locked or returns an error wraps it in a *UnavailableError
// whose Fault says whether trying again can help.
type Backend interface {
	// Kind names the backend: "sqlite" or "redis".
	Kind() string
	// Load returns the data saved under id, and ok=false when there is no
	// such session or it has expired.
	Load(ctx context.Context, id string) (data []byte, ok bool, err error)
	// Save stores data under id until expires, replacing what was there.
	Save(ctx context.Context, id string, data []byte, expires time.Time) error
	// Delete removes the session id; deleting a missing id is not an error.
	Delete(ctx context.Context, id string) error
	// Row returns the stored row for id as the database holds it, for
	// display; ok=false when there is none.
	Row(ctx context.Context, id string) (row Row, ok bool, err error)
	// Close releases the backend's connections and stops its cleanup.
	Close() error
}

// Row is one stored session as the database holds it.
type Row struct {
	// Where names the place: the SQLite table or the Redis key.
	Where string
	// ID is the session id the cookie carries.
	ID string
	// Data is the serialized session (gob, as gorilla's cookies use).
	Data []byte
	// Expires is when the row stops being valid.
	Expires time.Time
}
