package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrStateConflict reports a verdict that contradicts what the ledger knows
// (e.g. a refusal of a document the platform already accepted); it is
// reported, never applied.
var ErrStateConflict = errors.New("state conflict")

// Change is one document's state change.
type Change struct {
	Document Document // as it was before the change
	From, To string
	Code     string
	Message  string
}

// ResultFile is one file of Turnkey's (a ProcessResult, a SummaryResult, an
// E0501...) as the ledger records it.
type ResultFile struct {
	Kind   string // process_result, summary_result, e0501, e0504
	Path   string
	SHA256 string
	Size   int64
	Status string // applied, unreadable, inconsistent
	Error  string
}

// Result file statuses.
const (
	ResultApplied      = "applied"
	ResultUnreadable   = "unreadable"
	ResultInconsistent = "inconsistent" // applied as far as it could be; its problems are in Error
)

// ResultSeen reports whether the file with that path and content was
// processed already.
func (l *Ledger) ResultSeen(ctx context.Context, path, sha256 string) (bool, error) {
	var n int
	err := l.r.QueryRowContext(ctx, `SELECT count(*) FROM result_files WHERE path = ? AND sha256 = ?`, path, sha256).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("result file %s: %w", path, err)
	}
	return n > 0, nil
}

// ResultTx is the write transaction in which Turnkey's verdicts change
// document states.
type ResultTx struct {
	l       *Ledger
	ctx     context.Context
	tx      *sql.Tx
	now     string
	changes []Change
}

// Apply runs fn in one transaction and records file in it (unless its Path
// is empty), so that a result file is applied exactly once. It returns the
// state changes made, cascades included.
func (l *Ledger) Apply(ctx context.Context, file ResultFile, fn func(rt *ResultTx) error) ([]Change, error) {
	var changes []Change
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		rt := &ResultTx{l: l, ctx: ctx, tx: tx, now: l.stamp()}
		if fn != nil {
			if err := fn(rt); err != nil {
				return err
			}
		}
		if file.Path != "" {
			if err := rt.Record(file); err != nil {
				return err
			}
		}
		changes = rt.changes
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("apply %s: %w", describe(file), err)
	}
	return changes, nil
}

