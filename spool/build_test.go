package spool

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/csv/golden")

// testSeller is the configured default seller of the tests.
var testSeller = mig.Party{Identifier: "10458575", Name: "好咖啡股份有限公司", Address: "台北市信義區市府路1號"}

// testNow is the intake time the tests stamp blank dates with.
var testNow = time.Date(2026, 11, 22, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))

func testOptions(v mig.Version) ReadOptions {
	return ReadOptions{Encoding: EncodingAuto, DefaultSeller: testSeller, Version: v}
}

// readText reads CSV text with the test options.
func readText(t testing.TB, text string, v mig.Version) []Request {
	t.Helper()
	reqs, err := ReadCSV(strings.NewReader(text), "test.csv", testOptions(v))
	if err != nil {
		t.Fatalf("ReadCSV: %v", err)
	}
	return reqs
}

// readTestdata reads testdata/csv/name with the test options.
func readTestdata(t testing.TB, name string, v mig.Version) []Request {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "csv", name))
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := ReadCSV(bytes.NewReader(data), name, testOptions(v))
	if err != nil {
		t.Fatalf("ReadCSV %s: %v", name, err)
	}
	return reqs
}

// fill completes a built document the way the daemon does: dates and times
// from the clock, a number and random number from the tracks, and what the
// ledger knows of the documents it refers to.
func fill(r *Request) {
	r.Stamp(testNow)
	switch d := r.Doc.(type) {
	case *mig.Invoice:
		if d.Number == "" {
			d.Number = "AB12345678"
		}
		if d.Type != mig.A0401 && d.RandomNumber == "" {
			d.RandomNumber = "1234"
		}
	case *mig.Allowance:
		d.Seller = testSeller
		d.Buyer = mig.Party{Identifier: mig.Consumer, Name: consumerName}
		for i := range d.Items {
			d.Items[i].OriginalInvoiceDate = "20261120"
		}
	case *mig.InvoiceVoid:
		d.InvoiceDate, d.BuyerID, d.SellerID = "20261120", mig.Consumer, r.SellerBAN
	case *mig.InvoiceCancel:
		d.InvoiceDate, d.BuyerID, d.SellerID = "20261120", mig.Consumer, r.SellerBAN
	case *mig.AllowanceVoid:
		d.AllowanceDate, d.BuyerID, d.SellerID = "20261125", mig.Consumer, r.SellerBAN
	}
}

func dec(s string) mig.Decimal { return decimal.MustParse(s) }

