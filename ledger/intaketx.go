package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// IntakeTx is the write transaction of one Intake. It is valid only inside
// the fn passed to Intake and not safe for concurrent use.
//
// Per document the caller asks FindDocument whether it is a duplicate (and
// records an Outcome with StatusDuplicate), asks NextNumber for the number an
// issue gets, renders and validates the XML with it, and then either calls
// Accept, which consumes the number and records the document with its
// accepted outcome, or records an Outcome with StatusRejected, which leaves
// the number to the next document.
//
// Errors wrapping ErrDuplicate, ErrNumberUsed, ErrNumberNotInTrack, ErrNoTrack,
// ErrTrackExhausted or ErrInvalidDocument leave nothing written: the caller
// may record a rejected outcome and go on. Any other error (or the end of the
// caller's context) leaves the transaction unusable: every later call fails
// with ErrTxDone and Intake rolls back whatever fn returns.
type IntakeTx struct {
	l      *Ledger
	parent context.Context // the caller's; its end aborts the intake
	ctx    context.Context // for statements: parent without its cancellation, checked per call instead
	tx     *sql.Conn       // inside BEGIN IMMEDIATE
	intake Intake
	now    string // the transaction's timestamp
	nowT   time.Time
	stmts  intakeStmts
	sets   map[trackKey]*trackSet
	lines  map[int]bool    // lines with an outcome
	seen   map[docKey]bool // documents accepted by this intake
	absent map[docKey]bool // documents FindDocument found in no earlier intake
	files  map[string]bool // file names of the documents accepted by this intake
	batch  batch           // accepted documents not yet inserted
	nextID int64           // the ID of the next accepted document
	counts [3]int          // accepted, duplicate, rejected
	err    error           // set once the transaction is unusable

	issueDates map[issueDateKey]string // see LatestIssueDate
	notes      map[int]string          // see NoteOutcome
}

// docKey is what makes a document unique: seller, action and order id.
type docKey struct{ seller, action, order string }

type intakeStmts struct {
	findDoc, findIssue, findAllowance, loadDoc, addDocs, addDoc, useNumbers, useNumber, addOutcome, addEvent, tracks, saveNext *sql.Stmt
}

var intakeSQL = map[string]string{
	"findDoc": `SELECT id, state FROM documents WHERE seller_ban = ? AND action = ? AND order_id = ?
		ORDER BY id DESC LIMIT 1`,
	"loadDoc": `SELECT ` + docColumns + ` FROM documents WHERE id = ?`,
	"findIssue": `SELECT id FROM documents WHERE invoice_number = ? AND seller_ban = ? AND action = ?
		ORDER BY id DESC LIMIT 1`,
	"findAllowance": `SELECT id FROM documents WHERE allowance_number = ? AND seller_ban = ? AND action = ?
		ORDER BY id DESC LIMIT 1`,
	"addDocs":    insertDocuments + valuesRows(docRow, batchSize),
	"addDoc":     insertDocuments + docRow,
	"useNumbers": insertNumbers + valuesRows(numberRow, batchSize),
	"useNumber":  insertNumbers + numberRow,
	"addOutcome": `INSERT INTO outcomes (intake_id, line, order_id, action, status, invoice_number,
		invoice_date, random_number, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	"addEvent": `INSERT INTO events (at, document_id, intake_id, kind, from_state, to_state, cause, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
	"tracks": `SELECT ` + trackColumns + ` FROM tracks t WHERE seller_ban = ? AND invoice_type = ? AND period = ?
		ORDER BY letters, begin_no`,
	"saveNext": `UPDATE tracks SET next_no = ? WHERE id = ?`,
}

func (l *Ledger) beginIntake(ctx context.Context, conn *sql.Conn, p Part) (*IntakeTx, error) {
	now := l.now().UTC()
	it := &IntakeTx{l: l, parent: ctx, ctx: context.WithoutCancel(ctx), tx: conn, now: formatTime(now), nowT: now,
		sets: map[trackKey]*trackSet{}, lines: map[int]bool{}, seen: map[docKey]bool{}, absent: map[docKey]bool{},
		files: map[string]bool{}}
	if p.Prev != nil {
		it.intake = *p.Prev
		if err := it.resume(); err != nil {
			return nil, err
		}
	} else {
		it.intake = Intake{Name: p.Name, SHA256: p.SHA256, Size: p.Size, State: IntakeCommitted, ReceivedAt: now}
		if err := it.record(); err != nil {
			return nil, err
		}
	}
	if err := it.prepare(); err != nil {
		it.close()
		return nil, err
	}
	return it, nil
}

// record inserts the intake row, unless the same file is unfinished, and
// finds the next document ID.
func (it *IntakeTx) record() error {
	in := &it.intake
	var n int
	if err := it.tx.QueryRowContext(it.ctx, `SELECT count(*) FROM intake_files WHERE name = ? AND sha256 = ? AND state <> 'done'`,
		in.Name, in.SHA256).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w: finish it (FindIntake) instead of taking the file in again", ErrIntakeUnfinished)
	}
	res, err := it.tx.ExecContext(it.ctx, `INSERT INTO intake_files (name, sha256, size, state, received_at, committed_at)
		VALUES (?, ?, ?, 'committed', ?, ?)`, in.Name, in.SHA256, in.Size, it.now, it.now)
	if err != nil {
		return err
	}
	if in.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return it.firstID()
}

