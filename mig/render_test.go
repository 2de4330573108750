package mig

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// goldenDocument loads testdata/render/<name>/doc.json.
func goldenDocument(t testing.TB, name string) Document {
	t.Helper()
	data := readTestdata(t, "render", name, "doc.json")
	d, err := loadDocument(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

func TestRenderRefusals(t *testing.T) {
	inv := func(h Head, edit func(v *Invoice)) Document {
		v := *goldenDocument(t, "f0401-business").(*Invoice)
		v.Items = append([]InvoiceItem(nil), v.Items...)
		v.Head = h
		for i := range v.Items {
			if h.Type != F0401 {
				v.Items[i].TaxType = ""
			}
		}
		if h.Type == A0401 {
			v.PrintMark, v.RandomNumber = "", ""
		}
		edit(&v)
		return &v
	}
	five := decimal.FromInt(5)
	tests := []struct {
		name string
		doc  Document
		want string
	}{
		{"CheckNumber in F0401", inv(Head{F0401, V41}, func(v *Invoice) { v.CheckNumber = "X1" }),
			"render F0401 4.1 AB12345680: CheckNumber is not part of F0401 4.1"},
		{"Attachment in F0401", inv(Head{F0401, V41}, func(v *Invoice) { v.Attachment = "QUJD" }), "Attachment is not part of F0401 4.1"},
		{"ZeroTaxRateReason in C0401", inv(Head{C0401, V31}, func(v *Invoice) { v.ZeroTaxRateReason = "71" }), "ZeroTaxRateReason is not part of C0401 3.1"},
		{"BondedAreaConfirm in C0401", inv(Head{C0401, V31}, func(v *Invoice) { v.BondedAreaConfirm = "1" }), "BondedAreaConfirm is not part of C0401 3.1"},
		{"line TaxType in C0401", inv(Head{C0401, V31}, func(v *Invoice) { v.Items[1].TaxType = "1" }), "Items[1].TaxType is not part of C0401 3.1"},
		{"Reserved1 in C0401", inv(Head{C0401, V31}, func(v *Invoice) { v.Reserved1 = "r" }), "Reserved1 is not part of C0401 3.1"},
		{"CarrierType in A0401", inv(Head{A0401, V31}, func(v *Invoice) { v.CarrierType = "3J0002" }), "CarrierType is not part of A0401 3.1"},
		{"PrintMark in A0401", inv(Head{A0401, V31}, func(v *Invoice) { v.PrintMark = "Y" }), "PrintMark is not part of A0401 3.1"},
		{"RandomNumber in A0401", inv(Head{A0401, V31}, func(v *Invoice) { v.RandomNumber = "1234" }), "RandomNumber is not part of A0401 3.1"},
		{"NPOBAN in A0401", inv(Head{A0401, V31}, func(v *Invoice) { v.NPOBAN = "8585" }), "NPOBAN is not part of A0401 3.1"},
		{"FreeTax in A0401", inv(Head{A0401, V31}, func(v *Invoice) { v.Amount.FreeTaxSalesAmount = five }), "FreeTaxSalesAmount 5 is not part of A0401 3.1"},
		{"ZeroTax in A0401", inv(Head{A0401, V31}, func(v *Invoice) { v.Amount.ZeroTaxSalesAmount = five }), "ZeroTaxSalesAmount 5 is not part of A0401 3.1"},
		{"Invoice as G0401", inv(Head{G0401, V41}, func(*Invoice) {}), "an Invoice is rendered as F0401 4.1, C0401 3.1, A0401 3.1, not as G0401 4.1"},
		{"F0401 3.1", inv(Head{F0401, V31}, func(*Invoice) {}), "F0401 3.1 is not a version turnkeyd renders (4.1)"},
		{"F0401 4.0", inv(Head{F0401, V40}, func(*Invoice) {}), "F0401 4.0 is not a version turnkeyd renders"},
		{"Reserved1 in C0501", &InvoiceVoid{Head: Head{C0501, V31}, InvoiceNumber: "ZZ00001234", Reserved1: "x"}, "render C0501 3.1 ZZ00001234: Reserved1 is not part of C0501 3.1"},
		{"Reserved2 in C0701", &InvoiceCancel{Head: Head{C0701, V31}, InvoiceNumber: "ZZ00001234", Reserved2: "x"}, "Reserved2 is not part of C0701 3.1"},
		{"void as F0701", &InvoiceVoid{Head: Head{F0701, V41}}, "an InvoiceVoid is rendered as F0501 4.1, C0501 3.1, not as F0701 4.1"},
		{"OriginalInvoiceSellerID in D0401", &Allowance{Head: Head{D0401, V31}, Number: "DL1", OriginalInvoiceSellerID: "04595252"}, "render D0401 3.1 DL1: OriginalInvoiceSellerID is not part of D0401 3.1"},
		{"Attachment in G0401", &Allowance{Head: Head{G0401, V41}, Attachment: "QUJD"}, "Attachment is not part of G0401 4.1"},
		{"AllowanceType in D0501", &AllowanceVoid{Head: Head{D0501, V31}, AllowanceType: "2"}, "AllowanceType is not part of D0501 3.1"},
		{"E0402 3.2", &BlankTracks{Head: Head{E0402, V32}, BranchBAN: "10458570", Track: "AB", YearMonth: "11510"}, "render E0402 3.2 10458570 AB 11510: E0402 3.2 is not a version turnkeyd renders (4.1/3.1)"},
		{"E0501", &TrackAssignment{Head: Head{E0501, V41}}, "render E0501 4.1: turnkeyd only reads E0501 messages (InvoiceAssignNo), it never renders them"},
		{"E0504", WinnerList{Head: Head{E0504, V41}}, "turnkeyd only reads E0504 messages (Award)"},
		{"nil pointer", (*Invoice)(nil), "render: nil *mig.Invoice document"},
		{"nil", nil, "render: nil <nil> document"},
		{"control character", inv(Head{F0401, V41}, func(v *Invoice) { v.Buyer.Name = "大同\x01文具" }),
			`/Invoice/Main/Buyer/Name: "大同\x01文具" holds a character XML 1.0 cannot carry`},
		{"invalid UTF-8", inv(Head{F0401, V41}, func(v *Invoice) { v.Items[0].Description = "\xb0\xa8" }), "/Invoice/Details/ProductItem[1]/Description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Render(tt.doc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Render error = %v, want one containing %q\n%s", err, tt.want, out)
			}
			if _, terr := Tree(tt.doc); terr == nil || terr.Error() != err.Error() {
				t.Errorf("Tree error = %v, want the Render error", terr)
			}
		})
	}
}

