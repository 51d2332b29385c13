package sessionstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	sqlite "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLiteOptions tunes OpenSQLite. The zero value is ready to use.
type SQLiteOptions struct {
	// CleanupInterval is how often expired rows are deleted; 0 means
	// 5 minutes.
	CleanupInterval time.Duration
	// BusyTimeout is how long a write waits for its turn: first behind this
	// store's other writes, which take turns on one connection, then for a
	// lock held by another process using the same file. A write that waits
	// longer fails with FaultBusy. 0 means 5 seconds.
	BusyTimeout time.Duration
	// Sync is SQLite's synchronous setting for writes: SyncFull (the
	// default) flushes every commit to disk, so that a saved session
	// survives a power cut; SyncNormal flushes only at checkpoints, which
	// is faster and survives a crash of serve, but may lose the last
	// commits on a power cut.
	Sync Sync
}

// Sync is an SQLite synchronous setting.
type Sync string

// The synchronous settings OpenSQLite accepts.
const (
	SyncFull   Sync = "full"
	SyncNormal Sync = "normal"
)

// ParseSync returns the Sync named s ("full" or "normal"; "" is full).
func ParseSync(s string) (Sync, error) {
	switch Sync(s) {
	case "", SyncFull:
		return SyncFull, nil
	case SyncNormal:
		return SyncNormal, nil
	}
	return "", fmt.Errorf("unknown sync %q: want full or normal", s)
}

