package sim

import (
	"math/rand/v2"
	"slices"

	"github.com/turnkeyd/turnkeyd/mig"
)

// judge gives the verdicts that are due, in pickup order, journals them
// with their result files and then writes the files.
func (s *Sim) judge() error {
	now := s.now()
	var decided []*fileRecord
	for _, rec := range s.st.Files {
		if rec.Verdict != Pending || rec.Due.After(now) {
			continue
		}
		s.decide(rec)
		decided = append(decided, rec)
	}
	if len(decided) == 0 {
		return nil
	}
	s.st.Outbox = append(s.st.Outbox, s.resultFiles(decided, now)...)
	if err := s.save(); err != nil {
		return err
	}
	return s.finish()
}

// decide applies the platform's checks to one message and, when it
// passes, stores it.
func (s *Sim) decide(rec *fileRecord) {
	doc, err := mig.Parse(rec.Data)
	code := ""
	if err != nil { // validated at pickup: only a changed validator gets here
		code = CodeInjected
		s.log.Error("a picked-up message no longer parses", "file", rec.Path, "err", err)
	} else {
		code = s.check(doc, rec)
	}
	reason := Descriptions[code]
	if code == "" && s.injected(rec.Seq) {
		code, reason = s.opt.RefuseCode, s.opt.RefuseDescription
	}
	rec.Data = nil
	if code != "" {
		rec.Verdict, rec.Code, rec.Reason = Refused, code, reason
		s.log.Info("platform refused", "file", rec.Path, "message", rec.Head.String(), "number", rec.Ref.Number, "code", code)
		return
	}
	s.store(doc)
	s.st.Digests[rec.Digest] = rec.MessageID
	rec.Verdict = Accepted
	s.log.Info("platform stored", "file", rec.Path, "message", rec.Head.String(), "number", rec.Ref.Number)
}

// injected draws whether the platform refuses the message of sequence
// number seq that passed every check.
func (s *Sim) injected(seq uint64) bool {
	if s.opt.RefuseShare <= 0 {
		return false
	}
	return rand.New(rand.NewPCG(s.opt.Seed, seq)).Float64() < s.opt.RefuseShare
}

// check returns the code of the platform's first objection to doc, or "".
func (s *Sim) check(doc mig.Document, rec *fileRecord) string {
	if len(s.sellers) > 0 && !s.sellers[rec.Seller] {
		return CodeWrongSeller
	}
	if _, dup := s.st.Digests[rec.Digest]; dup {
		return CodeDuplicateMessage
	}
	switch d := doc.(type) {
	case *mig.Invoice:
		if inv := s.st.Invoices[key(rec.Seller, d.Number)]; inv != nil && inv.Status != Cancelled {
			return CodeDuplicateIssue
		}
	case *mig.InvoiceVoid:
		return s.checkFollowUp(rec.Seller, d.InvoiceNumber, d.InvoiceDate, CodeVoidUnknown, CodeVoidVoided)
	case *mig.InvoiceCancel:
		return s.checkFollowUp(rec.Seller, d.InvoiceNumber, d.InvoiceDate, CodeCancelUnknown, CodeCancelVoided)
	case *mig.Allowance:
		return s.checkAllowance(rec.Seller, d)
	case *mig.AllowanceVoid:
		a := s.st.Allowances[key(rec.Seller, d.AllowanceNumber)]
		switch {
		case a == nil:
			return CodeAllowanceVoidUnknown
		case a.Status == Voided:
			return CodeAllowanceVoidVoided
		case a.Date != d.AllowanceDate:
			return CodeDateMismatch
		}
	}
	return ""
}

// checkFollowUp checks a void or cancel of a seller's invoice.
func (s *Sim) checkFollowUp(seller, number string, date mig.Date, unknown, voided string) string {
	inv := s.st.Invoices[key(seller, number)]
	switch {
	case inv == nil || inv.Status == Cancelled:
		return unknown
	case inv.Status == Voided:
		return voided
	case inv.Date != date:
		return CodeDateMismatch
	}
	return ""
}

