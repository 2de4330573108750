package ledger

import (
	"database/sql"
	"fmt"
	"strconv"
)

// issueDateKey is a seller's invoice type in a period.
type issueDateKey struct{ seller, invoiceType, period string }

// LatestIssueDate returns the latest date (yyyyMMdd) of an invoice the
// seller issued of invoiceType in period, in earlier intakes or this one;
// "" when there is none. Numbers are handed out in order, so a new number
// dated earlier would carry an earlier date than a lower number.
func (it *IntakeTx) LatestIssueDate(seller, invoiceType, period string) (string, error) {
	if err := it.usable(); err != nil {
		return "", err
	}
	key := issueDateKey{seller, invoiceType, period}
	if d, ok := it.issueDates[key]; ok {
		return d, nil
	}
	from, to, err := periodDates(period)
	if err != nil {
		return "", err
	}
	var d sql.NullString
	if err := it.tx.QueryRowContext(it.ctx, `SELECT MAX(invoice_date) FROM documents
		WHERE seller_ban = ? AND invoice_type = ? AND action = 'issue' AND invoice_date BETWEEN ? AND ?`,
		seller, invoiceType, from, to).Scan(&d); err != nil {
		return "", it.fail(fmt.Errorf("latest issue date of %s %s %s: %w", seller, invoiceType, period, err))
	}
	if it.issueDates == nil {
		it.issueDates = map[issueDateKey]string{}
	}
	it.issueDates[key] = d.String
	return d.String, nil
}

// NoteIssueDate records the date of an invoice accepted in this intake for
// LatestIssueDate.
func (it *IntakeTx) NoteIssueDate(seller, invoiceType, period, date string) {
	key := issueDateKey{seller, invoiceType, period}
	if it.issueDates == nil {
		it.issueDates = map[issueDateKey]string{}
	}
	if date > it.issueDates[key] {
		it.issueDates[key] = date
	}
}

// periodDates returns the first and last date (yyyyMMdd) of a period
// ("11512": 20261101 and 20261231).
func periodDates(period string) (from, to string, err error) {
	roc, err1 := strconv.Atoi(period[:min(3, len(period))])
	month, err2 := strconv.Atoi(period[min(3, len(period)):])
	if len(period) != 5 || err1 != nil || err2 != nil || month < 2 || month > 12 || month%2 != 0 {
		return "", "", fmt.Errorf("period %q is not ROC year and even month", period)
	}
	y := roc + 1911
	return fmt.Sprintf("%04d%02d01", y, month-1), fmt.Sprintf("%04d%02d31", y, month), nil
}

// NoteOutcome adds a note to the message of the accepted outcome of line
// (for example that its upload deadline has passed); notes are written
// when the intake commits.
func (it *IntakeTx) NoteOutcome(line int, note string) {
	if it.notes == nil {
		it.notes = map[int]string{}
	}
	it.notes[line] = note
}

// writeNotes writes the notes of NoteOutcome into the outcomes.
func (it *IntakeTx) writeNotes() error {
	for line, note := range it.notes {
		if _, err := it.tx.ExecContext(it.ctx, `UPDATE outcomes SET message = ? WHERE intake_id = ? AND line = ?`,
			note, it.intake.ID, line); err != nil {
			return it.fail(fmt.Errorf("note on line %d: %w", line, err))
		}
	}
	return nil
}
