package mig

import (
	"github.com/beevik/etree"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// The parsers of the outbound documents. Each reads every element it knows
// by local name, then clears what the message of its Head does not have
// (the *Foreign functions of the renderer), so that Parse(Render(x)) == x.

func parseInvoice(root *etree.Element, h Head) (*Invoice, error) {
	v := &Invoice{Head: h}
	var p parser
	eachChild(root, func(c *etree.Element) {
		switch c.Tag {
		case "Main":
			p.invoiceMain(c, v)
		case "Details":
			eachChild(c, func(it *etree.Element) {
				if it.Tag == "ProductItem" {
					v.Items = append(v.Items, p.invoiceItem(it))
				}
			})
		case "Amount":
			p.invoiceAmount(c, &v.Amount)
		}
	})
	clearForeign(func(fn func(string, int, *string)) { invoiceForeign(v, fn) })
	if h.Type == A0401 {
		v.Amount.FreeTaxSalesAmount = decimal.Zero
		v.Amount.ZeroTaxSalesAmount = decimal.Zero
	}
	if p.err != nil {
		return nil, p.err
	}
	return v, nil
}

func (p *parser) invoiceMain(e *etree.Element, v *Invoice) {
	eachChild(e, func(c *etree.Element) {
		switch c.Tag {
		case "InvoiceNumber":
			v.Number = c.Text()
		case "InvoiceDate":
			v.Date = Date(c.Text())
		case "InvoiceTime":
			v.Time = TimeOfDay(collapsedText(c))
		case "Seller":
			v.Seller = p.party(c)
		case "Buyer":
			v.Buyer = p.party(c)
		case "CheckNumber":
			v.CheckNumber = c.Text()
		case "BuyerRemark":
			v.BuyerRemark = c.Text()
		case "MainRemark":
			v.MainRemark = c.Text()
		case "CustomsClearanceMark":
			v.CustomsClearanceMark = c.Text()
		case "Category":
			v.Category = c.Text()
		case "RelateNumber":
			v.RelateNumber = c.Text()
		case "InvoiceType":
			v.InvoiceType = c.Text()
		case "GroupMark":
			v.GroupMark = c.Text()
		case "DonateMark":
			v.DonateMark = c.Text()
		case "CarrierType":
			v.CarrierType = c.Text()
		case "CarrierId1":
			v.CarrierID1 = c.Text()
		case "CarrierId2":
			v.CarrierID2 = c.Text()
		case "PrintMark":
			v.PrintMark = c.Text()
		case "NPOBAN":
			v.NPOBAN = c.Text()
		case "RandomNumber":
			v.RandomNumber = c.Text()
		case "BondedAreaConfirm":
			v.BondedAreaConfirm = c.Text()
		case "ZeroTaxRateReason":
			v.ZeroTaxRateReason = c.Text()
		case "Attachment":
			v.Attachment = c.Text()
		case "Reserved1":
			v.Reserved1 = c.Text()
		case "Reserved2":
			v.Reserved2 = c.Text()
		}
	})
}

func (p *parser) invoiceItem(e *etree.Element) InvoiceItem {
	var it InvoiceItem
	eachChild(e, func(c *etree.Element) {
		switch c.Tag {
		case "Description":
			it.Description = c.Text()
		case "Quantity":
			it.Quantity = p.dec(c)
		case "Unit":
			it.Unit = c.Text()
		case "UnitPrice":
			it.UnitPrice = p.dec(c)
		case "TaxType":
			it.TaxType = c.Text()
		case "Amount":
			it.Amount = p.dec(c)
		case "SequenceNumber":
			it.SequenceNumber = c.Text()
		case "Remark":
			it.Remark = c.Text()
		case "RelateNumber":
			it.RelateNumber = c.Text()
		}
	})
	return it
}

func (p *parser) invoiceAmount(e *etree.Element, a *InvoiceAmount) {
	eachChild(e, func(c *etree.Element) {
		switch c.Tag {
		case "SalesAmount":
			a.SalesAmount = p.dec(c)
		case "FreeTaxSalesAmount":
			a.FreeTaxSalesAmount = p.dec(c)
		case "ZeroTaxSalesAmount":
			a.ZeroTaxSalesAmount = p.dec(c)
		case "TaxType":
			a.TaxType = c.Text()
		case "TaxRate":
			a.TaxRate = p.dec(c)
		case "TaxAmount":
			a.TaxAmount = p.dec(c)
		case "TotalAmount":
			a.TotalAmount = p.dec(c)
		case "DiscountAmount":
			a.DiscountAmount = p.optDec(c)
		case "OriginalCurrencyAmount":
			a.OriginalCurrencyAmount = p.optDec(c)
		case "ExchangeRate":
			a.ExchangeRate = p.optDec(c)
		case "Currency":
			a.Currency = c.Text()
		}
	})
}

func parseInvoiceVoid(root *etree.Element, h Head) (*InvoiceVoid, error) {
	v := &InvoiceVoid{Head: h}
	eachChild(root, func(c *etree.Element) {
		switch c.Tag {
		case "CancelInvoiceNumber":
			v.InvoiceNumber = c.Text()
		case "InvoiceDate":
			v.InvoiceDate = Date(c.Text())
		case "BuyerId":
			v.BuyerID = c.Text()
		case "SellerId":
			v.SellerID = c.Text()
		case "CancelDate":
			v.VoidDate = Date(c.Text())
		case "CancelTime":
			v.VoidTime = TimeOfDay(collapsedText(c))
		case "CancelReason":
			v.Reason = c.Text()
		case "ReturnTaxDocumentNumber":
			v.ReturnTaxDocumentNumber = c.Text()
		case "Remark":
			v.Remark = c.Text()
		case "Reserved1":
			v.Reserved1 = c.Text()
		case "Reserved2":
			v.Reserved2 = c.Text()
		}
	})
	clearForeign(func(fn func(string, int, *string)) { invoiceVoidForeign(v, fn) })
	return v, nil
}

func parseInvoiceCancel(root *etree.Element, h Head) (*InvoiceCancel, error) {
	v := &InvoiceCancel{Head: h}
	eachChild(root, func(c *etree.Element) {
		switch c.Tag {
		case "VoidInvoiceNumber":
			v.InvoiceNumber = c.Text()
		case "InvoiceDate":
			v.InvoiceDate = Date(c.Text())
		case "BuyerId":
			v.BuyerID = c.Text()
		case "SellerId":
			v.SellerID = c.Text()
		case "VoidDate":
			v.CancelDate = Date(c.Text())
		case "VoidTime":
			v.CancelTime = TimeOfDay(collapsedText(c))
		case "VoidReason":
			v.Reason = c.Text()
		case "Remark":
			v.Remark = c.Text()
		case "Reserved1":
			v.Reserved1 = c.Text()
		case "Reserved2":
			v.Reserved2 = c.Text()
		}
	})
	clearForeign(func(fn func(string, int, *string)) { invoiceCancelForeign(v, fn) })
	return v, nil
}

func parseAllowance(root *etree.Element, h Head) (*Allowance, error) {
	v := &Allowance{Head: h}
	var p parser
	eachChild(root, func(c *etree.Element) {
		switch c.Tag {
		case "Main":
			p.allowanceMain(c, v)
		case "Details":
			eachChild(c, func(it *etree.Element) {
				if it.Tag == "ProductItem" {
					v.Items = append(v.Items, p.allowanceItem(it))
				}
			})
		case "Amount":
			eachChild(c, func(a *etree.Element) {
				switch a.Tag {
				case "TaxAmount":
					v.TaxAmount = p.dec(a)
				case "TotalAmount":
					v.TotalAmount = p.dec(a)
				}
			})
		}
	})
	clearForeign(func(fn func(string, int, *string)) { allowanceForeign(v, fn) })
	if p.err != nil {
		return nil, p.err
	}
	return v, nil
}

func (p *parser) allowanceMain(e *etree.Element, v *Allowance) {
	eachChild(e, func(c *etree.Element) {
		switch c.Tag {
		case "AllowanceNumber":
			v.Number = c.Text()
		case "AllowanceDate":
			v.Date = Date(c.Text())
		case "Seller":
			v.Seller = p.party(c)
		case "Buyer":
			v.Buyer = p.party(c)
		case "AllowanceType":
			v.AllowanceType = c.Text()
		case "OriginalInvoiceSellerId":
			v.OriginalInvoiceSellerID = c.Text()
		case "OriginalInvoiceBuyerId":
			v.OriginalInvoiceBuyerID = c.Text()
		case "Attachment":
			v.Attachment = c.Text()
		}
	})
}

func (p *parser) allowanceItem(e *etree.Element) AllowanceItem {
	var it AllowanceItem
	eachChild(e, func(c *etree.Element) {
		switch c.Tag {
		case "OriginalInvoiceDate":
			it.OriginalInvoiceDate = Date(c.Text())
		case "OriginalInvoiceNumber":
			it.OriginalInvoiceNumber = c.Text()
		case "OriginalSequenceNumber":
			it.OriginalSequenceNumber = c.Text()
		case "OriginalDescription":
			it.OriginalDescription = c.Text()
		case "Quantity":
			it.Quantity = p.dec(c)
		case "Unit":
			it.Unit = c.Text()
		case "UnitPrice":
			it.UnitPrice = p.dec(c)
		case "Amount":
			it.Amount = p.dec(c)
		case "Tax":
			it.Tax = p.dec(c)
		case "AllowanceSequenceNumber":
			it.SequenceNumber = c.Text()
		case "TaxType":
			it.TaxType = c.Text()
		}
	})
	return it
}

func parseAllowanceVoid(root *etree.Element, h Head) (*AllowanceVoid, error) {
	v := &AllowanceVoid{Head: h}
	eachChild(root, func(c *etree.Element) {
		switch c.Tag {
		case "CancelAllowanceNumber":
			v.AllowanceNumber = c.Text()
		case "AllowanceType":
			v.AllowanceType = c.Text()
		case "AllowanceDate":
			v.AllowanceDate = Date(c.Text())
		case "BuyerId":
			v.BuyerID = c.Text()
		case "SellerId":
			v.SellerID = c.Text()
		case "CancelDate":
			v.VoidDate = Date(c.Text())
		case "CancelTime":
			v.VoidTime = TimeOfDay(collapsedText(c))
		case "CancelReason":
			v.Reason = c.Text()
		case "Remark":
			v.Remark = c.Text()
		}
	})
	clearForeign(func(fn func(string, int, *string)) { allowanceVoidForeign(v, fn) })
	return v, nil
}

func parseBlankTracks(root *etree.Element, h Head) (*BlankTracks, error) {
	v := &BlankTracks{Head: h}
	eachChild(root, func(c *etree.Element) {
		switch c.Tag {
		case "Main":
			eachChild(c, func(m *etree.Element) {
				switch m.Tag {
				case "HeadBan":
					v.HeadBAN = m.Text()
				case "BranchBan":
					v.BranchBAN = m.Text()
				case "InvoiceType":
					v.InvoiceType = m.Text()
				case "YearMonth":
					v.YearMonth = m.Text()
				case "InvoiceTrack":
					v.Track = m.Text()
				}
			})
		case "Details":
			eachChild(c, func(it *etree.Element) {
				if it.Tag != "BranchTrackBlankItem" {
					return
				}
				var r NumberRange
				eachChild(it, func(n *etree.Element) {
					switch n.Tag {
					case "InvoiceBeginNo":
						r.Begin = n.Text()
					case "InvoiceEndNo":
						r.End = n.Text()
					}
				})
				v.Ranges = append(v.Ranges, r)
			})
		}
	})
	return v, nil
}
