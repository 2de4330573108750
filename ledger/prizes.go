package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

// PeriodInvoices returns the invoices issued (not refused) in the dates
// from..to (yyyyMMdd, inclusive), one per number (the latest issue), with
// voided true when a void or cancel of it followed that was not refused:
// such an invoice cannot win.
func (l *Ledger) PeriodInvoices(ctx context.Context, from, to string) ([]PeriodInvoice, error) {
	return queryList(ctx, l.r, fmt.Sprintf("invoices %s-%s", from, to), `SELECT `+docColumns+`,
		EXISTS (SELECT 1 FROM documents v WHERE v.invoice_number = d.invoice_number AND v.seller_ban = d.seller_ban
		        AND v.action IN ('void', 'cancel') AND v.state <> 'rejected' AND v.id > d.id)
		FROM documents d WHERE d.action = 'issue' AND d.state <> 'rejected' AND d.invoice_date BETWEEN ? AND ?
		  AND d.id = (SELECT max(id) FROM documents x WHERE x.invoice_number = d.invoice_number AND x.action = 'issue'
		              AND x.state <> 'rejected')
		ORDER BY d.invoice_number`, []any{from, to}, func(rows *sql.Rows, p *PeriodInvoice) error {
		d, err := scanDocument(withExtra{rows, []any{&p.Voided}})
		if err == nil {
			p.Document = *d
		}
		return err
	})
}

// PeriodInvoice is an issued invoice of a period.
type PeriodInvoice struct {
	Document
	Voided bool // voided or cancelled afterwards
}

// withExtra scans a row's document columns and then the extra ones.
type withExtra struct {
	rows  *sql.Rows
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.extra...)...) }
