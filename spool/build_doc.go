package spool

// docBuilder turns the rows of one document into a Request: the checks
// every action shares, then the action's own builder. The first problem
// found rejects the document; later steps still run on the values they
// have but their findings are dropped.

import (
	"fmt"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig"
)

type docBuilder struct {
	*group
	opt   ReadOptions
	rules *mig.Rules
	req   Request

	doc     [numColumns]string // the document's value of each document-level column
	docLine [numColumns]int    // the line it came from
	reject  *Rejection
}

// fail records a problem unless one is recorded already.
func (b *docBuilder) fail(code string, c column, line int, value, format string, args ...any) {
	if b.reject != nil {
		return
	}
	b.reject = &Rejection{Code: code, Column: c.String(), Line: line, Value: value, Msg: fmt.Sprintf(format, args...)}
}

func (b *docBuilder) failed() bool { return b.reject != nil }

// at returns the value of a document-level column and its line.
func (b *docBuilder) at(c column) (string, int) {
	if b.docLine[c] == 0 {
		return b.doc[c], b.rows[0].line
	}
	return b.doc[c], b.docLine[c]
}

func (b *docBuilder) val(c column) string { return b.doc[c] }

// usedColumns lists the columns an action reads; the others are ignored.
func usedColumns(a Action) []column {
	common := []column{colAction, colOrderID, colSellerBAN, colInvoiceDate}
	switch a {
	case ActionVoid:
		return append(common, colInvoiceNumber, colInvoiceTime, colReason, colSpecialVoid)
	case ActionCancel:
		return append(common, colInvoiceNumber, colInvoiceTime, colReason)
	case ActionVoidAllowance:
		return append(common, colAllowanceNumber, colInvoiceTime, colReason)
	case ActionAllowance:
		return append(common, colInvoiceNumber, colTaxType, colTaxRate, colAmounts, colAmountTotal,
			colAllowanceNumber, colItemDescription, colItemQuantity, colItemUnit, colItemUnitPrice, colItemAmount,
			colItemTaxType, colOriginalSequence)
	}
	var cols []column
	for c := range numColumns {
		if c != colReason && c != colAllowanceNumber && c != colOriginalSequence && c != colSpecialVoid {
			cols = append(cols, c)
		}
	}
	return cols
}

// perRow reports whether column c has a value per row in action a.
func perRow(c column, a Action) bool {
	return c.lineLevel() || c == colInvoiceNumber && a == ActionAllowance
}

// build builds the document, or its rejection.
func (b *docBuilder) build(split *Rejection) Request {
	first, last := b.rows[0], b.rows[len(b.rows)-1]
	b.req = Request{Line: first.line, EndLine: last.endLine, OrderID: first.val(colOrderID), Action: Action(b.action)}
	for _, r := range b.rows {
		if r.problem != nil {
			b.reject = r.problem
			break
		}
	}
	if split != nil {
		b.reject = split
	}
	b.checkActions()
	b.collect()
	b.common()
	if !b.failed() {
		switch b.req.Action {
		case ActionIssue:
			b.req.Doc = b.invoice()
		case ActionAllowance:
			b.req.Doc = b.allowance()
		default:
			b.req.Doc = b.followUp()
		}
	}
	if b.failed() {
		b.req.Doc, b.req.Reject = nil, b.reject
	}
	return b.req
}

// checkActions rejects an action that is not one of CSV v1's.
func (b *docBuilder) checkActions() {
	for _, r := range b.rows {
		if a := r.val(colAction); a != "" && !isAction(strings.ToLower(a)) {
			b.fail("CSV_FORMAT", colAction, r.line, a, "action %q is not one of %s (blank is issue)", a, strings.Join(actions, ", "))
		}
	}
}

// collect takes the document-level values from the rows: the first
// non-blank value of each column; a different value on a later row is a
// conflict. Codes compare without case.
func (b *docBuilder) collect() {
	for _, c := range usedColumns(b.req.Action) {
		if perRow(c, b.req.Action) {
			continue
		}
		for _, r := range b.rows {
			v := r.val(c)
			switch {
			case v == "":
			case b.docLine[c] == 0:
				b.doc[c], b.docLine[c] = v, r.line
			case !sameValue(c, b.doc[c], v):
				b.fail("CSV_CONFLICT", c, r.line, v,
					"%s is %q at line %d but %q at line %d: the rows of one document must repeat the same value or leave it blank",
					c, b.doc[c], b.docLine[c], v, r.line)
			}
		}
	}
	b.checkLengths()
}

