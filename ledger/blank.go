package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrTrackClosed: the tracks of the seller, invoice type and period are
// closed: their blank ranges are reported to the platform (E0402), so no
// number of them may be used. Use the tracks of the current period.
var ErrTrackClosed = errors.New("tracks closed")

// ErrPeriodClosed: the period's blank ranges are reported already.
var ErrPeriodClosed = errors.New("period closed")

// NumberRange is an inclusive range of numbers of a track's letters.
type NumberRange struct{ Begin, End int }

// BlankReport is what one E0402 reports: the unused numbers of one
// seller's tracks of one invoice type, period and letters.
type BlankReport struct {
	SellerBAN, InvoiceType, Period, Letters string
	Allocated                               int // numbers in the tracks
	Ranges                                  []NumberRange
	tracks                                  []Track
}

// Unused is how many numbers the report's ranges hold.
func (r BlankReport) Unused() int {
	n := 0
	for _, x := range r.Ranges {
		n += x.End - x.Begin + 1
	}
	return n
}

// RangesText is the ranges as "AB00000120-AB00000149 ...".
func (r BlankReport) RangesText() string { return rangesText(r.Letters, r.Ranges, 0, maxNumber) }

// rangesText writes the parts of ranges within from..to.
func rangesText(letters string, ranges []NumberRange, from, to int) string {
	var parts []string
	for _, x := range ranges {
		if b, e := max(x.Begin, from), min(x.End, to); b <= e {
			parts = append(parts, FormatNumber(letters, b)+"-"+FormatNumber(letters, e))
		}
	}
	return strings.Join(parts, " ")
}

// OrderID is the order id of the report's E0402 document in the ledger.
func (r BlankReport) OrderID() string {
	return fmt.Sprintf("E0402-%s-%s-%s", r.Period, r.InvoiceType, r.Letters)
}

// BlankReports returns, for every seller, invoice type and letters with
// tracks in period, the numbers never used (skipped ones included): what
// the period's E0402 messages report. It changes nothing (a dry run).
func (l *Ledger) BlankReports(ctx context.Context, period string) ([]BlankReport, error) {
	return blankReports(ctx, l.r, period)
}

func blankReports(ctx context.Context, q queryer, period string) ([]BlankReport, error) {
	tracks, err := queryList(ctx, q, "tracks of period "+period, `SELECT `+trackColumns+` FROM tracks t WHERE period = ?
		ORDER BY seller_ban, invoice_type, letters, begin_no`, []any{period}, func(rows *sql.Rows, t *Track) error {
		return scanTrack(rows, t)
	})
	if err != nil {
		return nil, err
	}
	var out []BlankReport
	for _, t := range tracks {
		if n := len(out); n == 0 || out[n-1].SellerBAN != t.SellerBAN || out[n-1].InvoiceType != t.InvoiceType || out[n-1].Letters != t.Letters {
			out = append(out, BlankReport{SellerBAN: t.SellerBAN, InvoiceType: t.InvoiceType, Period: period, Letters: t.Letters})
		}
		r := &out[len(out)-1]
		used, err := usedNumbers(ctx, q, t)
		if err != nil {
			return nil, err
		}
		r.Allocated += t.Size()
		r.tracks = append(r.tracks, t)
		for n := t.Begin; n <= t.End; n++ {
			if used[n] {
				continue
			}
			if k := len(r.Ranges); k > 0 && r.Ranges[k-1].End == n-1 {
				r.Ranges[k-1].End = n
			} else {
				r.Ranges = append(r.Ranges, NumberRange{n, n})
			}
		}
	}
	return out, nil
}

// usedNumbers are the numbers of t recorded as used by a document.
func usedNumbers(ctx context.Context, q queryer, t Track) (map[int]bool, error) {
	nums, err := queryList(ctx, q, "numbers of track "+t.rangeText(), `SELECT number FROM invoice_numbers WHERE track_id = ?`,
		[]any{t.ID}, func(rows *sql.Rows, s *string) error { return rows.Scan(s) })
	if err != nil {
		return nil, err
	}
	used := make(map[int]bool, len(nums))
	for _, s := range nums {
		_, n, err := ParseNumber(s)
		if err != nil {
			return nil, fmt.Errorf("track %d: stored %w", t.ID, err)
		}
		used[n] = true
	}
	return used, nil
}

