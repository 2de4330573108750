package mig

// Invoice rules (F0401, C0401, A0401): identity, dates, carriers, donation
// and the consumer "three choose one". The amount rules are in
// rules_amount.go.

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Message-type sets of the rule tables.
var (
	onInvoices    = []MessageType{F0401, C0401, A0401}
	onB2CInvoices = []MessageType{F0401, C0401} // carrier, print mark and donation code
	onF0401       = []MessageType{F0401}        // a TaxType per line, ZeroTaxRateReason
	onC0401       = []MessageType{C0401}        // 3.1 buckets without line tax types
	onA0401       = []MessageType{A0401}        // business buyers only
)

// invoiceRules is the rule table of invoices, in the order of the checks.
var invoiceRules = []ruleRow[*Invoice]{
	{onInvoices, (*Rules).invoiceNumber},
	{onInvoices, (*Rules).invoiceSeller},
	{onB2CInvoices, (*Rules).invoiceBuyer},
	{onA0401, (*Rules).invoiceBusinessBuyer},
	{onInvoices, (*Rules).invoiceDateTime},
	{onB2CInvoices, (*Rules).invoiceCarrier},
	{onInvoices, (*Rules).invoiceDonation},
	{onB2CInvoices, (*Rules).invoiceDelivery},
	{onInvoices, (*Rules).invoiceLineAmounts},
	{onInvoices, (*Rules).invoiceSequenceNumbers},
	{onInvoices, (*Rules).invoiceTaxType},
	{onInvoices, (*Rules).invoiceTaxRate},
	{onInvoices, (*Rules).invoiceTypeTaxType},
	{onF0401, (*Rules).invoiceLineTaxTypes},
	{onF0401, (*Rules).invoiceMixedLines},
	{onC0401, (*Rules).invoiceMixedBuckets},
	{onInvoices, (*Rules).invoiceBuckets},
	{onInvoices, (*Rules).invoiceCustomsMark},
	{onF0401, (*Rules).invoiceZeroTaxReason},
	{onInvoices, (*Rules).invoiceTaxAmount},
	{onInvoices, (*Rules).invoiceTotalAmount},
}

// isConsumer reports whether inv is to a consumer (B2C). A buyer identifier
// of 8 characters is a business; anything else, right (the consumer id) or
// wrong (BAN_FORMAT says so), is judged as a consumer by the other rules, so
// that one wrong identifier does not also fail the tax rules.
func (r *Rules) isConsumer(inv *Invoice) bool {
	return inv.Buyer.Identifier == r.ConsumerID || utf8.RuneCountInString(inv.Buyer.Identifier) != 8
}

func (r *Rules) invoiceNumber(inv *Invoice, out *ruleReport) {
	r.checkInvoiceNumber(out, rulePathOf(inv.Head).main("InvoiceNumber"), inv.Number, "invoice number")
}

func (r *Rules) invoiceSeller(inv *Invoice, out *ruleReport) {
	r.checkBAN(out, rulePathOf(inv.Head).main("Seller", "Identifier"), inv.Seller.Identifier, sellerRole)
}

// invoiceBuyer checks a buyer that may be a consumer or a business.
func (r *Rules) invoiceBuyer(inv *Invoice, out *ruleReport) {
	r.checkBAN(out, rulePathOf(inv.Head).main("Buyer", "Identifier"), inv.Buyer.Identifier, buyerRole)
}

// invoiceBusinessBuyer checks the buyer of an A0401, always a business.
func (r *Rules) invoiceBusinessBuyer(inv *Invoice, out *ruleReport) {
	r.checkBAN(out, rulePathOf(inv.Head).main("Buyer", "Identifier"), inv.Buyer.Identifier, businessBuyerRole)
}

func (r *Rules) invoiceDateTime(inv *Invoice, out *ruleReport) {
	p := rulePathOf(inv.Head)
	r.checkDate(out, p.main("InvoiceDate"), inv.Date, "invoice date")
	r.checkTime(out, p.main("InvoiceTime"), inv.Time, "invoice time")
}

// hasCarrier reports whether inv names a carrier in any carrier field.
func (r *Rules) hasCarrier(inv *Invoice) bool {
	return inv.CarrierType != "" || inv.CarrierID1 != "" || inv.CarrierID2 != ""
}

