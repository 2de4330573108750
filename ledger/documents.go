package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Actions of a document, as the ERP asks for them.
const (
	ActionIssue         = "issue"
	ActionVoid          = "void"
	ActionCancel        = "cancel"
	ActionAllowance     = "allowance"
	ActionVoidAllowance = "void_allowance"
	ActionBlank         = "blank"
)

// States of a document on its way to the platform (the schema allows only
// the changes queued → uploaded → accepted | rejected, queued → accepted |
// rejected, waiting → queued | rejected).
const (
	StateQueued   = "queued"   // accepted by turnkeyd; its XML is due or written to Turnkey's upload folder
	StateUploaded = "uploaded" // Turnkey took the file (it is in BAK)
	StateAccepted = "accepted" // the platform accepted it
	StateRejected = "rejected" // Turnkey (ERR) or the platform refused it
	StateWaiting  = "waiting"  // it follows a document the platform has not accepted yet; its XML waits
)

// States lists every document state.
var States = []string{StateQueued, StateUploaded, StateAccepted, StateRejected, StateWaiting}

func validAction(a string) bool {
	switch a {
	case ActionIssue, ActionVoid, ActionCancel, ActionAllowance, ActionVoidAllowance, ActionBlank:
		return true
	}
	return false
}

// Document is one accepted ERP document and the XML file made from it.
type Document struct {
	ID              int64
	IntakeID        int64
	Line            int // the first CSV line of the document in its intake file
	SellerBAN       string
	Action          string // ActionIssue ...
	OrderID         string
	MsgType         string // "F0401" ...
	MIGVersion      string // "4.1" ...
	InvoiceType     string // "07" or "08"; required for ActionIssue
	InvoiceNumber   string
	AllowanceNumber string
	InvoiceDate     string // yyyyMMdd
	RandomNumber    string
	BuyerBAN        string
	State           string
	FileName        string // the XML file name in Turnkey's folder; unique
	TargetDir       string
	WrittenAt       time.Time // zero until the XML is durably in place
	Body            []byte    // the document as JSON; the XML is re-rendered from it
	XMLSHA256       string
	WaitingFor      int64  // the predecessor a waiting document waits for (kept after its release)
	ResultCode      string // Turnkey's or the platform's code; at intake, why the document waits
	ResultMessage   string
	Location        string // where Turnkey put the file: its BAK or ERR path
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// ReuseNumber, given to Accept for an issue, uses a number the seller
	// already used: a re-issue after an accepted cancel, or an order sent
	// again after the platform refused it. The lifecycle decides when.
	ReuseNumber bool
}

const docColumns = `id, intake_id, line, seller_ban, action, order_id, msg_type, mig_version, invoice_type,
	invoice_number, allowance_number, invoice_date, random_number, buyer_ban, state, file_name, target_dir,
	written_at, body, xml_sha256, coalesce(waiting_for, 0), result_code, result_message, location, created_at, updated_at`

func scanDocument(row interface{ Scan(...any) error }) (*Document, error) {
	var d Document
	var written sql.NullString
	var created, updated string
	err := row.Scan(&d.ID, &d.IntakeID, &d.Line, &d.SellerBAN, &d.Action, &d.OrderID, &d.MsgType, &d.MIGVersion,
		&d.InvoiceType, &d.InvoiceNumber, &d.AllowanceNumber, &d.InvoiceDate, &d.RandomNumber, &d.BuyerBAN,
		&d.State, &d.FileName, &d.TargetDir, &written, &d.Body, &d.XMLSHA256, &d.WaitingFor, &d.ResultCode,
		&d.ResultMessage, &d.Location, &created, &updated)
	if err != nil {
		return nil, err
	}
	if d.WrittenAt, err = nullTime(written); err != nil {
		return nil, err
	}
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &d, nil
}

func (l *Ledger) documents(ctx context.Context, what, query string, args ...any) ([]Document, error) {
	return queryList(ctx, l.r, what, `SELECT `+docColumns+` FROM documents `+query, args, func(rows *sql.Rows, d *Document) error {
		s, err := scanDocument(rows)
		if err == nil {
			*d = *s
		}
		return err
	})
}

