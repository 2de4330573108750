package mig

import (
	"fmt"
)

// invoiceForeign calls fn with every string field of v that message v.Head
// has no element for; item is the index in Items of an item field, -1 for
// the others. The renderer refuses such a field when it is set; the parser
// clears it (a file's unknown elements are the schema stage's to report).
func invoiceForeign(v *Invoice, fn func(field string, item int, s *string)) {
	switch v.Type {
	case F0401:
		fn("CheckNumber", -1, &v.CheckNumber)
		fn("Attachment", -1, &v.Attachment)
		return
	case A0401:
		fn("CarrierType", -1, &v.CarrierType)
		fn("CarrierID1", -1, &v.CarrierID1)
		fn("CarrierID2", -1, &v.CarrierID2)
		fn("PrintMark", -1, &v.PrintMark)
		fn("NPOBAN", -1, &v.NPOBAN)
		fn("RandomNumber", -1, &v.RandomNumber)
	case C0401:
		fn("BondedAreaConfirm", -1, &v.BondedAreaConfirm)
		fn("Attachment", -1, &v.Attachment)
	}
	fn("ZeroTaxRateReason", -1, &v.ZeroTaxRateReason)
	fn("Reserved1", -1, &v.Reserved1)
	fn("Reserved2", -1, &v.Reserved2)
	for i := range v.Items {
		fn("TaxType", i, &v.Items[i].TaxType)
	}
}

// foreignName names a field for an error: "Items[2].TaxType" or "NPOBAN".
func foreignName(field string, item int) string {
	if item < 0 {
		return field
	}
	return fmt.Sprintf("Items[%d].%s", item, field)
}

// checkInvoice refuses a Head that is no invoice message and a value the
// message cannot carry.
func checkInvoice(v *Invoice) error {
	if err := fitHead(v.Head, "an Invoice", F0401, C0401, A0401); err != nil {
		return err
	}
	if err := firstForeign(v.Head, func(fn func(string, int, *string)) { invoiceForeign(v, fn) }); err != nil {
		return err
	}
	if v.Type == A0401 {
		switch {
		case !v.Amount.FreeTaxSalesAmount.IsZero():
			return fmt.Errorf("Amount.FreeTaxSalesAmount %s is not part of %s (it has no tax-exempt bucket)", v.Amount.FreeTaxSalesAmount, v.Head)
		case !v.Amount.ZeroTaxSalesAmount.IsZero():
			return fmt.Errorf("Amount.ZeroTaxSalesAmount %s is not part of %s (it has no zero-rated bucket)", v.Amount.ZeroTaxSalesAmount, v.Head)
		}
	}
	return nil
}

func (b *treeBuilder) invoice(v *Invoice) error {
	if err := checkInvoice(v); err != nil {
		return renderError(v.Head, v.Number, err)
	}
	root := b.start(v.Root(), v.Namespace())
	b.invoiceMain(root, v)
	details := b.open(root, "Details")
	for i := range v.Items {
		b.invoiceItem(details, &v.Items[i], v.Type == F0401)
	}
	b.close(details)
	b.invoiceAmount(root, &v.Amount, v.Type != A0401)
	err := b.finish(root)
	if err != nil {
		return renderError(v.Head, v.Number, err)
	}
	return nil
}

func (b *treeBuilder) invoiceMain(p treeNode, v *Invoice) {
	n := b.open(p, "Main")
	b.req(n, "InvoiceNumber", v.Number)
	b.req(n, "InvoiceDate", string(v.Date))
	b.req(n, "InvoiceTime", string(v.Time))
	b.party(n, "Seller", &v.Seller)
	b.party(n, "Buyer", &v.Buyer)
	b.opt(n, "CheckNumber", v.CheckNumber)
	b.opt(n, "BuyerRemark", v.BuyerRemark)
	b.opt(n, "MainRemark", v.MainRemark)
	b.opt(n, "CustomsClearanceMark", v.CustomsClearanceMark)
	b.opt(n, "Category", v.Category)
	b.opt(n, "RelateNumber", v.RelateNumber)
	b.req(n, "InvoiceType", v.InvoiceType)
	b.opt(n, "GroupMark", v.GroupMark)
	b.req(n, "DonateMark", v.DonateMark)
	if v.Type != A0401 {
		b.opt(n, "CarrierType", v.CarrierType)
		b.opt(n, "CarrierId1", v.CarrierID1)
		b.opt(n, "CarrierId2", v.CarrierID2)
		b.req(n, "PrintMark", v.PrintMark)
		b.opt(n, "NPOBAN", v.NPOBAN)
		if v.Type == C0401 {
			b.req(n, "RandomNumber", v.RandomNumber)
		} else {
			b.opt(n, "RandomNumber", v.RandomNumber)
		}
	}
	b.opt(n, "BondedAreaConfirm", v.BondedAreaConfirm)
	b.opt(n, "ZeroTaxRateReason", v.ZeroTaxRateReason)
	b.opt(n, "Attachment", v.Attachment)
	b.opt(n, "Reserved1", v.Reserved1)
	b.opt(n, "Reserved2", v.Reserved2)
	b.close(n)
}

func (b *treeBuilder) invoiceItem(p treeNode, it *InvoiceItem, lineTax bool) {
	n := b.open(p, "ProductItem")
	b.req(n, "Description", it.Description)
	b.dec(n, "Quantity", it.Quantity)
	b.opt(n, "Unit", it.Unit)
	b.dec(n, "UnitPrice", it.UnitPrice)
	if lineTax {
		b.req(n, "TaxType", it.TaxType)
	}
	b.dec(n, "Amount", it.Amount)
	b.req(n, "SequenceNumber", it.SequenceNumber)
	b.opt(n, "Remark", it.Remark)
	b.opt(n, "RelateNumber", it.RelateNumber)
	b.close(n)
}

func (b *treeBuilder) invoiceAmount(p treeNode, a *InvoiceAmount, buckets bool) {
	n := b.open(p, "Amount")
	b.dec(n, "SalesAmount", a.SalesAmount)
	if buckets {
		b.dec(n, "FreeTaxSalesAmount", a.FreeTaxSalesAmount)
		b.dec(n, "ZeroTaxSalesAmount", a.ZeroTaxSalesAmount)
	}
	b.req(n, "TaxType", a.TaxType)
	b.dec(n, "TaxRate", a.TaxRate)
	b.dec(n, "TaxAmount", a.TaxAmount)
	b.dec(n, "TotalAmount", a.TotalAmount)
	b.optDec(n, "DiscountAmount", a.DiscountAmount)
	b.optDec(n, "OriginalCurrencyAmount", a.OriginalCurrencyAmount)
	b.optDec(n, "ExchangeRate", a.ExchangeRate)
	b.opt(n, "Currency", a.Currency)
	b.close(n)
}