// checkAllowance checks an allowance against the invoices it names: each
// must be stored and not voided, with the date given, and the allowances
// against it (Amount + Tax of their lines) may not exceed its total.
func (s *Sim) checkAllowance(seller string, d *mig.Allowance) string {
	if a := s.st.Allowances[key(seller, d.Number)]; a != nil {
		return CodeAllowanceDuplicate
	}
	for _, line := range allowanceLines(d) {
		inv := s.st.Invoices[key(seller, line.Invoice)]
		switch {
		case inv == nil || inv.Status == Cancelled:
			return CodeAllowanceUnknown
		case inv.Status == Voided:
			return CodeAllowanceVoided
		case inv.Allowed.Add(line.Amount).Cmp(inv.Total) > 0:
			return CodeAllowanceExceeds
		}
	}
	for _, it := range d.Items {
		if inv := s.st.Invoices[key(seller, it.OriginalInvoiceNumber)]; inv.Date != it.OriginalInvoiceDate {
			return CodeDateMismatch
		}
	}
	return ""
}

// allowanceLines sums an allowance's lines (Amount + Tax) per invoice, in
// the order the invoices first appear.
func allowanceLines(d *mig.Allowance) []AllowanceLine {
	var lines []AllowanceLine
	for _, it := range d.Items {
		i := slices.IndexFunc(lines, func(l AllowanceLine) bool { return l.Invoice == it.OriginalInvoiceNumber })
		if i < 0 {
			lines = append(lines, AllowanceLine{Invoice: it.OriginalInvoiceNumber})
			i = len(lines) - 1
		}
		lines[i].Amount = lines[i].Amount.Add(it.Amount).Add(it.Tax)
	}
	return lines
}

// store records a message the platform accepted.
func (s *Sim) store(doc mig.Document) {
	switch d := doc.(type) {
	case *mig.Invoice:
		k := key(d.Seller.Identifier, d.Number)
		issues := 1
		status := Issued
		if old := s.st.Invoices[k]; old != nil {
			issues, status = old.Issues+1, Reissued
		}
		s.st.Invoices[k] = &Invoice{
			Seller: d.Seller.Identifier, Number: d.Number, Status: status, Issues: issues, Message: d.Type,
			Date: d.Date, Time: d.Time, SellerName: d.Seller.Name, Buyer: d.Buyer.Identifier, InvoiceType: d.InvoiceType,
			Total: d.Amount.TotalAmount, RandomNumber: d.RandomNumber, CarrierType: d.CarrierType,
			CarrierID1: d.CarrierID1, CarrierID2: d.CarrierID2, DonateMark: d.DonateMark, PrintMark: d.PrintMark,
			ChangedAt: d.Date,
		}
	case *mig.InvoiceVoid:
		inv := s.st.Invoices[key(d.SellerID, d.InvoiceNumber)]
		inv.Status, inv.ChangedAt = Voided, d.VoidDate
	case *mig.InvoiceCancel:
		inv := s.st.Invoices[key(d.SellerID, d.InvoiceNumber)]
		inv.Status, inv.ChangedAt = Cancelled, d.CancelDate
	case *mig.Allowance:
		a := &Allowance{Seller: d.Seller.Identifier, Number: d.Number, Status: Issued, Date: d.Date, Lines: allowanceLines(d)}
		s.st.Allowances[key(a.Seller, a.Number)] = a
		for _, l := range a.Lines {
			inv := s.st.Invoices[key(a.Seller, l.Invoice)]
			inv.Allowed = inv.Allowed.Add(l.Amount)
			inv.Allowances = append(inv.Allowances, a.Number)
		}
	case *mig.AllowanceVoid:
		a := s.st.Allowances[key(d.SellerID, d.AllowanceNumber)]
		a.Status = Voided
		for _, l := range a.Lines {
			if inv := s.st.Invoices[key(a.Seller, l.Invoice)]; inv != nil && slices.Contains(inv.Allowances, a.Number) {
				inv.Allowed = inv.Allowed.Sub(l.Amount)
			}
		}
	}
}
