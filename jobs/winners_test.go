package jobs

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// issueOne records an issued invoice of seller with number in the ledger.
func issueOne(tb testing.TB, l *ledger.Ledger, order, number, date string) {
	tb.Helper()
	_, err := l.Intake(context.Background(), order+".csv", "sha-"+order, 1, func(tx *ledger.IntakeTx) error {
		_, err := tx.Accept(&ledger.Document{Line: 1, SellerBAN: seller, Action: ledger.ActionIssue, OrderID: order,
			MsgType: "F0401", MIGVersion: "4.1", InvoiceType: "07", InvoiceNumber: number, InvoiceDate: date,
			RandomNumber: "1234", BuyerBAN: "0000000000", FileName: "F0401_" + order + ".xml", TargetDir: "/tk", Body: []byte("{}")})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestWinnersJobMatchesTheListToTheLedger(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2026-01-28 09:00"))
	l := tempLedger(t, c)
	if _, _, err := l.ImportTracks(ctx, []ledger.Track{{SellerBAN: seller, InvoiceType: "07", Period: "11412", Letters: "AB",
		Begin: 97023750, End: 97023799}}); err != nil {
		t.Fatal(err)
	}
	issueOne(t, l, "O-1", "AB97023797", "20251208")
	dir, out := filepath.Join(t.TempDir(), "E0504"), t.TempDir()
	reg := prometheus.NewRegistry()
	job := &Winners{Ledger: l, Dir: dir, OutDir: out, Log: slog.New(slog.DiscardHandler)}
	job.Register(reg)
	if key := WinnersKey(c.Now()); key != "11412" {
		t.Fatalf("key on %s: %s, want 11412", c.Now(), key)
	}

	if _, err := job.Run(ctx, "11412"); !errors.Is(err, ErrWaiting) {
		t.Fatalf("before the list: %v, want ErrWaiting", err)
	}
	data, err := os.ReadFile("../mig/testdata/parse/e0504-4.0-award-2-prizes.xml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "20260128", "0900", "1-E0504.xml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	output, err := job.Run(ctx, "11412")
	if err != nil || output != "2 winners of 11412 in winners-11412.csv" {
		t.Fatalf("with the list: %q %v", output, err)
	}
	got, err := os.ReadFile(filepath.Join(out, "winners-11412.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := "invoice_number,order_id,invoice_date,prize,amount,carrier_type,print_required\n" +
		"AB97023797,O-1,20251208,special_10m,10000000,3J0002,N\n" +
		"AC12377231,,,fifth,200,,Y\n" // not ours: reported with no order
	if string(got) != want {
		t.Errorf("winners file:\n%s\nwant:\n%s", got, want)
	}
	if v := testutil.ToFloat64(job.unknown); v != 1 {
		t.Errorf("unknown winners %v, want 1", v)
	}
	if v := testutil.ToFloat64(job.prizes.WithLabelValues(PrizeSpecial)); v != 1 {
		t.Errorf("turnkeyd_job_winners_prizes_total{prize=special_10m} %v, want 1", v)
	}
	docs, err := l.DocumentsByNumber(ctx, seller, "AB97023797")
	if err != nil || len(docs) != 1 {
		t.Fatal(docs, err)
	}
	evs, err := l.Events(ctx, ledger.EventQuery{DocumentID: docs[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Kind != "prize" || !strings.Contains(last.Detail, "won special_10m NT$10000000 in period 11412") {
		t.Errorf("history ends with %+v, want the prize", last)
	}
	// read once: a second run records nothing new
	if _, err := job.Run(ctx, "11412"); err != nil {
		t.Fatal(err)
	}
	if recs, _ := l.Prizes(ctx, "11412"); len(recs) != 2 {
		t.Errorf("%d prizes after a second run, want 2", len(recs))
	}
}

func TestWinnersKey(t *testing.T) {
	for when, want := range map[string]string{
		"2026-01-27 23:00": "11410", "2026-01-28 06:00": "11412", "2026-02-15 06:00": "11412", "2026-03-01 06:00": "11412",
		"2026-03-28 06:00": "11502",
	} {
		if got := WinnersKey(at(t, when)); got != want {
			t.Errorf("%s: %s, want %s", when, got, want)
		}
	}
}