// firstID finds the ID of the first document this transaction accepts.
// Documents get their IDs when accepted, before they are written; the
// intake holds the write lock, so no one else takes these.
func (it *IntakeTx) firstID() error {
	return it.tx.QueryRowContext(it.ctx, `SELECT coalesce(max(id), 0) + 1 FROM documents`).Scan(&it.nextID)
}

// resume checks that the partial intake this part continues is in the
// ledger as the caller knows it: partial, through the same line.
func (it *IntakeTx) resume() error {
	in := &it.intake
	var through sql.NullInt64
	var state string
	err := it.tx.QueryRowContext(it.ctx, `SELECT state, through_line FROM intake_files WHERE id = ?`, in.ID).Scan(&state, &through)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("intake %d: %w", in.ID, ErrNotFound)
	case err != nil:
		return err
	case state != IntakeCommitted || !through.Valid || int(through.Int64) != in.Through:
		return fmt.Errorf("%w: %s is %s through line %v, not partial through line %d: another process took it in meanwhile",
			ErrIntakeState, in.Name, state, through.Int64, in.Through)
	}
	return it.firstID()
}

func (it *IntakeTx) prepare() error {
	for name, dst := range it.stmtsByName() {
		query := intakeSQL[name]
		if strings.Contains(query, "%[") { // a row template
			query = fmt.Sprintf(query, it.intake.ID, it.now)
		}
		s, err := it.tx.PrepareContext(it.ctx, query)
		if err != nil {
			return fmt.Errorf("prepare %s: %w", name, err)
		}
		*dst = s
	}
	return nil
}

func (it *IntakeTx) stmtsByName() map[string]**sql.Stmt {
	s := &it.stmts
	return map[string]**sql.Stmt{
		"findDoc": &s.findDoc, "findIssue": &s.findIssue, "findAllowance": &s.findAllowance, "loadDoc": &s.loadDoc, "addDocs": &s.addDocs, "addDoc": &s.addDoc,
		"useNumbers": &s.useNumbers, "useNumber": &s.useNumber, "addOutcome": &s.addOutcome,
		"addEvent": &s.addEvent, "tracks": &s.tracks, "saveNext": &s.saveNext,
	}
}

func (it *IntakeTx) close() {
	if it.err == nil {
		it.err = ErrTxDone
	}
	for _, s := range it.stmtsByName() {
		if *s != nil {
			(*s).Close()
		}
	}
}

// usable returns why the transaction cannot be used, or nil. Statements run
// without the caller's cancellation (which would cost a goroutine each), so
// it is checked here, once per call.
func (it *IntakeTx) usable() error {
	if it.err == nil {
		if err := it.parent.Err(); err != nil {
			it.fail(err)
		}
	}
	return it.err
}

// fail makes the transaction unusable and returns err.
func (it *IntakeTx) fail(err error) error {
	if it.err == nil {
		it.err = fmt.Errorf("%w: %w", ErrTxDone, err)
	}
	return err
}

// finish writes what the transaction kept in memory, the file's progress
// and the intake's event.
func (it *IntakeTx) finish(p Part) error {
	if err := it.usable(); err != nil {
		return err
	}
	if err := it.flush(); err != nil {
		return err
	}
	if err := it.saveTracks(); err != nil {
		return it.fail(err)
	}
	if err := it.writeNotes(); err != nil {
		return err
	}
	committed := it.l.now().UTC()
	through := sql.NullInt64{Int64: int64(p.Through), Valid: !p.Last}
	if _, err := it.tx.ExecContext(it.ctx, `UPDATE intake_files SET committed_at = ?, through_line = ? WHERE id = ?`,
		formatTime(committed), through, it.intake.ID); err != nil {
		return it.fail(err)
	}
	detail := fmt.Sprintf("file %s: %d accepted, %d duplicate, %d rejected", it.intake.Name, it.counts[0], it.counts[1], it.counts[2])
	from, to := "", IntakeCommitted
	switch {
	case it.intake.Partial && !p.Last:
		from, to = "partial", "partial"
	case it.intake.Partial:
		from = "partial"
	case !p.Last:
		to = "partial"
	}
	if to == "partial" || from == "partial" {
		detail = fmt.Sprintf("file %s through line %d: %d accepted, %d duplicate, %d rejected", it.intake.Name, p.Through,
			it.counts[0], it.counts[1], it.counts[2])
	}
	if err := it.event(0, "intake", from, to, "intake", detail); err != nil {
		return it.fail(err)
	}
	it.intake.CommittedAt = committed
	it.intake.Partial, it.intake.Through = !p.Last, 0
	if !p.Last {
		it.intake.Through = p.Through
	}
	return nil
}

