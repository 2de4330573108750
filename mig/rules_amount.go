package mig

// Invoice amount rules: mixed tax types, the sales buckets, zero-rated
// sales, the tax and the total (domain.md §4.6).

import (
	"maps"
	"slices"
	"strings"
)

// invoiceMixedLines checks that a 4.x invoice of the mixed TaxType has
// lines of at least two tax types.
func (r *Rules) invoiceMixedLines(inv *Invoice, out *ruleReport) {
	if inv.Amount.TaxType != r.MixedTaxType {
		return
	}
	kinds := map[string]bool{}
	for _, it := range inv.Items {
		if _, ok := r.LineBuckets[it.TaxType]; ok {
			kinds[it.TaxType] = true
		}
	}
	if len(kinds) < 2 {
		out.add("TAX_TYPE_9_NOT_MIXED", rulePathOf(inv.Head).at("Amount", "TaxType"), inv.Amount.TaxType,
			"TaxType %s (mixed) needs lines of at least two tax types, but the lines have %d: use the lines' tax type as the invoice's TaxType",
			r.MixedTaxType, len(kinds))
	}
}

// invoiceMixedBuckets checks that a 3.1 invoice of the mixed TaxType has at
// least two non-zero sales buckets (its lines have no tax type).
func (r *Rules) invoiceMixedBuckets(inv *Invoice, out *ruleReport) {
	if inv.Amount.TaxType != r.MixedTaxType {
		return
	}
	nonZero := 0
	for _, b := range []Decimal{inv.Amount.SalesAmount, inv.Amount.FreeTaxSalesAmount, inv.Amount.ZeroTaxSalesAmount} {
		if !b.IsZero() {
			nonZero++
		}
	}
	if nonZero < 2 {
		out.add("TAX_TYPE_9_NOT_MIXED", rulePathOf(inv.Head).at("Amount", "TaxType"), inv.Amount.TaxType,
			"TaxType %s (mixed) needs at least two of SalesAmount, FreeTaxSalesAmount and ZeroTaxSalesAmount non-zero, but %d is: use the TaxType of the one kind of sales",
			r.MixedTaxType, nonZero)
	}
}

// bucketsOf returns the sales buckets inv's message has: A0401 has only
// SalesAmount.
func bucketsOf(inv *Invoice) []Bucket {
	if inv.Type == A0401 {
		return []Bucket{SalesBucket}
	}
	return []Bucket{SalesBucket, FreeTaxBucket, ZeroTaxBucket}
}

// bucketValue returns the amount of bucket b of inv.
func bucketValue(inv *Invoice, b Bucket) Decimal {
	switch b {
	case FreeTaxBucket:
		return inv.Amount.FreeTaxSalesAmount
	case ZeroTaxBucket:
		return inv.Amount.ZeroTaxSalesAmount
	}
	return inv.Amount.SalesAmount
}

// lineBucket returns the bucket a line of inv adds to: in 4.x its own
// TaxType's, in A0401 SalesAmount, in C0401 the invoice TaxType's. It is
// false when that tax type is unknown or mixed.
func (r *Rules) lineBucket(inv *Invoice, it InvoiceItem) (Bucket, bool) {
	switch inv.Type {
	case F0401:
		if b, ok := r.LineBuckets[it.TaxType]; ok {
			return b, true
		}
		// A line of a wrong TaxType (LINE_TAX_TYPE) counts as the invoice's.
	case A0401:
		return SalesBucket, true
	}
	b, ok := r.LineBuckets[inv.Amount.TaxType]
	return b, ok
}

// bucketPlaces is the number of fraction digits of the sales buckets: 3.1
// amounts and A0401 are integers, 4.x has r.AmountPlaces.
func (r *Rules) bucketPlaces(h Head) int32 {
	if h.Version == V31 || h.Type == A0401 {
		return 0
	}
	return r.AmountPlaces
}

// invoiceBuckets checks that every sales bucket is the sum of its lines,
// rounded half up to the bucket's precision; in a 3.1 mixed invoice, whose
// lines have no tax type, the lines must add up to the buckets' sum.
func (r *Rules) invoiceBuckets(inv *Invoice, out *ruleReport) {
	p := rulePathOf(inv.Head)
	places := r.bucketPlaces(inv.Head)
	sums := map[Bucket]Decimal{}
	var total Decimal
	for _, it := range inv.Items {
		total = total.Add(it.Amount)
		if b, ok := r.lineBucket(inv, it); ok {
			sums[b] = sums[b].Add(it.Amount)
		}
	}
	if inv.Type == C0401 {
		if inv.Amount.TaxType == r.MixedTaxType {
			r.checkMixedTotal(out, p.at("Amount"), inv, total.Round(places))
			return
		}
		if _, ok := r.LineBuckets[inv.Amount.TaxType]; !ok {
			return // TAX_TYPE_INVALID says so
		}
	}
	for _, b := range bucketsOf(inv) {
		want, got := sums[b].Round(places), bucketValue(inv, b)
		if got.Cmp(want) != 0 {
			out.add("BUCKET_SUM", p.at("Amount", string(b)), got.String(),
				"%s %s is not %s, the sum of the Amount of %s: make it the sum of those lines", b, got, want, r.linesOf(inv, b))
		}
	}
}

