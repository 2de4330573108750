package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/daemon"
)

// BenchmarkLedgerAtScale measures the daemon with a ledger of
// TURNKEYD_BENCH_LEDGER_DOCS documents (default 2,000,000) against an empty
// one:
//
//	go test ./cmd/turnkeyd -run '^$' -bench LedgerAtScale -benchtime 1x -timeout 60m
//
// The full ledger is a real one (a pilot run of the daemon on 500
// documents) aged with direct SQL (agedLedger): documents accepted long
// ago, each with its used number, outcome and events, in intake files of
// 500. Then, on the same binary:
//
//	docs/s, empty-docs/s  the end-to-end run of BenchmarkEndToEnd
//	                      (TURNKEYD_BENCH_DOCS documents, default 10,000)
//	                      on the full ledger and on an empty one; intake-%
//	                      is the first as a share of the second (goal ≥ 90)
//	ready-ms              start of the daemon to /readyz answering 200
//	term-ready-ms         the same after a SIGTERM (goal < 5 s)
//	kill-ready-ms         the same after a SIGKILL of an idle daemon
//	scrape-ms             GET /metrics, the slowest of 5 (goal < 1 s)
//	show-ms               `turnkeyd invoice show` of an aged invoice, the
//	                      slowest of 3, process start included (goal < 50 ms)
//	show-inproc-ms        the same in the benchmark's process (daemon.ShowInvoice)
//	bytes/doc             ledger.db and its WAL over the documents in it
func BenchmarkLedgerAtScale(b *testing.B) {
	aged := envInt(b, "TURNKEYD_BENCH_LEDGER_DOCS", 2000000)
	n := envInt(b, "TURNKEYD_BENCH_DOCS", 10000)
	bin := buildDaemon(b, false)
	for b.Loop() {
		b.StopTimer()
		empty := runEndToEnd(b, newSite(b, bin, benchTracks, "0s"), benchFiles(n), false)

		s := newSite(b, bin, benchTracks, "0s")
		addr := s.listen(b)
		runEndToEnd(b, s, benchFilesNamed("TP", 500), false) // the templates
		// As if Turnkey had taken them (agedLedger accepts them):
		for _, dir := range s.srcDirs(b) {
			files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
			for _, f := range files {
				if err := os.Remove(f); err != nil {
					b.Fatal(err)
				}
			}
		}
		start := time.Now()
		number := agedLedger(b, s.ledger, aged)
		b.Logf("aged the ledger to %d documents in %s", aged, time.Since(start).Round(time.Second))

		b.StartTimer()
		full := runEndToEnd(b, s, benchFiles(n), false)
		b.StopTimer()
		total := aged + 500 + n

		p, ready := s.startReady(b, addr)
		var scrape time.Duration
		for range 5 {
			scrape = max(scrape, timeGet(b, "http://"+addr+"/metrics"))
		}
		var show, showIn time.Duration
		for range 3 {
			show = max(show, timeCmd(b, s.dir, bin, "invoice", "show", "-config", s.config, number))
			showIn = max(showIn, showInProcess(b, s.config, number))
		}
		p.stop(b, syscall.SIGTERM, 60*time.Second)
		p, termReady := s.startReady(b, addr)
		p.kill(b)
		p, killReady := s.startReady(b, addr)
		p.stop(b, syscall.SIGTERM, 60*time.Second)
		size := fileSize(s.ledger) + fileSize(s.ledger+"-wal")

		b.ReportMetric(full.docsPerSec, "docs/s")
		b.ReportMetric(empty.docsPerSec, "empty-docs/s")
		b.ReportMetric(100*full.docsPerSec/empty.docsPerSec, "intake-%")
		b.ReportMetric(float64(ready.Milliseconds()), "ready-ms")
		b.ReportMetric(float64(termReady.Milliseconds()), "term-ready-ms")
		b.ReportMetric(float64(killReady.Milliseconds()), "kill-ready-ms")
		b.ReportMetric(float64(scrape.Microseconds())/1000, "scrape-ms")
		b.ReportMetric(float64(show.Microseconds())/1000, "show-ms")
		b.ReportMetric(float64(showIn.Microseconds())/1000, "show-inproc-ms")
		b.ReportMetric(float64(size)/float64(total), "bytes/doc")
		printTable(fmt.Sprintf("BenchmarkLedgerAtScale: a ledger of %d documents (%.0f MB, %.0f bytes per document; load average %s)", total, float64(size)/1e6,
			float64(size)/float64(total), loadAverage()), scaleTable([][3]string{
			{"intake, docs/s", fmt.Sprintf("%.0f (empty ledger: %.0f)", full.docsPerSec, empty.docsPerSec), fmt.Sprintf("%.0f %% of empty (goal ≥ 90 %%)", 100*full.docsPerSec/empty.docsPerSec)},
			{"start to /readyz", ready.Round(time.Millisecond).String(), ""},
			{"SIGTERM, start to /readyz", termReady.Round(time.Millisecond).String(), fmt.Sprintf("%.2f of the goal (5 s)", termReady.Seconds()/5)},
			{"SIGKILL, start to /readyz", killReady.Round(time.Millisecond).String(), "no unwritten documents"},
			{"GET /metrics, slowest of 5", scrape.Round(time.Millisecond).String(), fmt.Sprintf("%.2f of the goal (1 s)", scrape.Seconds())},
			{"invoice show, slowest of 3", show.Round(time.Millisecond).String(), fmt.Sprintf("%.2f of the goal (50 ms)", show.Seconds()/0.05)},
			{"  the same in-process", showIn.Round(time.Millisecond).String(), fmt.Sprintf("%.2f of the goal (50 ms)", showIn.Seconds()/0.05)},
		}))
		b.StartTimer()
	}
}

