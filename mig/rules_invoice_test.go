package mig

import (
	"fmt"
	"testing"
)

const (
	carrierTypePath = "/Invoice/Main/CarrierType"
	carrierID1Path  = "/Invoice/Main/CarrierId1"
	carrierID2Path  = "/Invoice/Main/CarrierId2"
	printMarkPath   = "/Invoice/Main/PrintMark"
	npobanPath      = "/Invoice/Main/NPOBAN"
	donateMarkPath  = "/Invoice/Main/DonateMark"
)

// carrier returns a consumer F0401 on the given carrier.
func carrier(typ, id1, id2 string) *Invoice {
	return changed(consumerF0401, func(d *Invoice) { d.CarrierType, d.CarrierID1, d.CarrierID2 = typ, id1, id2 })
}

func TestRulesCarrier(t *testing.T) {
	bad := func(path string) []wantV { return []wantV{{"CARRIER_ID_FORMAT", path}} }
	runRuleCases(t, []ruleCase{
		{"mobile barcode", carrier("3J0002", "/AB.+-12", "/AB.+-12"), nil},
		{"mobile barcode digits", carrier("3J0002", "/1234567", "/1234567"), nil},
		{"mobile barcode lower case", carrier("3J0002", "/abc1234", "/abc1234"), bad(carrierID1Path)},
		{"mobile barcode 8 characters", carrier("3J0002", "/ABC12345", "/ABC12345"), bad(carrierID1Path)},
		{"mobile barcode 6 characters", carrier("3J0002", "/ABC123", "/ABC123"), bad(carrierID1Path)},
		{"mobile barcode without slash", carrier("3J0002", "ABC12345", "ABC12345"), bad(carrierID1Path)},
		{"mobile barcode with *", carrier("3J0002", "/ABC*123", "/ABC*123"), bad(carrierID1Path)},
		{"citizen certificate", carrier("CQ0001", "AB12345678901234", "AB12345678901234"), nil},
		{"citizen certificate one letter", carrier("CQ0001", "A123456789012345", "A123456789012345"), bad(carrierID1Path)},
		{"citizen certificate 13 digits", carrier("CQ0001", "AB1234567890123", "AB1234567890123"), bad(carrierID1Path)},
		{"citizen certificate lower case", carrier("CQ0001", "ab12345678901234", "ab12345678901234"), bad(carrierID1Path)},
		{"member carrier not checked", carrier("EJ0113", "member-0042", "hidden-0042"), nil},
		{"type without ids", carrier("3J0002", "", ""),
			[]wantV{{"CARRIER_INCOMPLETE", carrierID1Path}, {"CARRIER_INCOMPLETE", carrierID2Path}}},
		{"type without CarrierId2", carrier("3J0002", "/ABC+1.-", ""), []wantV{{"CARRIER_INCOMPLETE", carrierID2Path}}},
		{"ids without type", carrier("", "/ABC+1.-", "/ABC+1.-"), []wantV{{"CARRIER_INCOMPLETE", carrierTypePath}}},
		{"C0401 bad mobile barcode", changed(consumerC0401, func(d *Invoice) {
			d.DonateMark, d.NPOBAN, d.CarrierType, d.CarrierID1, d.CarrierID2 = "0", "", "3J0002", "/abc", "/abc"
		}), bad(carrierID1Path)},
	})
}

// donated returns a consumer F0401 donated to code, not printed, on no carrier.
func donated(code string) *Invoice {
	return changed(consumerF0401, func(d *Invoice) {
		d.CarrierType, d.CarrierID1, d.CarrierID2, d.DonateMark, d.NPOBAN = "", "", "", "1", code
	})
}

func TestRulesDonation(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"3 digits", donated("123"), nil},
		{"7 digits", donated("1234567"), nil},
		{"2 digits", donated("12"), []wantV{{"NPOBAN_FORMAT", npobanPath}}},
		{"8 digits", donated("12345678"), []wantV{{"NPOBAN_FORMAT", npobanPath}}},
		{"letter", donated("12a4"), []wantV{{"NPOBAN_FORMAT", npobanPath}}},
		{"full-width digits", donated("８５８５"), []wantV{{"NPOBAN_FORMAT", npobanPath}}},
		{"DonateMark 1 without NPOBAN", donated(""), []wantV{{"DONATION_NO_NPOBAN", npobanPath}}},
		{"NPOBAN without DonateMark 1", changed(consumerF0401, func(d *Invoice) { d.NPOBAN = "8585" }),
			[]wantV{{"NPOBAN_NOT_DONATED", npobanPath}}},
		{"C0401 DonateMark 1 without NPOBAN", changed(consumerC0401, func(d *Invoice) { d.NPOBAN = "" }),
			[]wantV{{"DONATION_NO_NPOBAN", npobanPath}}},
		{"business buyer donates", changed(businessF0401, func(d *Invoice) { d.DonateMark, d.NPOBAN, d.PrintMark = "1", "8585", "N" }),
			[]wantV{{"DONATION_BUSINESS_BUYER", donateMarkPath}}},
		{"A0401 donates", changed(businessA0401, func(d *Invoice) { d.DonateMark = "1" }),
			[]wantV{{"DONATION_BUSINESS_BUYER", donateMarkPath}}},
	})
}

