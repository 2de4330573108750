package daemon

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/jobs"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// TestBlankJobReportsClosesAndFollowsVerdicts: after the period, the
// unused numbers of each track go to Turnkey as E0402 (valid under the
// official schemas), the platform's verdicts reach them, the tracks are
// closed for later documents, and a second run sends nothing again.
func TestBlankJobReportsClosesAndFollowsVerdicts(t *testing.T) {
	ctx := context.Background()
	h := startDaemon(t, nil)
	s := h.newSim(sim.Options{})
	h.drop("a.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nA1,咖啡,1,65\nA2,茶,1,40\n"))
	h.result("a.csv")

	l, err := ledger.Open(ctx, h.cfg.Path(h.cfg.Ledger.Path), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	after := time.Date(2027, 1, 5, 2, 0, 0, 0, h.cfg.Location()) // the blank job's default tick after 11512
	sched, err := newScheduler(h.cfg, l, slog.New(slog.DiscardHandler), nil, jobs.Clock{Now: func() time.Time { return after }}, calendarDeps{})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := sched.Job("blank")
	if key := job.KeyOf(after); key != "11512" {
		t.Fatalf("the tick after the period reports %s, want 11512", key)
	}
	outcome, output, err := sched.RunKeyOutput(ctx, job, "11512", time.Time{})
	if err != nil || outcome != jobs.OutcomeOK {
		t.Fatalf("blank run: %s %q %v", outcome, output, err)
	}
	docs, err := l.BlankDocuments(ctx, "11512")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].SellerBAN != h.cfg.Seller.BAN || docs[1].SellerBAN != SandboxUnregistered.BAN {
		t.Fatalf("E0402 documents %+v, want one per seller's track", docs)
	}

	h.readResults() // the daemon hands them to Turnkey
	step(t, s)      // picked up; the unregistered seller's is refused
	h.readResults()
	want := map[string]string{h.cfg.Seller.BAN: ledger.StateAccepted, SandboxUnregistered.BAN: ledger.StateRejected}
	var files []string
	for _, d := range mustBlankDocs(t, l, "11512") {
		if d.State != want[d.SellerBAN] {
			t.Errorf("E0402 of %s is %s (%s), want %s", d.SellerBAN, d.State, d.ResultCode, want[d.SellerBAN])
		}
		files = append(files, filepath.Join(filepath.Dir(d.TargetDir), "BAK", "*", "*", d.FileName))
	}
	var matches []string
	for _, f := range files {
		m, _ := filepath.Glob(f)
		matches = append(matches, m...)
	}
	if len(matches) != 2 {
		t.Errorf("E0402 files Turnkey took: %v, want 2 (%v)", matches, files)
	}
	checkXML(t, matches)

	// A document of the closed period is refused with a clear code.
	h.drop("late.csv", []byte("order_id,invoice_date,item_description,item_quantity,item_unit_price\nL1,2026-11-30,品項,1,100\n"))
	if r := h.result("late.csv")["L1"]; r[3] != "rejected" || !strings.Contains(r[7], "TRACK_CLOSED") {
		t.Errorf("a document of the closed period: %v, want rejected with TRACK_CLOSED", r)
	}
	// Run again, by schedule or by hand: the key is done, nothing is sent.
	if outcome, _, err := sched.RunKeyOutput(ctx, job, "11512", time.Time{}); outcome != jobs.OutcomeSkipped || err != nil {
		t.Errorf("second run: %s %v, want skipped", outcome, err)
	}
	if again := mustBlankDocs(t, l, "11512"); len(again) != 2 {
		t.Errorf("%d E0402 after a second run, want 2", len(again))
	}
	var out bytes.Buffer
	if err := ListTracks(ctx, h.cfg, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "(closed; reported blank: TK00000002-TK00004999)") {
		t.Errorf("tracks list does not show the blank range:\n%s", out.String())
	}
	if err := PlanBlank(ctx, h.cfg, "11602", &out); err == nil || !strings.Contains(err.Error(), "ends at 2027-03-01") {
		t.Errorf("a period not over: %v", err)
	}
}

func mustBlankDocs(t *testing.T, l *ledger.Ledger, period string) []ledger.Document {
	t.Helper()
	docs, err := l.BlankDocuments(context.Background(), period)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}
