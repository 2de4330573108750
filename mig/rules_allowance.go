package mig

// Allowance rules (G0401, D0401): parties, dates against the original
// invoices, line amounts and tax, and the totals. Allowance amounts are net
// with the tax of each line beside it (domain.md §4.6).

var onAllowances = []MessageType{G0401, D0401}

// allowanceRules is the rule table of allowances, in the order of the checks.
var allowanceRules = []ruleRow[*Allowance]{
	{onAllowances, (*Rules).allowanceParties},
	{onAllowances, (*Rules).allowanceOriginals},
	{onAllowances, (*Rules).allowanceLineAmounts},
	{onAllowances, (*Rules).allowanceSequenceNumbers},
	{onAllowances, (*Rules).allowanceLineTax},
	{onAllowances, (*Rules).allowanceTotals},
}

func (r *Rules) allowanceParties(a *Allowance, out *ruleReport) {
	p := rulePathOf(a.Head)
	r.checkBAN(out, p.main("Seller", "Identifier"), a.Seller.Identifier, sellerRole)
	r.checkBAN(out, p.main("Buyer", "Identifier"), a.Buyer.Identifier, buyerRole)
	if a.OriginalInvoiceSellerID != "" {
		r.checkBAN(out, p.main("OriginalInvoiceSellerId"), a.OriginalInvoiceSellerID, originalSellerRole)
	}
	if a.OriginalInvoiceBuyerID != "" {
		r.checkBAN(out, p.main("OriginalInvoiceBuyerId"), a.OriginalInvoiceBuyerID, originalBuyerRole)
	}
}

// allowanceOriginals checks the allowance date and, per line, the original
// invoice's number and date, which may not be after the allowance date.
func (r *Rules) allowanceOriginals(a *Allowance, out *ruleReport) {
	p := rulePathOf(a.Head)
	dateOK := r.checkDate(out, p.main("AllowanceDate"), a.Date, "allowance date")
	for i, it := range a.Items {
		r.checkInvoiceNumber(out, p.item("ProductItem", i, "OriginalInvoiceNumber"), it.OriginalInvoiceNumber, "original invoice number")
		path := p.item("ProductItem", i, "OriginalInvoiceDate")
		if r.checkDate(out, path, it.OriginalInvoiceDate, "original invoice date") && dateOK && a.Date < it.OriginalInvoiceDate {
			out.add("DATE_BEFORE_ORIGINAL", path, string(it.OriginalInvoiceDate),
				"the allowance date %s is before the date %s of invoice %s: an allowance follows its invoice; check both dates",
				a.Date, it.OriginalInvoiceDate, it.OriginalInvoiceNumber)
		}
	}
}

func (r *Rules) allowanceLineAmounts(a *Allowance, out *ruleReport) {
	p := rulePathOf(a.Head)
	for i, it := range a.Items {
		r.checkLineAmount(out, p.item("ProductItem", i, "Amount"), it.Quantity, it.UnitPrice, it.Amount)
	}
}

func (r *Rules) allowanceSequenceNumbers(a *Allowance, out *ruleReport) {
	p := rulePathOf(a.Head)
	ruleUniqueSequence(out, len(a.Items), "AllowanceSequenceNumber",
		func(i int) string { return a.Items[i].SequenceNumber },
		func(i int) elemPath { return p.item("ProductItem", i, "AllowanceSequenceNumber") })
}

// allowanceLineTax checks each line's TaxType and that its Tax is the tax
// of its Amount at a rate the TaxType allows.
func (r *Rules) allowanceLineTax(a *Allowance, out *ruleReport) {
	p := rulePathOf(a.Head)
	for i, it := range a.Items {
		rates, ok := r.TaxRates[it.TaxType]
		if _, line := r.LineBuckets[it.TaxType]; !ok || !line {
			out.add("LINE_TAX_TYPE", p.item("ProductItem", i, "TaxType"), it.TaxType,
				"a line's TaxType is one of %s, not %q", ruleJoinKeys(r.LineBuckets), it.TaxType)
			continue
		}
		if wants, ok := r.taxMatches(it.Amount, it.Tax, rates); !ok {
			out.add("LINE_TAX", p.item("ProductItem", i, "Tax"), it.Tax.String(),
				"line Tax %s is not the tax of Amount %s at TaxType %s's rate %s (= %s, tolerance %s): write the line's tax",
				it.Tax, it.Amount, it.TaxType, ruleDecimals(rates), ruleDecimals(wants), r.TaxTolerance)
		}
	}
}

// taxMatches reports whether tax is round-half-up(amount × rate) for one of
// rates, within r.TaxTolerance; at rate 0 the tax must be exactly 0. It
// returns the taxes it computed when none matches.
func (r *Rules) taxMatches(amount, tax Decimal, rates []Decimal) ([]Decimal, bool) {
	var wants []Decimal
	for _, rate := range rates {
		want := amount.Mul(rate).Round(0)
		wants = append(wants, want)
		if rate.IsZero() && tax.IsZero() || !rate.IsZero() && tax.Sub(want).Abs().Cmp(r.TaxTolerance) <= 0 {
			return nil, true
		}
	}
	return wants, false
}

// allowanceTotals checks TaxAmount = Σ line Tax and TotalAmount = Σ line
// Amount, rounded half up to the totals' precision.
func (r *Rules) allowanceTotals(a *Allowance, out *ruleReport) {
	var tax, total Decimal
	for _, it := range a.Items {
		tax, total = tax.Add(it.Tax), total.Add(it.Amount)
	}
	places := r.bucketPlaces(a.Head)
	tax, total = tax.Round(places), total.Round(places)
	p := rulePathOf(a.Head)
	if a.TaxAmount.Cmp(tax) != 0 {
		out.add("TAX_AMOUNT_SUM", p.at("Amount", "TaxAmount"), a.TaxAmount.String(),
			"TaxAmount %s is not %s, the sum of the lines' Tax: write %s", a.TaxAmount, tax, tax)
	}
	if a.TotalAmount.Cmp(total) != 0 {
		out.add("TOTAL_AMOUNT_SUM", p.at("Amount", "TotalAmount"), a.TotalAmount.String(),
			"TotalAmount %s is not %s, the sum of the lines' (net) Amount: write %s", a.TotalAmount, total, total)
	}
}
