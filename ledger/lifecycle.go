package ledger

import (
	"fmt"
	"strings"
)

// The lifecycle of an invoice number (domain.md §4.3-4.4):
//
//	issue ──► void (final)
//	  │
//	  ├──► cancel ──► issue again (the same number) ──► …   alternating
//	  │
//	  └──► allowance ──► void allowance
//
// Each step goes to Turnkey only once the step before it was accepted by the
// platform; until then it waits. A void or cancel of an invoice with live
// allowances is refused until the allowances are voided. Documents the
// platform refused do not count: they never happened.

// Verdict is what the lifecycle says of a new document.
type Verdict struct {
	WaitFor int64  // > 0: accept it, waiting for this predecessor to be accepted
	Reuse   bool   // an issue that uses its number again (re-issue, or resent after a refusal)
	Code    string // non-empty: refuse it, for Reason
	Reason  string
}

// Refused reports whether the verdict refuses the document.
func (v Verdict) Refused() bool { return v.Code != "" }

func refuse(code, format string, args ...any) Verdict {
	return Verdict{Code: code, Reason: fmt.Sprintf(format, args...)}
}

// NextStep decides whether a new document with action may follow history:
// every document of the seller with the same invoice number (for
// ActionVoidAllowance: with the same allowance number), oldest first, as
// History and AllowanceHistory return them.
func NextStep(action, number string, history []Document) Verdict {
	live := make([]Document, 0, len(history))
	for _, d := range history {
		if d.State != StateRejected {
			live = append(live, d)
		}
	}
	if action == ActionVoidAllowance {
		return nextAllowanceStep(number, live)
	}
	var last *Document // the last issue, void or cancel
	for i := range live {
		switch live[i].Action {
		case ActionIssue, ActionVoid, ActionCancel:
			last = &live[i]
		}
	}
	switch action {
	case ActionIssue:
		return nextIssue(number, last, history)
	case ActionVoid, ActionCancel:
		return nextVoidOrCancel(action, number, last, live)
	case ActionAllowance:
		return nextAllowance(number, last)
	}
	return Verdict{}
}

func nextIssue(number string, last *Document, history []Document) Verdict {
	if last == nil {
		used := false
		for _, d := range history {
			used = used || d.Action == ActionIssue
		}
		return Verdict{Reuse: used} // new, or sent again after the platform refused it
	}
	switch last.Action {
	case ActionIssue:
		return refuse("NUMBER_ISSUED", "%s is already issued (order %s, %s): a number is never issued twice; to issue it again, cancel it first",
			number, last.OrderID, last.State)
	case ActionVoid:
		return refuse("INVOICE_VOIDED", "%s was voided (order %s): a void is final for the number", number, last.OrderID)
	}
	// after a cancel: the same number may be issued again
	if last.State == StateAccepted {
		return Verdict{Reuse: true}
	}
	return Verdict{Reuse: true, WaitFor: last.ID}
}

func nextVoidOrCancel(action, number string, last *Document, live []Document) Verdict {
	what := map[string]string{ActionVoid: "void", ActionCancel: "cancel"}[action]
	if last == nil {
		return refuse("UNKNOWN_INVOICE", "%s has no issued invoice in the ledger to %s (turnkeyd can only %s invoices it issued, and a refused issue never happened)",
			number, what, what)
	}
	switch last.Action {
	case ActionVoid:
		return refuse("INVOICE_VOIDED", "%s is already voided (order %s): nothing left to %s", number, last.OrderID, what)
	case ActionCancel:
		return refuse("INVOICE_CANCELLED", "%s is cancelled (order %s): issue it again before you %s it", number, last.OrderID, what)
	}
	open, pending := allowanceState(live)
	if len(open) > 0 {
		return refuse("INVOICE_HAS_ALLOWANCES", "%s has allowances %s: void them (action void_allowance) before you %s the invoice",
			number, strings.Join(open, ", "), what)
	}
	wait := pending
	if last.State != StateAccepted && last.ID > wait {
		wait = last.ID
	}
	return Verdict{WaitFor: wait}
}

