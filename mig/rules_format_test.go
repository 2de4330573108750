package mig

import "testing"

const (
	sellerPath = "/Invoice/Main/Seller/Identifier"
	buyerPath  = "/Invoice/Main/Buyer/Identifier"
)

// TestRulesBANChecksum runs the examples of domain.md §4.1 through the
// seller identifier of an invoice.
func TestRulesBANChecksum(t *testing.T) {
	seller := func(ban string) Document {
		return changed(consumerF0401, func(d *Invoice) { d.Seller.Identifier = ban })
	}
	var cases []ruleCase
	for _, ban := range []string{"04595252", "10458570", "04595257", "10458575", "10458574"} {
		cases = append(cases, ruleCase{"valid " + ban, seller(ban), nil})
	}
	for _, ban := range []string{"12222539", "28080624", "10458573", "04595253"} {
		cases = append(cases, ruleCase{"invalid " + ban, seller(ban), []wantV{{"BAN_CHECKSUM", sellerPath}}})
	}
	cases = append(cases,
		ruleCase{"7 digits", seller("0459525"), []wantV{{"BAN_FORMAT", sellerPath}}},
		ruleCase{"9 digits", seller("045952520"), []wantV{{"BAN_FORMAT", sellerPath}}},
		ruleCase{"letter", seller("0459525A"), []wantV{{"BAN_FORMAT", sellerPath}}},
		ruleCase{"full-width digit", seller("０4595252"), []wantV{{"BAN_FORMAT", sellerPath}}},
		ruleCase{"empty", seller(""), []wantV{{"BAN_FORMAT", sellerPath}}},
		ruleCase{"all zeros", seller("00000000"), []wantV{{"BAN_FORMAT", sellerPath}}},
		ruleCase{"consumer id as seller", seller(Consumer), []wantV{{"BAN_FORMAT", sellerPath}}},
	)
	runRuleCases(t, cases)
}

func TestRulesBANReason(t *testing.T) {
	r := DefaultRules()
	tests := []struct{ ban, want string }{
		{"12222539", "seller BAN 12222539 fails the checksum (weights 1,2,1,2,1,2,4,1; sum 26 not divisible by 5): check the number with the seller"},
		{"10458573", "seller BAN 10458573 fails the checksum (weights 1,2,1,2,1,2,4,1; sum 28, or 29 with the 7th-digit-7 rule, not divisible by 5): check the number with the seller"},
	}
	for _, tt := range tests {
		t.Run(tt.ban, func(t *testing.T) {
			got := r.Check(changed(consumerF0401, func(d *Invoice) { d.Seller.Identifier = tt.ban }))
			if len(got) != 1 || got[0].Reason != tt.want || got[0].Value != tt.ban {
				t.Errorf("got %+v\nwant Reason %q", got, tt.want)
			}
		})
	}
}

// TestRulesBANDivisorBefore2023 shows the pre-2023-04-01 rule is one
// parameter: 04595252 only passes with divisor 5.
func TestRulesBANDivisorBefore2023(t *testing.T) {
	r := DefaultRules()
	r.BANDivisor = 10
	inv := changed(consumerF0401, func(d *Invoice) { d.Seller.Identifier = "04595252" })
	assertViolations(t, r.Check(inv), wantV{"BAN_CHECKSUM", sellerPath})
}

func TestRulesBuyerIdentifier(t *testing.T) {
	consumer := func(id string) Document {
		return changed(consumerF0401, func(d *Invoice) { d.Buyer.Identifier = id })
	}
	business := func(id string) Document {
		return changed(businessF0401, func(d *Invoice) { d.Buyer.Identifier = id })
	}
	runRuleCases(t, []ruleCase{
		{"consumer 10 zeros", consumer("0000000000"), nil},
		{"consumer 9 zeros", consumer("000000000"), []wantV{{"BAN_FORMAT", buyerPath}}},
		{"consumer 11 zeros", consumer("00000000000"), []wantV{{"BAN_FORMAT", buyerPath}}},
		{"consumer 8 zeros", business("00000000"), []wantV{{"BAN_FORMAT", buyerPath}}},
		{"consumer id with a space", consumer("0000000000 "), []wantV{{"BAN_FORMAT", buyerPath}}},
		{"empty", consumer(""), []wantV{{"BAN_FORMAT", buyerPath}}},
		{"10-digit non-zero", consumer("1045857000"), []wantV{{"BAN_FORMAT", buyerPath}}},
		{"business valid", business("10458570"), nil},
		{"business checksum", business("12222539"), []wantV{{"BAN_CHECKSUM", buyerPath}}},
		{"A0401 consumer buyer", changed(businessA0401, func(d *Invoice) {
			d.Buyer.Identifier, d.Amount.TaxAmount, d.Amount.TotalAmount = Consumer, amt("0"), amt("1000")
		}), []wantV{{"BAN_FORMAT", buyerPath}}},
	})
}

func TestRulesInvoiceNumber(t *testing.T) {
	number := func(n string) Document { return changed(consumerF0401, func(d *Invoice) { d.Number = n }) }
	const path = "/Invoice/Main/InvoiceNumber"
	runRuleCases(t, []ruleCase{
		{"valid", number("ZZ00000000"), nil},
		{"9 digits", number("AB1234567"), []wantV{{"INVOICE_NUMBER_FORMAT", path}}},
		{"lower case", number("ab12345678"), []wantV{{"INVOICE_NUMBER_FORMAT", path}}},
		{"full-width digit", number("AB１2345678"), []wantV{{"INVOICE_NUMBER_FORMAT", path}}},
		{"Arabic-Indic digits", number("AB١٢٣٤٥٦٧٨"), []wantV{{"INVOICE_NUMBER_FORMAT", path}}},
		{"dash", number("AB-12345678"), []wantV{{"INVOICE_NUMBER_FORMAT", path}}},
	})
}