func (r *Rules) checkMixedTotal(out *ruleReport, path elemPath, inv *Invoice, lines Decimal) {
	a := inv.Amount
	buckets := a.SalesAmount.Add(a.FreeTaxSalesAmount).Add(a.ZeroTaxSalesAmount)
	if buckets.Cmp(lines) != 0 {
		out.add("BUCKET_SUM", path, buckets.String(),
			"SalesAmount + FreeTaxSalesAmount + ZeroTaxSalesAmount = %s is not %s, the sum of the lines' Amount: split the lines' total over the buckets",
			buckets, lines)
	}
}

// linesOf describes the lines that add to bucket b, for a Reason.
func (r *Rules) linesOf(inv *Invoice, b Bucket) string {
	switch inv.Type {
	case A0401:
		return "all lines"
	case F0401:
		var types []string
		for _, t := range ruleKeys(r.LineBuckets) {
			if r.LineBuckets[t] == b {
				types = append(types, t)
			}
		}
		return "the lines of TaxType " + strings.Join(types, " and ")
	}
	if r.LineBuckets[inv.Amount.TaxType] == b {
		return "all lines (TaxType " + inv.Amount.TaxType + ")"
	}
	return "no line (TaxType " + inv.Amount.TaxType + ")"
}

// zeroRated reports whether inv has zero-rated sales: a zero-rated TaxType,
// a zero-rated line (4.x) or a non-zero ZeroTaxSalesAmount.
func (r *Rules) zeroRated(inv *Invoice) bool {
	if r.LineBuckets[inv.Amount.TaxType] == ZeroTaxBucket {
		return true
	}
	if inv.Type != A0401 && !inv.Amount.ZeroTaxSalesAmount.IsZero() {
		return true
	}
	return inv.Type == F0401 && slices.ContainsFunc(inv.Items, func(it InvoiceItem) bool {
		return r.LineBuckets[it.TaxType] == ZeroTaxBucket
	})
}

func (r *Rules) invoiceCustomsMark(inv *Invoice, out *ruleReport) {
	if r.zeroRated(inv) && inv.CustomsClearanceMark == "" {
		out.add("ZERO_RATED_CUSTOMS_MARK", rulePathOf(inv.Head).main("CustomsClearanceMark"), "",
			"the invoice has zero-rated sales but no CustomsClearanceMark: write 1 (not via customs) or 2 (via customs)")
	}
}

func (r *Rules) invoiceZeroTaxReason(inv *Invoice, out *ruleReport) {
	if r.zeroRated(inv) && inv.ZeroTaxRateReason == "" {
		out.add("ZERO_RATED_REASON", rulePathOf(inv.Head).main("ZeroTaxRateReason"), "",
			"the invoice has zero-rated sales but no ZeroTaxRateReason: write the article of 營業稅法第7條 that applies (71-79)")
	}
}

// invoiceTaxAmount checks the tax: 0 for a consumer (SalesAmount includes
// it), round-half-up(SalesAmount × TaxRate) within r.TaxTolerance for a
// business.
func (r *Rules) invoiceTaxAmount(inv *Invoice, out *ruleReport) {
	a, path := inv.Amount, rulePathOf(inv.Head).at("Amount", "TaxAmount")
	if r.isConsumer(inv) {
		if !a.TaxAmount.IsZero() {
			out.add("CONSUMER_TAX_AMOUNT", path, a.TaxAmount.String(),
				"a consumer invoice carries SalesAmount with tax included and TaxAmount 0, not %s: add the tax into SalesAmount and write 0", a.TaxAmount)
		}
		return
	}
	if r.knownTaxType(inv) && !r.rateAllowed(inv) {
		return // TAX_RATE says so; a tax at the wrong rate says nothing more
	}
	want := a.SalesAmount.Mul(a.TaxRate).Round(0)
	if a.TaxAmount.Sub(want).Abs().Cmp(r.TaxTolerance) > 0 {
		out.add("TAX_AMOUNT", path, a.TaxAmount.String(),
			"TaxAmount %s is more than %s from SalesAmount %s × TaxRate %s = %s (rounded half up); a business invoice carries net SalesAmount and its tax: write %s",
			a.TaxAmount, r.TaxTolerance, a.SalesAmount, a.TaxRate, want, want)
	}
}

// invoiceTotalAmount checks TotalAmount = the buckets + TaxAmount.
func (r *Rules) invoiceTotalAmount(inv *Invoice, out *ruleReport) {
	a := inv.Amount
	want := a.TaxAmount
	for _, b := range bucketsOf(inv) {
		want = want.Add(bucketValue(inv, b))
	}
	if a.TotalAmount.Cmp(want) != 0 {
		out.add("TOTAL_AMOUNT", rulePathOf(inv.Head).at("Amount", "TotalAmount"), a.TotalAmount.String(),
			"TotalAmount %s is not %s + TaxAmount = %s: write %s", a.TotalAmount, bucketNames(inv), want, want)
	}
}

func bucketNames(inv *Invoice) string {
	bs := bucketsOf(inv)
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = string(b)
	}
	return strings.Join(s, " + ")
}

// ruleKeys returns the keys of m in order.
func ruleKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// ruleDecimals lists ds for a Reason: "0.01, 0.02 or 0.15".
func ruleDecimals(ds []Decimal) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// ruleJoinKeys lists the keys of m for a Reason: "1, 2, 3".
func ruleJoinKeys[V any](m map[string]V) string { return strings.Join(ruleKeys(m), ", ") }
