package sessionstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver
)

// SQLiteOptions tunes OpenSQLite. The zero value is ready to use.
type SQLiteOptions struct {
	// CleanupInterval is how often expired rows are deleted; 0 means
	// 5 minutes.
	CleanupInterval time.Duration
	// BusyTimeout is how long a statement waits for another connection's
	// lock before failing with "database is locked"; 0 means 2 seconds.
	BusyTimeout time.Duration
}

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS sessions (
	id      TEXT PRIMARY KEY,
	data    BLOB NOT NULL,
	expires INTEGER NOT NULL -- unix milliseconds
);
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires);
`

// SQLite is a Backend that keeps sessions in the table "sessions" of an
// SQLite database file, through the pure-Go modernc.org/sqlite driver. The
// file is opened in WAL mode, so readers do not block the writer. A
// goroutine deletes expired rows every CleanupInterval until Close.
//
// SQLite is safe for concurrent use.
type SQLite struct {
	db   *sql.DB
	path string

	stop      context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

var _ Backend = (*SQLite)(nil)

// OpenSQLite opens the SQLite database at path, creating the file and the
// sessions table if they do not exist, and starts the cleanup goroutine. The
// directory holding path must already exist. Errors from the database are
// *UnavailableError with Op "open".
func OpenSQLite(ctx context.Context, path string, opts SQLiteOptions) (*SQLite, error) {
	if path == "" {
		return nil, errors.New("sessionstore: open sqlite: empty path")
	}
	if opts.CleanupInterval <= 0 {
		opts.CleanupInterval = 5 * time.Minute
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 2 * time.Second
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

	db, err := sql.Open("sqlite", sqliteDSN(abs, opts.BusyTimeout))
	if err != nil {
		return nil, &UnavailableError{Kind: "sqlite", Op: "open", Err: fmt.Errorf("%s: %w", path, err)}
	}
	if _, err := db.ExecContext(ctx, sqliteSchema); err != nil {
		db.Close()
		return nil, &UnavailableError{Kind: "sqlite", Op: "open", Err: fmt.Errorf("%s: %w", path, err)}
	}

	cctx, stop := context.WithCancel(context.Background())
	s := &SQLite{db: db, path: path, stop: stop, done: make(chan struct{})}
	go s.cleanup(cctx, opts.CleanupInterval)
	return s, nil
}

// sqliteDSN returns a file: URI for the absolute path abs, so that any
// character in the path is escaped, with the pragmas the store needs.
func sqliteDSN(abs string, busy time.Duration) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if u.Path[0] != '/' {
		u.Path = "/" + u.Path // a Windows path such as C:/x
	}
	q := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)", busy.Milliseconds())
	return u.String() + "?" + q
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

// DeleteExpired deletes every row whose expiry has passed and returns how
// many it deleted. The cleanup goroutine calls it every CleanupInterval.
func (s *SQLite) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= ?`, time.Now().UnixMilli())
	if err != nil {
		return 0, s.unavailable("cleanup", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.unavailable("cleanup", err)
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
	err := s.db.QueryRowContext(ctx,
		`SELECT data FROM sessions WHERE id = ? AND expires > ?`, id, time.Now().UnixMilli()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.unavailable("load", err)
	}
	return data, true, nil
}

// Save stores data under id until expires, replacing any row with that id.
func (s *SQLite) Save(ctx context.Context, id string, data []byte, expires time.Time) error {
	if data == nil {
		data = []byte{} // the column is NOT NULL
	}
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO sessions (id, data, expires) VALUES (?, ?, ?)
		 ON CONFLICT(id) DO UPDATE SET data = excluded.data, expires = excluded.expires`,
		id, data, expires.UnixMilli())
	if err != nil {
		return s.unavailable("save", err)
	}
	return nil
}

// Delete removes the row for id, if there is one.
func (s *SQLite) Delete(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return s.unavailable("delete", err)
	}
	return nil
}

// Row returns the row for id as the table holds it. An expired row that
// cleanup has not yet deleted is returned, with its past Expires.
func (s *SQLite) Row(ctx context.Context, id string) (Row, bool, error) {
	var (
		data    []byte
		expires int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT data, expires FROM sessions WHERE id = ?`, id).Scan(&data, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Row{}, false, nil
	}
	if err != nil {
		return Row{}, false, s.unavailable("row", err)
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
		s.stop()
		<-s.done
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("sessionstore: close sqlite %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

func (s *SQLite) unavailable(op string, err error) error {
	return &UnavailableError{Kind: "sqlite", Op: op, Err: err}
}