// ClosePeriod closes every track of period, inside the intake transaction
// that accepts the period's E0402 documents, and returns what they must
// report. From its commit on, no number of the period can be used. A
// period closed already fails with ErrPeriodClosed.
func (it *IntakeTx) ClosePeriod(period string) ([]BlankReport, error) {
	if err := it.usable(); err != nil {
		return nil, err
	}
	var n int
	if err := it.tx.QueryRowContext(it.ctx, `SELECT count(*) FROM track_closures WHERE period = ?`, period).Scan(&n); err != nil {
		return nil, it.fail(err)
	}
	if n > 0 {
		return nil, fmt.Errorf("%w: the blank ranges of %s are reported already", ErrPeriodClosed, period)
	}
	reports, err := blankReports(it.ctx, it.tx, period)
	if err != nil {
		return nil, it.fail(err)
	}
	for _, r := range reports {
		for _, t := range r.tracks {
			if _, err := it.tx.ExecContext(it.ctx, `INSERT INTO track_closures (track_id, period, blank_ranges, closed_at)
				VALUES (?, ?, ?, ?)`, t.ID, period, rangesText(t.Letters, r.Ranges, t.Begin, t.End), it.now); err != nil {
				return nil, it.fail(err)
			}
		}
		if err := it.event(0, "track", "", "closed", "blank", fmt.Sprintf("seller %s type %s period %s track %s: blank %s",
			r.SellerBAN, r.InvoiceType, period, r.Letters, or(r.RangesText(), "none"))); err != nil {
			return nil, it.fail(err)
		}
	}
	return reports, nil
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// closedTracks reports whether the tracks of key are closed (checked
// before a number of them is used).
func (it *IntakeTx) closedTracks(key trackKey) error {
	var n int
	if err := it.tx.QueryRowContext(it.ctx, `SELECT count(*) FROM track_closures c JOIN tracks t ON t.id = c.track_id
		WHERE t.seller_ban = ? AND t.invoice_type = ? AND t.period = ?`, key.seller, key.invoiceType, key.period).Scan(&n); err != nil {
		return it.fail(fmt.Errorf("tracks of %s: %w", key, err))
	}
	if n > 0 {
		return fmt.Errorf("%w: the blank ranges of %s are reported to the platform (E0402); no number of the period can be used any more: date the invoice in the current period", ErrTrackClosed, key)
	}
	return nil
}

// ClosedPeriods returns the periods whose tracks are closed.
func (l *Ledger) ClosedPeriods(ctx context.Context) ([]string, error) {
	return queryList(ctx, l.r, "closed periods", `SELECT DISTINCT period FROM track_closures ORDER BY period`, nil,
		func(rows *sql.Rows, s *string) error { return rows.Scan(s) })
}

// BlankRanges returns the blank ranges reported per track id.
func (l *Ledger) BlankRanges(ctx context.Context) (map[int64]string, error) {
	type row struct {
		id     int64
		ranges string
	}
	rows, err := queryList(ctx, l.r, "blank ranges", `SELECT track_id, blank_ranges FROM track_closures`, nil,
		func(rows *sql.Rows, r *row) error { return rows.Scan(&r.id, &r.ranges) })
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.id] = r.ranges
	}
	return out, nil
}

// BlankDocuments returns the E0402 documents of period, oldest first.
func (l *Ledger) BlankDocuments(ctx context.Context, period string) ([]Document, error) {
	return l.documents(ctx, "E0402 documents of "+period, `WHERE action = 'blank' AND order_id LIKE ? ORDER BY id`,
		"E0402-"+period+"-%")
}

// PendingBlankPeriods returns the periods before period that have tracks
// and are not done: not closed, or with an E0402 document the platform has
// not accepted. Oldest first.
func (l *Ledger) PendingBlankPeriods(ctx context.Context, before string) ([]string, error) {
	return queryList(ctx, l.r, "periods with blank ranges pending", `SELECT DISTINCT t.period FROM tracks t
		WHERE t.period < ?1 AND (
			NOT EXISTS (SELECT 1 FROM track_closures c WHERE c.track_id = t.id)
			OR EXISTS (SELECT 1 FROM documents d WHERE d.action = 'blank' AND d.order_id LIKE 'E0402-' || t.period || '-%'
			           AND d.state <> 'accepted'))
		ORDER BY t.period`, []any{before}, func(rows *sql.Rows, s *string) error { return rows.Scan(s) })
}

// FindBlank returns the E0402 document of a seller's track letters, invoice
// type and period that awaits a verdict (else the latest), or nil.
func (rt *ResultTx) FindBlank(seller, period, letters, invoiceType string) (*Document, error) {
	order := BlankReport{InvoiceType: invoiceType, Period: period, Letters: letters}.OrderID()
	d, err := scanDocument(rt.tx.QueryRowContext(rt.ctx, `SELECT `+docColumns+` FROM documents
		WHERE action = 'blank' AND seller_ban = ? AND order_id = ? AND written_at IS NOT NULL
		ORDER BY state IN ('accepted', 'rejected'), id DESC LIMIT 1`, seller, order))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return d, err
}

// PendingBlanks returns at most n E0402 documents handed to Turnkey and
// awaiting a verdict, oldest first: a SummaryResult counts E0402 messages
// without naming them.
func (rt *ResultTx) PendingBlanks(n int) ([]Document, error) {
	return queryList(rt.ctx, rt.tx, "E0402 awaiting a verdict", `SELECT `+docColumns+` FROM documents
		WHERE action = 'blank' AND state IN ('queued', 'uploaded') AND written_at IS NOT NULL
		ORDER BY state = 'queued', id LIMIT ?`, []any{n}, func(rows *sql.Rows, d *Document) error {
		s, err := scanDocument(rows)
		if err == nil {
			*d = *s
		}
		return err
	})
}
