package ledger

import (
	"context"
	"database/sql"
	"errors"
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

// Winner is one winning invoice of a platform winner list (E0504).
type Winner struct {
	Period        string
	InvoiceNumber string
	Prize         string // special_10m … sixth
	PrizeType     string // the E0504 PrizeType code
	Amount        int64
	DepositMark   string
	CarrierType   string
	PrintType     string
}

// PrizeRecord is a recorded prize and, when the invoice is in the ledger,
// its issue document.
type PrizeRecord struct {
	Winner
	DocumentID  int64 // 0: not in this ledger
	OrderID     string
	InvoiceDate string
	BuyerBAN    string
}

// RecordWinners records the prizes of one E0504 file and the file itself,
// in one transaction: each winner of ours gets a prize event in its issue
// document's history; a winner not in the ledger is recorded without a
// document. A file recorded already, or a prize recorded from another file,
// changes nothing. It returns the winners recorded now.
func (l *Ledger) RecordWinners(ctx context.Context, file ResultFile, winners []Winner) ([]PrizeRecord, error) {
	var out []PrizeRecord
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		if seen, err := resultSeen(ctx, tx, file); err != nil || seen {
			return err
		}
		now := l.stamp()
		for _, w := range winners {
			rec := PrizeRecord{Winner: w}
			err := tx.QueryRowContext(ctx, `SELECT id, order_id, invoice_date, buyer_ban FROM documents
				WHERE invoice_number = ? AND action = 'issue' AND state <> 'rejected' ORDER BY id DESC LIMIT 1`,
				w.InvoiceNumber).Scan(&rec.DocumentID, &rec.OrderID, &rec.InvoiceDate, &rec.BuyerBAN)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			var doc any
			if rec.DocumentID != 0 {
				doc = rec.DocumentID
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO prizes (period, invoice_number, document_id, prize, prize_type, amount,
				deposit_mark, carrier_type, print_type, file, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (period, invoice_number) DO NOTHING`, w.Period, w.InvoiceNumber, doc, w.Prize, w.PrizeType, w.Amount,
				w.DepositMark, w.CarrierType, w.PrintType, file.Path, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if doc != nil {
				if _, err := tx.ExecContext(ctx, `INSERT INTO events (at, document_id, kind, cause, code, detail)
					VALUES (?, ?, 'prize', 'e0504', ?, ?)`, now, doc, w.PrizeType, fmt.Sprintf("won %s NT$%d in period %s (deposit mark %q) from %s",
					w.Prize, w.Amount, w.Period, w.DepositMark, file.Path)); err != nil {
					return err
				}
			}
			out = append(out, rec)
		}
		file.Status = ResultApplied
		return insertResultFile(ctx, tx, file, now)
	})
	if err != nil {
		return nil, fmt.Errorf("record winners of %s: %w", file.Path, err)
	}
	return out, nil
}

// Prizes returns the recorded prizes of period by invoice number.
func (l *Ledger) Prizes(ctx context.Context, period string) ([]PrizeRecord, error) {
	return queryList(ctx, l.r, "prizes of "+period, `SELECT p.period, p.invoice_number, p.prize, p.prize_type, p.amount,
		p.deposit_mark, p.carrier_type, p.print_type, coalesce(p.document_id, 0), coalesce(d.order_id, ''),
		coalesce(d.invoice_date, ''), coalesce(d.buyer_ban, '')
		FROM prizes p LEFT JOIN documents d ON d.id = p.document_id WHERE p.period = ? ORDER BY p.invoice_number`,
		[]any{period}, func(rows *sql.Rows, r *PrizeRecord) error {
			return rows.Scan(&r.Period, &r.InvoiceNumber, &r.Prize, &r.PrizeType, &r.Amount, &r.DepositMark, &r.CarrierType,
				&r.PrintType, &r.DocumentID, &r.OrderID, &r.InvoiceDate, &r.BuyerBAN)
		})
}