func sameValue(c column, a, b string) bool {
	switch c {
	case colAction, colAmounts, colPrintMark:
		return strings.EqualFold(a, b)
	}
	return a == b
}

// checkLengths rejects values longer than the MIG element they fill.
func (b *docBuilder) checkLengths() {
	for _, c := range usedColumns(b.req.Action) {
		limit := c.maxLength(b.opt.Version)
		if limit == 0 {
			continue
		}
		check := func(v string, line int) {
			if n := len([]rune(v)); n > limit {
				b.fail("CSV_LENGTH", c, line, v, "%s has %d characters, more than the %d MIG %s allows: shorten it", c, n, limit, b.opt.Version)
			}
		}
		if !perRow(c, b.req.Action) {
			check(b.at(c))
			continue
		}
		for _, r := range b.rows {
			check(r.val(c), r.line)
		}
	}
}

// common reads the values every action has: order_id, seller, dates,
// numbers, reason and the control total.
func (b *docBuilder) common() {
	q := &b.req
	if q.OrderID == "" {
		b.fail("CSV_REQUIRED", colOrderID, b.rows[0].line, "", "order_id is blank: every row needs the ERP's id of its document")
	}
	b.seller()
	q.InvoiceNumber = b.val(colInvoiceNumber)
	if q.Action == ActionAllowance {
		q.InvoiceNumber = b.rows[0].val(colInvoiceNumber)
	}
	if v, line := b.at(colInvoiceDate); v != "" {
		d, why := parseDate(v)
		if why != "" {
			b.fail("DATE_INVALID", colInvoiceDate, line, v, "%s", why)
		}
		q.Date = string(d)
	}
	if v, line := b.at(colInvoiceTime); v != "" {
		t, why := parseTime(v)
		if why != "" {
			b.fail("TIME_INVALID", colInvoiceTime, line, v, "%s", why)
		}
		q.Time = string(t)
	}
	switch q.Action {
	case ActionIssue:
		b.randomNumber()
	case ActionVoid, ActionCancel:
		b.invoiceNumber(b.at(colInvoiceNumber))
	}
	if q.Action == ActionVoid || q.Action == ActionCancel || q.Action == ActionVoidAllowance {
		b.reason()
	}
	if q.Action == ActionAllowance || q.Action == ActionVoidAllowance {
		b.allowanceNumber()
	}
	if v, line := b.at(colAmountTotal); v != "" {
		d, why := parseNumber(v)
		if why != "" {
			b.fail("CSV_FORMAT", colAmountTotal, line, v, "amount_total %s", why)
		} else {
			q.AmountTotal = &d
		}
	}
}

// seller finds the seller's BAN: seller_ban, or the configured seller.
func (b *docBuilder) seller() {
	v, line := b.at(colSellerBAN)
	switch {
	case v == "" && b.opt.DefaultSeller.Identifier == "":
		b.fail("CSV_REQUIRED", colSellerBAN, line, "", "seller_ban is blank and no default seller is configured: write the seller's 統一編號")
	case v == "":
		b.req.SellerBAN = b.opt.DefaultSeller.Identifier
	default:
		b.req.SellerBAN = v
		b.checkBAN(colSellerBAN, line, v, "seller", false)
	}
}

// sellerParty returns the seller of an invoice: the configured seller, or
// seller_ban with seller_name.
func (b *docBuilder) sellerParty() mig.Party {
	p := b.opt.DefaultSeller
	if b.req.SellerBAN != p.Identifier {
		p = mig.Party{Identifier: b.req.SellerBAN}
	}
	if name, _ := b.at(colSellerName); name != "" {
		p.Name = name
	}
	if p.Name == "" {
		_, line := b.at(colSellerBAN)
		b.fail("CSV_REQUIRED", colSellerName, line, "",
			"seller %s is not the configured seller, so seller_name is required (the invoice names its seller)", b.req.SellerBAN)
	}
	return p
}

