package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// StatusEvent is one state change of a document as the ERP's status file
// shows it.
type StatusEvent struct {
	ID            int64
	At            time.Time
	OrderID       string
	Action        string
	InvoiceNumber string
	State         string
	Code          string
	Message       string
}

// StatusEvents returns the document state changes after event id after,
// oldest first, at most limit.
func (l *Ledger) StatusEvents(ctx context.Context, after int64, limit int) ([]StatusEvent, error) {
	return queryList(ctx, l.r, "status events", `SELECT e.id, e.at, d.order_id, d.action,
		CASE WHEN d.action IN ('allowance', 'void_allowance') THEN d.allowance_number ELSE d.invoice_number END,
		e.to_state, e.code, e.detail
		FROM events e JOIN documents d ON d.id = e.document_id
		WHERE e.id > ? AND e.kind = 'document' ORDER BY e.id LIMIT ?`, []any{after, limit},
		func(rows *sql.Rows, e *StatusEvent) error {
			var at string
			err := rows.Scan(&e.ID, &at, &e.OrderID, &e.Action, &e.InvoiceNumber, &e.State, &e.Code, &e.Message)
			if err == nil {
				e.At, err = parseTime(at)
			}
			return err
		})
}

// StatusCursor is how far the status files are written. While an append
// is under way, Pending names the file, the size it had before, and the
// last event the append writes; a restart truncates the file to that size
// and writes the append again, so no line is lost or written twice.
type StatusCursor struct {
	EventID      int64
	PendingFile  string
	PendingSize  int64
	PendingUntil int64
}

// StatusCursor returns the status files' cursor.
func (l *Ledger) StatusCursor(ctx context.Context) (StatusCursor, error) {
	var c StatusCursor
	err := l.r.QueryRowContext(ctx, `SELECT event_id, pending_file, pending_size, pending_until FROM status_cursor WHERE id = 1`).
		Scan(&c.EventID, &c.PendingFile, &c.PendingSize, &c.PendingUntil)
	if err != nil {
		return c, fmt.Errorf("status cursor: %w", err)
	}
	return c, nil
}

// BeginStatusAppend records that events up to until are about to be
// appended to file, whose size is size.
func (l *Ledger) BeginStatusAppend(ctx context.Context, file string, size, until int64) error {
	_, err := l.w.ExecContext(ctx, `UPDATE status_cursor SET pending_file = ?, pending_size = ?, pending_until = ? WHERE id = 1`,
		file, size, until)
	if err != nil {
		return fmt.Errorf("status cursor: %w", err)
	}
	return nil
}

// EndStatusAppend records that the pending append is durably written.
func (l *Ledger) EndStatusAppend(ctx context.Context) error {
	_, err := l.w.ExecContext(ctx, `UPDATE status_cursor SET event_id = pending_until, pending_file = '', pending_size = 0,
		pending_until = 0 WHERE id = 1 AND pending_file <> ''`)
	if err != nil {
		return fmt.Errorf("status cursor: %w", err)
	}
	return nil
}
