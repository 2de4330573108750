package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Identity returns the ledger's id, "" when it has none yet (a new
// ledger, or one from before ids).
func (l *Ledger) Identity(ctx context.Context) (string, error) {
	var id string
	err := l.r.QueryRowContext(ctx, `SELECT id FROM ledger_identity`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("ledger identity: %w", err)
	}
	return id, nil
}

// SetIdentity gives the ledger its id, once.
func (l *Ledger) SetIdentity(ctx context.Context, id string) error {
	return l.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_identity (id, created_at) VALUES (?, ?)`, id, l.stamp()); err != nil {
			return fmt.Errorf("set ledger identity: %w", err)
		}
		return nil
	})
}

// QuickCheck runs SQLite's quick_check: the cheap check of the file's
// structure that is run at every start.
func (l *Ledger) QuickCheck(ctx context.Context) error {
	rows, err := l.r.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return fmt.Errorf("quick_check %s: %w", l.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return fmt.Errorf("quick_check %s: %w", l.path, err)
		}
		if msg != "ok" && len(problems) < maxProblems {
			problems = append(problems, msg)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("quick_check %s: %w", l.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("quick_check %s: %s", l.path, strings.Join(problems, "; "))
	}
	return nil
}

// Backup writes a consistent copy of the ledger to path (VACUUM INTO),
// while the ledger is in use. path must not exist.
func (l *Ledger) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup %s: the file exists; choose a new name", path)
	}
	if _, err := l.r.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup of %s to %s: %w", l.path, path, err)
	}
	return nil
}

// DocumentCount returns how many documents the ledger holds.
func (l *Ledger) DocumentCount(ctx context.Context) (int64, error) {
	var n int64
	if err := l.r.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}

var numberRE = regexp.MustCompile(`^[A-Z]{2}[0-9]{8}$`)

// MarkFound records numbers found outside the ledger (in Turnkey's
// folders, in answers the ERP received) as skipped in every track that
// holds them, unless used or skipped already, so that they are never
// issued again. found maps a number to where it was found, kept as the
// reason. It returns how many numbers it marked.
func (l *Ledger) MarkFound(ctx context.Context, found map[string]string) (int, error) {
	marked := 0
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		for number, where := range found {
			if !numberRE.MatchString(number) {
				continue
			}
			letters, n, err := ParseNumber(number)
			if err != nil {
				continue
			}
			ts, err := queryList(ctx, tx, "tracks of a number", `SELECT `+trackColumns+` FROM tracks t
				WHERE letters = ? AND begin_no <= ? AND end_no >= ?`, []any{letters, n, n}, func(rows *sql.Rows, t *Track) error {
				return scanTrack(rows, t)
			})
			if err != nil {
				return err
			}
			for _, t := range ts {
				err := l.skip(ctx, tx, t, number, "found outside the ledger: "+where)
				switch {
				case err == nil:
					marked++
				case !errors.Is(err, ErrNumberUsed):
					return fmt.Errorf("mark %s: %w", number, err)
				}
			}
		}
		return nil
	})
	return marked, err
}
