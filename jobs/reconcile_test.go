package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/turnkeyd/turnkeyd/ledger"
)

func TestReconcileFileNamesEveryMismatch(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2026-12-01 10:00"))
	l := tempLedger(t, c)
	if _, _, err := l.ImportTracks(ctx, []ledger.Track{{SellerBAN: seller, InvoiceType: "07", Period: "11512", Letters: "AB",
		Begin: 0, End: 49}}); err != nil {
		t.Fatal(err)
	}
	issueOne(t, l, "O-1", "AB00000000", "20261201")
	issueOne(t, l, "O-2", "AB00000001", "20261201")
	issueOne(t, l, "O-3", "AB00000002", "20261201")
	docs, err := l.DocumentsByNumber(ctx, seller, "AB00000000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Apply(ctx, ledger.ResultFile{}, func(rt *ledger.ResultTx) error {
		return rt.Transition(docs[0].ID, ledger.StateAccepted, "summary-result", "", "", "")
	}); err != nil {
		t.Fatal(err)
	}
	docs, _ = l.DocumentsByNumber(ctx, seller, "AB00000001")
	if _, err := l.Apply(ctx, ledger.ResultFile{}, func(rt *ledger.ResultTx) error {
		return rt.Transition(docs[0].ID, ledger.StateRejected, "process-result", "E1003", "重覆", "")
	}); err != nil {
		t.Fatal(err)
	}
	c.Set(at(t, "2026-12-04 03:30")) // O-3 has waited past 48 h
	out := t.TempDir()
	reg := prometheus.NewRegistry()
	job := &Reconcile{Ledger: l, OutDir: out, Now: c.Now, Loc: taipei}
	job.Register(reg)
	output, err := job.Run(ctx, ReconcileKey(c.Now()))
	if err != nil || output != "reconcile-20261204.csv: 1 seller-days, 1 with mismatches" {
		t.Fatalf("run: %q %v", output, err)
	}
	got, err := os.ReadFile(filepath.Join(out, "reconcile-20261204.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(ReconcileHeader, ",") + "\n" +
		seller + ",2026-12-01,3,3,0,1,1,1,1,1,1 past the upload deadline; 1 refused\n"
	if string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if v := testutil.ToFloat64(job.mismatches); v != 1 {
		t.Errorf("mismatch gauge %v", v)
	}
}