func TestRulesDates(t *testing.T) {
	date := func(s Date) Document { return changed(consumerF0401, func(d *Invoice) { d.Date = s }) }
	const path = "/Invoice/Main/InvoiceDate"
	runRuleCases(t, []ruleCase{
		{"20240229 leap year", date("20240229"), nil},
		{"20261231", date("20261231"), nil},
		{"20250229 not a leap year", date("20250229"), []wantV{{"DATE_INVALID", path}}},
		{"20260230", date("20260230"), []wantV{{"DATE_INVALID", path}}},
		{"20260431", date("20260431"), []wantV{{"DATE_INVALID", path}}},
		{"day 00", date("20260100"), []wantV{{"DATE_INVALID", path}}},
		{"month 13", date("20261301"), []wantV{{"DATE_INVALID", path}}},
		{"dashes", date("2026-01-15"), []wantV{{"DATE_INVALID", path}}},
		{"ROC year", date("1150115"), []wantV{{"DATE_INVALID", path}}},
		{"empty", date(""), []wantV{{"DATE_INVALID", path}}},
	})
}

func TestRulesTimes(t *testing.T) {
	at := func(s TimeOfDay) Document { return changed(consumerF0401, func(d *Invoice) { d.Time = s }) }
	const path = "/Invoice/Main/InvoiceTime"
	runRuleCases(t, []ruleCase{
		{"midnight", at("00:00:00"), nil},
		{"last second", at("23:59:59"), nil},
		{"hour 24", at("24:00:00"), []wantV{{"TIME_INVALID", path}}},
		{"minute 60", at("10:60:00"), []wantV{{"TIME_INVALID", path}}},
		{"second 60", at("10:20:60"), []wantV{{"TIME_INVALID", path}}},
		{"no seconds", at("10:20"), []wantV{{"TIME_INVALID", path}}},
		{"fraction", at("10:20:30.5"), []wantV{{"TIME_INVALID", path}}},
		{"empty", at(""), []wantV{{"TIME_INVALID", path}}},
		{"zone Z", at("10:20:30Z"), []wantV{{"TIME_ZONE", path}}},
		{"zone +08:00", at("10:20:30+08:00"), []wantV{{"TIME_ZONE", path}}},
		{"bad time with zone", at("25:20:30-05:00"), []wantV{{"TIME_INVALID", path}, {"TIME_ZONE", path}}},
	})
}

func TestRulesYearMonthAndTrack(t *testing.T) {
	ym := func(s string) Document { return changed(blankE0402, func(d *BlankTracks) { d.YearMonth = s }) }
	track := func(s string) Document { return changed(blankE0402, func(d *BlankTracks) { d.Track = s }) }
	const ymPath, trackPath = "/BranchTrackBlank/Main/YearMonth", "/BranchTrackBlank/Main/InvoiceTrack"
	runRuleCases(t, []ruleCase{
		{"month 12", ym("11412"), nil},
		{"month 10", ym("11510"), nil},
		{"odd month 01", ym("11501"), []wantV{{"YEAR_MONTH_INVALID", ymPath}}},
		{"odd month 11", ym("11511"), []wantV{{"YEAR_MONTH_INVALID", ymPath}}},
		{"month 00", ym("11500"), []wantV{{"YEAR_MONTH_INVALID", ymPath}}},
		{"month 14", ym("11514"), []wantV{{"YEAR_MONTH_INVALID", ymPath}}},
		{"4 digits", ym("1502"), []wantV{{"YEAR_MONTH_INVALID", ymPath}}},
		{"Gregorian year", ym("202602"), []wantV{{"YEAR_MONTH_INVALID", ymPath}}},
		{"full-width digit", ym("11５02"), []wantV{{"YEAR_MONTH_INVALID", ymPath}}},
		{"track ZZ", track("ZZ"), nil},
		{"track lower case", track("ab"), []wantV{{"TRACK_FORMAT", trackPath}}},
		{"track digit", track("A1"), []wantV{{"TRACK_FORMAT", trackPath}}},
		{"track 3 letters", track("ABC"), []wantV{{"TRACK_FORMAT", trackPath}}},
	})
}

func TestRulesYearMonthOtherMessages(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"E0501 odd month", changed(assignmentE0501, func(d *TrackAssignment) { d.YearMonth = "11503" }),
			[]wantV{{"YEAR_MONTH_INVALID", "/InvoiceAssignNo/YearMonth"}}},
		{"E0504 odd month", changed(winnersE0504, func(d *WinnerList) { d.YearMonth = "11411" }),
			[]wantV{{"YEAR_MONTH_INVALID", "/Award/Main/YearMonth"}}},
	})
}

func TestCheckBANOutsideADocument(t *testing.T) {
	r := DefaultRules()
	tests := []struct {
		name, value string
		consumerOK  bool
		want        string
	}{
		{"valid", "04595252", false, ""},
		{"seventh digit seven", "10458574", false, ""},
		{"checksum", "12222539", false, "BAN_CHECKSUM"},
		{"consumer where allowed", Consumer, true, ""},
		{"consumer where not allowed", Consumer, false, "BAN_FORMAT"},
		{"short", "1234567", false, "BAN_FORMAT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := r.CheckBAN(tt.value, "seller", tt.consumerOK)
			switch {
			case tt.want == "" && v != nil:
				t.Errorf("CheckBAN(%s) = %v, want nil", tt.value, v)
			case tt.want != "" && (v == nil || v.Code != tt.want || v.Path != ""):
				t.Errorf("CheckBAN(%s) = %+v, want code %s and no path", tt.value, v, tt.want)
			}
		})
	}
}
