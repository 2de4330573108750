package spool

// Line items and tax types, shared by invoices and allowances: each row's
// tax type and rate, quantity, unit price and the item_amount check.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

var one = decimal.FromInt(1)

// line is one line item as the CSV gives it.
type line struct {
	r       *row
	qty     mig.Decimal
	price   mig.Decimal // as given: with tax (gross) or without (net)
	product mig.Decimal // qty × price rounded half up to 7 decimals
	taxType string
	rate    mig.Decimal
}

// taxTypes returns the document's tax type and each row's: item_tax_type;
// blank is tax_type, or 1 when tax_type is blank too. A blank tax_type is
// the rows' type when they agree and the mixed type when they do not.
func (b *docBuilder) taxTypes() (string, []string) {
	mixed := b.rules.MixedTaxType
	docType, docLine := b.at(colTaxType)
	if _, ok := b.rules.TaxRates[docType]; docType != "" && !ok {
		b.fail("TAX_TYPE_INVALID", colTaxType, docLine, docType, "tax_type %q is not one of %s", docType, keyList(b.rules.TaxRates))
	}
	types := make([]string, len(b.rows))
	for i, r := range b.rows {
		t := r.val(colItemTaxType)
		_, known := b.rules.LineBuckets[t]
		switch {
		case t == "" && docType == mixed:
			b.fail("CSV_REQUIRED", colItemTaxType, r.line, "",
				"tax_type is %s (mixed), so every line needs item_tax_type (%s)", mixed, keyList(b.rules.LineBuckets))
		case t == "" && docType != "":
			t = docType
		case t == "":
			t = "1"
		case !known:
			b.fail("LINE_TAX_TYPE", colItemTaxType, r.line, t, "item_tax_type %q is not one of %s", t, keyList(b.rules.LineBuckets))
		case docType != "" && docType != mixed && t != docType:
			b.fail("LINE_TAX_TYPE", colItemTaxType, r.line, t,
				"item_tax_type %s differs from tax_type %s: use tax_type %s for a document with lines of several tax types, or leave tax_type blank",
				t, docType, mixed)
		}
		types[i] = t
	}
	if docType == "" {
		docType = types[0]
		if slices.ContainsFunc(types, func(t string) bool { return t != types[0] }) {
			docType = mixed
		}
	}
	return docType, types
}

// docRate returns the tax rate of tax type t: the one rate the rules
// allow for it, or tax_rate where several are allowed (special tax, 4). A
// given tax_rate must be one the rules allow for t.
func (b *docBuilder) docRate(t string) mig.Decimal {
	allowed := b.rules.TaxRates[t]
	v, line := b.at(colTaxRate)
	if v == "" {
		if len(allowed) != 1 {
			b.fail("CSV_REQUIRED", colTaxRate, line, "", "tax type %s needs tax_rate, one of %s", t, decimalList(allowed))
			return decimal.Zero
		}
		return allowed[0]
	}
	rate, why := parseNumber(v)
	switch {
	case why != "":
		b.fail("CSV_FORMAT", colTaxRate, line, v, "tax_rate %s", why)
	case len(allowed) == 0: // an unknown tax type, rejected already
	case !slices.ContainsFunc(allowed, rate.Equal):
		hint := ""
		if rate.Cmp(one) > 0 {
			hint = fmt.Sprintf(": write the rate as a fraction, e.g. 0.05 for 5%%")
		}
		b.fail("TAX_RATE", colTaxRate, line, v, "tax_rate %s is not allowed for tax type %s (allowed: %s)%s", v, t, decimalList(allowed), hint)
	}
	return rate
}

// readLines reads the line items of an invoice or allowance.
func (b *docBuilder) readLines(types []string, rateOf func(t string) mig.Decimal) []line {
	if limit := b.maxItems(); len(b.rows) > limit {
		b.fail("CSV_TOO_MANY_LINES", colOrderID, b.rows[limit].line, b.req.OrderID,
			"the document has %d lines, more than the %d MIG %s allows: split it into several documents", len(b.rows), limit, b.opt.Version)
	}
	lines := make([]line, len(b.rows))
	for i, r := range b.rows {
		l := line{r: r, taxType: types[i]}
		if r.val(colItemDescription) == "" {
			b.fail("CSV_REQUIRED", colItemDescription, r.line, "", "item_description is blank: every line needs a description of what was sold")
		}
		l.qty = b.number(r, colItemQuantity, true)
		l.price = b.number(r, colItemUnitPrice, true)
		l.product = l.qty.Mul(l.price).Round(maxFraction)
		if v := r.val(colItemAmount); v != "" {
			if given := b.number(r, colItemAmount, false); !b.failed() && !given.Equal(l.product) {
				b.fail("CSV_AMOUNT_MISMATCH", colItemAmount, r.line, v,
					"item_amount %s is not item_quantity %s × item_unit_price %s = %s (rounded half up to 7 decimals): fix the amount, the quantity or the price, or leave item_amount blank",
					v, l.qty, l.price, l.product)
			}
		}
		if _, known := b.rules.LineBuckets[l.taxType]; known {
			l.rate = rateOf(l.taxType)
		}
		lines[i] = l
	}
	return lines
}

// maxItems is the most line items a document may have in the version.
func (b *docBuilder) maxItems() int {
	if b.opt.Version == mig.V31 {
		return 999
	}
	return 9999
}

// number parses a number column of a row.
func (b *docBuilder) number(r *row, c column, required bool) mig.Decimal {
	v := r.val(c)
	if v == "" {
		if required {
			b.fail("CSV_REQUIRED", c, r.line, "", "%s is blank: every line needs it", c)
		}
		return decimal.Zero
	}
	d, why := parseNumber(v)
	if why != "" {
		b.fail("CSV_FORMAT", c, r.line, v, "%s %s", c, why)
		return decimal.Zero
	}
	return d
}

// gross reports whether the document's prices include tax (amounts=gross,
// the default).
func (b *docBuilder) gross() bool {
	v, line := b.at(colAmounts)
	if v == "" {
		return true
	}
	a, why := oneOf(v, "gross", "net")
	if why != "" {
		b.fail("CSV_FORMAT", colAmounts, line, v, "amounts %s (gross: prices include tax; net: prices exclude tax)", why)
	}
	return a != "net"
}

// checkTotal compares the control total amount_total with the document's
// total (tax included); tolerance is how far it may be.
func (b *docBuilder) checkTotal(total, tolerance mig.Decimal, breakdown string) {
	given := b.req.AmountTotal
	if given == nil || given.Sub(total).Abs().Cmp(tolerance) <= 0 {
		return
	}
	v, line := b.at(colAmountTotal)
	within := ""
	if !tolerance.IsZero() {
		within = fmt.Sprintf(" (not even within NT$%s)", tolerance)
	}
	b.fail("CSV_TOTAL_MISMATCH", colAmountTotal, line, v,
		"amount_total %s is not the document's total %s%s, computed from the lines: %s; check the lines or the control total", v, total, within, breakdown)
}

// checkSize rejects an amount with more digits than its MIG element: 20
// (7 after the point), or 12 for a MIG 3.1 total.
func (b *docBuilder) checkSize(d mig.Decimal, total bool, c column, line int, what string) {
	limit := maxDigits
	if total && b.opt.Version == mig.V31 {
		limit = 12
	}
	if d.Digits() > limit {
		b.fail("CSV_FORMAT", c, line, d.String(), "%s %s has more than the %d digits MIG %s allows", what, d, limit, b.opt.Version)
	}
}

func keyList[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

func decimalList(ds []mig.Decimal) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	return strings.Join(s, ", ")
}