// TestRulesThreeChooseOne: a consumer invoice is printed, on a carrier, or
// donated, and only one of them (domain.md §4.5).
func TestRulesThreeChooseOne(t *testing.T) {
	printed := func(d *Invoice) { d.PrintMark = "Y" }
	noCarrier := func(d *Invoice) { d.CarrierType, d.CarrierID1, d.CarrierID2 = "", "", "" }
	donate := func(d *Invoice) { d.DonateMark, d.NPOBAN = "1", "8585" }
	with := func(base func() *Invoice, fs ...func(*Invoice)) *Invoice {
		return changed(base, func(d *Invoice) {
			for _, f := range fs {
				f(d)
			}
		})
	}
	runRuleCases(t, []ruleCase{
		{"carrier only", consumerF0401(), nil},
		{"printed only", with(consumerF0401, printed, noCarrier), nil},
		{"donated only", with(consumerF0401, noCarrier, donate), nil},
		{"none of the three", with(consumerF0401, noCarrier), []wantV{{"DELIVERY_MISSING", printMarkPath}}},
		{"printed on a carrier", with(consumerF0401, printed), []wantV{{"PRINTED_WITH_CARRIER", carrierTypePath}}},
		{"donated and printed", with(consumerF0401, noCarrier, donate, printed), []wantV{{"DONATED_PRINTED", printMarkPath}}},
		{"donated on a carrier", with(consumerF0401, donate), []wantV{{"DONATED_WITH_CARRIER", carrierTypePath}}},
		{"donated, printed, on a carrier", with(consumerF0401, donate, printed),
			[]wantV{{"DONATED_PRINTED", printMarkPath}, {"DONATED_WITH_CARRIER", carrierTypePath}}},
		{"C0401 none of the three", with(consumerC0401, func(d *Invoice) { d.DonateMark, d.NPOBAN = "0", "" }),
			[]wantV{{"DELIVERY_MISSING", printMarkPath}}},
		{"business printed on a carrier", with(businessF0401, func(d *Invoice) {
			d.CarrierType, d.CarrierID1, d.CarrierID2 = "3J0002", "/ABC+1.-", "/ABC+1.-"
		}), nil},
		{"business not printed, no carrier", with(businessF0401, func(d *Invoice) { d.PrintMark = "N" }), nil},
	})
}

func TestRulesSequenceNumber(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"F0401 duplicate", changed(consumerF0401, func(d *Invoice) { d.Items[1].SequenceNumber = "1" }),
			[]wantV{{"SEQUENCE_DUPLICATE", "/Invoice/Details/ProductItem[2]/SequenceNumber"}}},
		{"C0401 duplicate", changed(mixedC0401, func(d *Invoice) { d.Items[2].SequenceNumber = "2" }),
			[]wantV{{"SEQUENCE_DUPLICATE", "/Invoice/Details/ProductItem[3]/SequenceNumber"}}},
		{"not in order is fine", changed(consumerF0401, func(d *Invoice) { d.Items[0].SequenceNumber = "9" }), nil},
	})
}

// exemptF0401 is a 4.1 tax-exempt invoice to a business.
func exemptF0401() *Invoice {
	return changed(businessF0401, func(d *Invoice) {
		for i := range d.Items {
			d.Items[i].TaxType = "3"
		}
		d.Amount = InvoiceAmount{FreeTaxSalesAmount: amt("1333"), TaxType: "3", TaxRate: amt("0"), TotalAmount: amt("1333")}
	})
}

// zeroRatedF0401 is a 4.1 zero-rated export invoice to a business.
func zeroRatedF0401() *Invoice {
	return changed(businessF0401, func(d *Invoice) {
		for i := range d.Items {
			d.Items[i].TaxType = "2"
		}
		d.CustomsClearanceMark, d.ZeroTaxRateReason = "2", "71"
		d.Amount = InvoiceAmount{ZeroTaxSalesAmount: amt("1333"), TaxType: "2", TaxRate: amt("0"), TotalAmount: amt("1333")}
	})
}

