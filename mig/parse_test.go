package mig

import (
	"reflect"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	return readTestdata(t, "parse", name)
}

func TestParseFixtures(t *testing.T) {
	d := decimal.MustParse
	tests := []struct {
		file  string
		check func(t *testing.T, doc Document)
	}{
		{"f0401-bom-schemalocation.xml", func(t *testing.T, doc Document) {
			v := doc.(*Invoice)
			want := InvoiceItem{Description: "拿鐵咖啡 & 蛋糕", Quantity: d("2.5"), UnitPrice: d("120"), TaxType: "1", Amount: d("300"), SequenceNumber: "1"}
			wantEqual(t, "Head", v.Head, Head{F0401, V41})
			wantEqual(t, "Time (xsd:time collapses: trimmed)", v.Time, TimeOfDay("09:31:07"))
			wantEqual(t, "Seller.Name", v.Seller.Name, "好日子咖啡股份有限公司")
			wantEqual(t, "CheckNumber (not in F0401: ignored)", v.CheckNumber, "")
			wantEqual(t, "CarrierID2", v.CarrierID2, "/ABC+123")
			wantEqual(t, "Items", v.Items, []InvoiceItem{want})
			wantEqual(t, "TaxRate", v.Amount.TaxRate, d("0.05"))
			wantEqual(t, "DiscountAmount", v.Amount.DiscountAmount, (*Decimal)(nil))
		}},
		{"c0401-prefixed-crlf-tabs-cdata.xml", func(t *testing.T, doc Document) {
			v := doc.(*Invoice)
			wantEqual(t, "Head", v.Head, Head{C0401, V31})
			wantEqual(t, "Seller.Name (CDATA)", v.Seller.Name, "好日子 & <咖啡>")
			wantEqual(t, "Buyer.Name (verbatim)", v.Buyer.Name, "  消費者  ")
			wantEqual(t, "ZeroTaxRateReason (not in C0401: ignored)", v.ZeroTaxRateReason, "")
			wantEqual(t, "Items[0].Description (comment inside)", v.Items[0].Description, "紅燒牛肉麵")
			wantEqual(t, "Items[0].Remark (CRLF normalised)", v.Items[0].Remark, "line one\nline two")
			wantEqual(t, "len(Items)", len(v.Items), 2)
			wantEqual(t, "TotalAmount", v.Amount.TotalAmount, d("400"))
		}},
		{"f0501-no-declaration-any-order.xml", func(t *testing.T, doc Document) {
			wantEqual(t, "void", doc, Document(&InvoiceVoid{Head: Head{F0501, V41}, InvoiceNumber: "AB12345678", InvoiceDate: "20260115",
				BuyerID: Consumer, SellerID: "04595252", VoidDate: "20260116", VoidTime: "10:00:00", Reason: "訂單取消"}))
		}},
		{"e0501-3.1-bare.xml", assignment(V31)},
		{"e0501-3.2-bare.xml", assignment(V32)},
		{"e0501-4.0-bare.xml", assignment(V40)},
		{"e0501-4.1-bare.xml", assignment(V41)},
		{"e0504-4.0-award-2-prizes.xml", func(t *testing.T, doc Document) {
			v := doc.(*WinnerList)
			wantEqual(t, "Head", v.Head, Head{E0504, V40})
			wantEqual(t, "HeadBAN", v.HeadBAN, "04595252")
			wantEqual(t, "YearMonth", v.YearMonth, "11412")
			wantEqual(t, "TotalRecordCount", v.TotalRecordCount, d("2"))
			wantEqual(t, "TotalPrizeAmount", v.TotalPrizeAmount, d("10000200"))
			wantEqual(t, "RecAward", v.RecAwardBegin+"-"+v.RecAwardEnd, "1150206-1150505")
			wantEqual(t, "len(Prizes)", len(v.Prizes), 2)
			wantEqual(t, "Prizes[0]", v.Prizes[0], PrizeInvoice{Track: "AB", InvoiceNumber: "AB97023797", InvoiceDate: "20251208", InvoiceTime: "13:02:45",
				Seller:  Party{Identifier: "04595252", Name: "好日子咖啡股份有限公司", Address: "臺北市中山區南京東路二段100號5樓"},
				BuyerID: Consumer, TotalAmount: d("335"), CarrierType: "3J0002", CarrierTypeName: "手機條碼", CarrierID1: "/ABC+123", CarrierID2: "/ABC+123",
				RandomNumber: "5821", PrizeType: "1", PrizeAmount: d("10000000"), DepositMark: "Y", RedeemDataType: "1", PrizeDataSource: "01", PrintType: "00"})
			wantEqual(t, "Prizes[1] (any order)", v.Prizes[1].InvoiceNumber+" "+v.Prizes[1].PrizeAmount.String()+" "+v.Prizes[1].TotalAmount.String()+" "+v.Prizes[1].PrintType, "AC12377231 200 255.5 01")
			wantEqual(t, "Prizes[1].InvoiceTime (absent)", v.Prizes[1].InvoiceTime, TimeOfDay(""))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := Parse(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, doc)
		})
	}
}