// Intake returns the intake being recorded; its ID is valid inside fn.
func (it *IntakeTx) Intake() Intake { return it.intake }

// FindDocument returns the latest document of the seller with that action and order
// id, accepted by this or an earlier intake, or nil if there is none.
func (it *IntakeTx) FindDocument(seller, action, orderID string) (*Document, error) {
	if err := it.usable(); err != nil {
		return nil, err
	}
	key := docKey{seller, action, orderID}
	if d := it.batch.find(key); d != nil {
		c := *d
		c.Body = bytes.Clone(d.Body)
		return &c, nil
	}
	d, err := it.lookup(key, true)
	if err != nil {
		return nil, it.fail(fmt.Errorf("find %s %s of %s: %w", action, orderID, seller, err))
	}
	if d == nil {
		it.absent[key] = true
	}
	return d, nil
}

// FindByNumber returns the latest document of the seller with that action
// and number, accepted by this or an earlier intake, or nil: the number is
// the invoice number, or for allowance actions the allowance number. A
// void, cancel or allowance uses it to find what it refers to.
func (it *IntakeTx) FindByNumber(seller, action, number string) (*Document, error) {
	if err := it.usable(); err != nil {
		return nil, err
	}
	allowance := action == ActionAllowance || action == ActionVoidAllowance
	for i := len(it.batch.docs) - 1; i >= 0; i-- {
		d := it.batch.docs[i]
		n := d.InvoiceNumber
		if allowance {
			n = d.AllowanceNumber
		}
		if d.SellerBAN == seller && d.Action == action && n == number {
			c := *d
			c.Body = bytes.Clone(d.Body)
			return &c, nil
		}
	}
	stmt := it.stmts.findIssue
	if allowance {
		stmt = it.stmts.findAllowance
	}
	var id int64
	err := stmt.QueryRowContext(it.ctx, number, seller, action).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, it.fail(fmt.Errorf("find %s %s of %s: %w", action, number, seller, err))
	}
	d, err := scanDocument(it.stmts.loadDoc.QueryRowContext(it.ctx, id))
	if err == nil {
		err = it.l.restoreBody(it.ctx, d)
	}
	if err != nil {
		return nil, it.fail(fmt.Errorf("load %s %s of %s: %w", action, number, seller, err))
	}
	return d, nil
}

// lookup finds a document already in the ledger; with load false it returns
// an empty Document when there is one.
func (it *IntakeTx) lookup(key docKey, load bool) (*Document, error) {
	var id int64
	var state string
	err := it.stmts.findDoc.QueryRowContext(it.ctx, key.seller, key.action, key.order).Scan(&id, &state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, err
	case !load:
		return &Document{ID: id, State: state}, nil
	}
	d, err := scanDocument(it.stmts.loadDoc.QueryRowContext(it.ctx, id))
	if err == nil {
		err = it.l.restoreBody(it.ctx, d)
	}
	return d, err
}

// Accept records a valid document in state queued, together with its
// accepted outcome and its first event (the schema writes both with the
// document). For an issue it consumes the number d.InvoiceNumber, assigned by
// NextNumber or given by a POS: it must lie in a track of the seller,
// d.InvoiceType and the period of d.InvoiceDate, and be free. It fills d's ID,
// IntakeID, State and times and returns the ID.
//
// Documents are written in batches; a file name already used by an earlier
// intake is only found then, and fails the whole intake.
func (it *IntakeTx) Accept(d *Document) (int64, error) {
	if err := it.usable(); err != nil {
		return 0, err
	}
	if err := it.checkDocument(d); err != nil {
		return 0, err
	}
	if err := it.checkDuplicate(d); err != nil {
		return 0, err
	}
	var claim *numberClaim
	if d.Action == ActionIssue && d.ReuseNumber {
		if err := it.checkReuse(d); err != nil {
			return 0, fmt.Errorf("line %d %s: %w", d.Line, d.OrderID, err)
		}
	} else if d.Action == ActionIssue {
		c, err := it.claim(d)
		if err != nil {
			return 0, fmt.Errorf("line %d %s: %w", d.Line, d.OrderID, err)
		}
		claim = c
	}
	d.ID, d.IntakeID, d.State = it.nextID, it.intake.ID, StateQueued
	if d.WaitingFor != 0 {
		d.State = StateWaiting
	}
	d.CreatedAt, d.UpdatedAt, d.WrittenAt = it.nowT, it.nowT, time.Time{}
	it.nextID++
	if claim != nil {
		it.use(claim, d.ID)
	}
	it.lines[d.Line] = true
	it.seen[docKey{d.SellerBAN, d.Action, d.OrderID}] = true
	it.files[d.FileName] = true
	it.counts[0]++
	if it.batch.add(d) {
		if err := it.flush(); err != nil {
			return 0, err
		}
	}
	return d.ID, nil
}