func TestRulesInvoiceTypeAndTaxRate(t *testing.T) {
	const typePath, ratePath, taxTypePath = "/Invoice/Main/InvoiceType", "/Invoice/Amount/TaxRate", "/Invoice/Amount/TaxType"
	special := func(rate, tax, total string) *Invoice {
		return changed(specialF0401, func(d *Invoice) {
			d.Amount.TaxRate, d.Amount.TaxAmount, d.Amount.TotalAmount = amt(rate), amt(tax), amt(total)
		})
	}
	runRuleCases(t, []ruleCase{
		{"08 with TaxType 4", specialF0401(), nil},
		{"08 with TaxType 3", changed(exemptF0401, func(d *Invoice) { d.InvoiceType = "08" }), nil},
		{"07 with TaxType 3", exemptF0401(), nil},
		{"07 with TaxType 2", zeroRatedF0401(), nil},
		{"08 with TaxType 1", changed(businessF0401, func(d *Invoice) { d.InvoiceType = "08" }), []wantV{{"INVOICE_TYPE_TAX_TYPE", typePath}}},
		{"08 with TaxType 2", changed(zeroRatedF0401, func(d *Invoice) { d.InvoiceType = "08" }), []wantV{{"INVOICE_TYPE_TAX_TYPE", typePath}}},
		{"07 with TaxType 4", changed(specialF0401, func(d *Invoice) { d.InvoiceType = "07" }), []wantV{{"INVOICE_TYPE_TAX_TYPE", typePath}}},
		{"InvoiceType 01", changed(businessA0401, func(d *Invoice) { d.InvoiceType = "01" }), []wantV{{"INVOICE_TYPE_TAX_TYPE", typePath}}},
		{"special rate 0.01", special("0.01", "10", "1010"), nil},
		{"special rate 0.02", special("0.02", "20", "1020"), nil},
		{"special rate 0.15", special("0.15", "150", "1150"), nil},
		{"special rate 0.05", special("0.05", "50", "1050"), []wantV{{"TAX_RATE", ratePath}}},
		{"TaxType 1 at 0.1", changed(businessF0401, func(d *Invoice) { d.Amount.TaxRate = amt("0.1") }), []wantV{{"TAX_RATE", ratePath}}},
		{"TaxType 1 at 0", changed(consumerF0401, func(d *Invoice) { d.Amount.TaxRate = amt("0") }), []wantV{{"TAX_RATE", ratePath}}},
		{"TaxType 2 at 0.05", changed(zeroRatedF0401, func(d *Invoice) { d.Amount.TaxRate = amt("0.05") }), []wantV{{"TAX_RATE", ratePath}}},
		{"TaxType 3 at 0.05", changed(exemptF0401, func(d *Invoice) { d.Amount.TaxRate = amt("0.05") }), []wantV{{"TAX_RATE", ratePath}}},
		{"TaxType 9 at 0", changed(mixedF0401, func(d *Invoice) { d.Amount.TaxRate = amt("0") }), []wantV{{"TAX_RATE", ratePath}}},
		{"rate written 0.050", changed(consumerF0401, func(d *Invoice) { d.Amount.TaxRate = amt("0.050") }), nil},
		{"TaxType 5", changed(consumerF0401, func(d *Invoice) { d.Amount.TaxType = "5" }), []wantV{{"TAX_TYPE_INVALID", taxTypePath}}},
	})
}

func TestRulesLineTaxType(t *testing.T) {
	line := func(n int) string { return fmt.Sprintf("/Invoice/Details/ProductItem[%d]/TaxType", n) }
	runRuleCases(t, []ruleCase{
		{"line 4 in a TaxType 1 invoice", changed(businessF0401, func(d *Invoice) { d.Items[1].TaxType = "4" }),
			[]wantV{{"LINE_TAX_TYPE", line(2)}}},
		{"line 9", changed(consumerF0401, func(d *Invoice) { d.Items[0].TaxType = "9" }), []wantV{{"LINE_TAX_TYPE", line(1)}}},
		{"line without TaxType", changed(consumerF0401, func(d *Invoice) { d.Items[1].TaxType = "" }), []wantV{{"LINE_TAX_TYPE", line(2)}}},
		{"any line type in a mixed invoice", mixedF0401(), nil},
		{"3.1 lines have no TaxType", consumerC0401(), nil},
	})
}

// TestRulesMixedTaxType: TaxType 9 only with mixed lines.
func TestRulesMixedTaxType(t *testing.T) {
	const path = "/Invoice/Amount/TaxType"
	runRuleCases(t, []ruleCase{
		{"4.1 mixed", mixedF0401(), nil},
		{"4.1 TaxType 9 with one line type", changed(consumerF0401, func(d *Invoice) { d.Amount.TaxType = "9" }),
			[]wantV{{"TAX_TYPE_9_NOT_MIXED", path}}},
		{"4.1 TaxType 9 with lines 1 and 4", changed(businessF0401, func(d *Invoice) {
			d.Amount.TaxType, d.Items[1].TaxType = "9", "4"
		}), nil},
		{"3.1 mixed", mixedC0401(), nil},
		{"3.1 TaxType 9 with one bucket", changed(consumerC0401, func(d *Invoice) { d.Amount.TaxType = "9" }),
			[]wantV{{"TAX_TYPE_9_NOT_MIXED", path}}},
	})
}
