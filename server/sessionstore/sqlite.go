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
// its writes collide: they queue, first come first served, for one writer
// goroutine on one connection, which commits every write waiting when it
// is free in one transaction (BEGIN IMMEDIATE), so one flush to disk
// serves many writes under load; it waits for SQLite's lock only when
// another process holds it. Reads use a pool of their own connections
// and, the file being in WAL mode, run while a write is in progress. A
// goroutine deletes expired rows every CleanupInterval until Close.
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
	// writes queues writes for the writer goroutine, in the order they
	// came (Go queues channel senders first come, first served).
	writes     chan *writeReq
	closing    chan struct{} // closed by Close: the writer stops
	writerDone chan struct{}

	stop      context.CancelFunc
	done      chan struct{}
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// maxBatch is the most writes the writer commits in one transaction.
const maxBatch = 128

// A writeReq is one write statement waiting for the writer goroutine.
type writeReq struct {
	query string
	args  []any
	// state goes from reqQueued to reqTaken when the writer starts on it,
	// or to reqAbandoned when its caller stops waiting first.
	state atomic.Int32
	done  chan writeResult // receives the result once; buffered
}

const (
	reqQueued int32 = iota
	reqTaken
	reqAbandoned
)

type writeResult struct {
	rows int64 // rows affected
	err  error
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

	s := &SQLite{path: path, abs: abs, busy: opts.BusyTimeout, done: make(chan struct{}),
		writes: make(chan *writeReq, 4*maxBatch), closing: make(chan struct{}), writerDone: make(chan struct{})}
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
	go s.writer()
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

// write queues one statement for the writer goroutine and returns the
// number of rows it changed. It waits at most the busy timeout for the
// writer to take it; once taken, it waits for the result.
func (s *SQLite) write(ctx context.Context, op, query string, args ...any) (int64, error) {
	if err := s.checkFile(); err != nil {
		return 0, &UnavailableError{Kind: "sqlite", Op: op, Fault: FaultGone, Err: err}
	}
	if s.closed.Load() {
		return 0, &UnavailableError{Kind: "sqlite", Op: op, Fault: FaultDown, Err: errors.New("the store is closed")}
	}
	if err := ctx.Err(); err != nil {
		return 0, s.unavailable(ctx, op, err) // the client left before the write was queued
	}
	req := &writeReq{query: query, args: args, done: make(chan writeResult, 1)}
	wait := time.NewTimer(s.busy)
	defer wait.Stop()
	busy := func() error {
		return &UnavailableError{Kind: "sqlite", Op: op, Fault: FaultBusy,
			Err: fmt.Errorf("waited %v for the writes before this one", s.busy)}
	}
	select {
	case s.writes <- req:
	case <-s.closing:
		return 0, &UnavailableError{Kind: "sqlite", Op: op, Fault: FaultDown, Err: errors.New("the store is closed")}
	case <-ctx.Done():
		return 0, s.unavailable(ctx, op, ctx.Err())
	case <-wait.C:
		return 0, busy()
	}
	var res writeResult
	select {
	case res = <-req.done:
	case <-ctx.Done():
		if req.state.CompareAndSwap(reqQueued, reqAbandoned) {
			return 0, s.unavailable(ctx, op, ctx.Err())
		}
		res = <-req.done // already being written: its result is coming
	case <-wait.C:
		if req.state.CompareAndSwap(reqQueued, reqAbandoned) {
			return 0, busy()
		}
		res = <-req.done
	}
	if errors.Is(res.err, context.DeadlineExceeded) && ctx.Err() == nil {
		return 0, &UnavailableError{Kind: "sqlite", Op: op, Fault: FaultBusy, Err: fmt.Errorf("the write took longer than %v: %w", 2*s.busy+time.Second, res.err)}
	}
	if res.err != nil {
		return 0, s.unavailable(ctx, op, res.err)
	}
	return res.rows, nil
}

// writer commits queued writes until Close: all the writes waiting when it
// is free go into one transaction (BEGIN IMMEDIATE, through the writer
// connection's _txlock), so that under load one flush to disk commits many
// writes instead of one each.
func (s *SQLite) writer() {
	defer close(s.writerDone)
	for {
		var batch []*writeReq
		select {
		case r := <-s.writes:
			batch = append(batch, r)
		case <-s.closing:
			for {
				select {
				case r := <-s.writes:
					r.done <- writeResult{err: errors.New("the store is closed")}
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		s.commit(batch)
	}
}

// commit writes batch, skipping the writes whose callers stopped waiting,
// and sends each write its result. If one statement fails, the batch is
// rolled back and each write is tried on its own, so that one bad write
// fails alone.
func (s *SQLite) commit(batch []*writeReq) {
	live := batch[:0]
	for _, r := range batch {
		if r.state.CompareAndSwap(reqQueued, reqTaken) {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return
	}
	// The callers' contexts do not end a write shared with others. SQLite's
	// busy timeout bounds the wait for another process's lock; this bounds
	// the whole batch, should the disk hang.
	ctx, cancel := context.WithTimeout(context.Background(), 2*s.busy+time.Second)
	defer cancel()
	if len(live) == 1 {
		s.commitOne(ctx, live[0])
		return
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range live {
			r.done <- writeResult{err: err}
		}
		return
	}
	rows := make([]int64, len(live))
	for i, r := range live {
		res, err := tx.ExecContext(ctx, r.query, r.args...)
		if err != nil {
			tx.Rollback()
			for _, r := range live {
				s.commitOne(ctx, r)
			}
			return
		}
		rows[i], _ = res.RowsAffected()
	}
	if err := tx.Commit(); err != nil {
		for _, r := range live {
			r.done <- writeResult{err: err}
		}
		return
	}
	for i, r := range live {
		r.done <- writeResult{rows: rows[i]}
	}
}

// commitOne runs r's statement on its own.
func (s *SQLite) commitOne(ctx context.Context, r *writeReq) {
	res, err := s.w.ExecContext(ctx, r.query, r.args...)
	if err != nil {
		r.done <- writeResult{err: err}
		return
	}
	n, _ := res.RowsAffected()
	r.done <- writeResult{rows: n}
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
	return s.write(ctx, "cleanup", `DELETE FROM sessions WHERE expires <= ?`, time.Now().UnixMilli())
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
		close(s.closing)
		<-s.writerDone
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
