package sessionstore

import (
	"context"
	"errors"
	"fmt"
)

// ErrUnknownID is returned by Store.New when the cookie verifies but its
// session id is not in the store. The session returned with it is fresh.
var ErrUnknownID = errors.New("the cookie's session id is not in the store: it expired or was deleted")

// Fault says why a backend failed, in the classes a server acts on: a
// temporary fault passes by itself (answer 503 with Retry-After), a
// permanent one needs someone to fix the database (answer 500 and promise
// no retry), and a canceled request is no fault of the database at all.
type Fault int

// The faults a backend reports. The zero value, FaultUnknown, is treated
// as temporary, as every failure was before faults were told apart.
const (
	// FaultUnknown is a failure the backend could not place.
	FaultUnknown Fault = iota
	// FaultBusy: the database is locked by another writer, or the queue of
	// writers did not move, for longer than the busy timeout. Temporary.
	FaultBusy
	// FaultDown: the database server cannot be reached (refused, timed out,
	// reconnecting, loading). Temporary.
	FaultDown
	// FaultCanceled: the request's context ended (the client went away)
	// before the database answered. Not a database failure.
	FaultCanceled
	// FaultReadOnly: the database refuses writes (a read-only or immutable
	// file, a read-only replica). Permanent.
	FaultReadOnly
	// FaultCorrupt: the database file is damaged or is not a database.
	// Permanent.
	FaultCorrupt
	// FaultConstraint: the database refused the row (a constraint failed).
	// Permanent: the same write fails the same way.
	FaultConstraint
	// FaultFull: the disk or the server's memory is full. Permanent until
	// someone makes room.
	FaultFull
	// FaultGone: the database file was deleted or replaced while the store
	// had it open; what is written now would be lost at the next start.
	// Permanent.
	FaultGone
	// FaultAuth: the database refused the credentials. Permanent.
	FaultAuth
	// FaultIO: the disk failed a read or a write. Permanent until someone
	// looks at the disk.
	FaultIO
	// FaultRefused: the database answered the command with an error that
	// sending it again will not change (Redis's MISCONF, WRONGTYPE, ...).
	// Permanent.
	FaultRefused
)

// String names the fault, for logs: "busy", "down", "read-only", ...
func (f Fault) String() string {
	switch f {
	case FaultBusy:
		return "busy"
	case FaultDown:
		return "down"
	case FaultCanceled:
		return "canceled"
	case FaultReadOnly:
		return "read-only"
	case FaultCorrupt:
		return "corrupt"
	case FaultConstraint:
		return "constraint"
	case FaultFull:
		return "full"
	case FaultGone:
		return "file gone"
	case FaultAuth:
		return "auth"
	case FaultIO:
		return "i/o"
	case FaultRefused:
		return "refused"
	}
	return "unknown"
}

// Temporary reports whether a request failing with f may pass if it is
// sent again in a few seconds.
func (f Fault) Temporary() bool {
	switch f {
	case FaultUnknown, FaultBusy, FaultDown:
		return true
	}
	return false
}

// UnavailableError reports that a backend could not do its job: the
// database is down, locked, closed, read-only, damaged or full, or the
// request was canceled while it waited. Fault says which, and whether
// trying again can help. Find it with errors.As.
type UnavailableError struct {
	// Kind is the backend: "sqlite" or "redis".
	Kind string
	// Op is what failed: "open", "load", "save", "delete", "row" or
	// (SQLite only) "cleanup".
	Op string
	// Fault is the class of the failure; FaultUnknown counts as temporary.
	Fault Fault
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

// Temporary reports whether the request may pass if it is tried again
// later: true for busy, down and unknown faults.
func (e *UnavailableError) Temporary() bool { return e.Fault.Temporary() }

// canceled reports whether err, returned while ctx was in use, is due to
// ctx ending rather than to the database.
func canceled(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.Canceled)
}

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
