package jobs

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// Reconcile is the reconcile job (the daily deadline check): per seller
// and day, what was issued, handed to Turnkey, accepted, refused, still
// waiting past its legal deadline (48 h for consumers; 7 days for business
// buyers, voids and allowances alike), and what Turnkey's SummaryResults
// confirmed, in spool/out/reconcile-<yyyyMMdd>.csv; every mismatch is named.
type Reconcile struct {
	Ledger     *ledger.Ledger
	OutDir     string
	Now        func() time.Time
	Loc        *time.Location
	Days       int // days back each file covers; 8 when 0 (past the 7-day deadline)
	mismatches prometheus.Gauge
}

// ReconcileHeader is the header of reconcile-<yyyyMMdd>.csv.
var ReconcileHeader = []string{"seller_ban", "day", "documents", "issued", "uploaded", "accepted", "rejected", "pending",
	"overdue", "summary_confirmed", "mismatches"}

// Register adds turnkeyd_job_reconcile_mismatches to reg.
func (r *Reconcile) Register(reg prometheus.Registerer) {
	r.mismatches = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "turnkeyd_job_reconcile_mismatches",
		Help: "Rows of the last reconcile file with a mismatch (overdue documents, refusals, acceptances no SummaryResult confirmed).",
	})
	reg.MustRegister(r.mismatches)
}

// ReconcileKey keys a run by its day (yyyyMMdd).
func ReconcileKey(t time.Time) string { return t.Format("20060102") }

type reconcileRow struct {
	seller, day                                                  string
	docs, issued, uploaded, accepted, rejected, pending, overdue int
	confirmed                                                    int
}

// Run writes the reconcile file of day key (yyyyMMdd).
func (r *Reconcile) Run(ctx context.Context, key string) (string, error) {
	day, err := time.ParseInLocation("20060102", key, r.Loc)
	if err != nil {
		return "", fmt.Errorf("reconcile key %q is not a day yyyyMMdd", key)
	}
	days := r.Days
	if days == 0 {
		days = 8
	}
	facts, err := r.Ledger.DocumentFacts(ctx, day.AddDate(0, 0, -days))
	if err != nil {
		return "", err
	}
	now := r.Now()
	rows := map[[2]string]*reconcileRow{}
	for _, f := range facts {
		d := f.CreatedAt.In(r.Loc).Format("2006-01-02")
		row := rows[[2]string{f.SellerBAN, d}]
		if row == nil {
			row = &reconcileRow{seller: f.SellerBAN, day: d}
			rows[[2]string{f.SellerBAN, d}] = row
		}
		row.docs++
		if f.Action == ledger.ActionIssue {
			row.issued++
		}
		switch f.State {
		case ledger.StateUploaded:
			row.uploaded++
		case ledger.StateAccepted:
			row.accepted++
			if f.BySummary {
				row.confirmed++
			}
		case ledger.StateRejected:
			row.rejected++
		}
		if pending := f.State == ledger.StateQueued || f.State == ledger.StateUploaded || f.State == ledger.StateWaiting; pending {
			row.pending++
			limit := 48 * time.Hour
			if (f.BuyerBAN != "" && f.BuyerBAN != "0000000000") || f.Action != ledger.ActionIssue {
				limit = 7 * 24 * time.Hour
			}
			if now.Sub(f.CreatedAt) > limit {
				row.overdue++
			}
		}
	}
	keys := make([][2]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(ReconcileHeader)
	mismatched := 0
	for _, k := range keys {
		row := rows[k]
		var problems []string
		if row.overdue > 0 {
			problems = append(problems, fmt.Sprintf("%d past the upload deadline", row.overdue))
		}
		if row.rejected > 0 {
			problems = append(problems, fmt.Sprintf("%d refused", row.rejected))
		}
		if row.confirmed < row.accepted {
			problems = append(problems, fmt.Sprintf("%d accepted without a SummaryResult count", row.accepted-row.confirmed))
		}
		if len(problems) > 0 {
			mismatched++
		}
		n := strconv.Itoa
		w.Write([]string{row.seller, row.day, n(row.docs), n(row.issued), n(row.uploaded), n(row.accepted), n(row.rejected),
			n(row.pending), n(row.overdue), n(row.confirmed), strings.Join(problems, "; ")})
	}
	w.Flush()
	name := "reconcile-" + key + ".csv"
	if err := w.Error(); err != nil {
		return "", err
	}
	if err := atomicfile.Write(r.OutDir, name, b.Bytes()); err != nil {
		return "", fmt.Errorf("reconcile file %s: %w", name, err)
	}
	if r.mismatches != nil {
		r.mismatches.Set(float64(mismatched))
	}
	return fmt.Sprintf("%s: %d seller-days, %d with mismatches", name, len(keys), mismatched), nil
}