// Document returns the document with the given id, or an error wrapping
// ErrNotFound.
func (l *Ledger) Document(ctx context.Context, id int64) (*Document, error) {
	d, err := scanDocument(l.r.QueryRowContext(ctx, `SELECT `+docColumns+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("document %d: %w", id, err)
	}
	return d, nil
}

// DocumentsByNumber returns the documents about an invoice number (its issue,
// voids, cancels, allowances), oldest first; seller "" means any seller.
func (l *Ledger) DocumentsByNumber(ctx context.Context, seller, number string) ([]Document, error) {
	return l.documents(ctx, "documents of "+number,
		`WHERE invoice_number = ?1 AND (?2 = '' OR seller_ban = ?2) ORDER BY id`, number, seller)
}

// UnwrittenDocuments returns up to limit queued documents whose XML is not yet
// durably in Turnkey's folder, oldest first: after a crash they are written
// again from their Body. Waiting documents are not due yet.
//
// The unary + keeps SQLite off documents_by_state: with it the query walks
// only the unwritten documents (documents_unwritten), not every queued one,
// which in a backlog of uploaded-but-unanswered files is most of the table.
func (l *Ledger) UnwrittenDocuments(ctx context.Context, limit int) ([]Document, error) {
	return l.documents(ctx, "unwritten documents", unwrittenQuery, limit)
}

const unwrittenQuery = `WHERE written_at IS NULL AND +state = 'queued' ORDER BY id LIMIT ?`

// MarkWritten records, in one transaction, that the XML files of documents ids
// are durably in place. Documents already marked are left as they are; an
// unknown id fails the whole batch.
func (l *Ledger) MarkWritten(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		upd, err := tx.PrepareContext(ctx, `UPDATE documents SET written_at = ?1, updated_at = ?1
			WHERE id = ?2 AND written_at IS NULL RETURNING target_dir, file_name`)
		if err != nil {
			return err
		}
		defer upd.Close()
		ev, err := tx.PrepareContext(ctx, `INSERT INTO events (at, document_id, kind, cause, detail)
			VALUES (?, ?, 'written', 'drop', ?)`)
		if err != nil {
			return err
		}
		defer ev.Close()
		now := l.stamp()
		for _, id := range ids {
			if err := markWritten(ctx, tx, upd, ev, now, id); err != nil {
				return fmt.Errorf("document %d: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark %d documents written: %w", len(ids), err)
	}
	return nil
}

func markWritten(ctx context.Context, tx *sql.Tx, upd, ev *sql.Stmt, now string, id int64) error {
	var dir, name string
	err := upd.QueryRowContext(ctx, now, id).Scan(&dir, &name)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return nil
	}
	if err != nil {
		return err
	}
	_, err = ev.ExecContext(ctx, now, id, "written to "+filepath.Join(dir, name))
	return err
}

// CountDocumentsByState returns how many documents are in each state; every
// state is present, with 0 where there are none.
func (l *Ledger) CountDocumentsByState(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(States))
	for _, s := range States {
		out[s] = 0
	}
	rows, err := l.r.QueryContext(ctx, `SELECT state, count(*) FROM documents GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count documents: %w", err)
		}
		out[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count documents: %w", err)
	}
	return out, nil
}

// Event is one entry of the append-only event log. Kinds written by the
// ledger: "track" (imported), "number" (skipped), "intake" (committed,
// answered, done), "document" (its state; the first one, to queued, is written
// with the document), "written" (its XML is in place).
type Event struct {
	ID         int64
	At         time.Time
	DocumentID int64 // 0: none
	IntakeID   int64 // 0: none
	Kind       string
	FromState  string
	ToState    string
	Cause      string
	Code       string // Turnkey's or the platform's code, for document state changes
	Detail     string
}

// EventQuery selects events; zero fields select all.
type EventQuery struct {
	DocumentID int64 // the events of one document
	IntakeID   int64 // the events of one intake itself (committed, answered, done, IntakeTx.Event)
}

// Events returns the events q selects, oldest first.
func (l *Ledger) Events(ctx context.Context, q EventQuery) ([]Event, error) {
	var where []string
	var args []any
	if q.DocumentID != 0 {
		where, args = append(where, "document_id = ?"), append(args, q.DocumentID)
	}
	if q.IntakeID != 0 {
		where, args = append(where, "intake_id = ?"), append(args, q.IntakeID)
	}
	query := `SELECT id, at, coalesce(document_id, 0), coalesce(intake_id, 0), kind, from_state, to_state, cause, code, detail FROM events`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return queryList(ctx, l.r, "events", query+" ORDER BY id", args, func(rows *sql.Rows, e *Event) error {
		var at string
		err := rows.Scan(&e.ID, &at, &e.DocumentID, &e.IntakeID, &e.Kind, &e.FromState, &e.ToState, &e.Cause, &e.Code, &e.Detail)
		if err == nil {
			e.At, err = parseTime(at)
		}
		return err
	})
}
