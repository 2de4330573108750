package daemon

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// testNow is the clock of the daemon tests: 2026-11-22 10:30 in Taipei,
// period 11512.
var testNow = time.Date(2026, 11, 22, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))

// harness is a daemon running in-process on temporary folders.
type harness struct {
	t      testing.TB
	dir    string
	cfg    *Config
	rescan chan time.Time
	poll   chan time.Time
	addr   string
	cancel context.CancelFunc
	done   chan error
	logs   *bytes.Buffer
	skew   atomic.Int64  // how far the daemon's clock is ahead of testNow
	logw   *lockedWriter // the writer of logs, for reading them while the daemon runs
}

// clock is the daemon's clock: testNow, moved on by advance.
func (h *harness) clock() time.Time { return testNow.Add(time.Duration(h.skew.Load())) }

// advance moves the daemon's clock on by d.
func (h *harness) advance(d time.Duration) { h.skew.Add(int64(d)) }

// initConfig runs turnkeyd init for the sandbox seller in dir and loads
// the configuration it wrote.
func initConfig(t testing.TB, dir string) *Config {
	t.Helper()
	path, err := Init(InitOptions{Dir: dir, Seller: SandboxSeller})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startDaemon initialises a configuration in a temp folder, imports the
// sandbox tracks of testNow, and runs the daemon until the test ends.
func startDaemon(t testing.TB, edit func(*Config)) *harness {
	t.Helper()
	dir := t.TempDir()
	cfg := initConfig(t, dir)
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Archive.Listen = "127.0.0.1:0"
	cfg.Spool.Settle = 0
	if edit != nil {
		edit(cfg)
	}
	ctx := context.Background()
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.ImportTracks(ctx, SandboxTracks(testNow, cfg.Seller.BAN)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	h := &harness{t: t, dir: dir, cfg: cfg, rescan: make(chan time.Time), poll: make(chan time.Time), done: make(chan error, 1), logs: new(bytes.Buffer)}
	if err := h.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.stop)
	return h
}

// start runs the daemon on the harness's configuration (again, after stop).
func (h *harness) start() error {
	listening := make(chan string, 1)
	h.logw = &lockedWriter{w: h.logs}
	log := slog.New(slog.NewTextHandler(h.logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := New(context.Background(), h.cfg, Options{Log: log, Now: h.clock, Rescan: h.rescan, Poll: h.poll, Listening: listening})
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- d.Run(runCtx) }()
	h.addr = <-listening
	return nil
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("daemon: %v", err)
		}
	case <-time.After(30 * time.Second):
		h.t.Error("daemon did not stop within 30s")
	}
	if h.t.Failed() {
		h.t.Logf("daemon log:\n%s", h.logs.String())
	}
}

// drop hands a file to the spool the way an ERP should: a temporary name,
// then a rename.
func (h *harness) drop(name string, data []byte) {
	h.t.Helper()
	in := filepath.Join(h.cfg.Path(h.cfg.Spool.Dir), "in")
	if err := os.WriteFile(filepath.Join(in, name+".tmp"), data, 0o644); err != nil {
		h.t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(in, name+".tmp"), filepath.Join(in, name)); err != nil {
		h.t.Fatal(err)
	}
}