func wantDec(t testing.TB, what string, got mig.Decimal, want string) {
	t.Helper()
	if !got.Equal(dec(want)) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func wantStr[S ~string](t testing.TB, what string, got S, want string) {
	t.Helper()
	if string(got) != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func doc[D mig.Document](t testing.TB, r Request) D {
	t.Helper()
	d, ok := r.Doc.(D)
	if !ok {
		var zero D
		t.Fatalf("line %d: document is %T, want %T (reject: %v)", r.Line, r.Doc, zero, r.Reject)
	}
	return d
}

// wantAmounts checks an invoice's Amount block: sales, free-tax, zero-tax,
// tax, total.
func wantAmounts(t testing.TB, inv *mig.Invoice, taxType, rate, sales, free, zero, tax, total string) {
	t.Helper()
	a := inv.Amount
	wantStr(t, "TaxType", a.TaxType, taxType)
	wantDec(t, "TaxRate", a.TaxRate, rate)
	wantDec(t, "SalesAmount", a.SalesAmount, sales)
	wantDec(t, "FreeTaxSalesAmount", a.FreeTaxSalesAmount, free)
	wantDec(t, "ZeroTaxSalesAmount", a.ZeroTaxSalesAmount, zero)
	wantDec(t, "TaxAmount", a.TaxAmount, tax)
	wantDec(t, "TotalAmount", a.TotalAmount, total)
}

// wantItem checks an invoice line: quantity, unit price, amount, tax type.
func wantItem(t testing.TB, it mig.InvoiceItem, qty, price, amount, taxType string) {
	t.Helper()
	wantDec(t, it.Description+" Quantity", it.Quantity, qty)
	wantDec(t, it.Description+" UnitPrice", it.UnitPrice, price)
	wantDec(t, it.Description+" Amount", it.Amount, amount)
	wantStr(t, it.Description+" TaxType", it.TaxType, taxType)
}

// validCase is a testdata file whose every document builds.
type validCase struct {
	file  string
	v     mig.Version
	docs  int
	check func(t *testing.T, reqs []Request)
}

var validCases = []validCase{
	{"consumer_single.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "Head", inv.Head.String(), "F0401 4.1")
		wantStr(t, "Buyer", inv.Buyer.Identifier+" "+inv.Buyer.Name, "0000000000 消費者")
		wantStr(t, "Seller", inv.Seller.Identifier+" "+inv.Seller.Name, "10458575 好咖啡股份有限公司")
		wantStr(t, "marks", inv.InvoiceType+inv.PrintMark+inv.DonateMark, "07Y0")
		wantItem(t, inv.Items[0], "1", "950", "950", "1")
		wantAmounts(t, inv, "1", "0.05", "950", "0", "0", "0", "950")
		wantStr(t, "Number, Date, Time, RandomNumber", inv.Number+string(inv.Date)+string(inv.Time)+inv.RandomNumber, "")
	}},
	{"consumer_multi.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		r := reqs[0]
		inv := doc[*mig.Invoice](t, r)
		wantStr(t, "Date Time", r.Date+" "+r.Time, "20261122 14:05:00")
		wantStr(t, "lines", fmt.Sprint(r.Line, r.EndLine, r.items), "2 4 [2 3 4]")
		wantItem(t, inv.Items[0], "3", "33.3333333", "99.9999999", "1")
		wantItem(t, inv.Items[1], "2", "45", "90", "1")
		wantItem(t, inv.Items[2], "1", "120.5", "120.5", "1")
		wantStr(t, "quoted description", inv.Items[2].Description, "點心盒, 綜合")
		wantStr(t, "quoted remark", inv.Items[2].Remark, `贈品 "小"`)
		wantStr(t, "unit", inv.Items[0].Unit, "杯")
		wantStr(t, "sequence", inv.Items[2].SequenceNumber, "3")
		wantAmounts(t, inv, "1", "0.05", "310.4999999", "0", "0", "0", "310.4999999")
	}},
	{"consumer_carrier.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "carrier", inv.CarrierType+" "+inv.CarrierID1+" "+inv.CarrierID2, "3J0002 /ABC+123 /ABC+123")
		wantStr(t, "PrintMark", inv.PrintMark, "N")
		wantDec(t, "AmountTotal", *reqs[0].AmountTotal, "110")
		wantAmounts(t, inv, "1", "0.05", "110", "0", "0", "0", "110")
	}},
	{"consumer_donation.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "donation", inv.DonateMark+" "+inv.NPOBAN+" "+inv.PrintMark, "1 8585 N")
	}},
	{"business_net.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "Buyer", inv.Buyer.Identifier+" "+inv.Buyer.Name, "04595252 大同股份有限公司")
		wantItem(t, inv.Items[0], "10", "1000", "10000", "1")
		wantItem(t, inv.Items[1], "1", "333", "333", "1")
		// 10333 × 0.05 = 516.65, rounded half up.
		wantAmounts(t, inv, "1", "0.05", "10333", "0", "0", "517", "10850")
	}},
	{"business_gross.csv", mig.V41, 2, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantItem(t, inv.Items[0], "1", "1000", "1000", "1")
		wantAmounts(t, inv, "1", "0.05", "1000", "0", "0", "50", "1050")
		// 100 / 1.05 = 95.23809523…; the control total 300 is within NT$1 of 299.71.
		inv = doc[*mig.Invoice](t, reqs[1])
		wantItem(t, inv.Items[0], "3", "95.2380952", "285.7142856", "1")
		wantAmounts(t, inv, "1", "0.05", "285.7142856", "0", "0", "14", "299.7142856")
	}},
	{"mixed_tax.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantItem(t, inv.Items[1], "1", "250", "250", "3")
		wantAmounts(t, inv, "9", "0.05", "160", "349.5", "0", "0", "509.5")
	}},
	{"mixed_zero_rated.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "customs, reason", inv.CustomsClearanceMark+" "+inv.ZeroTaxRateReason, "1 72")
		wantItem(t, inv.Items[1], "1", "3000", "3000", "2")
		wantAmounts(t, inv, "9", "0.05", "2000", "0", "3000", "100", "5100")
	}},
	{"zero_rated.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "customs, reason", inv.CustomsClearanceMark+" "+inv.ZeroTaxRateReason, "2 71")
		wantAmounts(t, inv, "2", "0", "0", "0", "2550", "0", "2550")
	}},
	{"special_tax.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "InvoiceType", inv.InvoiceType, "08")
		wantItem(t, inv.Items[0], "1", "2500", "2500", "4")
		wantAmounts(t, inv, "4", "0.25", "2500", "0", "0", "0", "2500")
	}},
	{"void.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		d := doc[*mig.InvoiceVoid](t, reqs[0])
		wantStr(t, "void", d.Head.String()+" "+d.InvoiceNumber+" "+string(d.VoidDate)+" "+string(d.VoidTime)+" "+d.Reason,
			"F0501 4.1 AB12345678 20261123 09:30:00 客戶退貨")
		wantStr(t, "left for the caller", string(d.InvoiceDate)+d.BuyerID+d.SellerID, "")
		wantStr(t, "SellerBAN", reqs[0].SellerBAN, testSeller.Identifier)
	}},
	{"cancel.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		d := doc[*mig.InvoiceCancel](t, reqs[0])
		wantStr(t, "cancel", d.Head.String()+" "+d.InvoiceNumber+" "+d.Reason, "F0701 4.1 AB12345679 買受人資料錯誤")
		wantStr(t, "date left blank", string(d.CancelDate)+string(d.CancelTime), "")
	}},
	{"allowance_gross.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		r := reqs[0]
		a := doc[*mig.Allowance](t, r)
		wantStr(t, "allowance", a.Head.String()+" "+a.Number+" "+string(a.Date)+" "+a.AllowanceType, "G0401 4.1 R001 20261125 2")
		wantStr(t, "InvoiceNumber", r.InvoiceNumber, "AB12345678")
		it := a.Items[0]
		wantStr(t, "item 1", it.OriginalInvoiceNumber+" "+it.OriginalSequenceNumber+" "+it.OriginalDescription+" "+it.TaxType, "AB12345678 1 咖啡豆 1kg 1")
		wantDec(t, "item 1 UnitPrice", it.UnitPrice, "100")
		wantDec(t, "item 1 Amount", it.Amount, "100")
		wantDec(t, "item 1 Tax", it.Tax, "5")
		it = a.Items[1]
		wantStr(t, "item 2 invoice", it.OriginalInvoiceNumber, "AB12345680")
		wantDec(t, "item 2 UnitPrice", it.UnitPrice, "31.7460317")
		wantDec(t, "item 2 Amount", it.Amount, "63.4920634")
		wantDec(t, "item 2 Tax", it.Tax, "3")
		wantDec(t, "TaxAmount", a.TaxAmount, "8")
		wantDec(t, "TotalAmount", a.TotalAmount, "163.4920634")
	}},
	{"allowance_net.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		a := doc[*mig.Allowance](t, reqs[0])
		wantStr(t, "Number", a.Number, "AL-2026-0001")
		wantStr(t, "item 2 invoice (blank = the first row's)", a.Items[1].OriginalInvoiceNumber, "AB12345678")
		wantDec(t, "item 1 Tax", a.Items[0].Tax, "50")
		wantDec(t, "item 2 Tax", a.Items[1].Tax, "0")
		wantStr(t, "item 2 TaxType", a.Items[1].TaxType, "3")
		wantDec(t, "TaxAmount", a.TaxAmount, "50")
		wantDec(t, "TotalAmount", a.TotalAmount, "1250")
	}},
	{"void_allowance.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		d := doc[*mig.AllowanceVoid](t, reqs[0])
		wantStr(t, "void allowance", d.Head.String()+" "+d.AllowanceNumber+" "+d.AllowanceType+" "+string(d.VoidDate)+" "+d.Reason,
			"G0501 4.1 AL-2026-0001 2 20261126 折讓單開立錯誤")
	}},
	{"header_case.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "Buyer", inv.Buyer.Identifier, "04595252")
		wantAmounts(t, inv, "1", "0.05", "250", "0", "0", "13", "263")
	}},
	{"utf8_bom.csv", mig.V41, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "Description", inv.Items[0].Description, "BOM 測試")
	}},
	{"issue_and_void.csv", mig.V41, 2, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "issue lines", fmt.Sprint(reqs[0].Line, reqs[0].EndLine, len(inv.Items)), "2 3 2")
		d := doc[*mig.InvoiceVoid](t, reqs[1])
		wantStr(t, "void", reqs[1].OrderID+" "+d.InvoiceNumber, "K001 AB12345678")
	}},
	{"consumer_single.csv", mig.V31, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "Head", inv.Head.String(), "C0401 3.1")
		wantStr(t, "line TaxType (none in 3.1)", inv.Items[0].TaxType, "")
		wantAmounts(t, inv, "1", "0.05", "950", "0", "0", "0", "950")
	}},
	{"consumer_carrier.csv", mig.V31, 1, nil},
	{"consumer_donation.csv", mig.V31, 1, nil},
	{"special_tax.csv", mig.V31, 1, nil},
	{"business_net.csv", mig.V31, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "Head", inv.Head.String(), "A0401 3.1")
		wantStr(t, "no B2C fields", inv.PrintMark+inv.RandomNumber+inv.CarrierType, "")
		wantAmounts(t, inv, "1", "0.05", "10333", "0", "0", "517", "10850")
	}},
	{"zero_rated.csv", mig.V31, 1, func(t *testing.T, reqs []Request) {
		inv := doc[*mig.Invoice](t, reqs[0])
		wantStr(t, "ZeroTaxRateReason (4.1 only)", inv.ZeroTaxRateReason, "")
		wantAmounts(t, inv, "2", "0", "2550", "0", "0", "0", "2550") // A0401: every line in SalesAmount
	}},
	{"void.csv", mig.V31, 1, nil},
	{"cancel.csv", mig.V31, 1, nil},
	{"allowance_net.csv", mig.V31, 1, func(t *testing.T, reqs []Request) {
		a := doc[*mig.Allowance](t, reqs[0])
		wantStr(t, "Head", a.Head.String(), "D0401 3.1")
		wantDec(t, "TotalAmount", a.TotalAmount, "1250")
	}},
	{"void_allowance.csv", mig.V31, 1, func(t *testing.T, reqs []Request) {
		d := doc[*mig.AllowanceVoid](t, reqs[0])
		wantStr(t, "Head, AllowanceType", d.Head.String()+d.AllowanceType, "D0501 3.1")
	}},
}