func (it *IntakeTx) checkDocument(d *Document) error {
	var msgs []string
	if !validAction(d.Action) {
		msgs = append(msgs, fmt.Sprintf("action %q unknown", d.Action))
	}
	if d.Line <= 0 {
		msgs = append(msgs, "no line")
	} else if it.lines[d.Line] {
		msgs = append(msgs, "the line already has an outcome")
	}
	if !isDigits(d.SellerBAN, 8) {
		msgs = append(msgs, fmt.Sprintf("seller BAN %q is not 8 digits", d.SellerBAN))
	}
	if d.FileName == "" || len(d.Body) == 0 {
		msgs = append(msgs, "no file name or body")
	} else if it.files[d.FileName] {
		msgs = append(msgs, "file name "+d.FileName+" is taken")
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("line %d %s: %w: %s", d.Line, d.OrderID, ErrInvalidDocument, strings.Join(msgs, "; "))
}

// checkDuplicate refuses a document whose seller, action and order id are
// taken; it asks the ledger only when FindDocument has not.
func (it *IntakeTx) checkDuplicate(d *Document) error {
	key := docKey{d.SellerBAN, d.Action, d.OrderID}
	dup := it.seen[key]
	if !dup && !it.absent[key] {
		found, err := it.lookup(key, false)
		if err != nil {
			return it.fail(fmt.Errorf("line %d %s: %w", d.Line, d.OrderID, err))
		}
		dup = found != nil && found.State != StateRejected
	}
	if dup {
		return fmt.Errorf("line %d %s: %w: %s %s of seller %s is already accepted", d.Line, d.OrderID, ErrDuplicate,
			d.Action, d.OrderID, d.SellerBAN)
	}
	return nil
}

// AddOutcome records the outcome of a document that was not accepted
// (StatusDuplicate or StatusRejected); accepted outcomes come from Accept.
func (it *IntakeTx) AddOutcome(o Outcome) error {
	if err := it.usable(); err != nil {
		return err
	}
	switch {
	case o.Status != StatusDuplicate && o.Status != StatusRejected:
		return fmt.Errorf("line %d: %w: outcome status %q; accepted outcomes are recorded by Accept", o.Line, ErrInvalidDocument, o.Status)
	case o.Line <= 0 || it.lines[o.Line]:
		return fmt.Errorf("line %d: %w: no line, or the line already has an outcome", o.Line, ErrInvalidDocument)
	}
	if err := it.addOutcome(o); err != nil {
		return it.fail(err)
	}
	return nil
}

func (it *IntakeTx) addOutcome(o Outcome) error {
	if _, err := it.stmts.addOutcome.ExecContext(it.ctx, it.intake.ID, o.Line, o.OrderID, o.Action, o.Status,
		o.InvoiceNumber, o.InvoiceDate, o.RandomNumber, o.Message); err != nil {
		return fmt.Errorf("outcome of line %d: %w", o.Line, err)
	}
	it.lines[o.Line] = true
	if o.Status == StatusDuplicate {
		it.counts[1]++
	} else {
		it.counts[2]++
	}
	return nil
}

// Event appends an event of this intake to the log (e.g. a warning about
// one of its lines); documentID 0 means none.
func (it *IntakeTx) Event(documentID int64, kind, cause, detail string) error {
	if err := it.usable(); err != nil {
		return err
	}
	if err := it.flush(); err != nil { // the document must be in the ledger
		return err
	}
	if err := it.event(documentID, kind, "", "", cause, detail); err != nil {
		return it.fail(err)
	}
	return nil
}

func (it *IntakeTx) event(documentID int64, kind, from, to, cause, detail string) error {
	doc := sql.NullInt64{Int64: documentID, Valid: documentID != 0}
	if _, err := it.stmts.addEvent.ExecContext(it.ctx, it.now, doc, it.intake.ID, kind, from, to, cause, detail); err != nil {
		return fmt.Errorf("event %s: %w", kind, err)
	}
	return nil
}
