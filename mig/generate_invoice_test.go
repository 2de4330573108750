package mig

import (
	"strconv"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// The invoice and allowance parts of randomDocument (generate_test.go).

var (
	genRate5        = decimal.MustParse("0.05")
	genSpecialRates = []Decimal{decimal.MustParse("0.01"), decimal.MustParse("0.02"), decimal.MustParse("0.15"), decimal.MustParse("0.25")}
	genCurrencies   = []string{"USD", "JPY", "EUR", "HKD", "CNY"}
)

// line returns a quantity, a unit price and their product. 4.1 lets the
// product carry 7 fraction digits, so the two scales add up to at most 7;
// 3.1 amounts are integers, so the product must be one.
func (g *docGen) line() (q, p, amount Decimal) {
	if !g.v31 {
		q = g.dec(1, 1000, 7)
		p = g.dec(1, 20000, 7-int(q.Scale()))
		return q, p, q.Mul(p)
	}
	q = g.dec(1, 1000, 3)
	pow := int64(1)
	for range q.Scale() {
		pow *= 10
	}
	a, _ := q.Mul(decimal.FromInt(pow)).Int64()
	p = decimal.FromInt(pow / genGCD(a, pow) * int64(g.between(1, 2000)))
	if g.chance(0.5) {
		q, p = p, q
	}
	return q, p, q.Mul(p)
}

func genGCD(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// taxPlan returns the invoice TaxType, its rate and each line's TaxType.
func (g *docGen) taxPlan(items int) (string, Decimal, []string) {
	lines := make([]string, items)
	fill := func(t string) {
		for i := range lines {
			lines[i] = t
		}
	}
	if g.chance(0.1) {
		fill("4")
		return "4", genSpecialRates[g.intn(len(genSpecialRates))], lines
	}
	choices := []string{"1", "1", "1", "2", "3", "9"}
	if g.h.Type == A0401 {
		choices = choices[:5] // A0401 has no buckets for mixed lines
	}
	t := choices[g.intn(len(choices))]
	switch t {
	case "1":
		fill("1")
		return t, genRate5, lines
	case "9":
		for i := range lines {
			lines[i] = strconv.Itoa(g.between(1, 3))
		}
		lines[0], lines[1] = "1", []string{"2", "3"}[g.intn(2)]
		return t, genRate5, lines
	}
	fill(t)
	return t, decimal.Zero, lines
}

func (g *docGen) invoice() *Invoice {
	h := g.h
	business := h.Type == A0401 || (h.Type == F0401 && g.chance(0.4))
	v := &Invoice{
		Head:        h,
		Number:      g.invoiceNumber(),
		Date:        DateOf(g.day()),
		Time:        g.timeOfDay(),
		Seller:      g.party(g.ban()),
		InvoiceType: "07",
		DonateMark:  "0",
	}
	if business {
		v.Buyer = g.party(g.ban())
	} else {
		v.Buyer = g.party(Consumer)
	}
	n := g.between(1, 20)
	taxType, rate, lineTypes := g.taxPlan(max(n, 2))
	if taxType != "9" {
		lineTypes = lineTypes[:n]
	}
	if taxType == "4" {
		v.InvoiceType = "08"
	}
	g.invoiceItems(v, lineTypes)
	g.invoiceAmount(v, business, taxType, rate, lineTypes)
	g.invoiceMain(v, business, taxType == "2" || taxType == "9" && genContains(lineTypes, "2"))
	return v
}

func genContains(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

func (g *docGen) invoiceItems(v *Invoice, lineTypes []string) {
	desc, remark, relate := 500, 120, 50
	if g.v31 {
		desc, remark, relate = 256, 40, 20
	}
	for i, t := range lineTypes {
		q, p, amount := g.line()
		it := InvoiceItem{
			Description:    g.text(1, desc),
			Quantity:       q,
			UnitPrice:      p,
			Amount:         amount,
			SequenceNumber: strconv.Itoa(i + 1),
			Remark:         g.optText(0.3, remark),
			RelateNumber:   g.optText(0.2, relate),
		}
		if g.chance(0.5) {
			it.Unit = g.text(1, 6)
		}
		if v.Type == F0401 {
			it.TaxType = t
		}
		v.Items = append(v.Items, it)
	}
}

func (g *docGen) invoiceAmount(v *Invoice, business bool, taxType string, rate Decimal, lineTypes []string) {
	var sales, free, zero Decimal
	for i, it := range v.Items {
		switch lineTypes[i] {
		case "2":
			zero = zero.Add(it.Amount)
		case "3":
			free = free.Add(it.Amount)
		default:
			sales = sales.Add(it.Amount)
		}
	}
	a := &v.Amount
	a.TaxType, a.TaxRate = taxType, rate
	a.SalesAmount, a.FreeTaxSalesAmount, a.ZeroTaxSalesAmount = sales, free, zero
	if v.Type == A0401 {
		a.SalesAmount, a.FreeTaxSalesAmount, a.ZeroTaxSalesAmount = sales.Add(free).Add(zero), decimal.Zero, decimal.Zero
	}
	if business {
		a.TaxAmount = sales.Mul(rate).Round(0)
	}
	a.TotalAmount = a.SalesAmount.Add(a.FreeTaxSalesAmount).Add(a.ZeroTaxSalesAmount).Add(a.TaxAmount)
	frac := 7
	if g.v31 {
		frac = 0
	}
	if g.chance(0.2) {
		d := g.dec(0, 1000, frac)
		a.DiscountAmount = &d
	}
	if g.chance(0.2) {
		rateFrac := 5
		if g.v31 {
			rateFrac = 4
		}
		orig, x := g.dec(1, 100000, 7), g.dec(1, 50, rateFrac)
		a.OriginalCurrencyAmount, a.ExchangeRate = &orig, &x
		a.Currency = genCurrencies[g.intn(len(genCurrencies))]
	}
}

func (g *docGen) invoiceMain(v *Invoice, business, zeroRated bool) {
	if g.v31 && g.chance(0.3) {
		v.CheckNumber = g.text(1, 10)
	}
	if business && g.chance(0.3) {
		v.BuyerRemark = strconv.Itoa(g.between(1, 4))
	}
	v.MainRemark = g.optText(0.4, 200)
	v.Category = g.optText(0.2, 2)
	v.RelateNumber = g.optText(0.3, 20)
	if g.chance(0.1) {
		v.GroupMark = "*"
	}
	if zeroRated {
		v.CustomsClearanceMark = strconv.Itoa(g.between(1, 2))
		if v.Type == F0401 {
			v.ZeroTaxRateReason = strconv.Itoa(g.between(71, 79))
		}
		if business && g.chance(0.5) {
			v.BondedAreaConfirm = strconv.Itoa(g.between(1, map[bool]int{true: 3, false: 4}[g.v31]))
		}
	}
	switch {
	case v.Type == A0401:
		if g.chance(0.15) {
			v.Attachment = g.attachment()
		}
		return
	case business:
		v.PrintMark = "Y"
	default:
		switch g.intn(3) {
		case 0:
			v.PrintMark = "Y"
		case 1:
			v.PrintMark = "N"
			v.CarrierType, v.CarrierID1 = g.carrier()
			v.CarrierID2 = v.CarrierID1
		case 2:
			v.PrintMark, v.DonateMark = "N", "1"
			v.NPOBAN = g.digits(g.between(3, 7))
		}
	}
	if v.Type == C0401 || !business || g.chance(0.7) {
		v.RandomNumber = g.digits(4)
	}
	if v.Type == F0401 {
		v.Reserved1 = g.optText(0.2, 20)
		v.Reserved2 = g.optText(0.2, 100)
	}
}

func (g *docGen) allowance() *Allowance {
	h := g.h
	d := g.day()
	v := &Allowance{
		Head:          h,
		Number:        g.allowanceNumber(),
		Date:          DateOf(d),
		Seller:        g.party(g.ban()),
		Buyer:         g.party(Consumer),
		AllowanceType: "2",
	}
	if h.Type == G0401 {
		if g.chance(0.5) {
			v.Buyer = g.party(g.ban())
		}
		if g.chance(0.5) {
			v.OriginalInvoiceSellerID = v.Seller.Identifier
			v.OriginalInvoiceBuyerID = v.Buyer.Identifier
		}
	} else {
		v.AllowanceType = strconv.Itoa(g.between(1, 2))
		if g.chance(0.15) {
			v.Attachment = g.attachment()
		}
	}
	desc, seq := 500, 9999
	if g.v31 {
		desc, seq = 256, 999
	}
	for i := range g.between(1, 20) {
		q, p, amount := g.line()
		it := AllowanceItem{
			OriginalInvoiceDate:   DateOf(d.AddDate(0, 0, -g.intn(60))),
			OriginalInvoiceNumber: g.invoiceNumber(),
			OriginalDescription:   g.text(1, desc),
			Quantity:              q,
			UnitPrice:             p,
			Amount:                amount,
			Tax:                   decimal.Zero,
			SequenceNumber:        strconv.Itoa(i + 1),
			TaxType:               strconv.Itoa(g.between(1, 3)),
		}
		if g.chance(0.5) {
			it.OriginalSequenceNumber = strconv.Itoa(g.between(1, seq))
		}
		if g.chance(0.5) {
			it.Unit = g.text(1, 6)
		}
		if it.TaxType == "1" {
			it.Tax = amount.Mul(genRate5).Round(0)
		}
		v.TaxAmount = v.TaxAmount.Add(it.Tax)
		v.TotalAmount = v.TotalAmount.Add(it.Amount)
		v.Items = append(v.Items, it)
	}
	return v
}