// showInProcess times daemon.ShowInvoice, what `turnkeyd invoice show`
// runs, without the process start.
func showInProcess(b *testing.B, config, number string) time.Duration {
	b.Helper()
	cfg, err := daemon.LoadConfig(config)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := daemon.ShowInvoice(context.Background(), cfg, number, io.Discard); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// scaleTable lays rows of three columns out as a table.
func scaleTable(rows [][3]string) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-28s %-28s %s\n", r[0], r[1], r[2])
	}
	return b.String()
}

// listen turns the site's HTTP on, on a free local port, and returns the
// address.
func (s *site) listen(b *testing.B) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg, err := os.ReadFile(s.config)
	if err != nil {
		b.Fatal(err)
	}
	if !strings.Contains(string(cfg), `listen: ""`) {
		b.Fatalf("the site's configuration has no %q", `listen: ""`)
	}
	cfg = []byte(strings.Replace(string(cfg), `listen: ""`, `listen: "`+addr+`"`, 1))
	if err := os.WriteFile(s.config, cfg, 0o644); err != nil {
		b.Fatal(err)
	}
	return addr
}

// startReady starts the daemon and returns it and the time until /readyz
// answered 200.
func (s *site) startReady(b *testing.B, addr string) (*proc, time.Duration) {
	b.Helper()
	start := time.Now()
	p := s.start(b)
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := start.Add(5 * time.Minute)
	for {
		resp, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, time.Since(start)
			}
		}
		if p.exited() {
			b.Fatalf("the daemon ended (%v):\n%s", p.err, p.tail())
		}
		if time.Now().After(deadline) {
			b.Fatalf("not ready after 5 minutes:\n%s", p.tail())
		}
		time.Sleep(5 * time.Millisecond) // polling, bounded by the deadline
	}
}

