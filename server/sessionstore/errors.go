package sessionstore

import (
	"errors"
	"fmt"
)

// ErrUnknownID is returned by Store.New when the cookie verifies but its
// session id is not in the store. The session returned with it is fresh.
var ErrUnknownID = errors.New("the cookie's session id is not in the store: it expired or was deleted")

// UnavailableError reports that a backend could not do its job: the
// database is down, locked, closed or failing. The request may succeed if it
// is tried again later, so a server answers it with 503 Service Unavailable.
// Find it with errors.As.
type UnavailableError struct {
	// Kind is the backend: "sqlite" or "redis".
	Kind string
	// Op is what failed: "open", "load", "save", "delete", "row" or
	// (SQLite only) "cleanup".
	Op string
	// Err is the database's own error.
	Err error
}

// Error returns a message such as
// "sqlite store unavailable: save: database is locked".
func (e *UnavailableError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%s store unavailable: %s", e.Kind, e.Op)
	}
	return fmt.Sprintf("%s store unavailable: %s: %v", e.Kind, e.Op, e.Err)
}

// Unwrap returns the database's error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// TooLargeError is returned by Store.Save when the serialized session is
// larger than Store.MaxBytes. Nothing is stored and no cookie is written.
type TooLargeError struct {
	// Size is the serialized session's length in bytes.
	Size int
	// Max is the store's limit in bytes.
	Max int
}

// Error returns a message such as
// "the session is 70000 bytes, more than the store's limit of 65536".
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the session is %d bytes, more than the store's limit of %d", e.Size, e.Max)
}
