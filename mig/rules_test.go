package mig

import (
	"slices"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// The rule tests start from hand-made valid documents of every type and
// version (below) and change one field per case.

// amt parses a decimal constant.
func amt(s string) Decimal { return decimal.MustParse(s) }

// changed returns base() after f changed it.
func changed[D any](base func() D, f func(D)) D {
	d := base()
	f(d)
	return d
}

// wantV is an expected violation: its code and path.
type wantV struct{ code, path string }

func (w wantV) String() string { return w.code + " " + w.path }

// ruleCase is one document and the violations Check must return for it;
// none for a valid document.
type ruleCase struct {
	name string
	doc  Document
	want []wantV
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	r := DefaultRules()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertViolations(t, r.Check(tc.doc), tc.want...)
		})
	}
}

// assertViolations checks that got has exactly the codes and paths of want
// (in any order) and that every violation says why.
func assertViolations(t testing.TB, got []Violation, want ...wantV) {
	t.Helper()
	var g, w []string
	for _, v := range got {
		g = append(g, v.Code+" "+v.Path)
		if strings.TrimSpace(v.Reason) == "" {
			t.Errorf("%s %s has no Reason", v.Code, v.Path)
		}
	}
	for _, v := range want {
		w = append(w, v.String())
	}
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		var full strings.Builder
		for _, v := range got {
			full.WriteString("\n\t" + v.String() + " [value " + v.Value + "]")
		}
		t.Errorf("violations\n got %q\nwant %q%s", g, w, full.String())
	}
}

// Valid documents. Each call returns a fresh copy.

// consumerF0401 is a 4.1 consumer invoice on a mobile barcode carrier:
// tax-included SalesAmount, TaxAmount 0.
func consumerF0401() *Invoice {
	return &Invoice{
		Head:   Head{Type: F0401, Version: V41},
		Number: "AB12345678", Date: "20260115", Time: "10:20:30",
		Seller:      Party{Identifier: "04595252", Name: "好茶商行"},
		Buyer:       Party{Identifier: Consumer, Name: "消費者"},
		InvoiceType: "07", DonateMark: "0",
		CarrierType: "3J0002", CarrierID1: "/ABC+1.-", CarrierID2: "/ABC+1.-",
		PrintMark: "N", RandomNumber: "1234",
		Items: []InvoiceItem{
			{Description: "紅茶", Quantity: amt("2"), UnitPrice: amt("52.5"), TaxType: "1", Amount: amt("105"), SequenceNumber: "1"},
			{Description: "蛋糕", Quantity: amt("1"), UnitPrice: amt("100"), TaxType: "1", Amount: amt("100"), SequenceNumber: "2"},
		},
		Amount: InvoiceAmount{SalesAmount: amt("205"), TaxType: "1", TaxRate: amt("0.05"), TotalAmount: amt("205")},
	}
}

// businessF0401 is a 4.1 printed invoice to a business: net SalesAmount
// 1333 and TaxAmount round(66.65) = 67.
func businessF0401() *Invoice {
	inv := consumerF0401()
	inv.Buyer = Party{Identifier: "10458570", Name: "買方股份有限公司"}
	inv.CarrierType, inv.CarrierID1, inv.CarrierID2, inv.PrintMark = "", "", "", "Y"
	inv.Items = []InvoiceItem{
		{Description: "紙箱", Quantity: amt("10"), UnitPrice: amt("100"), TaxType: "1", Amount: amt("1000"), SequenceNumber: "1"},
		{Description: "膠帶", Quantity: amt("3"), UnitPrice: amt("111"), TaxType: "1", Amount: amt("333"), SequenceNumber: "2"},
	}
	inv.Amount = InvoiceAmount{SalesAmount: amt("1333"), TaxType: "1", TaxRate: amt("0.05"), TaxAmount: amt("67"), TotalAmount: amt("1400")}
	return inv
}

