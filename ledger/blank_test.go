package ledger

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestClosePeriodReportsUnusedAndRefusesLaterNumbers(t *testing.T) {
	ctx := context.Background()
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49), trk(seller1, "07", period, "AB", 100, 149),
		trk(seller1, "08", period, "CD", 50, 99), trk(seller2, "07", period, "EF", 0, 49))
	got := assign(t, l, 3) // AB00000000..02
	if err := l.SkipNumber(ctx, usage(t, l)[0].ID, "AB00000003", "torn roll"); err != nil {
		t.Fatal(err)
	}
	reports, err := l.BlankReports(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range reports {
		texts = append(texts, r.SellerBAN+" "+r.InvoiceType+" "+r.Letters+": "+r.RangesText())
		if r.Allocated-r.Unused() != map[string]int{"AB": 3}[r.Letters] {
			t.Errorf("%s: %d allocated, %d unused; want the used ones to make up the rest", r.Letters, r.Allocated, r.Unused())
		}
	}
	want := []string{
		seller1 + " 07 AB: AB00000003-AB00000049 AB00000100-AB00000149", // the skipped number is blank too
		seller1 + " 08 CD: CD00000050-CD00000099",
		seller2 + " 07 EF: EF00000000-EF00000049",
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Fatalf("reports:\n%s\nwant:\n%s (used %v)", strings.Join(texts, "\n"), strings.Join(want, "\n"), got)
	}

	intake(t, l, func(tx *IntakeTx) error {
		rs, err := tx.ClosePeriod(period)
		if err != nil || len(rs) != 3 {
			t.Fatalf("close: %d reports, %v", len(rs), err)
		}
		return nil
	})
	intake(t, l, func(tx *IntakeTx) error {
		if _, err := tx.ClosePeriod(period); !errors.Is(err, ErrPeriodClosed) {
			t.Errorf("closing again: %v, want ErrPeriodClosed", err)
		}
		if _, _, err := tx.NextNumber(seller1, "07", period); !errors.Is(err, ErrTrackClosed) {
			t.Errorf("a number after the close: %v, want ErrTrackClosed", err)
		}
		if _, err := tx.Accept(issue(1, "late", "AB00000004")); !errors.Is(err, ErrTrackClosed) {
			t.Errorf("a given number after the close: %v, want ErrTrackClosed", err)
		}
		return nil
	})
	// the schema refuses it too
	if _, err := l.w.ExecContext(ctx, `INSERT INTO invoice_numbers (track_id, number, created_at) VALUES (?, 'AB00000004', 'x')`,
		usage(t, l)[0].ID); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("insert of a closed track's number: %v", err)
	}
	ranges, err := l.BlankRanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := usage(t, l)
	if ranges[u[0].ID] != "AB00000003-AB00000049" || ranges[u[1].ID] != "AB00000100-AB00000149" {
		t.Errorf("blank ranges per track: %v", ranges)
	}
	if ps, err := l.ClosedPeriods(ctx); err != nil || len(ps) != 1 || ps[0] != period {
		t.Errorf("closed periods %v %v", ps, err)
	}
	mustVerify(t, l)
}
