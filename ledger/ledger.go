// Package ledger is turnkeyd's durable source of truth: sellers, their track
// (字軌) ranges and which numbers of them are used or skipped, the intake files
// taken from the ERP, the documents accepted from them with their lifecycle
// state, the per-line outcomes the ERP result files are derived from, and an
// append-only event log of every state change. Every file turnkeyd writes can
// be re-derived from it.
//
// The ledger is one SQLite file in WAL mode. All writes go through a single
// connection, so write transactions are serialised and a number can never be
// handed out twice; queries use a separate read-only pool.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// busyTimeout is how long a connection waits for a lock another process holds.
const busyTimeout = 10 * time.Second

// readers is the size of the read-only pool.
const readers = 4

// pageSize is the page size of a new ledger file. Documents carry their body
// (a few KB of JSON); 16 KiB pages take several per page and cut the system
// calls per byte written to the WAL and checkpointed by four, which measured
// about 10 % faster intakes than 4 KiB.
const pageSize = 16384

// Ledger is an open ledger file. Its methods are safe for concurrent use.
type Ledger struct {
	path string
	w    *sql.DB // the one writer connection
	r    *sql.DB // read-only pool
	log  *slog.Logger
	now  func() time.Time

	bodies BodyLoader // gives back dropped bodies; nil: none are
}

// Option changes how Open sets up a Ledger.
type Option func(*Ledger)

// WithClock makes the ledger take its timestamps from now instead of
// time.Now; tests use it to be deterministic.
func WithClock(now func() time.Time) Option {
	return func(l *Ledger) { l.now = now }
}

// Open opens the ledger at path, creating the file and its folder if needed,
// and brings its schema up to date. A ledger written by a newer turnkeyd is
// refused with a *SchemaVersionError.
func Open(ctx context.Context, path string, log *slog.Logger, opts ...Option) (*Ledger, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	l := &Ledger{path: abs, log: log, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	if err := l.open(ctx); err != nil {
		l.Close()
		return nil, fmt.Errorf("open ledger %s: %w", abs, err)
	}
	return l, nil
}

func (l *Ledger) open(ctx context.Context) error {
	if err := os.MkdirAll(filepath.Dir(l.path), 0o750); err != nil {
		return err
	}
	if err := create(ctx, l.path); err != nil {
		return err
	}
	w, err := sql.Open("sqlite", dsn(l.path, false))
	if err != nil {
		return err
	}
	l.w = w
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := checkJournalMode(ctx, w); err != nil {
		return err
	}
	from, to, err := migrate(ctx, w, migrations)
	if err != nil {
		return err
	}
	if from != to {
		l.log.Info("ledger schema migrated", "path", l.path, "from", from, "to", to)
	}
	r, err := sql.Open("sqlite", dsn(l.path, true))
	if err != nil {
		return err
	}
	l.r = r
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	return r.PingContext(ctx)
}

// dsn is the modernc DSN of the ledger file: the writer gets IMMEDIATE
// transactions (the write lock is taken at BEGIN, never upgraded later), the
// readers open the file read-only.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// Statement journals and temporary b-trees stay in memory.
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// create gives a new (missing or empty) ledger file its page size before
// anything is written to it: switching to WAL writes the first page, and the
// page size of a WAL file can no longer change.
func create(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range []string{fmt.Sprintf("PRAGMA page_size = %d", pageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create: %s: %w", q, err)
		}
	}
	return db.Close()
}

// checkJournalMode makes sure the file really is in WAL mode: SQLite silently
// keeps another mode where WAL is impossible (some network file systems).
func checkJournalMode(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, not WAL: keep the ledger on a local file system", mode)
	}
	return nil
}

// Close closes the ledger. Transactions in flight must have ended.
func (l *Ledger) Close() error {
	var errs []error
	if l.r != nil {
		errs = append(errs, l.r.Close())
	}
	if l.w != nil {
		errs = append(errs, l.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close ledger %s: %w", l.path, err)
	}
	return nil
}

// Path returns the absolute path of the ledger file.
func (l *Ledger) Path() string { return l.path }

// timeFormat is RFC 3339 in UTC with a fixed nine fractional digits, so that
// stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func (l *Ledger) stamp() string { return formatTime(l.now()) }

// queryer runs a query: the read pool, the writer or a transaction.
type queryer interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// queryList runs a query and scans each row into a T with scan; what names
// the query in errors.
func queryList[T any](ctx context.Context, q queryer, what, query string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// nullTime parses an optional stored time; NULL is the zero time.
func nullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

// writeTx runs fn in one write transaction and commits it, or rolls it back
// when fn fails.
func (l *Ledger) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
