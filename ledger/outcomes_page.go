package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

// outcomePage is how many outcomes EachOutcome reads per query.
const outcomePage = 1000

// EachOutcome calls fn with each outcome of an intake in line order,
// reading them a page at a time so that answering a file of a million
// documents does not hold a million outcomes.
func (l *Ledger) EachOutcome(ctx context.Context, intakeID int64, fn func(Outcome) error) error {
	after := 0
	for {
		page, err := queryList(ctx, l.r, fmt.Sprintf("outcomes of intake %d", intakeID), `SELECT intake_id, line, order_id, action,
			status, invoice_number, invoice_date, random_number, message FROM outcomes
			WHERE intake_id = ? AND line > ? ORDER BY line LIMIT ?`, []any{intakeID, after, outcomePage},
			func(rows *sql.Rows, o *Outcome) error {
				return rows.Scan(&o.IntakeID, &o.Line, &o.OrderID, &o.Action, &o.Status, &o.InvoiceNumber,
					&o.InvoiceDate, &o.RandomNumber, &o.Message)
			})
		if err != nil {
			return err
		}
		for _, o := range page {
			if err := fn(o); err != nil {
				return err
			}
		}
		if len(page) < outcomePage {
			return nil
		}
		after = page[len(page)-1].Line
	}
}