// checkBAN checks a 統一編號 with the rules' checksum (mig.Rules.CheckBAN).
func (b *docBuilder) checkBAN(c column, line int, v, who string, consumerOK bool) {
	viol := b.rules.CheckBAN(v, who, consumerOK)
	if viol == nil {
		return
	}
	msg := viol.Reason
	if n := len(v); viol.Code == "BAN_FORMAT" && n < 8 && digitsOnly.MatchString(v) {
		msg += fmt.Sprintf(" (it has %d digits: a spreadsheet may have dropped leading zeros; format the column as text)", n)
	}
	b.fail(viol.Code, c, line, v, "%s", msg)
}

// invoiceNumber checks the format of an invoice number given in the CSV.
func (b *docBuilder) invoiceNumber(v string, line int) {
	switch {
	case v == "":
		b.fail("CSV_REQUIRED", colInvoiceNumber, line, "", "invoice_number is blank: the %s refers to an invoice by its number", b.req.Action)
	case !b.rules.InvoiceNumber.MatchString(v):
		b.fail("INVOICE_NUMBER_FORMAT", colInvoiceNumber, line, v,
			"invoice number %q is not two capital letters and 8 digits (e.g. AB12345678)", v)
	}
}

func (b *docBuilder) randomNumber() {
	v, line := b.at(colRandomNumber)
	b.req.RandomNumber = v
	if v != "" && (len(v) != 4 || !digitsOnly.MatchString(v)) {
		b.fail("CSV_FORMAT", colRandomNumber, line, v,
			"random_number %q is not 4 digits (leave it blank to have one generated; a spreadsheet may have dropped a leading zero)", v)
	}
}

func (b *docBuilder) reason() {
	v, line := b.at(colReason)
	b.req.Reason = v
	if v == "" {
		b.fail("CSV_REQUIRED", colReason, line, "", "reason is blank: a %s needs a reason of 1-20 characters", b.req.Action)
	}
}

func (b *docBuilder) allowanceNumber() {
	v, line := b.at(colAllowanceNumber)
	switch {
	case v == "" && b.req.Action == ActionVoidAllowance:
		b.fail("CSV_REQUIRED", colAllowanceNumber, line, "", "allowance_number is blank: a void_allowance names the allowance it voids")
	case v == "":
		v = b.req.OrderID
		if n := len([]rune(v)); n > colAllowanceNumber.maxLength(b.opt.Version) {
			b.fail("CSV_LENGTH", colAllowanceNumber, line, v,
				"allowance_number is blank, so the order_id is the allowance number, but it has %d characters, more than 16: give allowance_number", n)
		}
	}
	b.req.AllowanceNumber = v
}

// head returns the Head of a document of the given kind.
func (b *docBuilder) head(kind string) mig.Head {
	h, err := mig.HeadFor(b.opt.Version, kind)
	if err != nil {
		panic(err) // the kinds are constants of this package
	}
	return h
}

// followUp builds a void, cancel or allowance void.
func (b *docBuilder) followUp() mig.Document {
	q := &b.req
	date, tod := mig.Date(q.Date), mig.TimeOfDay(q.Time)
	switch q.Action {
	case ActionVoid:
		return &mig.InvoiceVoid{Head: b.head("void"), InvoiceNumber: q.InvoiceNumber, VoidDate: date, VoidTime: tod, Reason: q.Reason,
			ReturnTaxDocumentNumber: b.val(colSpecialVoid)}
	case ActionCancel:
		return &mig.InvoiceCancel{Head: b.head("cancel"), InvoiceNumber: q.InvoiceNumber, CancelDate: date, CancelTime: tod, Reason: q.Reason}
	}
	v := &mig.AllowanceVoid{Head: b.head("void_allowance"), AllowanceNumber: q.AllowanceNumber, VoidDate: date, VoidTime: tod, Reason: q.Reason}
	if v.Type == mig.G0501 {
		v.AllowanceType = "2"
	}
	return v
}
