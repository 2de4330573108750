package daemon

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/spool"
)

// documentBuilder completes the documents of CSV requests with what only
// the ledger knows (numbers, the invoices a void or an allowance refers to,
// the lifecycle of each number), renders and validates them, and records
// each as accepted (queued or waiting) or rejected.
type documentBuilder struct {
	validator *mig.Validator
	uploadDir func(mig.Head) string
	random    io.Reader // crypto/rand in production
	cutoff    Cutoff
	skew      time.Duration // how far in the future a document date may lie (spool.clock_skew)
	loc       *time.Location
	now       func() time.Time
	log       *slog.Logger
}

// rejection is a document refused for a reason the ERP must fix.
type rejection struct{ msg string }

func (r *rejection) Error() string { return r.msg }

func reject(code, format string, args ...any) *rejection {
	return &rejection{msg: code + ": " + fmt.Sprintf(format, args...)}
}

// apply records one request inside the intake transaction: a duplicate, a
// rejection or an accepted document. rendered receives the XML of documents
// due now (not of waiting ones). Only errors of the ledger itself are
// returned.
func (b *documentBuilder) apply(tx *ledger.IntakeTx, req *spool.Request, rendered map[int64][]byte) error {
	out := ledger.Outcome{IntakeID: tx.Intake().ID, Line: req.Line, OrderID: req.OrderID, Action: string(req.Action)}
	refuse := func(msg string) error {
		out.Status, out.Message = ledger.StatusRejected, spool.CutMessage(msg)
		return tx.AddOutcome(out)
	}
	if req.Reject != nil {
		return refuse(req.Reject.Error())
	}
	prev, err := tx.FindDocument(req.SellerBAN, string(req.Action), req.OrderID)
	if err != nil {
		return err
	}
	if prev != nil && prev.State != ledger.StateRejected {
		out.Status = ledger.StatusDuplicate
		out.InvoiceNumber, out.InvoiceDate, out.RandomNumber = prev.InvoiceNumber, prev.InvoiceDate, prev.RandomNumber
		out.Message = fmt.Sprintf("order %s (%s) was processed before (file %d, line %d, now %s): its answer is repeated, nothing new was issued",
			req.OrderID, req.Action, prev.IntakeID, prev.Line, prev.State)
		return tx.AddOutcome(out)
	}
	doc, md, err := b.complete(tx, req, prev)
	var rej *rejection
	if errors.As(err, &rej) {
		return refuse(rej.msg)
	} else if err != nil {
		return err
	}
	xml, violations, err := b.validator.Render(md)
	if err != nil {
		return refuse("RENDER: " + err.Error())
	}
	if len(violations) > 0 {
		return refuse(violationMessage(req, violations))
	}
	if doc.Body, err = json.Marshal(md); err != nil {
		return fmt.Errorf("encode %s: %w", req.OrderID, err)
	}
	sum := sha256.Sum256(xml)
	doc.XMLSHA256 = hex.EncodeToString(sum[:])
	doc.TargetDir = b.uploadDir(md.Header())
	doc.FileName = fileName(md.Header(), doc, tx.Intake().ID)
	id, err := tx.Accept(doc)
	switch {
	case errors.Is(err, ledger.ErrNumberUsed), errors.Is(err, ledger.ErrNumberNotInTrack),
		errors.Is(err, ledger.ErrDuplicate), errors.Is(err, ledger.ErrInvalidDocument), errors.Is(err, ledger.ErrTrackClosed):
		return refuse(numberCode(err) + " invoice_number " + doc.InvoiceNumber + ": " + err.Error())
	case err != nil:
		return err
	}
	if doc.WaitingFor == 0 {
		rendered[id] = xml
	}
	if inv, ok := md.(*mig.Invoice); ok && doc.Action == ledger.ActionIssue {
		if period, err := ledger.PeriodOfDate(doc.InvoiceDate); err == nil {
			tx.NoteIssueDate(doc.SellerBAN, doc.InvoiceType, period, doc.InvoiceDate)
		}
		if note := b.lateNote(inv); note != "" {
			tx.NoteOutcome(req.Line, note)
		}
	}
	return nil
}