// mixedF0401 is a printed 4.1 consumer invoice with a taxable, a
// zero-rated and a tax-exempt line (TaxType 9).
func mixedF0401() *Invoice {
	inv := consumerF0401()
	inv.CarrierType, inv.CarrierID1, inv.CarrierID2, inv.PrintMark = "", "", "", "Y"
	inv.CustomsClearanceMark, inv.ZeroTaxRateReason = "2", "71"
	inv.Items = []InvoiceItem{
		{Description: "茶葉", Quantity: amt("1"), UnitPrice: amt("100"), TaxType: "1", Amount: amt("100"), SequenceNumber: "1"},
		{Description: "外銷茶葉", Quantity: amt("4"), UnitPrice: amt("50"), TaxType: "2", Amount: amt("200"), SequenceNumber: "2"},
		{Description: "書", Quantity: amt("1"), UnitPrice: amt("50"), TaxType: "3", Amount: amt("50"), SequenceNumber: "3"},
	}
	inv.Amount = InvoiceAmount{
		SalesAmount: amt("100"), ZeroTaxSalesAmount: amt("200"), FreeTaxSalesAmount: amt("50"),
		TaxType: "9", TaxRate: amt("0.05"), TotalAmount: amt("350"),
	}
	return inv
}

// specialF0401 is a 4.1 special-tax (08) invoice to a business at 25%.
func specialF0401() *Invoice {
	inv := businessF0401()
	inv.InvoiceType = "08"
	inv.Items = []InvoiceItem{
		{Description: "包廂服務", Quantity: amt("1"), UnitPrice: amt("1000"), TaxType: "4", Amount: amt("1000"), SequenceNumber: "1"},
	}
	inv.Amount = InvoiceAmount{SalesAmount: amt("1000"), TaxType: "4", TaxRate: amt("0.25"), TaxAmount: amt("250"), TotalAmount: amt("1250")}
	return inv
}

// consumerC0401 is a donated 3.1 consumer invoice; its lines add up to
// 149.9999999, which the integer SalesAmount rounds to 150.
func consumerC0401() *Invoice {
	return &Invoice{
		Head:   Head{Type: C0401, Version: V31},
		Number: "CD87654321", Date: "20251120", Time: "23:59:59",
		Seller:      Party{Identifier: "10458575", Name: "麵包店"},
		Buyer:       Party{Identifier: Consumer, Name: "0000"},
		InvoiceType: "07", DonateMark: "1", NPOBAN: "8585", PrintMark: "N", RandomNumber: "5678",
		Items: []InvoiceItem{
			{Description: "吐司", Quantity: amt("3"), UnitPrice: amt("33.3333333"), Amount: amt("99.9999999"), SequenceNumber: "1"},
			{Description: "牛奶", Quantity: amt("1"), UnitPrice: amt("50"), Amount: amt("50"), SequenceNumber: "2"},
		},
		Amount: InvoiceAmount{SalesAmount: amt("150"), TaxType: "1", TaxRate: amt("0.05"), TotalAmount: amt("150")},
	}
}

// mixedC0401 is a printed 3.1 consumer invoice of TaxType 9: its lines
// have no tax type, only their total is split over the buckets.
func mixedC0401() *Invoice {
	inv := consumerC0401()
	inv.DonateMark, inv.NPOBAN, inv.PrintMark, inv.CustomsClearanceMark = "0", "", "Y", "1"
	inv.Items = []InvoiceItem{
		{Description: "茶葉", Quantity: amt("1"), UnitPrice: amt("100"), Amount: amt("100"), SequenceNumber: "1"},
		{Description: "外銷茶葉", Quantity: amt("1"), UnitPrice: amt("200"), Amount: amt("200"), SequenceNumber: "2"},
		{Description: "書", Quantity: amt("1"), UnitPrice: amt("50"), Amount: amt("50"), SequenceNumber: "3"},
	}
	inv.Amount = InvoiceAmount{
		SalesAmount: amt("100"), ZeroTaxSalesAmount: amt("200"), FreeTaxSalesAmount: amt("50"),
		TaxType: "9", TaxRate: amt("0.05"), TotalAmount: amt("350"),
	}
	return inv
}

// businessA0401 is a 3.1 invoice to a business (no carrier fields).
func businessA0401() *Invoice {
	return &Invoice{
		Head:   Head{Type: A0401, Version: V31},
		Number: "EF00000001", Date: "20240229", Time: "00:00:00",
		Seller:      Party{Identifier: "04595257", Name: "五金行"},
		Buyer:       Party{Identifier: "10458574", Name: "營造公司"},
		InvoiceType: "07", DonateMark: "0",
		Items: []InvoiceItem{
			{Description: "螺絲", Quantity: amt("4"), UnitPrice: amt("250"), Amount: amt("1000"), SequenceNumber: "1"},
		},
		Amount: InvoiceAmount{SalesAmount: amt("1000"), TaxType: "1", TaxRate: amt("0.05"), TaxAmount: amt("50"), TotalAmount: amt("1050")},
	}
}