// await steps the rescan until cond holds, failing after a deadline.
func (h *harness) await(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case h.rescan <- time.Now():
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// readResults runs one full cycle of reading Turnkey's results after
// everything done before the call: the second send returns only once the
// cycle the first one started is over.
func (h *harness) readResults() {
	h.t.Helper()
	for range 2 {
		select {
		case h.poll <- time.Now():
		case <-time.After(20 * time.Second):
			h.t.Fatal("the results component does not poll")
		}
	}
}

func (h *harness) spoolPath(sub, name string) string {
	return filepath.Join(h.cfg.Path(h.cfg.Spool.Dir), sub, name)
}

// result waits for out/NAME.result.csv and returns its rows by order_id.
func (h *harness) result(name string) map[string][]string {
	h.t.Helper()
	path := h.spoolPath("out", name+".result.csv")
	h.await("result of "+name, func() bool { _, err := os.Stat(path); return err == nil })
	data, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range rows[1:] {
		out[r[1]] = r
	}
	return out
}

// failed waits for failed/NAME.error.txt and returns it.
func (h *harness) failed(name string) string {
	h.t.Helper()
	path := h.spoolPath("failed", name+".error.txt")
	h.await("error file of "+name, func() bool { _, err := os.Stat(path); return err == nil })
	data, _ := os.ReadFile(path)
	return string(data)
}

// srcFiles returns every XML file in Turnkey's upload folders.
func (h *harness) srcFiles() []string {
	files, _ := filepath.Glob(filepath.Join(h.cfg.Path(h.cfg.Turnkey.Dir), "UpCast", "*", "*", "SRC", "*.xml"))
	return files
}

const goodRows = "ok-1,,,咖啡,2,65,\nok-2,04595257,大同股份有限公司,顧問服務,1,1050,\n"

// TestMalformedInputGetsClearOutcomes drops the kinds of bad input the
// issue lists; each gets its clear outcome while good documents in the same
// file still go through.
func TestMalformedInputGetsClearOutcomes(t *testing.T) {
	h := startDaemon(t, nil)
	header := "order_id,buyer_ban,buyer_name,item_description,item_quantity,item_unit_price,amount_total\n"

	// Row-level problems: the rest of the file goes through.
	h.drop("rows.csv", []byte(header+goodRows+
		"bad-ban,12345678,某公司,品項,1,100,\n"+
		"bad-total,,,品項,1,100,99\n"+
		"bad-text,,,\xff\xfe壞,1,100,\n"))
	rows := h.result("rows.csv")
	for _, id := range []string{"ok-1", "ok-2"} {
		if rows[id][3] != "accepted" || !strings.HasPrefix(rows[id][4], "TK") {
			t.Errorf("%s: %v, want accepted with a TK number", id, rows[id])
		}
	}
	for id, want := range map[string]string{
		"bad-ban":   "BAN_CHECKSUM buyer_ban (line 4) 12345678",
		"bad-total": "CSV_TOTAL_MISMATCH amount_total (line 5)",
		"bad-text":  "CSV_ENCODING",
	} {
		if rows[id][3] != "rejected" || !strings.Contains(rows[id][7], want) {
			t.Errorf("%s: %v, want rejected with %q", id, rows[id], want)
		}
	}

	// A date in a period without tracks (an ended one): rejected, saying what to import.
	h.drop("notrack.csv", []byte("order_id,invoice_date,item_description,item_quantity,item_unit_price\nlate,2026-08-03,品項,1,100\n"))
	if r := h.result("notrack.csv")["late"]; r[3] != "rejected" || !strings.Contains(r[7], "NO_TRACK") || !strings.Contains(r[7], "E0501") {
		t.Errorf("unknown track: %v", r)
	}

	// The same orders again: duplicates repeat the original numbers.
	h.drop("again.csv", []byte(header+goodRows))
	again := h.result("again.csv")
	for _, id := range []string{"ok-1", "ok-2"} {
		if again[id][3] != "duplicate" || again[id][4] != rows[id][4] || again[id][6] != rows[id][6] {
			t.Errorf("%s again: %v, want duplicate of %v", id, again[id], rows[id])
		}
	}

	// File-level problems: the file goes to failed/ with what and where.
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(header + goodRows))
	for name, tt := range map[string]struct {
		data string
		want []string
	}{
		"utf16.csv":   {string(utf16), []string{"UTF-16"}},
		"noorder.csv": {"buyer_ban,item_description\n,品項\n", []string{"order_id"}},
		"typo.csv":    {"order_id,item_descripton\nx,品項\n", []string{"item_descripton", "item_description"}},
		"quotes.csv":  {"order_id,item_description\nx,\"unterminated\n", []string{"quotes.csv:2:"}},
	} {
		h.drop(name, []byte(tt.data))
		text := h.failed(name)
		h.await(name+" in failed/", func() bool { _, err := os.Stat(h.spoolPath("failed", name)); return err == nil })
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s error file lacks %q:\n%s", name, w, text)
			}
		}
	}

	h.await("empty work/ and in/", func() bool {
		w, _ := os.ReadDir(h.spoolPath("work", ""))
		i, _ := os.ReadDir(h.spoolPath("in", ""))
		return len(w) == 0 && len(i) == 0
	})
	files := h.srcFiles()
	if len(files) != 2 {
		t.Fatalf("SRC holds %d files, want the 2 accepted invoices: %v", len(files), files)
	}
	checkXML(t, files)
}

