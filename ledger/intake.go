package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// States of an intake file.
const (
	IntakeCommitted = "committed" // its documents and outcomes are in the ledger
	IntakeAnswered  = "answered"  // its result file is written
	IntakeDone      = "done"      // the file is out of the spool's work folder
)

// Intake is one ERP file taken in.
type Intake struct {
	ID          int64
	Name        string
	SHA256      string
	Size        int64
	State       string
	ReceivedAt  time.Time
	CommittedAt time.Time
	AnsweredAt  time.Time // zero until answered
	DoneAt      time.Time // zero until done

	// Partial: only the documents starting on or before line Through are
	// in the ledger; the rest of the file is still to be taken in (see
	// IntakePart). It cannot be answered yet.
	Partial bool
	Through int
}

// Outcome statuses: what happened to one document of an intake file.
const (
	StatusAccepted  = "accepted"
	StatusDuplicate = "duplicate"
	StatusRejected  = "rejected"
)

// Outcome is one line of an intake's result file.
type Outcome struct {
	IntakeID      int64
	Line          int // the first CSV line of the document
	OrderID       string
	Action        string
	Status        string
	InvoiceNumber string
	InvoiceDate   string
	RandomNumber  string
	Message       string
}

const intakeColumns = `id, name, sha256, size, state, received_at, committed_at, answered_at, done_at, through_line`

func scanIntake(row interface{ Scan(...any) error }) (*Intake, error) {
	var in Intake
	var received, committed string
	var answered, done sql.NullString
	var through sql.NullInt64
	if err := row.Scan(&in.ID, &in.Name, &in.SHA256, &in.Size, &in.State, &received, &committed, &answered, &done, &through); err != nil {
		return nil, err
	}
	in.Partial, in.Through = through.Valid, int(through.Int64)
	var err error
	if in.ReceivedAt, err = parseTime(received); err != nil {
		return nil, err
	}
	if in.CommittedAt, err = parseTime(committed); err != nil {
		return nil, err
	}
	if in.AnsweredAt, err = nullTime(answered); err != nil {
		return nil, err
	}
	in.DoneAt, err = nullTime(done)
	return &in, err
}

// FindIntake returns the unfinished (partial, committed or answered) intake
// of the file name with that content, or nil if there is none. After a crash
// the daemon uses it to tell a file it must only answer from one it must
// process, or finish processing (Partial).
func (l *Ledger) FindIntake(ctx context.Context, name, sha256 string) (*Intake, error) {
	in, err := scanIntake(l.r.QueryRowContext(ctx, `SELECT `+intakeColumns+` FROM intake_files
		WHERE name = ? AND sha256 = ? AND state <> 'done' ORDER BY id DESC LIMIT 1`, name, sha256))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find intake %s: %w", name, err)
	}
	return in, nil
}