// allowanceG0401 is a 4.1 allowance against two invoices: a taxable line
// (tax round(2.5) = 3) and a tax-exempt one.
func allowanceG0401() *Allowance {
	return &Allowance{
		Head:   Head{Type: G0401, Version: V41},
		Number: "AL2026010001", Date: "20260120",
		Seller:                  Party{Identifier: "04595252", Name: "好茶商行"},
		Buyer:                   Party{Identifier: Consumer, Name: "消費者"},
		AllowanceType:           "2",
		OriginalInvoiceSellerID: "04595252", OriginalInvoiceBuyerID: Consumer,
		Items: []AllowanceItem{
			{OriginalInvoiceDate: "20260115", OriginalInvoiceNumber: "AB12345678", OriginalSequenceNumber: "1", OriginalDescription: "紅茶",
				Quantity: amt("1"), UnitPrice: amt("50"), Amount: amt("50"), Tax: amt("3"), SequenceNumber: "1", TaxType: "1"},
			{OriginalInvoiceDate: "20260110", OriginalInvoiceNumber: "AB12345670", OriginalDescription: "書",
				Quantity: amt("2"), UnitPrice: amt("100"), Amount: amt("200"), Tax: amt("0"), SequenceNumber: "2", TaxType: "3"},
		},
		TaxAmount: amt("3"), TotalAmount: amt("250"),
	}
}

// specialG0401 is a 4.1 allowance of a special-tax line at 15%.
func specialG0401() *Allowance {
	a := allowanceG0401()
	a.Buyer.Identifier, a.OriginalInvoiceBuyerID = "10458570", "10458570"
	a.Items = []AllowanceItem{
		{OriginalInvoiceDate: "20260115", OriginalInvoiceNumber: "AB12345678", OriginalDescription: "包廂服務",
			Quantity: amt("1"), UnitPrice: amt("200"), Amount: amt("200"), Tax: amt("30"), SequenceNumber: "1", TaxType: "4"},
	}
	a.TaxAmount, a.TotalAmount = amt("30"), amt("200")
	return a
}

// allowanceD0401 is a 3.1 allowance; its net total 99.9999999 rounds to
// the integer TotalAmount 100.
func allowanceD0401() *Allowance {
	return &Allowance{
		Head:   Head{Type: D0401, Version: V31},
		Number: "AL2025110001", Date: "20251121",
		Seller:        Party{Identifier: "10458575", Name: "麵包店"},
		Buyer:         Party{Identifier: Consumer, Name: "消費者"},
		AllowanceType: "1",
		Items: []AllowanceItem{
			{OriginalInvoiceDate: "20251120", OriginalInvoiceNumber: "CD87654321", OriginalDescription: "吐司",
				Quantity: amt("3"), UnitPrice: amt("33.3333333"), Amount: amt("99.9999999"), Tax: amt("5"), SequenceNumber: "1", TaxType: "1"},
		},
		TaxAmount: amt("5"), TotalAmount: amt("100"),
	}
}

func voidF0501() *InvoiceVoid {
	return &InvoiceVoid{
		Head:          Head{Type: F0501, Version: V41},
		InvoiceNumber: "AB12345678", InvoiceDate: "20260115",
		BuyerID: Consumer, SellerID: "04595252",
		VoidDate: "20260116", VoidTime: "09:00:00", Reason: "客戶取消訂單",
	}
}

func voidC0501() *InvoiceVoid {
	return changed(voidF0501, func(d *InvoiceVoid) { d.Head = Head{Type: C0501, Version: V31} })
}

func cancelF0701() *InvoiceCancel {
	return &InvoiceCancel{
		Head:          Head{Type: F0701, Version: V41},
		InvoiceNumber: "AB12345678", InvoiceDate: "20260115",
		BuyerID: "10458570", SellerID: "04595252",
		CancelDate: "20260115", CancelTime: "18:30:00", Reason: "買受人統編錯誤",
	}
}

func cancelC0701() *InvoiceCancel {
	return changed(cancelF0701, func(d *InvoiceCancel) { d.Head = Head{Type: C0701, Version: V31} })
}

