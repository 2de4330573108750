package mig

// The renderers of the documents other than Invoice. Each *Foreign function
// names the fields the message of the document's Head lacks, as
// invoiceForeign does for invoices.

func invoiceVoidForeign(v *InvoiceVoid, fn func(field string, item int, s *string)) {
	if v.Type == C0501 {
		fn("Reserved1", -1, &v.Reserved1)
		fn("Reserved2", -1, &v.Reserved2)
	}
}

func invoiceCancelForeign(v *InvoiceCancel, fn func(field string, item int, s *string)) {
	if v.Type == C0701 {
		fn("Reserved1", -1, &v.Reserved1)
		fn("Reserved2", -1, &v.Reserved2)
	}
}

func allowanceForeign(v *Allowance, fn func(field string, item int, s *string)) {
	switch v.Type {
	case G0401:
		fn("Attachment", -1, &v.Attachment)
	case D0401:
		fn("OriginalInvoiceSellerID", -1, &v.OriginalInvoiceSellerID)
		fn("OriginalInvoiceBuyerID", -1, &v.OriginalInvoiceBuyerID)
	}
}

func allowanceVoidForeign(v *AllowanceVoid, fn func(field string, item int, s *string)) {
	if v.Type == D0501 {
		fn("AllowanceType", -1, &v.AllowanceType)
	}
}

// firstForeign returns the error for the first set field a *Foreign
// function reports.
func firstForeign(h Head, fields func(fn func(field string, item int, s *string))) error {
	var err error
	fields(func(field string, item int, s *string) {
		if err == nil && *s != "" {
			err = notPart(h, foreignName(field, item))
		}
	})
	return err
}

func (b *treeBuilder) invoiceVoid(v *InvoiceVoid) error {
	err := fitHead(v.Head, "an InvoiceVoid", F0501, C0501)
	if err == nil {
		err = firstForeign(v.Head, func(fn func(string, int, *string)) { invoiceVoidForeign(v, fn) })
	}
	if err != nil {
		return renderError(v.Head, v.InvoiceNumber, err)
	}
	root := b.start(v.Root(), v.Namespace())
	b.req(root, "CancelInvoiceNumber", v.InvoiceNumber)
	b.req(root, "InvoiceDate", string(v.InvoiceDate))
	b.req(root, "BuyerId", v.BuyerID)
	b.req(root, "SellerId", v.SellerID)
	b.req(root, "CancelDate", string(v.VoidDate))
	b.req(root, "CancelTime", string(v.VoidTime))
	b.req(root, "CancelReason", v.Reason)
	b.opt(root, "ReturnTaxDocumentNumber", v.ReturnTaxDocumentNumber)
	b.opt(root, "Remark", v.Remark)
	b.opt(root, "Reserved1", v.Reserved1)
	b.opt(root, "Reserved2", v.Reserved2)
	err = b.finish(root)
	if err != nil {
		return renderError(v.Head, v.InvoiceNumber, err)
	}
	return nil
}

func (b *treeBuilder) invoiceCancel(v *InvoiceCancel) error {
	err := fitHead(v.Head, "an InvoiceCancel", F0701, C0701)
	if err == nil {
		err = firstForeign(v.Head, func(fn func(string, int, *string)) { invoiceCancelForeign(v, fn) })
	}
	if err != nil {
		return renderError(v.Head, v.InvoiceNumber, err)
	}
	root := b.start(v.Root(), v.Namespace())
	b.req(root, "VoidInvoiceNumber", v.InvoiceNumber)
	b.req(root, "InvoiceDate", string(v.InvoiceDate))
	b.req(root, "BuyerId", v.BuyerID)
	b.req(root, "SellerId", v.SellerID)
	b.req(root, "VoidDate", string(v.CancelDate))
	b.req(root, "VoidTime", string(v.CancelTime))
	b.req(root, "VoidReason", v.Reason)
	b.opt(root, "Remark", v.Remark)
	b.opt(root, "Reserved1", v.Reserved1)
	b.opt(root, "Reserved2", v.Reserved2)
	err = b.finish(root)
	if err != nil {
		return renderError(v.Head, v.InvoiceNumber, err)
	}
	return nil
}

