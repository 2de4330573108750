package ledger

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrations holds the schema, one file per version: migrations/NNNN_what.sql.
//
//go:embed migrations/*.sql
var embedded embed.FS

var migrations = mustSub(embedded, "migrations")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// SchemaVersionError reports a ledger file written by a newer turnkeyd.
type SchemaVersionError struct {
	File   int // the file's schema version
	Binary int // the newest version this binary knows
}

func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("ledger schema version %d is newer than this turnkeyd (%d); upgrade turnkeyd", e.File, e.Binary)
}

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads NNNN_name.sql files from fsys; versions must run
// 1, 2, 3 ... without a gap.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []migration
	for i, name := range names {
		num, _, ok := strings.Cut(path.Base(name), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: name is not NNNN_what.sql", name)
		}
		if v != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d", name, v, i+1)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	return ms, nil
}

// migrate applies the migrations of fsys that db lacks, each in its own
// transaction together with the new PRAGMA user_version. It reports the
// versions before and after.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS) (from, to int, err error) {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return 0, 0, err
	}
	from, err = userVersion(ctx, db)
	if err != nil {
		return 0, 0, err
	}
	if from > len(ms) {
		return from, from, &SchemaVersionError{File: from, Binary: len(ms)}
	}
	for _, m := range ms[from:] {
		if err := apply(ctx, db, m); err != nil {
			return from, m.version - 1, err
		}
	}
	return from, len(ms), nil
}

// apply runs one migration; the version is checked again inside the
// transaction in case another process migrated meanwhile.
func apply(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if v >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("migration %s: set version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}

func userVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