// Record records a result file in the transaction (when its status is
// known only after applying it; Apply records the file it is given).
func (rt *ResultTx) Record(file ResultFile) error {
	if _, err := rt.tx.ExecContext(rt.ctx, `INSERT INTO result_files (kind, path, sha256, size, status, error, processed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, file.Kind, file.Path, file.SHA256, file.Size, file.Status, file.Error, rt.now); err != nil {
		return fmt.Errorf("record result file %s: %w", file.Path, err)
	}
	return nil
}

func describe(f ResultFile) string {
	if f.Path == "" {
		return "verdict"
	}
	return f.Kind + " " + f.Path
}

// FindForResult returns the document a verdict names: of the documents of
// that message type whose invoice number (for allowances: allowance number)
// is number and that were handed to Turnkey (a waiting one never was), the
// oldest that still awaits a verdict, else the latest; among them one of
// that date when date is not empty and there is one.
//
// packed is when Turnkey packed the message the verdict is about (zero when
// unknown, see turnkey.PackedAt). A document created after it cannot be in
// that message: an order refused and sent again keeps its number and often
// its date, and the first send's late SummaryResult must not refuse the
// resent document, which awaits a verdict of its own. So the documents
// created before packed come first; a later one is chosen only when there
// is no other (Turnkey's clock behind the daemon's). Nil if none.
func (rt *ResultTx) FindForResult(msgType, number, date string, packed time.Time) (*Document, error) {
	row := rt.tx.QueryRowContext(rt.ctx, `SELECT `+docColumns+` FROM documents
		WHERE msg_type = ?1 AND (invoice_number = ?2 AND action NOT IN ('allowance', 'void_allowance') OR allowance_number = ?2)
		  AND state <> 'waiting' AND written_at IS NOT NULL
		ORDER BY (?4 <> '' AND created_at >= ?4), state IN ('accepted', 'rejected'), (?3 <> '' AND invoice_date <> ?3),
		         CASE WHEN state IN ('accepted', 'rejected') THEN -id ELSE id END LIMIT 1`, msgType, number, date, after(packed))
	d, err := scanDocument(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return d, err
}

// FindByFile returns the document whose XML file has that name, or nil.
func (rt *ResultTx) FindByFile(name string) (*Document, error) {
	d, err := scanDocument(rt.tx.QueryRowContext(rt.ctx, `SELECT `+docColumns+` FROM documents WHERE file_name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return d, err
}

// Transition moves document id to state to, for cause (e.g. "turnkey-bak",
// "process-result"), with the platform's code and message, and where
// Turnkey put the file (location, may be empty). A document already in state
// to is left as it is. A change the lifecycle does not allow (from a final
// state) returns an error wrapping ErrStateConflict and changes nothing.
// Accepting a document releases the documents waiting for it; refusing it
// refuses them too.
func (rt *ResultTx) Transition(id int64, to, cause, code, message, location string) error {
	d, err := scanDocument(rt.tx.QueryRowContext(rt.ctx, `SELECT `+docColumns+` FROM documents WHERE id = ?`, id))
	if err != nil {
		return fmt.Errorf("document %d: %w", id, err)
	}
	if d.State == to {
		if to == StateRejected && d.ResultCode == CodeFailed && code != "" && code != CodeFailed {
			return rt.refine(d, cause, code, message)
		}
		if location != "" && d.Location == "" {
			_, err = rt.tx.ExecContext(rt.ctx, `UPDATE documents SET location = ? WHERE id = ?`, location, id)
		}
		return err
	}
	if !allowedChange(d.State, to) {
		return fmt.Errorf("%w: document %d (%s %s %s) is %s; %s says %s %s %s", ErrStateConflict, d.ID, d.MsgType, d.OrderID,
			d.InvoiceNumber, d.State, cause, to, code, message)
	}
	if location == "" {
		location = d.Location
	}
	if _, err := rt.tx.ExecContext(rt.ctx, `UPDATE documents SET state = ?, result_code = ?, result_message = ?,
		location = ?, updated_at = ? WHERE id = ?`, to, code, message, location, rt.now, id); err != nil {
		return fmt.Errorf("document %d to %s: %w", id, to, err)
	}
	if _, err := rt.tx.ExecContext(rt.ctx, `INSERT INTO events (at, document_id, kind, from_state, to_state, cause, code, detail)
		VALUES (?, ?, 'document', ?, ?, ?, ?, ?)`, rt.now, id, d.State, to, cause, code, message); err != nil {
		return err
	}
	rt.changes = append(rt.changes, Change{Document: *d, From: d.State, To: to, Code: code, Message: message})
	switch to {
	case StateAccepted:
		return rt.releaseWaiting(d)
	case StateRejected:
		return rt.refuseWaiting(d, code, message)
	}
	return nil
}

// CodeFailed marks a refusal known only from a SummaryResult's Failed list;
// the platform's ProcessResult, when it comes, gives the real code.
const CodeFailed = "FAILED"

// refine gives a document refused as FAILED the platform's code and
// reason, with an event, so the ERP learns why.
func (rt *ResultTx) refine(d *Document, cause, code, message string) error {
	if _, err := rt.tx.ExecContext(rt.ctx, `UPDATE documents SET result_code = ?, result_message = ?, updated_at = ? WHERE id = ?`,
		code, message, rt.now, d.ID); err != nil {
		return fmt.Errorf("document %d: %w", d.ID, err)
	}
	if _, err := rt.tx.ExecContext(rt.ctx, `INSERT INTO events (at, document_id, kind, from_state, to_state, cause, code, detail)
		VALUES (?, ?, 'document', 'rejected', 'rejected', ?, ?, ?)`, rt.now, d.ID, cause, code, message); err != nil {
		return err
	}
	rt.changes = append(rt.changes, Change{Document: *d, From: StateRejected, To: StateRejected, Code: code, Message: message})
	return nil
}

// FindFailed returns the document of that message type, number and date
// that a SummaryResult refused without a reason (code FAILED), or nil: a
// ProcessResult read after the summary belongs to it, not to a newer
// document of the same number the ERP sent since. Of several, the latest
// created before packed (see FindForResult) comes first.
func (rt *ResultTx) FindFailed(msgType, number, date string, packed time.Time) (*Document, error) {
	row := rt.tx.QueryRowContext(rt.ctx, `SELECT `+docColumns+` FROM documents
		WHERE msg_type = ?1 AND (invoice_number = ?2 AND action NOT IN ('allowance', 'void_allowance') OR allowance_number = ?2)
		  AND state = 'rejected' AND result_code = ?4 AND (?3 = '' OR invoice_date = ?3)
		ORDER BY (?5 <> '' AND created_at >= ?5), id DESC LIMIT 1`, msgType, number, date, CodeFailed, after(packed))
	d, err := scanDocument(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return d, err
}

// after returns the first stored time at which a document was certainly
// created after a message packed at packed (Turnkey's message names count
// milliseconds), or "" when packed is unknown.
func after(packed time.Time) string {
	if packed.IsZero() {
		return ""
	}
	return formatTime(packed.Truncate(time.Millisecond).Add(time.Millisecond))
}

func allowedChange(from, to string) bool {
	switch from {
	case StateQueued:
		return to == StateUploaded || to == StateAccepted || to == StateRejected
	case StateUploaded:
		return to == StateAccepted || to == StateRejected
	case StateWaiting:
		return to == StateQueued || to == StateRejected
	}
	return false
}

func (rt *ResultTx) waiting(id int64) ([]int64, error) {
	rows, err := rt.tx.QueryContext(rt.ctx, `SELECT id FROM documents WHERE waiting_for = ? AND state = 'waiting' ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var w int64
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		ids = append(ids, w)
	}
	return ids, rows.Err()
}

func (rt *ResultTx) releaseWaiting(pred *Document) error {
	ids, err := rt.waiting(pred.ID)
	if err != nil {
		return err
	}
	for _, w := range ids {
		msg := fmt.Sprintf("%s %s (order %s) was accepted; released to Turnkey", pred.Action, number(pred), pred.OrderID)
		if err := rt.Transition(w, StateQueued, "predecessor-accepted", "", msg, ""); err != nil {
			return err
		}
	}
	return nil
}

func (rt *ResultTx) refuseWaiting(pred *Document, code, message string) error {
	ids, err := rt.waiting(pred.ID)
	if err != nil {
		return err
	}
	for _, w := range ids {
		msg := fmt.Sprintf("%s %s (order %s), which this document follows, was refused (%s %s): fix and send both again",
			pred.Action, number(pred), pred.OrderID, code, message)
		if err := rt.Transition(w, StateRejected, "predecessor-rejected", "PREDECESSOR_REJECTED", msg, ""); err != nil {
			return err
		}
	}
	return nil
}

func number(d *Document) string {
	if d.AllowanceNumber != "" {
		return d.AllowanceNumber
	}
	return d.InvoiceNumber
}

// Handoff is where a document's file was handed to Turnkey, and when.
type Handoff struct {
	ID        int64
	TargetDir string
	FileName  string
	WrittenAt time.Time
}

// InFlight returns the documents whose XML is in Turnkey's upload folder
// and which Turnkey has not taken yet (queued and written), oldest first.
// Only where their files are is read, not their bodies: a backlog can hold
// many thousands.
func (l *Ledger) InFlight(ctx context.Context) ([]Handoff, error) {
	return queryList(ctx, l.r, "documents in flight", `SELECT id, target_dir, file_name, written_at FROM documents
		WHERE state = 'queued' AND written_at IS NOT NULL ORDER BY id`, nil, scanHandoff)
}

func scanHandoff(rows *sql.Rows, h *Handoff) error {
	var at string
	if err := rows.Scan(&h.ID, &h.TargetDir, &h.FileName, &at); err != nil {
		return err
	}
	var err error
	if h.WrittenAt, err = parseTime(at); err != nil {
		return fmt.Errorf("document %d: %w", h.ID, err)
	}
	return nil
}

// DocumentsByState returns the documents in state (all when empty) created
// or changed at or after since, oldest first, at most limit (0: no limit).
func (l *Ledger) DocumentsByState(ctx context.Context, state string, since time.Time, limit int) ([]Document, error) {
	if limit <= 0 {
		limit = -1
	}
	return l.documents(ctx, "documents by state",
		`WHERE (?1 = '' OR state = ?1) AND updated_at >= ?2 ORDER BY id LIMIT ?3`, state, formatTime(since), limit)
}

// OldestPending returns, for consumer (B2C) and business (B2B) buyers, the
// creation time of the oldest document the platform has not accepted or
// refused yet; zero when there is none.
func (l *Ledger) OldestPending(ctx context.Context) (consumer, business time.Time, err error) {
	for _, k := range []struct {
		consumer int
		at       *time.Time
	}{{1, &consumer}, {0, &business}} {
		var at sql.NullString
		if err := l.r.QueryRowContext(ctx, oldestPendingQuery, k.consumer).Scan(&at); err != nil {
			return consumer, business, fmt.Errorf("oldest pending: %w", err)
		}
		if at.Valid {
			if *k.at, err = parseTime(at.String); err != nil {
				return consumer, business, err
			}
		}
	}
	return consumer, business, nil
}

// oldestPendingQuery reads the first entry of documents_pending_age for
// one kind of buyer (1 consumer, 0 business).
const oldestPendingQuery = `SELECT min(created_at) FROM documents
	WHERE state IN ('queued', 'uploaded', 'waiting') AND (buyer_ban = '0000000000' OR buyer_ban = '') = ?`

// CountByStateAndType returns how many documents are in each state, per
// message type.
func (l *Ledger) CountByStateAndType(ctx context.Context) (map[[2]string]int, error) {
	rows, err := l.r.QueryContext(ctx, countByStateQuery)
	if err != nil {
		return nil, fmt.Errorf("count documents: %w", err)
	}
	defer rows.Close()
	out := map[[2]string]int{}
	for rows.Next() {
		var state, typ string
		var n int
		if err := rows.Scan(&state, &typ, &n); err != nil {
			return nil, err
		}
		out[[2]string{state, typ}] = n
	}
	return out, rows.Err()
}

// countByStateQuery reads the counts the triggers of document_counts keep.
const countByStateQuery = `SELECT state, msg_type, n FROM document_counts WHERE n > 0`

// CountResultFiles returns how many result files were processed, by kind
// and status.
func (l *Ledger) CountResultFiles(ctx context.Context) (map[[2]string]int, error) {
	rows, err := l.r.QueryContext(ctx, `SELECT kind, status, count(*) FROM result_files GROUP BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("count result files: %w", err)
	}
	defer rows.Close()
	out := map[[2]string]int{}
	for rows.Next() {
		var kind, status string
		var n int
		if err := rows.Scan(&kind, &status, &n); err != nil {
			return nil, err
		}
		out[[2]string{kind, status}] = n
	}
	return out, rows.Err()
}
