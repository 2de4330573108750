package spool

// Allowances (折讓): net lines with the tax of each line (domain.md §1.5,
// §4.6), against one or more issued invoices. What the ledger knows (the
// parties, the original invoices' dates) is left to the caller.

import (
	"strconv"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

func (b *docBuilder) allowance() *mig.Allowance {
	q := &b.req
	a := &mig.Allowance{Head: b.head("allowance"), Number: q.AllowanceNumber, Date: mig.Date(q.Date), AllowanceType: "2"}
	docType, types := b.taxTypes()
	lines := b.readLines(types, func(t string) mig.Decimal {
		if len(b.rules.TaxRates[t]) == 1 {
			return b.rules.TaxRates[t][0]
		}
		return b.docRate(t)
	})
	if docType != b.rules.MixedTaxType && b.val(colTaxRate) != "" {
		b.docRate(docType) // a given tax_rate must fit tax_type
	}
	gross := b.gross()
	if b.failed() {
		return nil
	}
	converted := false
	a.Items = make([]mig.AllowanceItem, len(lines))
	for i, l := range lines {
		a.Items[i] = b.allowanceItem(l, i, gross)
		converted = converted || gross && !l.rate.IsZero()
		a.TaxAmount = a.TaxAmount.Add(a.Items[i].Tax)
		a.TotalAmount = a.TotalAmount.Add(a.Items[i].Amount)
	}
	q.items = rowLines(lines)
	line := b.rows[0].line
	b.checkSize(a.TotalAmount, true, colAmountTotal, line, "TotalAmount")
	b.checkSize(a.TaxAmount, true, colAmountTotal, line, "TaxAmount")
	if b.opt.Version == mig.V31 && !a.TotalAmount.IsInteger() {
		b.fail("CSV_WHOLE_DOLLARS", colItemAmount, line, a.TotalAmount.String(),
			"MIG 3.1 totals must be whole NT$; the lines sum to %s (net) — use whole-dollar amounts", a.TotalAmount)
	}
	tolerance := decimal.Zero
	if converted {
		tolerance = one
	}
	b.checkTotal(a.TotalAmount.Add(a.TaxAmount), tolerance,
		"net "+a.TotalAmount.String()+" + tax "+a.TaxAmount.String()+" (the tax of each line rounded half up to whole NT$)")
	return a
}

// allowanceItem converts one line to net with its tax: a price with tax
// (amounts=gross) is divided by 1 + rate and rounded to 7 decimals.
func (b *docBuilder) allowanceItem(l line, i int, gross bool) mig.AllowanceItem {
	r := l.r
	number := r.val(colInvoiceNumber)
	if number == "" {
		number = b.req.InvoiceNumber
	}
	b.invoiceNumber(number, r.line)
	seq := r.val(colOriginalSequence)
	if seq != "" {
		if n, err := strconv.Atoi(seq); err != nil || n < 1 || !digitsOnly.MatchString(seq) || len(seq) > b.maxSequence() {
			b.fail("CSV_FORMAT", colOriginalSequence, r.line, seq,
				"original_sequence %q is not a line number of the original invoice (1-%d, its lines numbered 1, 2, 3… in file order)", seq, b.maxItems())
		}
	}
	if l.qty.Sign() < 0 || l.price.Sign() < 0 {
		b.fail("CSV_NEGATIVE", colItemQuantity, r.line, "",
			"an allowance line is the amount given back: write item_quantity and item_unit_price as positive numbers")
	}
	if l.taxType == "4" && b.opt.Version == mig.V31 {
		b.fail("CSV_UNSUPPORTED", colItemTaxType, r.line, l.taxType, "MIG 3.1 allowances (D0401) have no special-tax lines (tax type 4)")
	}
	price, amount := l.price, l.product
	if gross && !l.rate.IsZero() {
		price = l.price.Div(one.Add(l.rate), maxFraction)
		amount = l.qty.Mul(price).Round(maxFraction)
	}
	b.checkSize(amount, false, colItemAmount, r.line, "the line amount")
	return mig.AllowanceItem{
		OriginalInvoiceNumber: number, OriginalSequenceNumber: seq, OriginalDescription: r.val(colItemDescription),
		Quantity: l.qty, Unit: r.val(colItemUnit), UnitPrice: price, Amount: amount,
		Tax: amount.Mul(l.rate).Round(0), SequenceNumber: strconv.Itoa(i + 1), TaxType: l.taxType,
	}
}

// maxSequence is the length of a line's sequence number in the version.
func (b *docBuilder) maxSequence() int {
	if b.opt.Version == mig.V31 {
		return 3
	}
	return 4
}