func assignment(v Version) func(t *testing.T, doc Document) {
	return func(t *testing.T, doc Document) {
		wantEqual(t, "TrackAssignment", doc, Document(&TrackAssignment{Head: Head{E0501, v}, BAN: "04595252", InvoiceType: "07",
			YearMonth: "11502", Track: "AB", Begin: "12345600", End: "12345999", Booklets: decimal.FromInt(8)}))
	}
}

func wantEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

func TestParseTrackAssignments(t *testing.T) {
	ta := func(track, begin, end string, booklets int64) *TrackAssignment {
		return &TrackAssignment{Head: Head{E0501, V40}, BAN: "04595252", InvoiceType: "07", YearMonth: "11502",
			Track: track, Begin: begin, End: end, Booklets: decimal.FromInt(booklets)}
	}
	got, err := ParseTrackAssignments(readFixture(t, "e0501-4.0-envelope-3.xml"))
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "envelope", got, []*TrackAssignment{
		ta("AB", "12345600", "12345999", 8),
		ta("AC", "00000000", "00000049", 1),
		ta("AD", "99999950", "99999999", 1), // no namespace of its own: the pack's messageType and version
	})
	for _, v := range []Version{V31, V32, V40, V41} {
		got, err := ParseTrackAssignments(readFixture(t, "e0501-"+string(v)+"-bare.xml"))
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, "bare "+string(v), len(got), 1)
		wantEqual(t, "bare "+string(v)+" head", got[0].Head, Head{E0501, v})
	}
	// Envelopes the test renderer writes, in every envelope version.
	for _, env := range []Version{V31, V32, V40, V41} {
		want := []*TrackAssignment{
			randomDocument(newRand(1), Head{E0501, V40}).(*TrackAssignment),
			randomDocument(newRand(2), Head{E0501, V40}).(*TrackAssignment),
		}
		got, err := ParseTrackAssignments(testEnvelope(env, want...))
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, "rendered envelope "+string(env), got, want)
	}
}

