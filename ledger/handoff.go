package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// EventRedelivered is the event of a document whose file left Turnkey's
// upload folder without reaching BAK or ERR and was handed over again.
const EventRedelivered = "redelivered"

// Redeliver marks a queued, written document unwritten again, so that the
// next flush hands its XML to Turnkey once more, and records why (an event
// of kind EventRedelivered). A document is redelivered at most once: for
// one redelivered before, nothing changes and ok is false.
func (l *Ledger) Redeliver(ctx context.Context, id int64, detail string) (ok bool, err error) {
	err = l.writeTx(ctx, func(tx *sql.Tx) error {
		var before int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE document_id = ? AND kind = ?`,
			id, EventRedelivered).Scan(&before); err != nil {
			return err
		}
		if before > 0 {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE documents SET written_at = NULL, updated_at = ?
			WHERE id = ? AND state = 'queued' AND written_at IS NOT NULL`, l.stamp(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // settled or unwritten meanwhile
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (at, document_id, kind, cause, detail)
			VALUES (?, ?, ?, 'turnkey-missing', ?)`, l.stamp(), id, EventRedelivered, detail); err != nil {
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("redeliver document %d: %w", id, err)
	}
	return ok, nil
}

// OthersMaybeInSRC returns, for each of docs, the other documents of the
// same message type and number whose file was handed to Turnkey and not
// yet seen in BAK or ERR: their XML may still sit in the upload folder,
// and one number has at most one file in Turnkey's hands. One query for
// the whole batch; documents without such others are not in the map.
func (l *Ledger) OthersMaybeInSRC(ctx context.Context, docs []Document) (map[int64][]Handoff, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = strconv.FormatInt(d.ID, 10)
	}
	in := strings.Join(ids, ",")
	out := map[int64][]Handoff{}
	for _, column := range []string{"invoice_number", "allowance_number"} {
		rows, err := l.r.QueryContext(ctx, othersQuery(column, in))
		if err != nil {
			return nil, fmt.Errorf("documents of one number in flight: %w", err)
		}
		for rows.Next() {
			var id int64
			var h Handoff
			var at string
			if err := rows.Scan(&id, &h.ID, &h.TargetDir, &h.FileName, &at); err != nil {
				rows.Close()
				return nil, err
			}
			if h.WrittenAt, err = parseTime(at); err != nil {
				rows.Close()
				return nil, fmt.Errorf("document %d: %w", h.ID, err)
			}
			out[id] = append(out[id], h)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("documents of one number in flight: %w", err)
		}
	}
	return out, nil
}

// othersQuery finds, for the documents ids (a comma-separated list), the
// others of the same number in column (invoice_number, or
// allowance_number for allowances) that may still be in SRC.
func othersQuery(column, ids string) string {
	own := map[string]string{"invoice_number": "1", "allowance_number": "0"}[column]
	return `SELECT d.id, o.id, o.target_dir, o.file_name, o.written_at
		FROM documents d JOIN documents o ON o.` + column + ` = d.` + column + ` AND o.msg_type = d.msg_type AND o.id <> d.id
		WHERE d.id IN (` + ids + `) AND d.` + column + ` <> '' AND o.` + column + ` <> ''
		  AND (d.allowance_number = '') = ` + own + `
		  AND o.written_at IS NOT NULL AND o.location = ''`
}