// allowanceState returns the allowance numbers not voided, and the latest
// allowance or allowance void the platform has not accepted yet (0: none).
func allowanceState(live []Document) (open []string, pending int64) {
	voided := map[string]bool{}
	for _, d := range live {
		if d.Action == ActionVoidAllowance {
			voided[d.AllowanceNumber] = true
		}
	}
	for _, d := range live {
		if d.Action != ActionAllowance && d.Action != ActionVoidAllowance {
			continue
		}
		if d.Action == ActionAllowance && !voided[d.AllowanceNumber] {
			open = append(open, d.AllowanceNumber)
		}
		if d.State != StateAccepted && d.ID > pending {
			pending = d.ID
		}
	}
	return open, pending
}

func nextAllowance(number string, last *Document) Verdict {
	switch {
	case last == nil:
		return refuse("UNKNOWN_INVOICE", "%s has no issued invoice in the ledger to make an allowance against", number)
	case last.Action == ActionVoid:
		return refuse("INVOICE_VOIDED", "%s is voided (order %s): no allowance against it", number, last.OrderID)
	case last.Action == ActionCancel:
		return refuse("INVOICE_CANCELLED", "%s is cancelled (order %s): no allowance against it", number, last.OrderID)
	case last.State != StateAccepted:
		return Verdict{WaitFor: last.ID}
	}
	return Verdict{}
}

func nextAllowanceStep(allowance string, live []Document) Verdict {
	var last *Document
	for i := range live {
		d := &live[i]
		if d.Action == ActionVoidAllowance {
			return refuse("ALLOWANCE_VOIDED", "allowance %s is already voided (order %s)", allowance, d.OrderID)
		}
		if d.Action == ActionAllowance {
			last = d
		}
	}
	switch {
	case last == nil:
		return refuse("UNKNOWN_ALLOWANCE", "allowance %s is not in the ledger (turnkeyd can only void allowances it issued, and a refused allowance never happened)", allowance)
	case last.State != StateAccepted:
		return Verdict{WaitFor: last.ID}
	}
	return Verdict{}
}

// History returns every document of the seller with that invoice number
// (issues, voids, cancels, allowances and their voids), oldest first,
// including those accepted earlier in this intake.
func (it *IntakeTx) History(seller, number string) ([]Document, error) {
	return it.history(`invoice_number = ? AND seller_ban = ?`, number, seller)
}

// AllowanceHistory returns every document of the seller with that
// allowance number (the allowance and its voids), oldest first.
func (it *IntakeTx) AllowanceHistory(seller, allowance string) ([]Document, error) {
	return it.history(`allowance_number = ? AND seller_ban = ? AND action IN ('allowance', 'void_allowance')`, allowance, seller)
}

func (it *IntakeTx) history(where string, args ...any) ([]Document, error) {
	if err := it.usable(); err != nil {
		return nil, err
	}
	if err := it.flush(); err != nil {
		return nil, err
	}
	rows, err := it.tx.QueryContext(it.ctx, `SELECT `+docColumns+` FROM documents WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, it.fail(fmt.Errorf("history of %v: %w", args[0], err))
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, it.fail(fmt.Errorf("history of %v: %w", args[0], err))
		}
		out = append(out, *d)
	}
	if err := rows.Err(); err != nil {
		return nil, it.fail(fmt.Errorf("history of %v: %w", args[0], err))
	}
	for i := range out {
		if err := it.l.restoreBody(it.ctx, &out[i]); err != nil {
			return nil, it.fail(fmt.Errorf("history of %v: %w", args[0], err))
		}
	}
	return out, nil
}

// checkReuse allows an issue to use its number again only when the seller
// has used it, in a track of the same invoice type and period.
func (it *IntakeTx) checkReuse(d *Document) error {
	period, err := PeriodOfDate(d.InvoiceDate)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	if err := it.flush(); err != nil {
		return err
	}
	var n int
	err = it.tx.QueryRowContext(it.ctx, `SELECT count(*) FROM invoice_numbers u JOIN tracks t ON t.id = u.track_id
		WHERE u.number = ? AND t.seller_ban = ? AND t.invoice_type = ? AND t.period = ?`,
		d.InvoiceNumber, d.SellerBAN, d.InvoiceType, period).Scan(&n)
	if err != nil {
		return it.fail(err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s was not used by seller %s for type %s in period %s, so it cannot be issued again",
			ErrNumberNotInTrack, d.InvoiceNumber, d.SellerBAN, d.InvoiceType, period)
	}
	return nil
}