func numberCode(err error) string {
	switch {
	case errors.Is(err, ledger.ErrNumberUsed):
		return "NUMBER_USED"
	case errors.Is(err, ledger.ErrNumberNotInTrack):
		return "NUMBER_NOT_IN_TRACK"
	case errors.Is(err, ledger.ErrDuplicate):
		return "DUPLICATE"
	case errors.Is(err, ledger.ErrTrackClosed):
		return "TRACK_CLOSED"
	}
	return "INVALID"
}

// complete fills the request's document and returns its ledger record;
// prev is the platform-refused document of the same order, if the ERP sends
// it again.
func (b *documentBuilder) complete(tx *ledger.IntakeTx, req *spool.Request, prev *ledger.Document) (*ledger.Document, mig.Document, error) {
	h := req.Doc.Header()
	doc := &ledger.Document{Line: req.Line, SellerBAN: req.SellerBAN, Action: string(req.Action), OrderID: req.OrderID,
		MsgType: string(h.Type), MIGVersion: string(h.Version)}
	var err error
	switch d := req.Doc.(type) {
	case *mig.Invoice:
		err = b.completeIssue(tx, req, d, doc, prev)
	case *mig.InvoiceVoid:
		err = b.completeFollowUp(tx, req, doc, d.InvoiceNumber, d.ReturnTaxDocumentNumber, func(orig *mig.Invoice) {
			d.InvoiceDate, d.BuyerID, d.SellerID = orig.Date, orig.Buyer.Identifier, orig.Seller.Identifier
			doc.InvoiceDate = string(d.VoidDate)
		})
	case *mig.InvoiceCancel:
		err = b.completeFollowUp(tx, req, doc, d.InvoiceNumber, "", func(orig *mig.Invoice) {
			d.InvoiceDate, d.BuyerID, d.SellerID = orig.Date, orig.Buyer.Identifier, orig.Seller.Identifier
			doc.InvoiceDate = string(d.CancelDate)
		})
	case *mig.Allowance:
		err = b.completeAllowance(tx, req, d, doc)
	case *mig.AllowanceVoid:
		err = b.completeAllowanceVoid(tx, req, d, doc)
	default:
		return nil, nil, fmt.Errorf("order %s: no builder for %T", req.OrderID, req.Doc)
	}
	return doc, req.Doc, err
}

// follow applies the lifecycle's verdict to doc.
func follow(doc *ledger.Document, v ledger.Verdict, history []ledger.Document) error {
	if v.Refused() {
		return reject(v.Code, "%s", v.Reason)
	}
	doc.ReuseNumber = v.Reuse
	if v.WaitFor != 0 {
		doc.WaitingFor = v.WaitFor
		doc.ResultCode = "WAITING"
		for _, h := range history {
			if h.ID == v.WaitFor {
				doc.ResultMessage = fmt.Sprintf("waits for %s %s (order %s, %s) to be accepted by the platform", h.Action,
					referenceOf(&h), h.OrderID, h.State)
			}
		}
	}
	return nil
}

func referenceOf(d *ledger.Document) string {
	if d.Action == ledger.ActionAllowance || d.Action == ledger.ActionVoidAllowance {
		return d.AllowanceNumber
	}
	return d.InvoiceNumber
}

