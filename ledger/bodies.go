package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// BodyLoader gives back the body of a document whose body left the ledger
// (DropBodies): the archive re-reads it from the archived XML.
type BodyLoader func(ctx context.Context, d *Document) ([]byte, error)

// WithBodyLoader makes the lifecycle's reads of earlier documents (their
// history, the document an order or number refers to) fill in a dropped
// body through load.
func WithBodyLoader(load BodyLoader) Option {
	return func(l *Ledger) { l.bodies = load }
}

// restoreBody fills in d's body if it was dropped.
func (l *Ledger) restoreBody(ctx context.Context, d *Document) error {
	if d == nil || len(d.Body) > 0 || l.bodies == nil {
		return nil
	}
	body, err := l.bodies(ctx, d)
	if err != nil {
		return fmt.Errorf("document %d: its body left the ledger and cannot be read back from the archive: %w", d.ID, err)
	}
	d.Body = body
	return nil
}

// DropBodies empties the bodies of up to limit documents that the platform
// accepted and whose XML and verdict were archived before before, and
// returns how many it emptied. Their XML stays in the archive; the ledger
// keeps everything else.
func (l *Ledger) DropBodies(ctx context.Context, before time.Time, limit int) (int, error) {
	var n int64
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		now := l.stamp()
		res, err := tx.ExecContext(ctx, `UPDATE archived SET body_dropped_at = ?1 WHERE document_id IN (
			SELECT a.document_id FROM archived a JOIN documents d ON d.id = a.document_id
			WHERE a.body_dropped_at IS NULL AND a.verdict_path <> '' AND a.archived_at < ?2 AND d.state = 'accepted'
			ORDER BY a.document_id LIMIT ?3)`, now, formatTime(before), limit)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE documents SET body = X'' WHERE id IN
			(SELECT document_id FROM archived WHERE body_dropped_at = ?) AND length(body) > 0`, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("drop archived bodies: %w", err)
	}
	return int(n), nil
}

// UsedBytes returns the bytes the ledger's rows and indexes take in its
// pages (SQLite's dbstat): space freed inside pages, as a dropped body
// leaves, is not counted; new rows reuse it, and a VACUUM gives it back.
func (l *Ledger) UsedBytes(ctx context.Context) (int64, error) {
	var n int64
	if err := l.r.QueryRowContext(ctx, `SELECT coalesce(sum(pgsize - unused), 0) FROM dbstat`).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger size: %w", err)
	}
	return n, nil
}