// sqliteSchemaVersion is written to PRAGMA user_version at every open: a
// real write, so that a database that cannot be written is found at start
// rather than at the first user's post.
const sqliteSchemaVersion = 1

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS sessions (
	id      TEXT PRIMARY KEY,
	data    BLOB NOT NULL,
	expires INTEGER NOT NULL -- unix milliseconds
);
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires);
`

// SQLite is a Backend that keeps sessions in the table "sessions" of an
// SQLite database file, through the pure-Go modernc.org/sqlite driver.
//
// SQLite lets one writer at a time into a file; writers that collide wait
// in its busy handler, which is not fair, and under load some wait past
// any timeout and fail with "database is locked". So this store never lets
// its writes collide: they take turns, first come first served, on one
// connection, each in its own transaction (BEGIN IMMEDIATE), and only
// wait for SQLite's lock when another process holds it. Reads use a pool
// of their own connections and, the file being in WAL mode, run while a
// write is in progress. A goroutine deletes expired rows every
// CleanupInterval until Close.
//
// Before each write the store checks that the file it opened is still at
// its path: a database deleted or replaced while serve runs would take
// every later write with it at the next start, so such writes fail with
// FaultGone instead.
//
// SQLite is safe for concurrent use.
type SQLite struct {
	w    *sql.DB // one connection: every write, in turn
	r    *sql.DB // readers
	path string
	abs  string
	file os.FileInfo // the database file as opened
	busy time.Duration
	// turn is held by the write in progress; writers waiting to send on it
	// are served in the order they came (Go queues channel senders FIFO).
	turn chan struct{}

	stop      context.CancelFunc
	done      chan struct{}
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

var _ Backend = (*SQLite)(nil)

// OpenSQLite opens the SQLite database at path, creating the file and the
// sessions table if they do not exist, writes to it once to make sure it
// can be written, and starts the cleanup goroutine. The directory holding
// path must already exist. Errors from the database are *UnavailableError
// with Op "open", whose Fault says whether retrying can help.
func OpenSQLite(ctx context.Context, path string, opts SQLiteOptions) (*SQLite, error) {
	if path == "" {
		return nil, errors.New("sessionstore: open sqlite: empty path")
	}
	if opts.CleanupInterval <= 0 {
		opts.CleanupInterval = 5 * time.Minute
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	syncMode, err := ParseSync(string(opts.Sync))
	if err != nil {
		return nil, fmt.Errorf("sessionstore: open sqlite %s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sessionstore: open sqlite %s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	if fi, err := os.Stat(dir); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("sessionstore: open sqlite %s: directory %s does not exist", path, dir)
		}
		return nil, fmt.Errorf("sessionstore: open sqlite %s: %w", path, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("sessionstore: open sqlite %s: %s is not a directory", path, dir)
	}

	s := &SQLite{path: path, abs: abs, busy: opts.BusyTimeout, turn: make(chan struct{}, 1), done: make(chan struct{})}
	openErr := func(err error) error {
		s.closeDBs()
		return &UnavailableError{Kind: "sqlite", Op: "open", Fault: sqliteFault(ctx, err), Err: fmt.Errorf("%s: %w", path, err)}
	}
	base := sqliteURI(abs)
	s.w, err = sql.Open("sqlite", base+fmt.Sprintf(
		"?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(%s)&_txlock=immediate",
		opts.BusyTimeout.Milliseconds(), syncMode))
	if err != nil {
		return nil, openErr(err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	if _, err := s.w.ExecContext(ctx, sqliteSchema); err != nil {
		return nil, openErr(err)
	}
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", sqliteSchemaVersion)); err != nil {
		return nil, openErr(fmt.Errorf("the database cannot be written: %w", err))
	}
	if s.file, err = os.Stat(abs); err != nil {
		return nil, openErr(err)
	}
	s.r, err = sql.Open("sqlite", base+fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=query_only(1)", opts.BusyTimeout.Milliseconds()))
	if err != nil {
		return nil, openErr(err)
	}
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	s.r.SetMaxOpenConns(readers)
	s.r.SetMaxIdleConns(readers)
	if err := s.r.PingContext(ctx); err != nil {
		return nil, openErr(err)
	}

	cctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go s.cleanup(cctx, opts.CleanupInterval)
	return s, nil
}

// sqliteURI returns a file: URI for the absolute path abs, so that any
// character in the path is escaped.
func sqliteURI(abs string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if u.Path[0] != '/' {
		u.Path = "/" + u.Path // a Windows path such as C:/x
	}
	return u.String()
}

// cleanup deletes expired rows every interval until ctx is canceled. There
// is nobody to report an error to: a failed sweep is retried at the next
// tick, and Load ignores expired rows anyway.
func (s *SQLite) cleanup(ctx context.Context, interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = s.DeleteExpired(ctx)
		}
	}
}

// write runs one statement on the writer connection when its turn comes.
// It waits at most the busy timeout for the turn.
func (s *SQLite) write(ctx context.Context, op, query string, args ...any) (sql.Result, error) {
	if err := s.checkFile(); err != nil {
		return nil, &UnavailableError{Kind: "sqlite", Op: op, Fault: FaultGone, Err: err}
	}
	wait := time.NewTimer(s.busy)
	defer wait.Stop()
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, s.unavailable(ctx, op, ctx.Err())
	case <-wait.C:
		return nil, &UnavailableError{Kind: "sqlite", Op: op, Fault: FaultBusy,
			Err: fmt.Errorf("waited %v for the writes before this one", s.busy)}
	}
	defer func() { <-s.turn }()
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, s.unavailable(ctx, op, err)
	}
	return res, nil
}

// checkFile reports an error when the database file is no longer the one
// the store opened: deleted, or replaced by another file.
func (s *SQLite) checkFile() error {
	fi, err := os.Stat(s.abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("the database file %s was deleted while the store had it open: writes now would be lost at the next start; restart to begin a new database", s.path)
	case err != nil:
		return fmt.Errorf("the database file %s cannot be checked: %w", s.path, err)
	case !os.SameFile(fi, s.file):
		return fmt.Errorf("the database file %s was replaced by another file while the store had it open; restart to use the new one", s.path)
	}
	return nil
}

// DeleteExpired deletes every row whose expiry has passed and returns how
// many it deleted. The cleanup goroutine calls it every CleanupInterval.
func (s *SQLite) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.write(ctx, "cleanup", `DELETE FROM sessions WHERE expires <= ?`, time.Now().UnixMilli())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.unavailable(ctx, "cleanup", err)
	}
	return n, nil
}

// Kind returns "sqlite".
func (s *SQLite) Kind() string { return "sqlite" }

// Path returns the database file's path as given to OpenSQLite.
func (s *SQLite) Path() string { return s.path }

// Load returns the data saved under id. A row whose expiry has passed is
// treated as missing, even before cleanup deletes it.
func (s *SQLite) Load(ctx context.Context, id string) ([]byte, bool, error) {
	var data []byte
	err := s.r.QueryRowContext(ctx,
		`SELECT data FROM sessions WHERE id = ? AND expires > ?`, id, time.Now().UnixMilli()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.unavailable(ctx, "load", err)
	}
	return data, true, nil
}

// Save stores data under id until expires, replacing any row with that id.
func (s *SQLite) Save(ctx context.Context, id string, data []byte, expires time.Time) error {
	if data == nil {
		data = []byte{} // the column is NOT NULL
	}
	_, err := s.write(ctx, "save",
		`INSERT INTO sessions (id, data, expires) VALUES (?, ?, ?)
		 ON CONFLICT(id) DO UPDATE SET data = excluded.data, expires = excluded.expires`,
		id, data, expires.UnixMilli())
	return err
}

// Delete removes the row for id, if there is one.
func (s *SQLite) Delete(ctx context.Context, id string) error {
	_, err := s.write(ctx, "delete", `DELETE FROM sessions WHERE id = ?`, id)
	return err
}

// Row returns the row for id as the table holds it. An expired row that
// cleanup has not yet deleted is returned, with its past Expires.
func (s *SQLite) Row(ctx context.Context, id string) (Row, bool, error) {
	var (
		data    []byte
		expires int64
	)
	err := s.r.QueryRowContext(ctx, `SELECT data, expires FROM sessions WHERE id = ?`, id).Scan(&data, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Row{}, false, nil
	}
	if err != nil {
		return Row{}, false, s.unavailable(ctx, "row", err)
	}
	return Row{
		Where:   "sqlite table sessions in " + s.path,
		ID:      id,
		Data:    data,
		Expires: time.UnixMilli(expires),
	}, true, nil
}

// Close stops the cleanup goroutine and closes the database. Calling it
// again does nothing and returns the first call's result.
func (s *SQLite) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.stop()
		<-s.done
		if err := s.closeDBs(); err != nil {
			s.closeErr = fmt.Errorf("sessionstore: close sqlite %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

func (s *SQLite) closeDBs() error {
	var errs []error
	for _, db := range []*sql.DB{s.r, s.w} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

func (s *SQLite) unavailable(ctx context.Context, op string, err error) error {
	f := sqliteFault(ctx, err)
	if f == FaultUnknown && s.closed.Load() {
		f = FaultDown
	}
	return &UnavailableError{Kind: "sqlite", Op: op, Fault: f, Err: err}
}

// sqliteFault places an error from the driver in its class, by SQLite's
// primary result code.
func sqliteFault(ctx context.Context, err error) Fault {
	if canceled(ctx, err) {
		return FaultCanceled
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return FaultBusy
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_AUTH:
			return FaultReadOnly
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT:
			return FaultCorrupt
		case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_TOOBIG:
			return FaultConstraint
		case sqlite3.SQLITE_FULL:
			return FaultFull
		case sqlite3.SQLITE_IOERR:
			return FaultIO
		case sqlite3.SQLITE_INTERRUPT:
			return FaultCanceled
		}
	}
	if errors.Is(err, sql.ErrConnDone) {
		return FaultDown
	}
	return FaultUnknown
}