// IntakeByID returns an intake, or an error wrapping ErrNotFound.
func (l *Ledger) IntakeByID(ctx context.Context, id int64) (*Intake, error) {
	in, err := scanIntake(l.r.QueryRowContext(ctx, `SELECT `+intakeColumns+` FROM intake_files WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("intake %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("intake %d: %w", id, err)
	}
	return in, nil
}

// Intake takes in one file in one write transaction: it records the intake,
// calls fn with the transaction, and commits with the intake in state
// committed. If fn returns an error (or panics, or an IntakeTx method failed
// part-way) everything is rolled back: no number is consumed, no document or
// outcome recorded. A file whose earlier intake is unfinished is refused with
// ErrIntakeUnfinished (see FindIntake).
//
// fn must not call the Ledger's write methods: the one writer connection is
// held by the transaction until Intake returns.
func (l *Ledger) Intake(ctx context.Context, name, sha256 string, size int64, fn func(tx *IntakeTx) error) (*Intake, error) {
	return l.IntakePart(ctx, Part{Name: name, SHA256: sha256, Size: size, Last: true}, fn)
}

// Part is one part of a file taken in by IntakePart.
type Part struct {
	// Prev is the file's partial intake that this part continues; nil for
	// the file's first part, which records the intake (Name, SHA256, Size).
	Prev         *Intake
	Name, SHA256 string
	Size         int64
	Through      int  // the last CSV line of the documents of this part
	Last         bool // this part ends the file
}

// IntakePart takes in one part of a file (a batch of its documents) in one
// write transaction, as Intake does a whole file: a part commits its
// numbers, documents and outcomes, and the file's progress (Through), or
// nothing. After every part but the last the intake is Partial: the caller
// resumes after Through, with the next part's Prev the intake returned. A
// part whose Prev no longer matches the ledger (taken in by someone else
// meanwhile) fails with ErrIntakeState.
func (l *Ledger) IntakePart(ctx context.Context, p Part, fn func(tx *IntakeTx) error) (*Intake, error) {
	name := p.Name
	if p.Prev != nil {
		name = p.Prev.Name
	}
	in, err := l.intake(ctx, p, fn)
	if err != nil {
		return nil, fmt.Errorf("intake %s: %w", name, err)
	}
	return in, nil
}

// intake runs the transaction on the writer connection with BEGIN IMMEDIATE
// and COMMIT of its own rather than a *sql.Tx, whose statements would each
// start a goroutine to watch the caller's context; IntakeTx checks it instead.
func (l *Ledger) intake(ctx context.Context, p Part, fn func(tx *IntakeTx) error) (*Intake, error) {
	conn, err := l.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			rollback(conn)
		}
	}()
	it, err := l.beginIntake(ctx, conn, p)
	if err != nil {
		return nil, err
	}
	defer it.close()
	if err := fn(it); err != nil {
		return nil, err
	}
	if err := it.finish(p); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(it.ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	committed = true
	l.log.Debug("intake committed", "file", it.intake.Name, "intake", it.intake.ID, "through_line", p.Through, "last", p.Last,
		"accepted", it.counts[0], "duplicate", it.counts[1], "rejected", it.counts[2])
	in := it.intake
	return &in, nil
}

// rollback ends the open transaction of conn; if it cannot, the connection
// is discarded so that no later statement runs inside the transaction.
func rollback(conn *sql.Conn) {
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// MarkAnswered records that the intake's result file is written. Marking an
// answered intake again does nothing.
func (l *Ledger) MarkAnswered(ctx context.Context, intakeID int64) error {
	return l.moveIntake(ctx, intakeID, IntakeCommitted, IntakeAnswered, "answered_at")
}

// MarkDone records that the intake's file has left the spool's work folder;
// the intake must be answered. Marking a done intake again does nothing.
func (l *Ledger) MarkDone(ctx context.Context, intakeID int64) error {
	return l.moveIntake(ctx, intakeID, IntakeAnswered, IntakeDone, "done_at")
}

func (l *Ledger) moveIntake(ctx context.Context, id int64, from, to, column string) error {
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		var state, name string
		var partial bool
		err := tx.QueryRowContext(ctx, `SELECT state, name, through_line IS NOT NULL FROM intake_files WHERE id = ?`, id).Scan(&state, &name, &partial)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return err
		case state == to:
			return nil
		case partial:
			return fmt.Errorf("%w: %s is not wholly taken in yet", ErrIntakeState, name)
		case state != from:
			return fmt.Errorf("%w: %s is %s, not %s", ErrIntakeState, name, state, from)
		}
		now := l.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE intake_files SET state = ?, `+column+` = ? WHERE id = ?`, to, now, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO events (at, intake_id, kind, from_state, to_state, cause, detail)
			VALUES (?, ?, 'intake', ?, ?, 'daemon', ?)`, now, id, from, to, "file "+name)
		return err
	})
	if err != nil {
		return fmt.Errorf("intake %d to %s: %w", id, to, err)
	}
	return nil
}

// Outcomes returns the outcomes of an intake ordered by line: the rows of its
// result file.
func (l *Ledger) Outcomes(ctx context.Context, intakeID int64) ([]Outcome, error) {
	return queryList(ctx, l.r, fmt.Sprintf("outcomes of intake %d", intakeID), `SELECT intake_id, line, order_id, action, status, invoice_number,
		invoice_date, random_number, message FROM outcomes WHERE intake_id = ? ORDER BY line`, []any{intakeID},
		func(rows *sql.Rows, o *Outcome) error {
			return rows.Scan(&o.IntakeID, &o.Line, &o.OrderID, &o.Action, &o.Status, &o.InvoiceNumber,
				&o.InvoiceDate, &o.RandomNumber, &o.Message)
		})
}