func (b *documentBuilder) completeIssue(tx *ledger.IntakeTx, req *spool.Request, inv *mig.Invoice, doc *ledger.Document, prev *ledger.Document) error {
	period, err := ledger.PeriodOfDate(string(inv.Date))
	if err != nil {
		return reject("DATE_INVALID", "invoice_date %s: %v", inv.Date, err)
	}
	if err := b.checkFuture("invoice_date", inv.Date, inv.Time); err != nil {
		return err
	}
	if inv.Number == "" && prev != nil && prev.InvoiceNumber != "" {
		inv.Number = prev.InvoiceNumber // sent again after a refusal: the same number
	}
	if inv.Number == "" {
		if err := checkDateOrder(tx, req.SellerBAN, inv.InvoiceType, period, inv.Date); err != nil {
			return err
		}
		number, _, err := tx.NextNumber(req.SellerBAN, inv.InvoiceType, period)
		switch {
		case errors.Is(err, ledger.ErrNoTrack):
			return reject("NO_TRACK", "%v", err)
		case errors.Is(err, ledger.ErrTrackExhausted):
			return reject("TRACK_EXHAUSTED", "%v", err)
		case errors.Is(err, ledger.ErrTrackClosed):
			return reject("TRACK_CLOSED", "%v", err)
		case err != nil:
			return err
		}
		inv.Number = number // a fresh number has no history
	} else {
		history, err := tx.History(req.SellerBAN, inv.Number)
		if err != nil {
			return err
		}
		if err := follow(doc, ledger.NextStep(ledger.ActionIssue, inv.Number, history), history); err != nil {
			return err
		}
	}
	if inv.RandomNumber == "" && inv.Type != mig.A0401 {
		r, err := randomNumber(b.random)
		if err != nil {
			return err
		}
		inv.RandomNumber = r
	}
	doc.InvoiceType, doc.InvoiceNumber, doc.InvoiceDate = inv.InvoiceType, inv.Number, string(inv.Date)
	doc.RandomNumber, doc.BuyerBAN = inv.RandomNumber, inv.Buyer.Identifier
	return nil
}

// completeFollowUp fills a void or cancel from the invoice it refers to,
// after the lifecycle and the cut-off allow it.
func (b *documentBuilder) completeFollowUp(tx *ledger.IntakeTx, req *spool.Request, doc *ledger.Document, number, specialVoid string,
	fill func(*mig.Invoice)) error {
	history, err := tx.History(req.SellerBAN, number)
	if err != nil {
		return err
	}
	if err := follow(doc, ledger.NextStep(string(req.Action), number, history), history); err != nil {
		return err
	}
	orig, err := lastIssue(history)
	if err != nil {
		return err
	}
	if err := b.checkCutoff(orig, req.Action, specialVoid); err != nil {
		return err
	}
	fill(orig)
	doc.InvoiceNumber, doc.InvoiceType, doc.BuyerBAN = number, orig.InvoiceType, orig.Buyer.Identifier
	return nil
}

// checkCutoff refuses a void or cancel of an invoice of an earlier period
// after that period's cut-off, unless a void carries a special-void number.
func (b *documentBuilder) checkCutoff(inv *mig.Invoice, action spool.Action, specialVoid string) error {
	date, err := inv.Date.Time(b.loc)
	if err != nil {
		return nil // the validator reports it
	}
	cutoff := b.cutoff.For(date)
	now := b.now().In(b.loc)
	if !now.After(cutoff) || (action == spool.ActionVoid && specialVoid != "") {
		return nil
	}
	return reject("VOID_CUTOFF", "invoice %s is dated %s, in period %s, whose voids and cancels closed at %s (ledger.void_cutoff): "+
		"a later void needs the tax office's special-void approval number in the column special_void_number (MIG ReturnTaxDocumentNumber)",
		inv.Number, date.Format("2006-01-02"), ledger.PeriodOf(date), cutoff.Format("2006-01-02 15:04:05"))
}

// lastIssue decodes the invoice most recently issued (and not refused) in
// a number's history; the lifecycle has checked that there is one.
func lastIssue(history []ledger.Document) (*mig.Invoice, error) {
	for i := len(history) - 1; i >= 0; i-- {
		d := history[i]
		if d.Action == ledger.ActionIssue && d.State != ledger.StateRejected {
			var inv mig.Invoice
			if err := json.Unmarshal(d.Body, &inv); err != nil {
				return nil, fmt.Errorf("invoice %s in the ledger: %w", d.InvoiceNumber, err)
			}
			return &inv, nil
		}
	}
	return nil, fmt.Errorf("no issued invoice in the history")
}

