package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ImportTrackFile imports the track ranges of one E0501 file that Turnkey
// downloaded and records the file, in one transaction, so that the file is
// imported once and never in part. A file whose ranges break the track
// rules or overlap recorded ranges imports nothing: it is recorded as
// unreadable with the reasons (and not read again), and the error says
// what was refused. A file recorded already changes nothing.
func (l *Ledger) ImportTrackFile(ctx context.Context, file ResultFile, tracks []Track) (added, unchanged int, err error) {
	var errs []error
	for i, t := range tracks {
		if e := t.check(); e != nil {
			errs = append(errs, fmt.Errorf("track row %d (%s): %w: %w", i+1, t, ErrInvalidTrack, e))
		}
	}
	if len(errs) == 0 {
		err = l.writeTx(ctx, func(tx *sql.Tx) error {
			if seen, err := resultSeen(ctx, tx, file); err != nil || seen {
				return err
			}
			var ierr error
			if added, unchanged, ierr = l.importTracks(ctx, tx, tracks); ierr != nil {
				errs = append(errs, ierr)
				return ierr
			}
			file.Status = ResultApplied
			return insertResultFile(ctx, tx, file, l.stamp())
		})
		if err == nil {
			return added, unchanged, nil
		}
		if len(errs) == 0 {
			return 0, 0, fmt.Errorf("import tracks of %s: %w", file.Path, err)
		}
	}
	refused := errors.Join(errs...)
	file.Status, file.Error = ResultUnreadable, refused.Error()
	if err := l.writeTx(ctx, func(tx *sql.Tx) error {
		if seen, err := resultSeen(ctx, tx, file); err != nil || seen {
			return err
		}
		return insertResultFile(ctx, tx, file, l.stamp())
	}); err != nil {
		return 0, 0, fmt.Errorf("record refused track file %s: %w", file.Path, err)
	}
	return 0, 0, fmt.Errorf("track file %s refused, nothing imported: %w", file.Path, refused)
}

func resultSeen(ctx context.Context, tx *sql.Tx, f ResultFile) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM result_files WHERE path = ? AND sha256 = ?`, f.Path, f.SHA256).Scan(&n)
	return n > 0, err
}

func insertResultFile(ctx context.Context, tx *sql.Tx, f ResultFile, now string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO result_files (kind, path, sha256, size, status, error, processed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, f.Kind, f.Path, f.SHA256, f.Size, f.Status, f.Error, now); err != nil {
		return fmt.Errorf("record result file %s: %w", f.Path, err)
	}
	return nil
}

// HasTracks reports whether the seller has any track for the period.
func (l *Ledger) HasTracks(ctx context.Context, seller, period string) (bool, error) {
	var n int
	if err := l.r.QueryRowContext(ctx, `SELECT count(*) FROM tracks WHERE seller_ban = ? AND period = ?`, seller, period).Scan(&n); err != nil {
		return false, fmt.Errorf("tracks of seller %s period %s: %w", seller, period, err)
	}
	return n > 0, nil
}
