package mig

// Rules of the messages that follow an invoice or allowance: void (作廢,
// F0501/C0501, root CancelInvoice), cancel (註銷, F0701/C0701, root
// VoidInvoice) and void allowance (G0501/D0501, root CancelAllowance). The
// three share one rule table over a view that names their elements.

import "strings"

// ruleFollowUp is a void, cancel or allowance void with its element names.
type ruleFollowUp struct {
	head          Head
	what          string // "void", "cancel", "allowance void", for a Reason
	number        string // the number of the invoice or allowance it follows
	numberElem    string
	invoiceNumber bool // number is an invoice number (not an allowance number)
	original      Date // the date of the invoice or allowance it follows
	originalElem  string
	originalWhat  string
	buyer, seller string
	date          Date
	dateElem      string
	time          TimeOfDay
	timeElem      string
	reason        string
	reasonElem    string
}

func ruleFollowUpOfVoid(d *InvoiceVoid) ruleFollowUp {
	return ruleFollowUp{
		head: d.Head, what: "void", number: d.InvoiceNumber, numberElem: "CancelInvoiceNumber", invoiceNumber: true,
		original: d.InvoiceDate, originalElem: "InvoiceDate", originalWhat: "invoice date",
		buyer: d.BuyerID, seller: d.SellerID, date: d.VoidDate, dateElem: "CancelDate",
		time: d.VoidTime, timeElem: "CancelTime", reason: d.Reason, reasonElem: "CancelReason",
	}
}

func ruleFollowUpOfCancel(d *InvoiceCancel) ruleFollowUp {
	return ruleFollowUp{
		head: d.Head, what: "cancel", number: d.InvoiceNumber, numberElem: "VoidInvoiceNumber", invoiceNumber: true,
		original: d.InvoiceDate, originalElem: "InvoiceDate", originalWhat: "invoice date",
		buyer: d.BuyerID, seller: d.SellerID, date: d.CancelDate, dateElem: "VoidDate",
		time: d.CancelTime, timeElem: "VoidTime", reason: d.Reason, reasonElem: "VoidReason",
	}
}

func ruleFollowUpOfAllowanceVoid(d *AllowanceVoid) ruleFollowUp {
	return ruleFollowUp{
		head: d.Head, what: "allowance void", number: d.AllowanceNumber, numberElem: "CancelAllowanceNumber",
		original: d.AllowanceDate, originalElem: "AllowanceDate", originalWhat: "allowance date",
		buyer: d.BuyerID, seller: d.SellerID, date: d.VoidDate, dateElem: "CancelDate",
		time: d.VoidTime, timeElem: "CancelTime", reason: d.Reason, reasonElem: "CancelReason",
	}
}

var onFollowUps = []MessageType{F0501, C0501, F0701, C0701, G0501, D0501}

// followUpRules is the rule table of voids, cancels and allowance voids.
var followUpRules = []ruleRow[ruleFollowUp]{
	{onFollowUps, (*Rules).followUpNumber},
	{onFollowUps, (*Rules).followUpParties},
	{onFollowUps, (*Rules).followUpDates},
	{onFollowUps, (*Rules).followUpReason},
}

func (r *Rules) followUpNumber(f ruleFollowUp, out *ruleReport) {
	if f.invoiceNumber {
		r.checkInvoiceNumber(out, rulePathOf(f.head).at(f.numberElem), f.number, "invoice number")
	}
}

func (r *Rules) followUpParties(f ruleFollowUp, out *ruleReport) {
	p := rulePathOf(f.head)
	r.checkBAN(out, p.at("BuyerId"), f.buyer, buyerRole)
	r.checkBAN(out, p.at("SellerId"), f.seller, sellerRole)
}

// followUpDates checks both dates, the time, and that the follow-up is not
// dated before what it follows.
func (r *Rules) followUpDates(f ruleFollowUp, out *ruleReport) {
	p := rulePathOf(f.head)
	origOK := r.checkDate(out, p.at(f.originalElem), f.original, f.originalWhat)
	dateOK := r.checkDate(out, p.at(f.dateElem), f.date, f.what+" date")
	r.checkTime(out, p.at(f.timeElem), f.time, f.what+" time")
	if origOK && dateOK && f.date < f.original {
		out.add("DATE_BEFORE_ORIGINAL", p.at(f.dateElem), string(f.date),
			"the %s date %s is before the %s %s it refers to: check both dates", f.what, f.date, f.originalWhat, f.original)
	}
}

func (r *Rules) followUpReason(f ruleFollowUp, out *ruleReport) {
	if strings.TrimSpace(f.reason) == "" {
		out.add("REASON_BLANK", rulePathOf(f.head).at(f.reasonElem), f.reason,
			"%s is blank: write why the %s is made (1-20 characters)", f.reasonElem, f.what)
	}
}