func (b *documentBuilder) completeAllowance(tx *ledger.IntakeTx, req *spool.Request, a *mig.Allowance, doc *ledger.Document) error {
	number := a.Items[0].OriginalInvoiceNumber
	for _, it := range a.Items[1:] {
		if it.OriginalInvoiceNumber != number {
			return reject("ALLOWANCE_INVOICES", "the allowance refers to invoices %s and %s: turnkeyd tracks an allowance against one invoice; send one allowance per invoice",
				number, it.OriginalInvoiceNumber)
		}
	}
	if err := b.checkFuture("invoice_date", a.Date, ""); err != nil {
		return err
	}
	history, err := tx.History(req.SellerBAN, number)
	if err != nil {
		return err
	}
	if err := follow(doc, ledger.NextStep(ledger.ActionAllowance, number, history), history); err != nil {
		return err
	}
	orig, err := lastIssue(history)
	if err != nil {
		return err
	}
	if err := checkAllowanceAmount(orig, a, history); err != nil {
		return err
	}
	for i := range a.Items {
		a.Items[i].OriginalInvoiceDate = orig.Date
	}
	a.Seller, a.Buyer = orig.Seller, orig.Buyer
	if a.Type == mig.G0401 {
		a.OriginalInvoiceSellerID, a.OriginalInvoiceBuyerID = orig.Seller.Identifier, orig.Buyer.Identifier
	}
	doc.InvoiceNumber, doc.InvoiceType, doc.AllowanceNumber = number, orig.InvoiceType, a.Number
	doc.InvoiceDate, doc.BuyerBAN = string(a.Date), orig.Buyer.Identifier
	return nil
}

// checkAllowanceAmount refuses an allowance that, with the live allowances
// of the invoice (not refused, not voided), would exceed the invoice total.
func checkAllowanceAmount(inv *mig.Invoice, a *mig.Allowance, history []ledger.Document) error {
	voided := map[string]bool{}
	for _, d := range history {
		if d.Action == ledger.ActionVoidAllowance && d.State != ledger.StateRejected {
			voided[d.AllowanceNumber] = true
		}
	}
	total := a.TotalAmount.Add(a.TaxAmount)
	var earlier []string
	for _, d := range history {
		if d.Action != ledger.ActionAllowance || d.State == ledger.StateRejected || voided[d.AllowanceNumber] {
			continue
		}
		var prior mig.Allowance
		if err := json.Unmarshal(d.Body, &prior); err != nil {
			return fmt.Errorf("allowance %s in the ledger: %w", d.AllowanceNumber, err)
		}
		total = total.Add(prior.TotalAmount).Add(prior.TaxAmount)
		earlier = append(earlier, d.AllowanceNumber)
	}
	if total.Cmp(inv.Amount.TotalAmount) > 0 {
		with := ""
		if len(earlier) > 0 {
			with = " with the earlier allowances " + strings.Join(earlier, ", ")
		}
		return reject("ALLOWANCE_EXCEEDS", "allowances%s would come to %s (tax included), more than the invoice %s total %s",
			with, total, inv.Number, inv.Amount.TotalAmount)
	}
	return nil
}

func (b *documentBuilder) completeAllowanceVoid(tx *ledger.IntakeTx, req *spool.Request, v *mig.AllowanceVoid, doc *ledger.Document) error {
	history, err := tx.AllowanceHistory(req.SellerBAN, v.AllowanceNumber)
	if err != nil {
		return err
	}
	if err := follow(doc, ledger.NextStep(ledger.ActionVoidAllowance, v.AllowanceNumber, history), history); err != nil {
		return err
	}
	var orig *ledger.Document
	for i := range history {
		if history[i].Action == ledger.ActionAllowance && history[i].State != ledger.StateRejected {
			orig = &history[i]
		}
	}
	var a mig.Allowance
	if err := json.Unmarshal(orig.Body, &a); err != nil {
		return fmt.Errorf("allowance %s in the ledger: %w", v.AllowanceNumber, err)
	}
	v.AllowanceDate, v.BuyerID, v.SellerID = a.Date, a.Buyer.Identifier, a.Seller.Identifier
	if v.Type == mig.G0501 && v.AllowanceType == "" {
		v.AllowanceType = a.AllowanceType
	}
	doc.AllowanceNumber, doc.InvoiceNumber, doc.InvoiceType = v.AllowanceNumber, orig.InvoiceNumber, orig.InvoiceType
	doc.InvoiceDate, doc.BuyerBAN = string(v.VoidDate), orig.BuyerBAN
	return nil
}