// invoiceCarrier checks that a carrier is complete and its id well formed.
func (r *Rules) invoiceCarrier(inv *Invoice, out *ruleReport) {
	p := rulePathOf(inv.Head)
	switch {
	case !r.hasCarrier(inv):
		return
	case inv.CarrierType == "":
		out.add("CARRIER_INCOMPLETE", p.main("CarrierType"), "",
			"CarrierId1/CarrierId2 are set but CarrierType is empty: name the carrier type (e.g. 3J0002 mobile barcode) or drop the ids")
		return
	}
	for _, id := range []struct{ elem, value string }{{"CarrierId1", inv.CarrierID1}, {"CarrierId2", inv.CarrierID2}} {
		if id.value == "" {
			out.add("CARRIER_INCOMPLETE", p.main(id.elem), "",
				"carrier type %s needs both CarrierId1 (visible id) and CarrierId2 (hidden id); %s is empty: for 3J0002 and CQ0001 write the carrier id in both",
				inv.CarrierType, id.elem)
		}
	}
	if re, ok := r.CarrierIDs[inv.CarrierType]; ok && inv.CarrierID1 != "" && !re.MatchString(inv.CarrierID1) {
		out.add("CARRIER_ID_FORMAT", p.main("CarrierId1"), inv.CarrierID1,
			"CarrierId1 %q is not a carrier id of type %s (pattern %s): check the code the buyer showed", inv.CarrierID1, inv.CarrierType, re)
	}
}

// invoiceDonation checks DonateMark against NPOBAN and the buyer.
func (r *Rules) invoiceDonation(inv *Invoice, out *ruleReport) {
	p := rulePathOf(inv.Head)
	donated := inv.DonateMark == "1"
	switch {
	case donated && !r.isConsumer(inv):
		out.add("DONATION_BUSINESS_BUYER", p.main("DonateMark"), inv.DonateMark,
			"the buyer has a 統一編號 (%s), and an invoice to a business cannot be donated: set DonateMark 0", inv.Buyer.Identifier)
	case donated && inv.NPOBAN == "" && inv.Type != A0401:
		out.add("DONATION_NO_NPOBAN", p.main("NPOBAN"), "", "DonateMark is 1 but NPOBAN is empty: write the donation code (愛心碼) the buyer chose")
	case !donated && inv.NPOBAN != "":
		out.add("NPOBAN_NOT_DONATED", p.main("NPOBAN"), inv.NPOBAN,
			"NPOBAN %s is set but DonateMark is %q: set DonateMark 1 to donate, or drop NPOBAN", inv.NPOBAN, inv.DonateMark)
	}
	if inv.NPOBAN != "" && !r.NPOBAN.MatchString(inv.NPOBAN) {
		out.add("NPOBAN_FORMAT", p.main("NPOBAN"), inv.NPOBAN,
			"NPOBAN %q is not a donation code (愛心碼, 3-7 ASCII digits): check the code with the buyer", inv.NPOBAN)
	}
}

// invoiceDelivery checks the consumer "three choose one": printed, on a
// carrier, or donated, and only one of them.
func (r *Rules) invoiceDelivery(inv *Invoice, out *ruleReport) {
	if !r.isConsumer(inv) {
		return
	}
	p := rulePathOf(inv.Head)
	printed, carrier, donated := inv.PrintMark == "Y", r.hasCarrier(inv), inv.DonateMark == "1"
	switch {
	case inv.PrintMark == "N" && !carrier && !donated:
		out.add("DELIVERY_MISSING", p.main("PrintMark"), inv.PrintMark,
			"a consumer invoice must be printed, stored on a carrier or donated, and this one is none: set PrintMark Y, a carrier, or DonateMark 1 with NPOBAN")
	case donated && printed:
		out.add("DONATED_PRINTED", p.main("PrintMark"), inv.PrintMark, "a donated invoice is not printed: set PrintMark N")
	case printed && carrier:
		out.add("PRINTED_WITH_CARRIER", p.main("CarrierType"), inv.CarrierType,
			"a printed consumer invoice has no carrier: drop the carrier, or set PrintMark N to keep the invoice on the carrier")
	}
	if donated && carrier {
		out.add("DONATED_WITH_CARRIER", p.main("CarrierType"), inv.CarrierType,
			"a donated invoice has no carrier: drop the carrier, or set DonateMark 0 and drop NPOBAN to keep it on the carrier")
	}
}

// invoiceLineAmounts checks Amount = Quantity × UnitPrice on every line.
func (r *Rules) invoiceLineAmounts(inv *Invoice, out *ruleReport) {
	p := rulePathOf(inv.Head)
	for i, it := range inv.Items {
		r.checkLineAmount(out, p.item("ProductItem", i, "Amount"), it.Quantity, it.UnitPrice, it.Amount)
	}
}