func TestRenderValues(t *testing.T) {
	v := goldenDocument(t, "f0401-consumer-carrier").(*Invoice)
	byValue, err := Render(*v)
	if err != nil {
		t.Fatal(err)
	}
	byPointer, _ := Render(v)
	if !bytes.Equal(byValue, byPointer) {
		t.Error("Render(Invoice) and Render(*Invoice) differ")
	}

	w := *v
	w.Seller.Name, w.Number = "", ""
	w.Amount.TotalAmount = decimal.New(1, -6)
	w.Amount.SalesAmount = decimal.MustParse("0.1").Add(decimal.MustParse("0.2"))
	disc := decimal.MustParse("-0.50")
	w.Amount.DiscountAmount = &disc
	out, err := Render(&w)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\n    <InvoiceNumber/>\n", // required elements stay, empty
		"\n      <Name/>\n",
		"<TotalAmount>1000000</TotalAmount>",
		"<SalesAmount>0.3</SalesAmount>",
		"<DiscountAmount>-0.5</DiscountAmount>",
		"<Description>拿鐵咖啡(大杯)</Description>", // CJK as raw UTF-8
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, absent := range []string{"<Address/>", "<BuyerRemark", "<ExchangeRate", "&#", "xsi", "ns0"} {
		if strings.Contains(string(out), absent) {
			t.Errorf("output has %q:\n%s", absent, out)
		}
	}
	if !bytes.HasPrefix(out, []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Invoice xmlns=\"urn:GEINV:eInvoiceMessage:F0401:4.1\">\n  <Main>\n")) ||
		!bytes.HasSuffix(out, []byte("\n  </Amount>\n</Invoice>\n")) {
		t.Errorf("unexpected frame:\n%s", out)
	}
}

