package mig

import (
	"fmt"
	"testing"
)

// allowanceItem returns the path of a field of the n-th (1-based) line.
func allowanceItem(n int, field string) string {
	return fmt.Sprintf("/Allowance/Details/ProductItem[%d]/%s", n, field)
}

const (
	allowanceTaxPath   = "/Allowance/Amount/TaxAmount"
	allowanceTotalPath = "/Allowance/Amount/TotalAmount"
)

// withTax returns a G0401 whose first (taxable, Amount 50) line has tax and
// whose TaxAmount follows it.
func withTax(tax string) *Allowance {
	return changed(allowanceG0401, func(d *Allowance) { d.Items[0].Tax, d.TaxAmount = amt(tax), amt(tax) })
}

func TestRulesAllowanceLineTax(t *testing.T) {
	special := func(tax string) *Allowance {
		return changed(specialG0401, func(d *Allowance) { d.Items[0].Tax, d.TaxAmount = amt(tax), amt(tax) })
	}
	runRuleCases(t, []ruleCase{
		{"TaxType 1 exact (2.5 → 3)", withTax("3"), nil},
		{"TaxType 1 at tolerance below", withTax("2"), nil},
		{"TaxType 1 at tolerance above", withTax("4"), nil},
		{"TaxType 1 beyond tolerance", withTax("5"), []wantV{{"LINE_TAX", allowanceItem(1, "Tax")}}},
		{"TaxType 1 without tax", withTax("0"), []wantV{{"LINE_TAX", allowanceItem(1, "Tax")}}},
		{"TaxType 3 with tax", changed(allowanceG0401, func(d *Allowance) { d.Items[1].Tax, d.TaxAmount = amt("1"), amt("4") }),
			[]wantV{{"LINE_TAX", allowanceItem(2, "Tax")}}},
		{"TaxType 2 without tax", changed(allowanceG0401, func(d *Allowance) { d.Items[1].TaxType = "2" }), nil},
		{"TaxType 4 at 0.15", special("30"), nil},
		{"TaxType 4 at 0.01", special("2"), nil},
		{"TaxType 4 at 0.02", special("4"), nil},
		{"TaxType 4 at 0.25", special("50"), nil},
		{"TaxType 4 at no special rate", special("10"), []wantV{{"LINE_TAX", allowanceItem(1, "Tax")}}},
		{"line TaxType 9", changed(allowanceG0401, func(d *Allowance) { d.Items[0].TaxType = "9" }),
			[]wantV{{"LINE_TAX_TYPE", allowanceItem(1, "TaxType")}}},
		{"line without TaxType", changed(allowanceD0401, func(d *Allowance) { d.Items[0].TaxType = "" }),
			[]wantV{{"LINE_TAX_TYPE", allowanceItem(1, "TaxType")}}},
	})
}

func TestRulesAllowanceTotals(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"TaxAmount not the lines' tax", changed(allowanceG0401, func(d *Allowance) { d.TaxAmount = amt("4") }),
			[]wantV{{"TAX_AMOUNT_SUM", allowanceTaxPath}}},
		{"TotalAmount with the tax in it", changed(allowanceG0401, func(d *Allowance) { d.TotalAmount = amt("253") }),
			[]wantV{{"TOTAL_AMOUNT_SUM", allowanceTotalPath}}},
		{"3.1 TotalAmount rounds the lines (99.9999999 → 100)", allowanceD0401(), nil},
		{"3.1 TotalAmount truncated", changed(allowanceD0401, func(d *Allowance) { d.TotalAmount = amt("99") }),
			[]wantV{{"TOTAL_AMOUNT_SUM", allowanceTotalPath}}},
		{"line Amount not the product", changed(allowanceG0401, func(d *Allowance) { d.Items[1].UnitPrice = amt("99") }),
			[]wantV{{"LINE_AMOUNT", allowanceItem(2, "Amount")}}},
		{"duplicate sequence number", changed(allowanceG0401, func(d *Allowance) { d.Items[1].SequenceNumber = "1" }),
			[]wantV{{"SEQUENCE_DUPLICATE", allowanceItem(2, "AllowanceSequenceNumber")}}},
	})
}

func TestRulesAllowanceOriginals(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"original invoice the same day", changed(allowanceG0401, func(d *Allowance) { d.Items[1].OriginalInvoiceDate = "20260120" }), nil},
		{"original invoice after the allowance", changed(allowanceG0401, func(d *Allowance) { d.Items[1].OriginalInvoiceDate = "20260121" }),
			[]wantV{{"DATE_BEFORE_ORIGINAL", allowanceItem(2, "OriginalInvoiceDate")}}},
		{"original invoice date not real", changed(allowanceG0401, func(d *Allowance) { d.Items[0].OriginalInvoiceDate = "20250229" }),
			[]wantV{{"DATE_INVALID", allowanceItem(1, "OriginalInvoiceDate")}}},
		{"allowance date not real", changed(allowanceD0401, func(d *Allowance) { d.Date = "20260230" }),
			[]wantV{{"DATE_INVALID", "/Allowance/Main/AllowanceDate"}}},
		{"original invoice number", changed(allowanceG0401, func(d *Allowance) { d.Items[0].OriginalInvoiceNumber = "AB1234567" }),
			[]wantV{{"INVOICE_NUMBER_FORMAT", allowanceItem(1, "OriginalInvoiceNumber")}}},
	})
}

func TestRulesAllowanceParties(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"seller checksum", changed(allowanceG0401, func(d *Allowance) { d.Seller.Identifier = "12222539" }),
			[]wantV{{"BAN_CHECKSUM", "/Allowance/Main/Seller/Identifier"}}},
		{"buyer 9 zeros", changed(allowanceD0401, func(d *Allowance) { d.Buyer.Identifier = "000000000" }),
			[]wantV{{"BAN_FORMAT", "/Allowance/Main/Buyer/Identifier"}}},
		{"buyer business", changed(allowanceD0401, func(d *Allowance) { d.Buyer.Identifier = "10458570" }), nil},
		{"original seller checksum", changed(allowanceG0401, func(d *Allowance) { d.OriginalInvoiceSellerID = "28080624" }),
			[]wantV{{"BAN_CHECKSUM", "/Allowance/Main/OriginalInvoiceSellerId"}}},
		{"original seller consumer id", changed(allowanceG0401, func(d *Allowance) { d.OriginalInvoiceSellerID = Consumer }),
			[]wantV{{"BAN_FORMAT", "/Allowance/Main/OriginalInvoiceSellerId"}}},
		{"original buyer checksum", changed(allowanceG0401, func(d *Allowance) { d.OriginalInvoiceBuyerID = "28080624" }),
			[]wantV{{"BAN_CHECKSUM", "/Allowance/Main/OriginalInvoiceBuyerId"}}},
		{"original ids absent", changed(allowanceG0401, func(d *Allowance) { d.OriginalInvoiceSellerID, d.OriginalInvoiceBuyerID = "", "" }), nil},
	})
}