// checkLineAmount reports amount unless it is quantity × price rounded half
// up to r.AmountPlaces.
func (r *Rules) checkLineAmount(out *ruleReport, path elemPath, quantity, price, amount Decimal) {
	want := quantity.Mul(price).Round(r.AmountPlaces)
	if amount.Cmp(want) != 0 {
		out.add("LINE_AMOUNT", path, amount.String(),
			"line Amount %s is not Quantity %s × UnitPrice %s = %s (rounded half up to %d decimals): fix the amount, quantity or unit price",
			amount, quantity, price, want, r.AmountPlaces)
	}
}

func (r *Rules) invoiceSequenceNumbers(inv *Invoice, out *ruleReport) {
	p := rulePathOf(inv.Head)
	ruleUniqueSequence(out, len(inv.Items), "SequenceNumber",
		func(i int) string { return inv.Items[i].SequenceNumber },
		func(i int) elemPath { return p.item("ProductItem", i, "SequenceNumber") })
}

func (r *Rules) knownTaxType(inv *Invoice) bool {
	_, ok := r.TaxRates[inv.Amount.TaxType]
	return ok
}

// invoiceTaxType checks that Amount/TaxType is one the rules know.
func (r *Rules) invoiceTaxType(inv *Invoice, out *ruleReport) {
	if !r.knownTaxType(inv) {
		out.add("TAX_TYPE_INVALID", rulePathOf(inv.Head).at("Amount", "TaxType"), inv.Amount.TaxType,
			"TaxType %q is not one of %s", inv.Amount.TaxType, ruleJoinKeys(r.TaxRates))
	}
}

// invoiceTaxRate checks TaxRate against the rates allowed for TaxType.
func (r *Rules) invoiceTaxRate(inv *Invoice, out *ruleReport) {
	rates, known := r.TaxRates[inv.Amount.TaxType]
	if !known || r.rateAllowed(inv) {
		return
	}
	out.add("TAX_RATE", rulePathOf(inv.Head).at("Amount", "TaxRate"), inv.Amount.TaxRate.String(),
		"TaxRate %s is not allowed for TaxType %s: use %s", inv.Amount.TaxRate, inv.Amount.TaxType, ruleDecimals(rates))
}

// rateAllowed reports whether TaxRate is allowed for a known TaxType.
func (r *Rules) rateAllowed(inv *Invoice) bool {
	return slices.ContainsFunc(r.TaxRates[inv.Amount.TaxType], inv.Amount.TaxRate.Equal)
}

// invoiceTypeTaxType checks that InvoiceType allows Amount/TaxType (an
// unknown TaxType is TAX_TYPE_INVALID's).
func (r *Rules) invoiceTypeTaxType(inv *Invoice, out *ruleReport) {
	path := rulePathOf(inv.Head).main("InvoiceType")
	types, ok := r.InvoiceTypeTaxTypes[inv.InvoiceType]
	switch {
	case !ok:
		out.add("INVOICE_TYPE_TAX_TYPE", path, inv.InvoiceType,
			"InvoiceType %q is not an e-invoice type: use one of %s", inv.InvoiceType, ruleJoinKeys(r.InvoiceTypeTaxTypes))
	case !slices.Contains(types, inv.Amount.TaxType) && r.knownTaxType(inv):
		out.add("INVOICE_TYPE_TAX_TYPE", path, inv.InvoiceType,
			"InvoiceType %s does not allow TaxType %s (it allows %s): fix the InvoiceType or the TaxType",
			inv.InvoiceType, inv.Amount.TaxType, strings.Join(types, ", "))
	}
}

// invoiceLineTaxTypes checks every line TaxType (4.x) and, unless the
// invoice is mixed, that it equals Amount/TaxType.
func (r *Rules) invoiceLineTaxTypes(inv *Invoice, out *ruleReport) {
	p := rulePathOf(inv.Head)
	known := r.knownTaxType(inv)
	for i, it := range inv.Items {
		path := p.item("ProductItem", i, "TaxType")
		_, ok := r.LineBuckets[it.TaxType]
		switch {
		case !ok:
			out.add("LINE_TAX_TYPE", path, it.TaxType, "a line's TaxType is one of %s, not %q", ruleJoinKeys(r.LineBuckets), it.TaxType)
		case known && inv.Amount.TaxType != r.MixedTaxType && it.TaxType != inv.Amount.TaxType:
			out.add("LINE_TAX_TYPE", path, it.TaxType,
				"line TaxType %s differs from the invoice's TaxType %s: use %s on every line, or TaxType %s for an invoice with mixed lines",
				it.TaxType, inv.Amount.TaxType, inv.Amount.TaxType, r.MixedTaxType)
		}
	}
}