// TestReadCSVValid reads every valid testdata file, checks the amounts, and
// checks that each document, completed as the daemon completes it, passes
// the business rules and renders; the rendered messages go through the
// official schemas and are kept as golden files.
func TestReadCSVValid(t *testing.T) {
	xmlDir := t.TempDir()
	rules := mig.DefaultRules()
	for _, c := range validCases {
		name := strings.TrimSuffix(c.file, ".csv") + "." + string(c.v)
		t.Run(name, func(t *testing.T) {
			reqs := readTestdata(t, c.file, c.v)
			if len(reqs) != c.docs {
				t.Fatalf("%d documents, want %d", len(reqs), c.docs)
			}
			if c.check != nil {
				c.check(t, reqs) // before fill: what ReadCSV built
			}
			var golden bytes.Buffer
			for i := range reqs {
				r := &reqs[i]
				if r.Reject != nil {
					t.Fatalf("line %d rejected: %v", r.Line, r.Reject)
				}
				fill(r)
				for _, v := range rules.Check(r.Doc) {
					col, line := r.ColumnForPath(v.Path)
					t.Errorf("line %d: %v (column %s, line %d)", r.Line, v, col, line)
				}
				out, err := mig.Render(r.Doc)
				if err != nil {
					t.Fatalf("render line %d: %v", r.Line, err)
				}
				file := filepath.Join(xmlDir, fmt.Sprintf("%s.%d.xml", name, i))
				if err := os.WriteFile(file, out, 0o644); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&golden, "<!-- lines %d-%d order_id %s action %s -->\n%s", r.Line, r.EndLine, r.OrderID, r.Action, out)
			}
			checkGolden(t, name+".xml", golden.Bytes())
		})
	}
	runOracle(t, xmlDir)
}