// timeGet fetches url, which must answer 200, and returns how long it took
// to the last byte.
func timeGet(b *testing.B, url string) time.Duration {
	b.Helper()
	start := time.Now()
	resp, err := (&http.Client{Timeout: time.Minute}).Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %s", url, resp.Status)
	}
	return time.Since(start)
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// agedLedger adds n documents to the ledger at path as if accepted in an
// earlier period, copying the bodies, folders and times of the documents
// already there (a real run of the daemon), and returns the number of an
// aged invoice in the middle. Benchmarks only: it writes rows directly, as
// the daemon never would. Each document gets what the daemon gives an
// accepted one: its row, its used number in a track of the earlier period
// (the letters ZZ), its outcome and intake event (the documents_accepted
// trigger) and an event for its acceptance, in intake files of 500; the
// ERP status files are taken as written up to the last event. The
// documents already there are accepted too (their XML files are for the
// caller to remove from SRC).
func agedLedger(b *testing.B, path string, n int) string {
	b.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		b.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("age the ledger: %v\n%s", err, q)
		}
	}
	var templates int
	var seller, imported string
	if err := db.QueryRowContext(ctx, `SELECT count(*), min(seller_ban), min(created_at) FROM documents`).Scan(&templates, &seller, &imported); err != nil || templates == 0 {
		b.Fatalf("no documents to age from (%d): %v", templates, err)
	}
	exec(`UPDATE documents SET state = 'accepted'`)
	exec(`INSERT INTO tracks (seller_ban, invoice_type, period, letters, begin_no, end_no, next_no, source, imported_at)
		VALUES (?, '07', '11008', 'ZZ', 0, 99999999, ?, 'benchmark', ?)`, seller, n, imported)
	var track int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM tracks WHERE letters = 'ZZ'`).Scan(&track); err != nil {
		b.Fatal(err)
	}
	const perFile = 500
	const chunk = 100000 // documents per transaction
	for base := 0; base < n; base += chunk {
		count := min(chunk, n-base)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		txExec := func(q string, args ...any) {
			b.Helper()
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				b.Fatalf("age the ledger: %v\n%s", err, q)
			}
		}
		txExec(`WITH RECURSIVE f(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM f WHERE k + 1 < ?)
			INSERT INTO intake_files (name, sha256, size, state, received_at, committed_at, answered_at, done_at)
			SELECT printf('aged-%07d.csv', (? + k * ?) / ?), printf('%064d', (? + k * ?) / ?), 100000, 'done', ?, ?, ?, ? FROM f`,
			(count+perFile-1)/perFile, base, perFile, perFile, base, perFile, perFile, imported, imported, imported, imported)
		var firstFile int64
		if err := tx.QueryRowContext(ctx, `SELECT max(id) - ? + 1 FROM intake_files`, (count+perFile-1)/perFile).Scan(&firstFile); err != nil {
			b.Fatal(err)
		}
		txExec(`WITH RECURSIVE seq(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM seq WHERE k + 1 < ?)
			INSERT INTO documents (intake_id, line, seller_ban, action, order_id, msg_type, mig_version, invoice_type,
				invoice_number, invoice_date, random_number, buyer_ban, state, file_name, target_dir, written_at, body,
				xml_sha256, created_at, updated_at)
			SELECT ? + k / ?, k % ? + 2, t.seller_ban, t.action, printf('AGED-%08d', ? + k), t.msg_type, t.mig_version,
				t.invoice_type, printf('ZZ%08d', ? + k), '20210801', t.random_number, t.buyer_ban, 'accepted',
				printf('%s_ZZ%08d.xml', t.msg_type, ? + k), t.target_dir, t.written_at, t.body, t.xml_sha256,
				t.created_at, t.updated_at
			FROM seq JOIN documents t ON t.id = 1 + (? + k) % ?`,
			count, firstFile, perFile, perFile, base, base, base, base, templates)
		txExec(`INSERT INTO invoice_numbers (track_id, number, document_id, created_at)
			SELECT ?, invoice_number, id, created_at FROM documents WHERE id > (SELECT max(id) - ? FROM documents)`, track, count)
		txExec(`INSERT INTO events (at, document_id, kind, from_state, to_state, cause, code, detail)
			SELECT created_at, id, 'document', 'queued', 'accepted', 'result', 'C0', 'ProcessResult' FROM documents
			WHERE id > (SELECT max(id) - ? FROM documents)`, count)
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	var docs, numbers int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM invoice_numbers WHERE track_id = ?)`, track).Scan(&docs, &numbers); err != nil {
		b.Fatal(err)
	}
	if docs != templates+n || numbers != n {
		b.Fatalf("the aged ledger holds %d documents and %d aged numbers, want %d and %d", docs, numbers, templates+n, n)
	}
	exec(`UPDATE status_cursor SET event_id = (SELECT max(id) FROM events)`)
	exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return fmt.Sprintf("ZZ%08d", n/2)
}
