package mig

import "testing"

const (
	salesPath    = "/Invoice/Amount/SalesAmount"
	freeTaxPath  = "/Invoice/Amount/FreeTaxSalesAmount"
	zeroTaxPath  = "/Invoice/Amount/ZeroTaxSalesAmount"
	taxPath      = "/Invoice/Amount/TaxAmount"
	totalPath    = "/Invoice/Amount/TotalAmount"
	customsPath  = "/Invoice/Main/CustomsClearanceMark"
	zeroWhyPath  = "/Invoice/Main/ZeroTaxRateReason"
	line1Amount  = "/Invoice/Details/ProductItem[1]/Amount"
	line2Amount  = "/Invoice/Details/ProductItem[2]/Amount"
	invoiceTotal = "/Invoice/Amount"
)

func TestRulesLineAmount(t *testing.T) {
	tiny := func(amount string) *Invoice {
		// 0.5 × 0.00000015 = 0.000000075, half up to 7 places: 0.0000001;
		// the lines then add up to 100.0000000 or round to 100.
		return changed(consumerC0401, func(d *Invoice) {
			d.Items[1].Quantity, d.Items[1].UnitPrice, d.Items[1].Amount = amt("0.5"), amt("0.00000015"), amt(amount)
			d.Amount.SalesAmount, d.Amount.TotalAmount = amt("100"), amt("100")
		})
	}
	runRuleCases(t, []ruleCase{
		{"product", consumerF0401(), nil},
		{"product with 7 decimals", consumerC0401(), nil},
		{"rounded half up to 7 decimals", tiny("0.0000001"), nil},
		{"truncated instead of rounded", tiny("0"), []wantV{{"LINE_AMOUNT", line2Amount}}},
		{"unit price changed", changed(consumerF0401, func(d *Invoice) { d.Items[0].UnitPrice = amt("52.4") }),
			[]wantV{{"LINE_AMOUNT", line1Amount}}},
		{"quantity changed", changed(businessA0401, func(d *Invoice) { d.Items[0].Quantity = amt("3") }),
			[]wantV{{"LINE_AMOUNT", line1Amount}}},
		{"negative quantity", changed(businessA0401, func(d *Invoice) {
			d.Items = append(d.Items, InvoiceItem{Description: "退貨", Quantity: amt("-1"), UnitPrice: amt("250"), Amount: amt("-250"), SequenceNumber: "2"})
			d.Amount.SalesAmount, d.Amount.TaxAmount, d.Amount.TotalAmount = amt("750"), amt("38"), amt("788")
		}), nil},
	})
}

// TestRulesAmountPlacesIsAParameter: with 2 places 3 × 33.3333333 must be
// written 100.
func TestRulesAmountPlacesIsAParameter(t *testing.T) {
	r := DefaultRules()
	r.AmountPlaces = 2
	assertViolations(t, r.Check(consumerC0401()), wantV{"LINE_AMOUNT", line1Amount})
}

