package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ArchiveItem is a document due for the archive: its XML was written to
// Turnkey and is not archived yet, or its verdict settled and is not
// archived yet.
type ArchiveItem struct {
	Document
	Archived    bool   // its XML is archived (at XMLPath)
	XMLPath     string // relative to the archive's folder
	VerdictPath string // "" until its verdict is archived
}

// ArchiveRecord is what the archive wrote for a document. State is the
// document's state the archive saw: the document stays due if its state
// changed meanwhile.
type ArchiveRecord struct {
	DocumentID  int64
	State       string
	XMLPath     string
	SHA256      string
	Size        int64
	VerdictPath string // "" when no verdict was written
}

// ArchiveDue returns up to limit documents due for the archive with ids
// above after, oldest first.
func (l *Ledger) ArchiveDue(ctx context.Context, after int64, limit int) ([]ArchiveItem, error) {
	return queryList(ctx, l.r, "documents due for the archive",
		`SELECT `+docColumns+`, a.document_id IS NOT NULL, coalesce(a.path, ''), coalesce(a.verdict_path, '')
		FROM archive_due q JOIN documents ON id = q.document_id LEFT JOIN archived a ON a.document_id = id
		WHERE q.document_id > ? ORDER BY q.document_id LIMIT ?`, []any{after, limit},
		func(rows *sql.Rows, it *ArchiveItem) error {
			var extra [3]any
			extra[0], extra[1], extra[2] = &it.Archived, &it.XMLPath, &it.VerdictPath
			d, err := scanDocument(rowWithExtra{rows, extra[:]})
			if err == nil {
				it.Document = *d
			}
			return err
		})
}

// MarkArchived records, in one transaction, what the archive wrote. A
// document leaves the due list only if its state is still the one the
// archive saw.
func (l *Ledger) MarkArchived(ctx context.Context, recs []ArchiveRecord) error {
	if len(recs) == 0 {
		return nil
	}
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		now := l.stamp()
		for _, r := range recs {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO archived (document_id, path, sha256, size, archived_at)
				VALUES (?, ?, ?, ?, ?)`, r.DocumentID, r.XMLPath, r.SHA256, r.Size, now); err != nil {
				return fmt.Errorf("document %d: %w", r.DocumentID, err)
			}
			if r.VerdictPath != "" {
				if _, err := tx.ExecContext(ctx, `UPDATE archived SET verdict_path = ?, verdict_at = ? WHERE document_id = ?`,
					r.VerdictPath, now, r.DocumentID); err != nil {
					return fmt.Errorf("document %d: %w", r.DocumentID, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM archive_due WHERE document_id = ?1
				AND (SELECT state FROM documents WHERE id = ?1) = ?2`, r.DocumentID, r.State); err != nil {
				return fmt.Errorf("document %d: %w", r.DocumentID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %d archived documents: %w", len(recs), err)
	}
	return nil
}

// Archived is where the archive holds a document's files.
type Archived struct {
	DocumentID    int64
	Path          string
	SHA256        string
	Size          int64
	ArchivedAt    time.Time
	VerdictPath   string
	BodyDroppedAt time.Time
}

// ArchivedOf returns where the archive holds document id, or an error
// wrapping ErrNotFound when it does not yet.
func (l *Ledger) ArchivedOf(ctx context.Context, id int64) (*Archived, error) {
	var a Archived
	var at string
	var dropped sql.NullString
	err := l.r.QueryRowContext(ctx, `SELECT document_id, path, sha256, size, archived_at, verdict_path, body_dropped_at
		FROM archived WHERE document_id = ?`, id).Scan(&a.DocumentID, &a.Path, &a.SHA256, &a.Size, &at, &a.VerdictPath, &dropped)
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("archived document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("archived document %d: %w", id, err)
	}
	if a.ArchivedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	if a.BodyDroppedAt, err = nullTime(dropped); err != nil {
		return nil, err
	}
	return &a, nil
}

// rowWithExtra scans a document row followed by extra columns.
type rowWithExtra struct {
	rows  *sql.Rows
	extra []any
}

func (r rowWithExtra) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra...)...) }

// ArchivedPaths returns the path and SHA-256 of every XML file the archive
// recorded.
func (l *Ledger) ArchivedPaths(ctx context.Context) (map[string]string, error) {
	type row struct{ path, sum string }
	rows, err := queryList(ctx, l.r, "archived files", `SELECT path, sha256 FROM archived`, nil, func(rows *sql.Rows, r *row) error {
		return rows.Scan(&r.path, &r.sum)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.path] = r.sum
	}
	return out, nil
}
