package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// queryPlan returns SQLite's plan of query, its steps joined by "; ".
func queryPlan(tb testing.TB, db *sql.DB, query string, args ...any) string {
	tb.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

// TestGaugeQueryPlans keeps the queries behind the ledger's gauges (read
// at every /metrics scrape) off full scans of documents and numbers, which
// grow without bound: they read the trigger-kept counts and one index.
func TestGaugeQueryPlans(t *testing.T) {
	l := openTest(t)
	for _, tc := range []struct {
		name, query string
		args        []any
		want        []string
	}{
		{"documents by state", countByStateQuery, nil, []string{"document_counts"}},
		{"oldest pending", oldestPendingQuery, []any{1}, []string{"documents_pending_age"}},
		{"track usage", trackUsageQuery, nil, []string{"SEARCH c USING INTEGER PRIMARY KEY"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, l.r, tc.query, tc.args...)
			for _, w := range tc.want {
				if !strings.Contains(plan, w) {
					t.Errorf("plan %q does not use %s", plan, w)
				}
			}
			for _, big := range []string{"SCAN documents", "invoice_numbers", "skipped_numbers"} {
				if strings.Contains(plan, big) {
					t.Errorf("plan %q reads %s", plan, big)
				}
			}
		})
	}
}

// TestGaugeCountsMatchTheRows: the trigger-kept counts equal a count of
// the rows after inserts and state changes.
func TestGaugeCountsMatchTheRows(t *testing.T) {
	l := openTest(t)
	fillLedger(t, l, 500)
	if _, err := l.w.Exec(`UPDATE documents SET state = 'uploaded' WHERE id % 3 = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := l.w.Exec(`UPDATE documents SET state = 'accepted' WHERE id % 5 = 0`); err != nil {
		t.Fatal(err)
	}
	got, err := l.CountByStateAndType(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := l.r.Query(`SELECT state, msg_type, count(*) FROM documents GROUP BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]int{}
	for rows.Next() {
		var s, m string
		var n int
		rows.Scan(&s, &m, &n)
		want[[2]string{s, m}] = n
	}
	rows.Close()
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) < 3 {
		t.Errorf("counts %v, want %v", got, want)
	}
	usage, err := l.TrackUsage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(usage) != 1 || usage[0].Used != 500 || usage[0].Remaining != usage[0].Size()-500 {
		t.Errorf("track usage %+v, want 500 used", usage)
	}
	consumer, business, err := l.OldestPending(context.Background())
	if err != nil || consumer.IsZero() || !business.IsZero() {
		t.Errorf("oldest pending %v %v %v, want a consumer document and no business one", consumer, business, err)
	}
}

// fillLedger adds n accepted consumer issue documents with their numbers
// (track AA of seller1) by direct SQL: a big ledger in seconds, for the
// gauge benchmark.
func fillLedger(tb testing.TB, l *Ledger, n int) {
	tb.Helper()
	mustImport(tb, l, trk(seller1, "07", period, "AA", 0, 99999999))
	now := formatTime(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	stmts := []string{
		`INSERT INTO intake_files (id, name, sha256, size, state, received_at, committed_at) VALUES (1, 'big.csv', 'x', 0, 'done', ?1, ?1)`,
		`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
		INSERT INTO documents (intake_id, line, seller_ban, action, order_id, msg_type, mig_version, invoice_type,
			invoice_number, invoice_date, buyer_ban, state, file_name, target_dir, written_at, body, created_at, updated_at)
		SELECT 1, i, '` + seller1 + `', 'issue', 'SO-' || i, 'F0401', '4.1', '07', printf('AA%08d', i - 1), '20261122',
			'0000000000', 'queued', 'F0401_' || i || '.xml', 'SRC', ?1, x'00', ?1, ?1 FROM seq`,
		`INSERT INTO invoice_numbers (track_id, number, document_id, created_at)
		SELECT (SELECT id FROM tracks WHERE letters = 'AA'), invoice_number, id, ?1 FROM documents WHERE intake_id = 1`,
		`UPDATE tracks SET next_no = ?2 WHERE letters = 'AA'`,
	}
	tx, err := l.w.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.Exec(s, now, n); err != nil {
			tb.Fatalf("%s: %v", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkGauges measures what a /metrics scrape asks of the ledger
// (documents by state and type, track usage, oldest pending) on a ledger
// of TURNKEYD_GAUGE_DOCS documents (default 1,000,000; the goal holds at
// 10,000,000: well under a second per scrape).
func BenchmarkGauges(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("TURNKEYD_GAUGE_DOCS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	l := openAt(b, filepath.Join(b.TempDir(), "ledger.db"))
	start := time.Now()
	fillLedger(b, l, n)
	b.Logf("%d documents written in %s", n, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	for b.Loop() {
		if _, err := l.CountByStateAndType(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := l.TrackUsage(ctx); err != nil {
			b.Fatal(err)
		}
		if _, _, err := l.OldestPending(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// TestOthersMaybeInSRCPlan keeps the handoff's check of one number, one
// file in SRC on indexes: it runs for every batch written.
func TestOthersMaybeInSRCPlan(t *testing.T) {
	l := openTest(t)
	for _, column := range []string{"invoice_number", "allowance_number"} {
		plan := queryPlan(t, l.r, othersQuery(column, "1,2,3"))
		if strings.Contains(plan, "SCAN") {
			t.Errorf("%s: plan %q scans a table", column, plan)
		}
	}
}