// TestRulesTaxAmount: consumers carry tax-included SalesAmount and
// TaxAmount 0; businesses net SalesAmount and its tax within the tolerance.
func TestRulesTaxAmount(t *testing.T) {
	business := func(tax, total string) *Invoice {
		return changed(businessF0401, func(d *Invoice) { d.Amount.TaxAmount, d.Amount.TotalAmount = amt(tax), amt(total) })
	}
	runRuleCases(t, []ruleCase{
		{"consumer tax-included", consumerF0401(), nil},
		{"consumer with TaxAmount", changed(consumerF0401, func(d *Invoice) {
			d.Amount.TaxAmount, d.Amount.TotalAmount = amt("10"), amt("215")
		}), []wantV{{"CONSUMER_TAX_AMOUNT", taxPath}}},
		{"3.1 consumer with TaxAmount", changed(consumerC0401, func(d *Invoice) {
			d.Amount.TaxAmount, d.Amount.TotalAmount = amt("7"), amt("157")
		}), []wantV{{"CONSUMER_TAX_AMOUNT", taxPath}}},
		{"business exact (66.65 → 67)", business("67", "1400"), nil},
		{"business 1 under, at tolerance", business("66", "1399"), nil},
		{"business 1 over, at tolerance", business("68", "1401"), nil},
		{"business 2 under, beyond tolerance", business("65", "1398"), []wantV{{"TAX_AMOUNT", taxPath}}},
		{"business 2 over, beyond tolerance", business("69", "1402"), []wantV{{"TAX_AMOUNT", taxPath}}},
		{"business without tax", business("0", "1333"), []wantV{{"TAX_AMOUNT", taxPath}}},
		{"business half up 66.5 → 67", changed(businessF0401, func(d *Invoice) {
			d.Items[1].Quantity, d.Items[1].Amount = amt("3"), amt("330")
			d.Items[1].UnitPrice = amt("110")
			d.Amount.SalesAmount, d.Amount.TaxAmount, d.Amount.TotalAmount = amt("1330"), amt("67"), amt("1397")
		}), nil},
		{"business special 25%", specialF0401(), nil},
		{"business special 25% wrong", changed(specialF0401, func(d *Invoice) {
			d.Amount.TaxAmount, d.Amount.TotalAmount = amt("50"), amt("1050")
		}), []wantV{{"TAX_AMOUNT", taxPath}}},
		{"A0401", businessA0401(), nil},
		{"A0401 wrong", changed(businessA0401, func(d *Invoice) { d.Amount.TaxAmount, d.Amount.TotalAmount = amt("5"), amt("1005") }),
			[]wantV{{"TAX_AMOUNT", taxPath}}},
		{"exempt business has no tax", changed(exemptF0401, func(d *Invoice) {
			d.Amount.TaxAmount, d.Amount.TotalAmount = amt("2"), amt("1335")
		}), []wantV{{"TAX_AMOUNT", taxPath}}},
	})
}

func TestRulesTotalAmount(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"consumer off by one", changed(consumerF0401, func(d *Invoice) { d.Amount.TotalAmount = amt("206") }),
			[]wantV{{"TOTAL_AMOUNT", totalPath}}},
		{"business without tax", changed(businessF0401, func(d *Invoice) { d.Amount.TotalAmount = amt("1333") }),
			[]wantV{{"TOTAL_AMOUNT", totalPath}}},
		{"mixed without the exempt bucket", changed(mixedF0401, func(d *Invoice) { d.Amount.TotalAmount = amt("300") }),
			[]wantV{{"TOTAL_AMOUNT", totalPath}}},
		{"3.1 mixed without the zero-rated bucket", changed(mixedC0401, func(d *Invoice) { d.Amount.TotalAmount = amt("150") }),
			[]wantV{{"TOTAL_AMOUNT", totalPath}}},
		{"A0401 without tax", changed(businessA0401, func(d *Invoice) { d.Amount.TotalAmount = amt("1000") }),
			[]wantV{{"TOTAL_AMOUNT", totalPath}}},
		// A0401 has no FreeTax/ZeroTax elements; values in the model are
		// the renderer's business, the rules read them as 0.
		{"A0401 ignores absent buckets", changed(businessA0401, func(d *Invoice) { d.Amount.FreeTaxSalesAmount = amt("99") }), nil},
	})
}