// checkGolden compares got with testdata/csv/golden/name, or rewrites it
// under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "csv", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./spool -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run with -update and review the diff:\n%s", path, got)
	}
}

// oraclePath is mig-oracle in the shared folder beside the project: the
// official MOF XSDs run through xmllint.
const oraclePath = "../../shared/bin/mig-oracle"

// runOracle validates the files of dir with mig-oracle. Without the oracle
// or xmllint the test skips, or fails when TURNKEYD_CI is set.
func runOracle(t *testing.T, dir string) {
	t.Helper()
	missing := ""
	if _, err := os.Stat(oraclePath); err != nil {
		missing = oraclePath + " not found (it lives in ../shared beside the project)"
	} else if _, err := exec.LookPath("xmllint"); err != nil {
		missing = "xmllint not installed (apt-get install -y libxml2-utils)"
	}
	if missing != "" {
		if os.Getenv("TURNKEYD_CI") != "" {
			t.Fatalf("official-schema check: %s", missing)
		}
		t.Skipf("skipping the official-schema check: %s", missing)
	}
	out, err := exec.Command(oraclePath, "-q", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("mig-oracle: %v\n%s", err, out)
	}
}

func TestStamp(t *testing.T) {
	tests := []struct {
		name, date, time   string
		wantDate, wantTime string
	}{
		{"blank date and time: now", "", "", "20261122", "10:30:00"},
		{"today without time: now's time", "2026-11-22", "", "20261122", "10:30:00"},
		{"another day without time: midnight", "2026-11-20", "", "20261120", "00:00:00"},
		{"time without date: today", "", "08:00:00", "20261122", "08:00:00"},
		{"both given", "2026-11-20", "08:00:00", "20261120", "08:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "order_id,invoice_date,invoice_time,item_description,item_quantity,item_unit_price\nA1," + tt.date + "," + tt.time + ",x,1,1\n"
			reqs, err := ReadCSV(strings.NewReader(text), "t.csv", ReadOptions{DefaultSeller: testSeller, Now: testNow.UTC(), Location: testNow.Location()})
			if err != nil {
				t.Fatal(err)
			}
			inv := doc[*mig.Invoice](t, reqs[0])
			wantStr(t, "Date", inv.Date, tt.wantDate)
			wantStr(t, "Time", inv.Time, tt.wantTime)
			wantStr(t, "Request.Date (as given)", reqs[0].Date, strings.ReplaceAll(tt.date, "-", ""))
		})
	}
}

// TestDocsExample reads the first example of docs/csv.md and checks the
// amounts its table shows, so that the page and the code agree.
func TestDocsExample(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "docs", "csv.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := strings.Cut(string(page), "```csv\n")
	example, _, _ = strings.Cut(example, "```")
	if !ok {
		t.Fatal("docs/csv.md has no csv example")
	}
	reqs := readText(t, example, mig.V41)
	if len(reqs) != 3 {
		t.Fatalf("%d documents, want 3", len(reqs))
	}
	want := []struct{ order, sales, tax, total string }{
		{"A001", "950", "0", "950"},
		{"A002", "189.9999999", "0", "189.9999999"},
		{"B001", "10000", "500", "10500"},
	}
	for i, w := range want {
		inv := doc[*mig.Invoice](t, reqs[i])
		wantStr(t, "order_id", reqs[i].OrderID, w.order)
		wantDec(t, w.order+" SalesAmount", inv.Amount.SalesAmount, w.sales)
		wantDec(t, w.order+" TaxAmount", inv.Amount.TaxAmount, w.tax)
		wantDec(t, w.order+" TotalAmount", inv.Amount.TotalAmount, w.total)
	}
}