// checkXML validates files with turnkeyd's validator and, where it is
// installed, the official schemas.
func checkXML(t *testing.T, files []string) {
	t.Helper()
	v, err := mig.DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if _, violations, err := v.Check(data); err != nil || len(violations) > 0 {
			t.Errorf("%s: %v %v", f, err, violations)
		}
	}
	oracle := "../../shared/bin/mig-oracle"
	if _, err := os.Stat(oracle); err != nil {
		if os.Getenv("TURNKEYD_CI") != "" {
			t.Fatalf("mig-oracle is required in CI: %v", err)
		}
		t.Logf("skipping the official-schema check: %v", err)
		return
	}
	if out, err := exec.Command(oracle, files...).CombinedOutput(); err != nil {
		t.Errorf("mig-oracle: %v\n%s", err, out)
	}
}

func TestSettleWaitsForAFileStillBeingCopied(t *testing.T) {
	h := startDaemon(t, func(c *Config) { c.Spool.Settle = 300 * time.Millisecond })
	// cp writes the final name directly: the daemon must not take it while
	// it is still changing.
	path := h.spoolPath("in", "copied.csv")
	if err := os.WriteFile(path, []byte("order_id,item_description,item_quantity,item_unit_price\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.rescan <- time.Now()
	h.rescan <- time.Now() // the second send returns once the first scan is done
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("a file modified just now was claimed: %v", err)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("c-1,品項,1,100\nc-2,品項,1,200\n")
	f.Close()
	rows := h.result("copied.csv")
	if len(rows) != 2 || rows["c-2"][3] != "accepted" {
		t.Errorf("rows %v, want both documents of the finished copy", rows)
	}
}

func TestHTTPEndpoints(t *testing.T) {
	h := startDaemon(t, nil)
	// A track of an ended period: its leftover numbers cannot be issued.
	l, err := ledger.Open(context.Background(), h.cfg.Path(h.cfg.Ledger.Path), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = l.ImportTracks(context.Background(), []ledger.Track{{SellerBAN: SandboxSeller.BAN, InvoiceType: "07", Period: "11510", Letters: "TP", Begin: 0, End: 49}})
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	h.drop("m.csv", []byte("order_id,buyer_ban,buyer_name,item_description,item_quantity,item_unit_price,amount_total\n"+goodRows+"bad,12345678,x,y,1,1,\n"))
	h.result("m.csv")
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + h.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	h.await("ready", func() bool { code, _ := get("/readyz"); return code == 200 })
	wants := []string{
		`turnkeyd_spool_files_total{result="done"} 1`,
		`turnkeyd_spool_documents_total{status="accepted"} 2`,
		`turnkeyd_spool_documents_total{status="rejected"} 1`,
		`turnkeyd_spool_backlog_files 0`,
		`turnkeyd_ledger_documents{message="F0401",state="queued"} 2`,
		`turnkeyd_ledger_oldest_pending_age_seconds{deadline="48h"} 0`,
		`turnkeyd_ledger_track_numbers_remaining{invoice_type="07",period="11512",seller="04595252"} 4998`,
		`turnkeyd_ledger_track_numbers_remaining{invoice_type="07",period="11602",seller="04595252"} 5000`,
		`turnkeyd_turnkey_files_written_total{transport="local"} 2`,
		`turnkeyd_ledger_up 1`,
	}
	// The counters are updated as the file is answered, the gauges read at
	// scrape time: wait until every line is there (or the deadline), then
	// name what is missing with what the spool's metrics said.
	var metrics string
	var missing []string
	for deadline := time.Now().Add(20 * time.Second); ; {
		_, metrics = get("/metrics")
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(metrics, want+"\n") {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		select {
		case h.rescan <- time.Now():
		case <-time.After(10 * time.Millisecond):
		}
	}
	for _, want := range missing {
		t.Errorf("/metrics lacks %s", want)
	}
	if len(missing) > 0 {
		t.Logf("the spool's and the ledger's metrics:\n%s", grepLines(metrics, "turnkeyd_spool_"))
	}
	if strings.Contains(metrics, `period="11510"`) {
		t.Errorf("/metrics counts the numbers of the ended period 11510 as remaining")
	}
	promtool := lookTool(t, "promtool", "prometheus")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(metrics)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// lockedWriter serialises writes to a buffer shared by log calls.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