// TestRulesBuckets: each sales bucket is the sum of its lines; in 4.1 by the
// line's TaxType, in 3.1 by the invoice's.
func TestRulesBuckets(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"4.1 zero-rated bucket short", changed(mixedF0401, func(d *Invoice) {
			d.Amount.ZeroTaxSalesAmount, d.Amount.TotalAmount = amt("150"), amt("300")
		}), []wantV{{"BUCKET_SUM", zeroTaxPath}}},
		{"4.1 sales bucket over", changed(mixedF0401, func(d *Invoice) {
			d.Amount.SalesAmount, d.Amount.TotalAmount = amt("200"), amt("450")
		}), []wantV{{"BUCKET_SUM", salesPath}}},
		{"4.1 exempt bucket without lines", changed(consumerF0401, func(d *Invoice) {
			d.Amount.FreeTaxSalesAmount, d.Amount.TotalAmount = amt("10"), amt("215")
		}), []wantV{{"BUCKET_SUM", freeTaxPath}}},
		{"4.1 lines swapped between buckets", changed(mixedF0401, func(d *Invoice) {
			d.Amount.ZeroTaxSalesAmount, d.Amount.FreeTaxSalesAmount = amt("50"), amt("200")
		}), []wantV{{"BUCKET_SUM", zeroTaxPath}, {"BUCKET_SUM", freeTaxPath}}},
		{"3.1 sales rounds the lines (149.9999999 → 150)", consumerC0401(), nil},
		{"3.1 sales short", changed(consumerC0401, func(d *Invoice) {
			d.Amount.SalesAmount, d.Amount.TotalAmount = amt("149"), amt("149")
		}), []wantV{{"BUCKET_SUM", salesPath}}},
		{"3.1 exempt invoice", changed(consumerC0401, func(d *Invoice) {
			d.Amount = InvoiceAmount{FreeTaxSalesAmount: amt("150"), TaxType: "3", TaxRate: amt("0"), TotalAmount: amt("150")}
		}), nil},
		{"3.1 exempt sales in SalesAmount", changed(consumerC0401, func(d *Invoice) { d.Amount.TaxType, d.Amount.TaxRate = "3", amt("0") }),
			[]wantV{{"BUCKET_SUM", salesPath}, {"BUCKET_SUM", freeTaxPath}}},
		{"3.1 mixed lines short of the buckets", changed(mixedC0401, func(d *Invoice) {
			d.Amount.SalesAmount, d.Amount.TotalAmount = amt("90"), amt("340")
		}), []wantV{{"BUCKET_SUM", invoiceTotal}}},
		{"A0401 sales short", changed(businessA0401, func(d *Invoice) {
			d.Amount.SalesAmount, d.Amount.TotalAmount = amt("999"), amt("1049")
		}), []wantV{{"BUCKET_SUM", salesPath}}},
	})
}

// TestRulesZeroRated: zero-rated sales need CustomsClearanceMark and, in
// 4.1, ZeroTaxRateReason.
func TestRulesZeroRated(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"4.1 zero-rated", zeroRatedF0401(), nil},
		{"4.1 zero-rated without customs mark", changed(zeroRatedF0401, func(d *Invoice) { d.CustomsClearanceMark = "" }),
			[]wantV{{"ZERO_RATED_CUSTOMS_MARK", customsPath}}},
		{"4.1 zero-rated without reason", changed(zeroRatedF0401, func(d *Invoice) { d.ZeroTaxRateReason = "" }),
			[]wantV{{"ZERO_RATED_REASON", zeroWhyPath}}},
		{"4.1 mixed with a zero-rated line, no customs mark, no reason", changed(mixedF0401, func(d *Invoice) {
			d.CustomsClearanceMark, d.ZeroTaxRateReason = "", ""
		}), []wantV{{"ZERO_RATED_CUSTOMS_MARK", customsPath}, {"ZERO_RATED_REASON", zeroWhyPath}}},
		{"3.1 mixed without customs mark", changed(mixedC0401, func(d *Invoice) { d.CustomsClearanceMark = "" }),
			[]wantV{{"ZERO_RATED_CUSTOMS_MARK", customsPath}}},
		{"A0401 zero-rated without customs mark", changed(businessA0401, func(d *Invoice) {
			d.Amount.TaxType, d.Amount.TaxRate, d.Amount.TaxAmount, d.Amount.TotalAmount = "2", amt("0"), amt("0"), amt("1000")
		}), []wantV{{"ZERO_RATED_CUSTOMS_MARK", customsPath}}},
		{"taxable needs neither", businessF0401(), nil},
	})
}