// TestRenderCarriageReturn checks that a carriage return survives a parser's
// line-end normalisation.
func TestRenderCarriageReturn(t *testing.T) {
	v := *goldenDocument(t, "f0501").(*InvoiceVoid)
	v.Remark = "第一行\r\n第二行\r"
	out, err := Render(&v)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.(*InvoiceVoid).Remark; got != v.Remark {
		t.Errorf("Remark after a round trip = %q, want %q\n%s", got, v.Remark, out)
	}
}

// TestAppendAttrMatchesEtree checks Render's attribute escaping against
// etree's on values full of characters that need escaping or that XML
// cannot carry.
func TestAppendAttrMatchesEtree(t *testing.T) {
	r := newRand(5)
	pool := []rune("aZ09 &<>\"'\t\n\r\x00\x01\x1f發票\uFFFD\uFFFE\U0001F600]]>-?")
	for i := range 5000 {
		rs := make([]rune, r.IntN(12))
		for j := range rs {
			rs[j] = pool[r.IntN(len(pool))]
		}
		val := string(rs)
		if r.IntN(8) == 0 {
			val += "\xff" // invalid UTF-8
		}
		doc := etree.NewDocument()
		doc.CreateElement("r").CreateAttr("a", val)
		want, err := doc.WriteToBytes()
		if err != nil {
			t.Fatal(err)
		}
		got := append(appendAttr([]byte(`<r a="`), val), `"/>`...)
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d: %q escaped as\n%q\nwant\n%q", i, val, got, want)
		}
	}
}

// TestRenderWritesTree checks that Render, which builds no tree, writes
// byte for byte what etree writes for Tree(d), on random documents of
// every type, escapes and carriage returns included; and that a value XML
// cannot carry, in any field, gets the same error with the same path.
func TestRenderWritesTree(t *testing.T) {
	check := func(name string, d Document) {
		t.Helper()
		got, err := Render(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		doc, err := Tree(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := doc.WriteToBytes()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: Render\n%s\nwant\n%s", name, got, want)
		}
	}
	fields := 0
	for _, h := range generatedHeads {
		if h.Type == E0501 || h.Type == E0504 {
			continue // read, never rendered
		}
		for seed := range uint64(50) {
			name := fmt.Sprintf("%s seed %d", h, seed)
			check(name, randomDocument(newRand(seed), h))
			// Spoil each string field in turn.
			d := randomDocument(newRand(seed), h)
			forStrings(reflect.ValueOf(d).Elem(), func(f reflect.Value) {
				if f.String() == "" || seed%10 != 0 {
					return
				}
				old := f.String()
				f.SetString(old[:len(old)/2] + "\x01" + old[len(old)/2:])
				_, rerr := Render(d)
				_, terr := Tree(d)
				if rerr == nil || terr == nil || rerr.Error() != terr.Error() {
					t.Errorf("%s with a control character: Render error %v, Tree error %v", name, rerr, terr)
				}
				f.SetString(old)
				fields++
			})
		}
	}
	if fields < 500 {
		t.Fatalf("only %d fields spoiled", fields)
	}
	v := *goldenDocument(t, "f0501").(*InvoiceVoid)
	v.Remark = "A&B <c> \"d\" 'e'\r\n發票\t\uFFFD\U0001F600]]>"
	check("escapes", &v)
}

// forStrings calls fn with every settable string in v, through structs,
// slices and pointers.
func forStrings(v reflect.Value, fn func(reflect.Value)) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			fn(v)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			forStrings(v.Field(i), fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			forStrings(v.Index(i), fn)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			forStrings(v.Elem(), fn)
		}
	}
}
