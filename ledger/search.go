package ledger

import (
	"context"
	"strings"
)

// DocumentSearch selects documents for the auditors' view; zero fields
// select all. Dates are yyyyMMdd, inclusive.
type DocumentSearch struct {
	Number   string // invoice or allowance number
	OrderID  string
	BuyerBAN string
	DateFrom string
	DateTo   string
	Limit    int // at most this many, newest first; 0: 200
}

// SearchDocuments returns the documents q selects, newest first.
func (l *Ledger) SearchDocuments(ctx context.Context, q DocumentSearch) ([]Document, error) {
	var where []string
	var args []any
	add := func(cond string, v string) {
		if v != "" {
			where, args = append(where, cond), append(args, v)
		}
	}
	if q.Number != "" {
		// The second term repeats the partial index's condition so that
		// SQLite can use documents_by_allowance for it.
		where = append(where, "(invoice_number = ? OR (allowance_number = ? AND allowance_number <> ''))")
		args = append(args, q.Number, q.Number)
	}
	add("order_id = ?", q.OrderID)
	add("buyer_ban = ?", q.BuyerBAN)
	add("invoice_date >= ?", q.DateFrom)
	add("invoice_date <= ?", q.DateTo)
	if q.Limit <= 0 {
		q.Limit = 200
	}
	query := ""
	if len(where) > 0 {
		query = "WHERE " + strings.Join(where, " AND ")
	}
	return l.documents(ctx, "search documents", query+" ORDER BY id DESC LIMIT ?", append(args, q.Limit)...)
}