func allowanceVoidG0501() *AllowanceVoid {
	return &AllowanceVoid{
		Head:            Head{Type: G0501, Version: V41},
		AllowanceNumber: "AL2026010001", AllowanceType: "2", AllowanceDate: "20260120",
		BuyerID: Consumer, SellerID: "04595252",
		VoidDate: "20260121", VoidTime: "11:00:00", Reason: "折讓金額錯誤",
	}
}

func allowanceVoidD0501() *AllowanceVoid {
	return changed(allowanceVoidG0501, func(d *AllowanceVoid) {
		d.Head, d.AllowanceType = Head{Type: D0501, Version: V31}, ""
	})
}

// blankE0402 reports a booklet tail 23–49 and two whole booklets 00–99.
func blankE0402() *BlankTracks {
	return &BlankTracks{
		Head:    Head{Type: E0402, Version: V41},
		HeadBAN: "04595252", BranchBAN: "10458570", InvoiceType: "07", YearMonth: "11502", Track: "AB",
		Ranges: []NumberRange{{Begin: "12345623", End: "12345649"}, {Begin: "12345700", End: "12345799"}},
	}
}

func blankE0402V31() *BlankTracks {
	return changed(blankE0402, func(d *BlankTracks) { d.Version = V31 })
}

func assignmentE0501() *TrackAssignment {
	return &TrackAssignment{
		Head: Head{Type: E0501, Version: V41},
		BAN:  "04595252", InvoiceType: "07", YearMonth: "11504", Track: "CD",
		Begin: "12345600", End: "12345799", Booklets: amt("4"),
	}
}

func winnersE0504() *WinnerList {
	return &WinnerList{Head: Head{Type: E0504, Version: V41}, HeadBAN: "04595252", YearMonth: "11412"}
}

// TestRulesValidDocuments is the property every rule must keep: the
// hand-made valid documents of every type and version have no violation.
func TestRulesValidDocuments(t *testing.T) {
	docs := map[string]Document{
		"F0401 consumer carrier": consumerF0401(), "F0401 business": businessF0401(),
		"F0401 mixed": mixedF0401(), "F0401 special": specialF0401(),
		"C0401 donated": consumerC0401(), "C0401 mixed": mixedC0401(), "A0401": businessA0401(),
		"G0401": allowanceG0401(), "G0401 special": specialG0401(), "D0401": allowanceD0401(),
		"F0501": voidF0501(), "C0501": voidC0501(), "F0701": cancelF0701(), "C0701": cancelC0701(),
		"G0501": allowanceVoidG0501(), "D0501": allowanceVoidD0501(),
		"E0402 4.1": blankE0402(), "E0402 3.1": blankE0402V31(), "E0501": assignmentE0501(), "E0504": winnersE0504(),
	}
	r := DefaultRules()
	for name, d := range docs {
		t.Run(name, func(t *testing.T) {
			if got := r.Check(d); got != nil {
				t.Errorf("Check = %v, want nil", got)
			}
		})
	}
}

// otherDocument is a Document the rules do not know.
type otherDocument struct{ Head }

func TestRulesCheckMessageType(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"invoice as F0501", changed(consumerF0401, func(d *Invoice) { d.Type = F0501 }), []wantV{{"MESSAGE_TYPE", ""}}},
		{"void as F0701", changed(voidF0501, func(d *InvoiceVoid) { d.Type = F0701 }), []wantV{{"MESSAGE_TYPE", ""}}},
		{"unknown document", &otherDocument{Head{Type: F0401, Version: V41}}, []wantV{{"MESSAGE_TYPE", ""}}},
	})
}

// TestRulesTablesAreOneEdit shows that a platform change is one parameter:
// a changed tax rate or tolerance takes effect at once.
func TestRulesTablesAreOneEdit(t *testing.T) {
	r := DefaultRules()
	r.TaxRates["1"] = []Decimal{amt("0.06")}
	assertViolations(t, r.Check(businessF0401()), wantV{"TAX_RATE", "/Invoice/Amount/TaxRate"})

	r = DefaultRules()
	r.TaxTolerance = amt("0")
	inv := changed(businessF0401, func(d *Invoice) { d.Amount.TaxAmount, d.Amount.TotalAmount = amt("66"), amt("1399") })
	assertViolations(t, r.Check(inv), wantV{"TAX_AMOUNT", "/Invoice/Amount/TaxAmount"})
}
