package sim

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/internal/testci"

	"github.com/turnkeyd/turnkeyd/mig"
)

// oraclePath is mig-oracle in the shared folder beside the project: the
// official MOF schemas through xmllint.
const oraclePath = "../../../shared/bin/mig-oracle"

func TestEmitE0501(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	path, err := s.EmitE0501(seller, "07", "11504", "TK", 12345600, 12345799)
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(e.cfg.E0501Dir, path)
	if !strings.HasPrefix(filepath.ToSlash(rel), "20260115/1020/20260115102030123-") || !strings.HasSuffix(rel, "-E0501.xml") {
		t.Errorf("emitted as %s", rel)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := mig.ParseTrackAssignments(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d assignments", len(got))
	}
	a := got[0]
	if a.Head != (mig.Head{Type: mig.E0501, Version: mig.V41}) || a.BAN != seller || a.InvoiceType != "07" || a.YearMonth != "11504" ||
		a.Track != "TK" || a.Begin != "12345600" || a.End != "12345799" || a.Booklets.String() != "4" {
		t.Errorf("assignment %+v", a)
	}
	// The envelope against the official InvoiceEnvelope schema.
	xsd := "../../../shared/xsd/4.1/InvoiceEnvelope.xsd"
	if _, err := os.Stat(xsd); err != nil {
		testci.Missing(t, "official schemas not found at %s: %v", xsd, err)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		testci.Missing(t, "xmllint not installed (apt-get install -y libxml2-utils)")
	}
	if out, err := exec.Command("xmllint", "--nonet", "--noout", "--schema", xsd, path).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}

	// A second allocation gets another name.
	second, err := s.EmitE0501(seller, "07", "11504", "TL", 0, 49)
	if err != nil || second == path {
		t.Errorf("second emit: %s, %v", second, err)
	}
}

