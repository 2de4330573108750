package mig

import "testing"

// followUpFixture is one of the six follow-up messages: a way to change one
// field of a valid document, and the element names of its fields.
type followUpFixture struct {
	name   string
	with   func(field, value string) Document
	elem   map[string]string // field → element path
	number bool              // its number is an invoice number
	day    string            // the date of the invoice or allowance it follows
}

func voidWith(base func() *InvoiceVoid) func(field, value string) Document {
	return func(field, value string) Document {
		return changed(base, func(d *InvoiceVoid) {
			setFollowUp(field, value, &d.InvoiceNumber, &d.InvoiceDate, &d.VoidDate, &d.VoidTime, &d.Reason, &d.BuyerID, &d.SellerID)
		})
	}
}

func cancelWith(base func() *InvoiceCancel) func(field, value string) Document {
	return func(field, value string) Document {
		return changed(base, func(d *InvoiceCancel) {
			setFollowUp(field, value, &d.InvoiceNumber, &d.InvoiceDate, &d.CancelDate, &d.CancelTime, &d.Reason, &d.BuyerID, &d.SellerID)
		})
	}
}

func allowanceVoidWith(base func() *AllowanceVoid) func(field, value string) Document {
	return func(field, value string) Document {
		return changed(base, func(d *AllowanceVoid) {
			setFollowUp(field, value, &d.AllowanceNumber, &d.AllowanceDate, &d.VoidDate, &d.VoidTime, &d.Reason, &d.BuyerID, &d.SellerID)
		})
	}
}

func setFollowUp(field, value string, number *string, original, date *Date, tm *TimeOfDay, reason, buyer, seller *string) {
	switch field {
	case "number":
		*number = value
	case "original":
		*original = Date(value)
	case "date":
		*date = Date(value)
	case "time":
		*tm = TimeOfDay(value)
	case "reason":
		*reason = value
	case "buyer":
		*buyer = value
	case "seller":
		*seller = value
	}
}

func followUpElems(root, number, original, date, tm, reason string) map[string]string {
	p := "/" + root + "/"
	return map[string]string{
		"number": p + number, "original": p + original, "date": p + date, "time": p + tm,
		"reason": p + reason, "buyer": p + "BuyerId", "seller": p + "SellerId",
	}
}

var followUpFixtures = []followUpFixture{
	{"F0501", voidWith(voidF0501), followUpElems("CancelInvoice", "CancelInvoiceNumber", "InvoiceDate", "CancelDate", "CancelTime", "CancelReason"), true, "20260115"},
	{"C0501", voidWith(voidC0501), followUpElems("CancelInvoice", "CancelInvoiceNumber", "InvoiceDate", "CancelDate", "CancelTime", "CancelReason"), true, "20260115"},
	{"F0701", cancelWith(cancelF0701), followUpElems("VoidInvoice", "VoidInvoiceNumber", "InvoiceDate", "VoidDate", "VoidTime", "VoidReason"), true, "20260115"},
	{"C0701", cancelWith(cancelC0701), followUpElems("VoidInvoice", "VoidInvoiceNumber", "InvoiceDate", "VoidDate", "VoidTime", "VoidReason"), true, "20260115"},
	{"G0501", allowanceVoidWith(allowanceVoidG0501), followUpElems("CancelAllowance", "CancelAllowanceNumber", "AllowanceDate", "CancelDate", "CancelTime", "CancelReason"), false, "20260120"},
	{"D0501", allowanceVoidWith(allowanceVoidD0501), followUpElems("CancelAllowance", "CancelAllowanceNumber", "AllowanceDate", "CancelDate", "CancelTime", "CancelReason"), false, "20260120"},
}

// TestRulesFollowUps runs the same cases through voids, cancels and
// allowance voids, each with its own element names.
func TestRulesFollowUps(t *testing.T) {
	for _, f := range followUpFixtures {
		t.Run(f.name, func(t *testing.T) {
			one := func(field, code string) []wantV { return []wantV{{code, f.elem[field]}} }
			cases := []ruleCase{
				{"same day", f.with("date", f.day), nil},
				{"a later day", f.with("date", "20261231"), nil},
				{"dated before the original", f.with("date", "20260101"), one("date", "DATE_BEFORE_ORIGINAL")},
				{"original date not real", f.with("original", "20250229"), one("original", "DATE_INVALID")},
				{"date not real", f.with("date", "20260230"), one("date", "DATE_INVALID")},
				{"time not real", f.with("time", "24:00:00"), one("time", "TIME_INVALID")},
				{"time with zone", f.with("time", "09:00:00+08:00"), one("time", "TIME_ZONE")},
				{"reason blank", f.with("reason", " \t "), one("reason", "REASON_BLANK")},
				{"reason empty", f.with("reason", ""), one("reason", "REASON_BLANK")},
				{"seller checksum", f.with("seller", "12222539"), one("seller", "BAN_CHECKSUM")},
				{"seller consumer id", f.with("seller", Consumer), one("seller", "BAN_FORMAT")},
				{"buyer consumer", f.with("buyer", Consumer), nil},
				{"buyer business", f.with("buyer", "10458570"), nil},
				{"buyer 9 zeros", f.with("buyer", "000000000"), one("buyer", "BAN_FORMAT")},
			}
			if f.number {
				cases = append(cases, ruleCase{"invoice number", f.with("number", "AB12345678X"), one("number", "INVOICE_NUMBER_FORMAT")})
			} else {
				cases = append(cases, ruleCase{"any allowance number", f.with("number", "折讓-001"), nil})
			}
			runRuleCases(t, cases)
		})
	}
}