func (b *treeBuilder) allowance(v *Allowance) error {
	err := fitHead(v.Head, "an Allowance", G0401, D0401)
	if err == nil {
		err = firstForeign(v.Head, func(fn func(string, int, *string)) { allowanceForeign(v, fn) })
	}
	if err != nil {
		return renderError(v.Head, v.Number, err)
	}
	root := b.start(v.Root(), v.Namespace())
	m := b.open(root, "Main")
	b.req(m, "AllowanceNumber", v.Number)
	b.req(m, "AllowanceDate", string(v.Date))
	b.party(m, "Seller", &v.Seller)
	b.party(m, "Buyer", &v.Buyer)
	b.req(m, "AllowanceType", v.AllowanceType)
	b.opt(m, "OriginalInvoiceSellerId", v.OriginalInvoiceSellerID)
	b.opt(m, "OriginalInvoiceBuyerId", v.OriginalInvoiceBuyerID)
	b.opt(m, "Attachment", v.Attachment)
	b.close(m)
	details := b.open(root, "Details")
	for i := range v.Items {
		b.allowanceItem(details, &v.Items[i])
	}
	b.close(details)
	a := b.open(root, "Amount")
	b.dec(a, "TaxAmount", v.TaxAmount)
	b.dec(a, "TotalAmount", v.TotalAmount)
	b.close(a)
	err = b.finish(root)
	if err != nil {
		return renderError(v.Head, v.Number, err)
	}
	return nil
}

func (b *treeBuilder) allowanceItem(p treeNode, it *AllowanceItem) {
	n := b.open(p, "ProductItem")
	b.req(n, "OriginalInvoiceDate", string(it.OriginalInvoiceDate))
	b.req(n, "OriginalInvoiceNumber", it.OriginalInvoiceNumber)
	b.opt(n, "OriginalSequenceNumber", it.OriginalSequenceNumber)
	b.req(n, "OriginalDescription", it.OriginalDescription)
	b.dec(n, "Quantity", it.Quantity)
	b.opt(n, "Unit", it.Unit)
	b.dec(n, "UnitPrice", it.UnitPrice)
	b.dec(n, "Amount", it.Amount)
	b.dec(n, "Tax", it.Tax)
	b.req(n, "AllowanceSequenceNumber", it.SequenceNumber)
	b.req(n, "TaxType", it.TaxType)
	b.close(n)
}

func (b *treeBuilder) allowanceVoid(v *AllowanceVoid) error {
	err := fitHead(v.Head, "an AllowanceVoid", G0501, D0501)
	if err == nil {
		err = firstForeign(v.Head, func(fn func(string, int, *string)) { allowanceVoidForeign(v, fn) })
	}
	if err != nil {
		return renderError(v.Head, v.AllowanceNumber, err)
	}
	root := b.start(v.Root(), v.Namespace())
	b.req(root, "CancelAllowanceNumber", v.AllowanceNumber)
	if v.Type == G0501 {
		b.req(root, "AllowanceType", v.AllowanceType)
	}
	b.req(root, "AllowanceDate", string(v.AllowanceDate))
	b.req(root, "BuyerId", v.BuyerID)
	b.req(root, "SellerId", v.SellerID)
	b.req(root, "CancelDate", string(v.VoidDate))
	b.req(root, "CancelTime", string(v.VoidTime))
	b.req(root, "CancelReason", v.Reason)
	b.opt(root, "Remark", v.Remark)
	err = b.finish(root)
	if err != nil {
		return renderError(v.Head, v.AllowanceNumber, err)
	}
	return nil
}

// blankKey names a BlankTracks document in errors: "10458570 AB 11510".
func blankKey(v *BlankTracks) string {
	return v.BranchBAN + " " + v.Track + " " + v.YearMonth
}

func (b *treeBuilder) blankTracks(v *BlankTracks) error {
	if err := fitHead(v.Head, "a BlankTracks", E0402); err != nil {
		return renderError(v.Head, blankKey(v), err)
	}
	root := b.start(v.Root(), v.Namespace())
	m := b.open(root, "Main")
	b.req(m, "HeadBan", v.HeadBAN)
	b.req(m, "BranchBan", v.BranchBAN)
	b.req(m, "InvoiceType", v.InvoiceType)
	b.req(m, "YearMonth", v.YearMonth)
	b.req(m, "InvoiceTrack", v.Track)
	b.close(m)
	details := b.open(root, "Details")
	for _, r := range v.Ranges {
		n := b.open(details, "BranchTrackBlankItem")
		b.req(n, "InvoiceBeginNo", r.Begin)
		b.req(n, "InvoiceEndNo", r.End)
		b.close(n)
	}
	b.close(details)
	err := b.finish(root)
	if err != nil {
		return renderError(v.Head, blankKey(v), err)
	}
	return nil
}
