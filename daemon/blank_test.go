package daemon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/jobs"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
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

	// A document of the closed period is refused with a clear code (the
	// daemon's clock moved on to the blank run's day: no future date).
	h.advance(after.Sub(h.clock()))
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

// TestBlankJobFinishesARunCutShort: a run killed after its transaction
// committed (the period closed, its E0402 recorded) but before it ended is
// finished by the next run, which sends nothing again.
func TestBlankJobFinishesARunCutShort(t *testing.T) {
	ctx := context.Background()
	cfg := initConfig(t, t.TempDir())
	after := time.Date(2027, 1, 5, 2, 0, 0, 0, cfg.Location())
	now := after
	clock := func() time.Time { return now }
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil, ledger.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, _, err := l.ImportTracks(ctx, SandboxTracks(time.Date(2026, 11, 1, 0, 0, 0, 0, cfg.Location()), cfg.Seller.BAN)); err != nil {
		t.Fatal(err)
	}
	sched, err := newScheduler(cfg, l, slog.New(slog.DiscardHandler), nil, jobs.Clock{Now: clock}, calendarDeps{})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := sched.Job("blank")

	// The dead process: its run begun, its transaction committed, nothing after.
	if _, _, err := l.BeginJobRun(ctx, "blank", "11512", after, "dead:1", time.Minute); err != nil {
		t.Fatal(err)
	}
	dead := &blankJob{cfg: cfg, ledger: l, validator: mustValidator(t), version: "4.1", now: clock, log: slog.New(slog.DiscardHandler)}
	if _, err := l.Intake(ctx, "E0402-11512", hashOf("E0402-11512"), 0, func(tx *ledger.IntakeTx) error { return dead.accept(tx, "11512") }); err != nil {
		t.Fatal(err)
	}
	if outcome, _, _ := sched.RunKeyOutput(ctx, job, "11512", time.Time{}); outcome != jobs.OutcomeBusy {
		t.Fatalf("within the dead process's lease: %s, want busy", outcome)
	}
	now = now.Add(2 * time.Minute)
	outcome, output, err := sched.RunKeyOutput(ctx, job, "11512", time.Time{})
	if err != nil || outcome != jobs.OutcomeOK || !strings.Contains(output, "period 11512 closed; 2 E0402") {
		t.Fatalf("the next run: %s %q %v", outcome, output, err)
	}
	if docs := mustBlankDocs(t, l, "11512"); len(docs) != 2 {
		t.Errorf("%d E0402 documents, want the 2 of the first run only", len(docs))
	}
	if in, err := l.FindIntake(ctx, "E0402-11512", hashOf("E0402-11512")); err != nil || in != nil {
		t.Errorf("the cut-short intake is still unfinished: %+v %v", in, err)
	}
	runs, err := l.JobRuns(ctx, "blank", 0)
	if err != nil || len(runs) != 2 || runs[0].Outcome != ledger.JobOK || runs[1].Outcome != ledger.JobAbandoned {
		t.Errorf("runs %+v %v: want the dead one abandoned, then ok", runs, err)
	}
}

func mustValidator(t *testing.T) *mig.Validator {
	t.Helper()
	v, err := mig.DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