func TestParseErrors(t *testing.T) {
	valid := string(readFixture(t, "f0501-no-declaration-any-order.xml"))
	invoice := string(readFixture(t, "f0401-bom-schemalocation.xml"))
	tests := []struct {
		name, input, want string
	}{
		{"empty", "", "no root element"},
		{"not XML", "InvoiceNumber,InvoiceDate\nAB12345678,20260115\n", "text \"InvoiceNumber,InvoiceDate\\nAB12345678,202…\" outside the root element"},
		{"unclosed", "<?xml version=\"1.0\"?>\n<Invoice xmlns=\"urn:GEINV:eInvoiceMessage:F0401:4.1\">\n<Main>\n", "line 4"},
		{"mismatched tags", "<A xmlns=\"urn:GEINV:eInvoiceMessage:F0401:4.1\">\n<B></C>\n</A>", "line 2"},
		{"two roots", valid + valid, "second root element"},
		{"Big5", "<?xml version=\"1.0\" encoding=\"Big5\"?>\n" + valid, `encoding "Big5"`},
		{"Big5 single quotes", "<?xml version='1.0' encoding='big5'?>" + valid, `encoding "big5"`},
		{"no namespace", "<Invoice><Main/></Invoice>", "not a MIG message namespace"},
		{"unknown namespace", `<Invoice xmlns="urn:example:invoice"/>`, "not a MIG message namespace"},
		{"unmodelled type", `<Invoice xmlns="urn:GEINV:eInvoiceMessage:B0401:3.1"/>`, "B0401 3.1"},
		{"unmodelled version", `<Invoice xmlns="urn:GEINV:eInvoiceMessage:F0401:4.0"/>`, "F0401 4.0"},
		{"E0504 3.1", `<Award xmlns="urn:GEINV:eInvoiceMessage:E0504:3.1"/>`, "E0504 3.1"},
		{"wrong root", `<Allowance xmlns="urn:GEINV:eInvoiceMessage:F0401:4.1"/>`, "root <Invoice>"},
		{"envelope", string(readFixture(t, "e0501-4.0-envelope-3.xml")), "ParseTrackAssignments"},
		{"bad decimal", strings.Replace(invoice, "<Amount>300</Amount>", "<Amount>300</Amount></ProductItem><ProductItem><Quantity>1,5</Quantity>", 1),
			`/Invoice/Details/ProductItem[2]/Quantity: "1,5" is not a decimal`},
		{"prefixed bad decimal", strings.Replace(string(readFixture(t, "c0401-prefixed-crlf-tabs-cdata.xml")), "<ns0:TaxRate>0.05<", "<ns0:TaxRate>5%<", 1),
			`/Invoice/Amount/TaxRate: "5%" is not a decimal`},
		{"exponent", strings.Replace(invoice, "<TaxAmount>0</TaxAmount>", "<TaxAmount>1e2</TaxAmount>", 1), `/Invoice/Amount/TaxAmount: "1e2" is not a decimal`},
		{"empty decimal", strings.Replace(invoice, "<TotalAmount>300</TotalAmount>", "<TotalAmount/>", 1), `/Invoice/Amount/TotalAmount: "" is not a decimal`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseTrackAssignmentsErrors(t *testing.T) {
	env := string(readFixture(t, "e0501-4.0-envelope-3.xml"))
	tests := []struct {
		name, input, want string
	}{
		{"an invoice", string(readFixture(t, "f0501-no-declaration-any-order.xml")), "not E0501"},
		{"count mismatch", strings.Replace(env, `count="3"`, `count="4"`, 1), "holds 3 InvoiceAssignNo"},
		{"envelope namespace", strings.Replace(env, "InvoiceEnvelope:4.0", "InvoiceEnvelope:9.9", 1), "InvoiceEnvelope namespace"},
		{"other message in pack", strings.Replace(strings.Replace(env, "<InvoiceAssignNo xmlns", "<Award xmlns", 1), "</InvoiceAssignNo>", "</Award>", 1), "is not an E0501 InvoiceAssignNo"},
		{"empty pack", `<InvoiceEnvelope xmlns="urn:GEINV:InvoiceEnvelope:4.1"><InvoicePack/></InvoiceEnvelope>`, "holds no InvoicePack"},
		{"bad booklets", strings.Replace(env, "<InvoiceBooklet>8<", "<InvoiceBooklet>eight<", 1),
			`/InvoiceEnvelope/InvoicePack/InvoiceAssignNo[1]/InvoiceBooklet: "eight" is not a decimal`},
		{"not XML", "Ban,Track\n", "outside the root element"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTrackAssignments([]byte(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
