package spool

// Invoices (action issue): parties, delivery (carrier, donation, print) and
// the amounts MIG wants from the prices the ERP gives (domain.md §4.6):
// consumer invoices carry tax-included lines and TaxAmount 0, business
// invoices net lines and the tax on their sum.

import (
	"strconv"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// consumerName is the buyer name of a consumer invoice whose buyer_name is
// blank: MIG needs a Name of 1-60 characters.
const consumerName = "消費者"

func (b *docBuilder) invoice() *mig.Invoice {
	q := &b.req
	buyerBAN, buyerLine := b.at(colBuyerBAN)
	business := buyerBAN != "" && buyerBAN != mig.Consumer
	if business {
		b.checkBAN(colBuyerBAN, buyerLine, buyerBAN, "buyer", true)
	}
	inv := &mig.Invoice{
		Head:   mig.InvoiceHead(b.opt.Version, business),
		Number: q.InvoiceNumber, Date: mig.Date(q.Date), Time: mig.TimeOfDay(q.Time),
		Seller:      b.sellerParty(),
		Buyer:       b.buyer(business),
		MainRemark:  b.val(colMainRemark),
		InvoiceType: b.invoiceType(),
		DonateMark:  "0",
	}
	if q.InvoiceNumber != "" {
		b.invoiceNumber(b.at(colInvoiceNumber))
	}
	b.delivery(inv)
	inv.CustomsClearanceMark = b.code(colCustomsMark, "customs_mark", "1", "2")
	b.zeroTaxReason(inv)
	b.invoiceAmounts(inv, business)
	return inv
}

func (b *docBuilder) buyer(business bool) mig.Party {
	p := mig.Party{Identifier: mig.Consumer, Name: b.val(colBuyerName), Address: b.val(colBuyerAddress), EmailAddress: b.val(colBuyerEmail)}
	if business {
		p.Identifier = b.val(colBuyerBAN)
		if p.Name == "" {
			_, line := b.at(colBuyerBAN)
			b.fail("CSV_REQUIRED", colBuyerName, line, "", "buyer_name is blank: an invoice to a business (buyer_ban %s) names the buyer", p.Identifier)
		}
	} else if p.Name == "" {
		p.Name = consumerName
	}
	return p
}

func (b *docBuilder) invoiceType() string {
	v, line := b.at(colInvoiceType)
	switch v {
	case "":
		return "07"
	case "7", "8": // a spreadsheet drops the leading zero
		return "0" + v
	case "07", "08":
		return v
	}
	b.fail("CSV_FORMAT", colInvoiceType, line, v, "invoice_type %q is not 07 (general) or 08 (special tax)", v)
	return v
}

// code reads an optional code column from a fixed list.
func (b *docBuilder) code(c column, name string, allowed ...string) string {
	v, line := b.at(c)
	if v == "" {
		return ""
	}
	code, why := oneOf(v, allowed...)
	if why != "" {
		b.fail("CSV_FORMAT", c, line, v, "%s %s", name, why)
	}
	return code
}

// delivery sets the carrier, donation and print mark. The rules of their
// combinations are mig's (DELIVERY_MISSING, DONATED_PRINTED, …), which the
// caller runs on the document.
func (b *docBuilder) delivery(inv *mig.Invoice) {
	carrier, id1, id2 := b.val(colCarrierType), b.val(colCarrierID1), b.val(colCarrierID2)
	donate := b.val(colDonateCode)
	if inv.Type == mig.A0401 {
		for _, c := range []column{colCarrierType, colCarrierID1, colCarrierID2, colDonateCode} {
			if v, line := b.at(c); v != "" {
				b.fail("CSV_UNSUPPORTED", c, line, v,
					"MIG 3.1 has no carrier or donation for an invoice to a business (A0401): leave %s blank", c)
			}
		}
		return
	}
	if id2 == "" {
		id2 = id1
	}
	inv.CarrierType, inv.CarrierID1, inv.CarrierID2 = carrier, id1, id2
	if donate != "" {
		inv.DonateMark, inv.NPOBAN = "1", donate
	}
	inv.PrintMark = strings.ToUpper(b.code(colPrintMark, "print_mark", "Y", "N"))
	if inv.PrintMark == "" {
		inv.PrintMark = "Y"
		if carrier != "" || id1 != "" || donate != "" {
			inv.PrintMark = "N"
		}
	}
	inv.RandomNumber = b.req.RandomNumber
}

// zeroTaxReason sets ZeroTaxRateReason, a 4.1 element; MIG 3.1 has none,
// so the column is ignored there.
func (b *docBuilder) zeroTaxReason(inv *mig.Invoice) {
	v, line := b.at(colZeroTaxReason)
	if v == "" || b.opt.Version == mig.V31 {
		return
	}
	if n, err := strconv.Atoi(v); err != nil || n < 71 || n > 79 || len(v) != 2 {
		b.fail("CSV_FORMAT", colZeroTaxReason, line, v, "zero_tax_reason %q is not 71-79 (營業稅法第7條第1-9款)", v)
	}
	inv.ZeroTaxRateReason = v
}

// invoiceAmounts builds the items and the Amount block.
func (b *docBuilder) invoiceAmounts(inv *mig.Invoice, business bool) {
	docType, types := b.taxTypes()
	b.noMixedSpecialTax(types)
	docRate := b.docRate(docType)
	lines := b.readLines(types, func(t string) mig.Decimal {
		if t == docType {
			return docRate
		}
		return b.rules.TaxRates[t][0]
	})
	gross := b.gross()
	if b.failed() {
		return
	}
	var sums map[mig.Bucket]mig.Decimal
	var converted bool
	inv.Items, sums, converted = b.invoiceItems(inv, lines, business, gross)
	b.req.items = rowLines(lines)
	a := &inv.Amount
	a.TaxType, a.TaxRate = docType, docRate
	a.SalesAmount, a.FreeTaxSalesAmount, a.ZeroTaxSalesAmount = sums[mig.SalesBucket], sums[mig.FreeTaxBucket], sums[mig.ZeroTaxBucket]
	if inv.Type == mig.A0401 {
		a.SalesAmount = a.SalesAmount.Add(a.FreeTaxSalesAmount).Add(a.ZeroTaxSalesAmount)
		a.FreeTaxSalesAmount, a.ZeroTaxSalesAmount = decimal.Zero, decimal.Zero
	}
	if business {
		a.TaxAmount = a.SalesAmount.Mul(docRate).Round(0)
	}
	a.TotalAmount = a.SalesAmount.Add(a.FreeTaxSalesAmount).Add(a.ZeroTaxSalesAmount).Add(a.TaxAmount)
	b.checkInvoiceTotals(inv, docType, converted)
	b.zeroRated(inv, types)
	tolerance := decimal.Zero
	if converted {
		tolerance = one
	}
	b.checkTotal(a.TotalAmount, tolerance, invoiceBreakdown(a, business))
}

// invoiceItems converts the lines to what MIG wants: tax-included for a
// consumer, net for a business; converted reports a gross-to-net
// conversion, which can move the total.
func (b *docBuilder) invoiceItems(inv *mig.Invoice, lines []line, business, gross bool) ([]mig.InvoiceItem, map[mig.Bucket]mig.Decimal, bool) {
	items := make([]mig.InvoiceItem, len(lines))
	sums := map[mig.Bucket]mig.Decimal{}
	converted := false
	for i, l := range lines {
		bucket := b.rules.LineBuckets[l.taxType]
		price, amount := l.price, l.product
		switch {
		case bucket != mig.SalesBucket:
		case !business && !gross:
			price = l.price.Mul(one.Add(l.rate)).Round(maxFraction)
			amount = l.qty.Mul(price).Round(maxFraction)
		case business && gross:
			price = l.price.Div(one.Add(l.rate), maxFraction)
			amount = l.qty.Mul(price).Round(maxFraction)
			converted = true
		}
		b.checkSize(price, false, colItemUnitPrice, l.r.line, "the unit price")
		b.checkSize(amount, false, colItemAmount, l.r.line, "the line amount")
		items[i] = mig.InvoiceItem{
			Description: l.r.val(colItemDescription), Quantity: l.qty, Unit: l.r.val(colItemUnit),
			UnitPrice: price, Amount: amount, SequenceNumber: strconv.Itoa(i + 1), Remark: l.r.val(colItemRemark),
		}
		if inv.Type == mig.F0401 {
			items[i].TaxType = l.taxType
		}
		sums[bucket] = sums[bucket].Add(amount)
	}
	return items, sums, converted
}

func rowLines(lines []line) []int {
	out := make([]int, len(lines))
	for i, l := range lines {
		out[i] = l.r.line
	}
	return out
}

// noMixedSpecialTax rejects special-tax lines (4) beside lines of another
// type: special tax is its own invoice type (08), which has no mixed tax
// type, and its rate differs from the one rate of a mixed invoice.
func (b *docBuilder) noMixedSpecialTax(types []string) {
	for i, t := range types {
		if t != "4" {
			continue
		}
		for _, u := range types {
			if u != "4" {
				b.fail("LINE_TAX_TYPE", colItemTaxType, b.rows[i].line, t,
					"a special-tax line (4) cannot share an invoice with lines of tax type %s: issue it on its own invoice (invoice_type 08)", u)
				return
			}
		}
	}
}

// checkInvoiceTotals rejects what the version cannot carry: negative
// totals, and in MIG 3.1 fractional totals and an A0401 of mixed lines.
func (b *docBuilder) checkInvoiceTotals(inv *mig.Invoice, docType string, converted bool) {
	a, line := &inv.Amount, b.rows[0].line
	if inv.Type == mig.A0401 && docType == b.rules.MixedTaxType {
		v, l := b.at(colTaxType)
		if v == "" {
			v, l = docType, b.rows[0].line
		}
		b.fail("CSV_UNSUPPORTED", colTaxType, l, v,
			"MIG 3.1 cannot carry an invoice to a business with lines of several tax types (A0401 has no tax-exempt or zero-rated amounts): issue one invoice per tax type")
	}
	for _, t := range []struct {
		name string
		d    mig.Decimal
	}{{"SalesAmount", a.SalesAmount}, {"FreeTaxSalesAmount", a.FreeTaxSalesAmount}, {"ZeroTaxSalesAmount", a.ZeroTaxSalesAmount}, {"TotalAmount", a.TotalAmount}} {
		b.checkSize(t.d, true, colAmountTotal, line, t.name)
		if t.d.Sign() < 0 {
			b.fail("CSV_NEGATIVE", colItemAmount, line, t.d.String(),
				"the lines make %s %s, below zero: discount lines may not exceed the sales they discount", t.name, t.d)
		}
		if b.opt.Version == mig.V31 && !t.d.IsInteger() {
			hint := ""
			if converted {
				hint = " (prices with tax were converted to net: give amounts=net with whole-dollar net prices)"
			}
			b.fail("CSV_WHOLE_DOLLARS", colItemAmount, line, t.d.String(),
				"MIG 3.1 totals must be whole NT$; the lines make %s %s — use whole-dollar amounts%s", t.name, t.d, hint)
		}
	}
}

// zeroRated requires customs_mark and (4.1) zero_tax_reason of an invoice
// with zero-rated lines.
func (b *docBuilder) zeroRated(inv *mig.Invoice, types []string) {
	for i, t := range types {
		if b.rules.LineBuckets[t] != mig.ZeroTaxBucket {
			continue
		}
		line := b.rows[i].line
		if inv.CustomsClearanceMark == "" {
			b.fail("ZERO_RATED_CUSTOMS_MARK", colCustomsMark, line, "",
				"the invoice has zero-rated lines (tax type 2) but customs_mark is blank: write 1 (not via customs) or 2 (via customs)")
		}
		if inv.ZeroTaxRateReason == "" && b.opt.Version != mig.V31 {
			b.fail("ZERO_RATED_REASON", colZeroTaxReason, line, "",
				"the invoice has zero-rated lines (tax type 2) but zero_tax_reason is blank: write the article of 營業稅法第7條 that applies (71-79)")
		}
		return
	}
}

func invoiceBreakdown(a *mig.InvoiceAmount, business bool) string {
	s := "sales " + a.SalesAmount.String()
	if !a.FreeTaxSalesAmount.IsZero() {
		s += " + tax-exempt " + a.FreeTaxSalesAmount.String()
	}
	if !a.ZeroTaxSalesAmount.IsZero() {
		s += " + zero-rated " + a.ZeroTaxSalesAmount.String()
	}
	if business {
		s += " + tax " + a.TaxAmount.String() + " (net prices; for a business buyer amounts=net avoids the rounding of the conversion)"
	} else {
		s += " (tax included)"
	}
	return s
}
