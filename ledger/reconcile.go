package ledger

import (
	"context"
	"database/sql"
	"time"
)

// DocumentFact is what the daily reconciliation counts of a document.
type DocumentFact struct {
	SellerBAN string
	Action    string
	MsgType   string
	BuyerBAN  string
	State     string
	CreatedAt time.Time
	UpdatedAt time.Time
	// BySummary: a SummaryResult of Turnkey counted it good (as opposed to
	// a ProcessResult or nothing).
	BySummary bool
}

// DocumentFacts returns the facts of the documents created since since.
func (l *Ledger) DocumentFacts(ctx context.Context, since time.Time) ([]DocumentFact, error) {
	return queryList(ctx, l.r, "documents to reconcile", `SELECT d.seller_ban, d.action, d.msg_type, d.buyer_ban, d.state,
		d.created_at, d.updated_at, EXISTS (SELECT 1 FROM events e WHERE e.document_id = d.id AND e.cause = 'summary-result'
		AND e.to_state = 'accepted') FROM documents d WHERE d.created_at >= ? ORDER BY d.id`, []any{formatTime(since)},
		func(rows *sql.Rows, f *DocumentFact) error {
			var created, updated string
			if err := rows.Scan(&f.SellerBAN, &f.Action, &f.MsgType, &f.BuyerBAN, &f.State, &created, &updated, &f.BySummary); err != nil {
				return err
			}
			var err error
			if f.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			f.UpdatedAt, err = parseTime(updated)
			return err
		})
}