func TestEmitE0501Refuses(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	tests := []struct {
		name                        string
		ban, invoiceType, ym, track string
		begin, end                  int
		want                        string
	}{
		{"not whole booklets", seller, "07", "11504", "TK", 0, 48, "whole booklets"},
		{"reversed", seller, "07", "11504", "TK", 100, 49, "whole booklets"},
		{"too large", seller, "07", "11504", "TK", 99999950, 100000049, "whole booklets"},
		{"odd month", seller, "07", "11503", "TK", 0, 49, "YEAR_MONTH"},
		{"bad BAN", "04595253", "07", "11504", "TK", 0, 49, "BAN_CHECKSUM"},
		{"lower-case track", seller, "07", "11504", "tk", 0, 49, "TRACK"},
		{"booklet start", seller, "07", "11504", "TK", 10, 59, "RANGE_BEGIN_BOOKLET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.EmitE0501(tt.ban, tt.invoiceType, tt.ym, tt.track, tt.begin, tt.end)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if got := files(t, e.cfg.E0501Dir); len(got) != 0 {
		t.Errorf("refused allocations written: %v", got)
	}
}

func TestEmitE0504(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	// Period 11412 (November–December 2025), drawn 2026-01-25 (domain.md §10.4).
	numbers := WinningNumbers{Special: "97023797", Grand: []string{"00507588"}, First: []string{"92377231", "05232592", "78125249"}}
	issue := func(name, number string, date mig.Date, change func(*mig.Invoice)) {
		inv := invoice(number, date)
		if change != nil {
			change(inv)
		}
		e.dropDoc(t, name, inv)
	}
	issue("01.xml", "TK97023797", "20251201", nil)                     // 特別獎
	issue("02.xml", "TK00507588", "20251130", nil)                     // 特獎
	issue("03.xml", "TK92377231", "20251101", nil)                     // 頭獎
	issue("04.xml", "TK12377231", "20251231", nil)                     // 二獎 (last 7 of 92377231)
	issue("05.xml", "TK11025249", "20251215", nil)                     // 四獎 (last 5 of 78125249)
	issue("06.xml", "TK11111249", "20251215", func(inv *mig.Invoice) { // 六獎, printed
		inv.CarrierType, inv.CarrierID1, inv.CarrierID2, inv.PrintMark = "", "", "", "Y"
	})
	issue("07.xml", "TK12345678", "20251215", nil)                     // no prize
	issue("08.xml", "TK00007231", "20251031", nil)                     // other period
	issue("09.xml", "TK00017231", "20251215", func(inv *mig.Invoice) { // donated
		inv.CarrierType, inv.CarrierID1, inv.CarrierID2, inv.DonateMark, inv.NPOBAN = "", "", "", "1", "8585"
	})
	issue("10.xml", "TK10007231", "20251215", func(inv *mig.Invoice) { // business buyer
		inv.Buyer = mig.Party{Identifier: "10458570", Name: "買方股份有限公司"}
		inv.CarrierType, inv.CarrierID1, inv.CarrierID2, inv.PrintMark = "", "", "", "Y"
		inv.Amount.SalesAmount, inv.Amount.TaxAmount, inv.Amount.TotalAmount = amt("195"), amt("10"), amt("205")
		inv.Items = []mig.InvoiceItem{{Description: "茶", Quantity: amt("1"), UnitPrice: amt("195"), TaxType: "1", Amount: amt("195"), SequenceNumber: "1"}}
	})
	issue("11.xml", "TK20007231", "20251215", nil) // voided below
	step(t, s)
	e.dropDoc(t, "v.xml", voidOf("TK20007231", "20251215", "20251216"))
	step(t, s)
	for _, f := range s.State().Files {
		if f.Verdict != Accepted {
			t.Fatalf("test invoice refused: %+v", f)
		}
	}

	path, err := s.EmitE0504(seller, "11412", numbers)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := mig.DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	if h, violations, err := v.Check(data); err != nil || len(violations) > 0 || h.Type != mig.E0504 || h.Version != mig.V41 {
		t.Fatalf("validator: %s %v %v\n%s", h, err, violations, data)
	}
	doc, err := mig.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	w := doc.(*mig.WinnerList)
	var got []string
	for _, p := range w.Prizes {
		got = append(got, fmt.Sprintf("%s %s %s %s", p.InvoiceNumber, p.PrizeType, p.PrizeAmount, p.PrintType))
	}
	want := []string{
		"TK00507588 2 2000000 02", "TK11025249 6 4000 02", "TK11111249 8 200 01",
		"TK12377231 4 40000 02", "TK92377231 3 200000 02", "TK97023797 1 10000000 02",
	}
	if !slices.Equal(got, want) {
		t.Errorf("prizes\n got %q\nwant %q", got, want)
	}
	if w.HeadBAN != seller || w.YearMonth != "11412" || w.RecAwardBegin != "1150206" || w.RecAwardEnd != "1150505" ||
		w.TotalRecordCount.String() != "6" || w.TotalPrizeAmount.String() != "12244200" {
		t.Errorf("main %+v", w)
	}
	p := w.Prizes[0]
	if p.Track != "TK" || p.RandomNumber != "1234" || p.BuyerID != mig.Consumer || p.CarrierType != "3J0002" ||
		p.CarrierTypeName != "手機條碼" || p.Seller.Identifier != seller || p.TotalAmount.String() != "205" {
		t.Errorf("prize %+v", p)
	}

	// The official schema agrees.
	if _, err := os.Stat(oraclePath); err != nil {
		testci.Missing(t, "mig-oracle not found at %s: %v", oraclePath, err)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		testci.Missing(t, "xmllint not installed (apt-get install -y libxml2-utils)")
	}
	if out, err := exec.Command(oraclePath, "-q", path).CombinedOutput(); err != nil {
		t.Errorf("mig-oracle: %v\n%s", err, out)
	}
}

func TestEmitE0504NoWinners(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	e.dropDoc(t, "a.xml", invoice("TK12345678", "20251215"))
	step(t, s)
	_, err := s.EmitE0504(seller, "11412", WinningNumbers{Special: "97023797", First: []string{"92377231"}})
	if !errors.Is(err, ErrNoWinners) {
		t.Errorf("error %v, want ErrNoWinners", err)
	}
	if _, err := s.EmitE0504(seller, "11411", WinningNumbers{}); err == nil || !strings.Contains(err.Error(), "even month") {
		t.Errorf("odd month: %v", err)
	}
	if got := files(t, e.cfg.E0504Dir); len(got) != 0 {
		t.Errorf("written: %v", got)
	}
}