// rerender renders a ledger document's XML again from its body and checks
// it against the recorded hash.
func (b *documentBuilder) rerender(d *ledger.Document) ([]byte, error) {
	md, err := decodeBody(d)
	if err != nil {
		return nil, err
	}
	xml, violations, err := b.validator.Render(md)
	if err != nil || len(violations) > 0 {
		return nil, fmt.Errorf("document %d (%s %s) no longer renders valid XML: %v %v", d.ID, d.MsgType, d.OrderID, err, violations)
	}
	sum := sha256.Sum256(xml)
	if got := hex.EncodeToString(sum[:]); got != d.XMLSHA256 {
		b.log.Warn("re-rendered XML differs from the one recorded (the renderer changed); writing the new rendering",
			"document", d.ID, "file", d.FileName)
	}
	return xml, nil
}

// decodeBody reads the MIG document a ledger document holds.
func decodeBody(d *ledger.Document) (mig.Document, error) {
	var md mig.Document
	switch mig.MessageType(d.MsgType) {
	case mig.F0401, mig.C0401, mig.A0401:
		md = new(mig.Invoice)
	case mig.F0501, mig.C0501:
		md = new(mig.InvoiceVoid)
	case mig.F0701, mig.C0701:
		md = new(mig.InvoiceCancel)
	case mig.G0401, mig.D0401:
		md = new(mig.Allowance)
	case mig.G0501, mig.D0501:
		md = new(mig.AllowanceVoid)
	case mig.E0402:
		md = new(mig.BlankTracks)
	default:
		return nil, fmt.Errorf("document %d: unknown message type %q", d.ID, d.MsgType)
	}
	if err := json.Unmarshal(d.Body, md); err != nil {
		return nil, fmt.Errorf("document %d: %w", d.ID, err)
	}
	return md, nil
}

// fileName is the unique, deterministic name of a document's XML file:
// <MSG>_<seller>_<number>_<intake>-<line>.xml.
func fileName(h mig.Head, d *ledger.Document, intake int64) string {
	key := d.InvoiceNumber
	if d.Action == ledger.ActionAllowance || d.Action == ledger.ActionVoidAllowance {
		key = safeName(d.AllowanceNumber)
	}
	return fmt.Sprintf("%s_%s_%s_%d-%d.xml", h.Type, d.SellerBAN, key, intake, d.Line)
}

// safeName keeps letters, digits and dashes of s for a file name, and adds a
// short hash when it had to drop or change anything, so names stay unique.
func safeName(s string) string {
	var b strings.Builder
	changed := false
	for _, r := range s {
		if r < 128 && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			b.WriteRune(r)
		} else {
			changed = true
		}
	}
	if changed || b.Len() == 0 {
		sum := sha256.Sum256([]byte(s))
		b.WriteString("~" + hex.EncodeToString(sum[:4]))
	}
	return b.String()
}

// randomNumber returns a uniformly drawn 4-digit random number (防偽隨機碼).
func randomNumber(r io.Reader) (string, error) {
	var buf [2]byte
	for {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("random number: %w", err)
		}
		n := int(buf[0])<<8 | int(buf[1])
		if n < 60000 { // 60000 = 6 × 10000: no modulo bias
			return fmt.Sprintf("%04d", n%10000), nil
		}
	}
}

var _ io.Reader = rand.Reader

// violationMessage says, in the ERP's terms (CSV columns and lines), what
// the validator found; at most five violations are listed.
func violationMessage(req *spool.Request, vs []mig.Violation) string {
	const most = 5
	parts := make([]string, 0, most+1)
	for i, v := range vs {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(vs)-most))
			break
		}
		column, line := req.ColumnForPath(v.Path)
		if line == 0 {
			line = req.Line
		}
		r := spool.Rejection{Code: v.Code, Column: column, Line: line, Value: v.Value, Msg: v.Reason}
		parts = append(parts, r.Error())
	}
	return strings.Join(parts, "; ")
}
