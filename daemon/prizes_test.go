package daemon

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/ledger"
)

func TestPrizesPeriodComparesWithTheWinnerList(t *testing.T) {
	ctx := context.Background()
	cfg := initConfig(t, t.TempDir())
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	seller := cfg.Seller.BAN
	if _, _, err := l.ImportTracks(ctx, []ledger.Track{{SellerBAN: seller, InvoiceType: "07", Period: "11412", Letters: "AB",
		Begin: 97023750, End: 97023799}}); err != nil {
		t.Fatal(err)
	}
	_, err = l.Intake(ctx, "p.csv", "sha-p", 1, func(tx *ledger.IntakeTx) error {
		for i, inv := range []struct{ number, buyer string }{
			{"AB97023797", "0000000000"}, {"AB97023798", "04595252"}, {"AB97023799", "0000000000"}, {"AB97023750", "0000000000"},
		} {
			if _, err := tx.Accept(&ledger.Document{Line: i + 1, SellerBAN: seller, Action: ledger.ActionIssue, OrderID: inv.number,
				MsgType: "F0401", MIGVersion: "4.1", InvoiceType: "07", InvoiceNumber: inv.number, InvoiceDate: "20251215",
				RandomNumber: "1234", BuyerBAN: inv.buyer, FileName: inv.number + ".xml", TargetDir: "/tk", Body: []byte("{}")}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	numbers := filepath.Join(t.TempDir(), "11412.json")
	if err := os.WriteFile(numbers, []byte(`{"code":"200","invoYm":"11412","superPrizeNo":"97023797","spcPrizeNo":"",
		"firstPrizeNo1":"11123798","firstPrizeNo2":"00023799","sixthPrizeNo1":""}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := PrizesPeriod(ctx, cfg, numbers, "11412", &out); err != nil {
		t.Fatalf("without a winner list: %v\n%s", err, out.String())
	}
	want := "AB97023750 none 0\n" +
		"AB97023797 special_10m 10000000\n" +
		"AB97023798 fourth 4000  (buyer BAN 04595252: a business or government buyer cannot claim)\n" +
		"AB97023799 third 10000\n" +
		"no winner list (E0504) of 11412 in the ledger yet: nothing to compare\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}

	if _, err := l.RecordWinners(ctx, ledger.ResultFile{Kind: "e0504", Path: "/x/E0504.xml", SHA256: "s", Size: 1}, []ledger.Winner{
		{Period: "11412", InvoiceNumber: "AB97023797", Prize: "special_10m", PrizeType: "1", Amount: 10_000_000},
		{Period: "11412", InvoiceNumber: "AB97023799", Prize: "fifth", PrizeType: "7", Amount: 1_000},
		{Period: "11412", InvoiceNumber: "ZZ00000001", Prize: "sixth", PrizeType: "8", Amount: 200},
	}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = PrizesPeriod(ctx, cfg, numbers, "11412", &out)
	if !errors.Is(err, ErrDisagreement) {
		t.Fatalf("with a list that differs: %v", err)
	}
	var got []string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "DISAGREE") {
			got = append(got, line)
		}
	}
	wantDis := []string{
		"DISAGREE AB97023799: we find third, the platform's list says fifth",
		"DISAGREE ZZ00000001: the platform's list says sixth; it is no invoice of ours in period 11412",
	}
	if strings.Join(got, "\n") != strings.Join(wantDis, "\n") {
		t.Errorf("disagreements:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantDis, "\n"))
	}
	runs, err := l.JobRuns(ctx, "prizes-check", 0)
	if err != nil || len(runs) != 2 || runs[0].Outcome != ledger.JobFailed || runs[1].Outcome != ledger.JobOK {
		t.Errorf("recorded checks %+v %v: want the failed one last", runs, err)
	}
	var show bytes.Buffer
	if err := ShowInvoice(ctx, cfg, "AB97023797", &show); err != nil || !strings.Contains(show.String(), "won special_10m NT$10000000") {
		t.Errorf("invoice show lacks the prize (%v):\n%s", err, show.String())
	}
}
