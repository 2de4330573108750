package ledger

import (
	"context"
	"database/sql"
	"fmt"
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

// OthersMaybeInSRC returns the other documents of the same message type
// and number as d whose file was handed to Turnkey and not yet seen in BAK
// or ERR: their XML may still sit in the upload folder, and one number has
// at most one file in Turnkey's hands at a time.
func (l *Ledger) OthersMaybeInSRC(ctx context.Context, d *Document) ([]Handoff, error) {
	number, column := d.InvoiceNumber, "invoice_number"
	if d.AllowanceNumber != "" {
		number, column = d.AllowanceNumber, "allowance_number"
	}
	if number == "" {
		return nil, nil
	}
	return queryList(ctx, l.r, "documents of one number in flight", `SELECT id, target_dir, file_name, written_at FROM documents
		WHERE `+column+` = ? AND `+column+` <> '' AND msg_type = ? AND id <> ? AND written_at IS NOT NULL AND location = ''`,
		[]any{number, d.MsgType, d.ID}, scanHandoff)
}
