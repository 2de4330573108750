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

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/spool"
)

// documentBuilder completes the documents of CSV requests with what only
// the ledger knows (numbers, the invoices a void or an allowance refers to),
// renders and validates them, and records each as accepted or rejected.
type documentBuilder struct {
	validator *mig.Validator
	uploadDir func(mig.Head) string
	random    io.Reader // crypto/rand in production
	log       *slog.Logger
}

// rejection is a document refused for a reason the ERP must fix.
type rejection struct{ msg string }

func (r *rejection) Error() string { return r.msg }

func reject(code, format string, args ...any) *rejection {
	return &rejection{msg: code + ": " + fmt.Sprintf(format, args...)}
}

// apply records one request inside the intake transaction: a duplicate, a
// rejection or an accepted document. rendered receives the XML of accepted
// documents. Only errors of the ledger itself are returned.
func (b *documentBuilder) apply(tx *ledger.IntakeTx, req *spool.Request, rendered map[int64][]byte) error {
	out := ledger.Outcome{IntakeID: tx.Intake().ID, Line: req.Line, OrderID: req.OrderID, Action: string(req.Action)}
	refuse := func(msg string) error {
		out.Status, out.Message = ledger.StatusRejected, msg
		return tx.AddOutcome(out)
	}
	if req.Reject != nil {
		return refuse(req.Reject.Error())
	}
	if dup, err := tx.FindDocument(req.SellerBAN, string(req.Action), req.OrderID); err != nil {
		return err
	} else if dup != nil {
		out.Status = ledger.StatusDuplicate
		out.InvoiceNumber, out.InvoiceDate, out.RandomNumber = dup.InvoiceNumber, dup.InvoiceDate, dup.RandomNumber
		out.Message = fmt.Sprintf("order %s (%s) was processed before (file %d, line %d): its answer is repeated, nothing new was issued",
			req.OrderID, req.Action, dup.IntakeID, dup.Line)
		return tx.AddOutcome(out)
	}
	doc, md, err := b.complete(tx, req)
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
		errors.Is(err, ledger.ErrDuplicate), errors.Is(err, ledger.ErrInvalidDocument):
		return refuse(numberCode(err) + " invoice_number " + doc.InvoiceNumber + ": " + err.Error())
	case err != nil:
		return err
	}
	rendered[id] = xml
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
	}
	return "INVALID"
}

// complete fills the request's document and returns its ledger record.
func (b *documentBuilder) complete(tx *ledger.IntakeTx, req *spool.Request) (*ledger.Document, mig.Document, error) {
	h := req.Doc.Header()
	doc := &ledger.Document{Line: req.Line, SellerBAN: req.SellerBAN, Action: string(req.Action), OrderID: req.OrderID,
		MsgType: string(h.Type), MIGVersion: string(h.Version)}
	switch d := req.Doc.(type) {
	case *mig.Invoice:
		return doc, d, b.completeIssue(tx, req, d, doc)
	case *mig.InvoiceVoid:
		return doc, d, b.completeFollowUp(tx, req, doc, d.InvoiceNumber, func(orig *mig.Invoice) {
			d.InvoiceDate, d.BuyerID, d.SellerID = orig.Date, orig.Buyer.Identifier, orig.Seller.Identifier
			doc.InvoiceDate = string(d.VoidDate)
		})
	case *mig.InvoiceCancel:
		return doc, d, b.completeFollowUp(tx, req, doc, d.InvoiceNumber, func(orig *mig.Invoice) {
			d.InvoiceDate, d.BuyerID, d.SellerID = orig.Date, orig.Buyer.Identifier, orig.Seller.Identifier
			doc.InvoiceDate = string(d.CancelDate)
		})
	case *mig.Allowance:
		return doc, d, b.completeAllowance(tx, req, d, doc)
	case *mig.AllowanceVoid:
		return doc, d, b.completeAllowanceVoid(tx, req, d, doc)
	}
	return nil, nil, fmt.Errorf("order %s: no builder for %T", req.OrderID, req.Doc)
}

func (b *documentBuilder) completeIssue(tx *ledger.IntakeTx, req *spool.Request, inv *mig.Invoice, doc *ledger.Document) error {
	period, err := ledger.PeriodOfDate(string(inv.Date))
	if err != nil {
		return reject("DATE_INVALID", "invoice_date %s: %v", inv.Date, err)
	}
	if inv.Number == "" {
		number, _, err := tx.NextNumber(req.SellerBAN, inv.InvoiceType, period)
		switch {
		case errors.Is(err, ledger.ErrNoTrack):
			return reject("NO_TRACK", "%v", err)
		case errors.Is(err, ledger.ErrTrackExhausted):
			return reject("TRACK_EXHAUSTED", "%v", err)
		case err != nil:
			return err
		}
		inv.Number = number
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

// completeFollowUp fills a void or cancel from the invoice it refers to.
func (b *documentBuilder) completeFollowUp(tx *ledger.IntakeTx, req *spool.Request, doc *ledger.Document, number string, fill func(*mig.Invoice)) error {
	orig, err := b.issued(tx, req.SellerBAN, number)
	if err != nil {
		return err
	}
	fill(orig)
	doc.InvoiceNumber, doc.InvoiceType, doc.BuyerBAN = number, orig.InvoiceType, orig.Buyer.Identifier
	return nil
}

func (b *documentBuilder) completeAllowance(tx *ledger.IntakeTx, req *spool.Request, a *mig.Allowance, doc *ledger.Document) error {
	var first *mig.Invoice
	for i := range a.Items {
		it := &a.Items[i]
		orig, err := b.issued(tx, req.SellerBAN, it.OriginalInvoiceNumber)
		if err != nil {
			return err
		}
		if first == nil {
			first = orig
		} else if orig.Buyer.Identifier != first.Buyer.Identifier {
			return reject("ALLOWANCE_BUYERS", "invoice_number %s has buyer %s but %s has buyer %s: one allowance is for one buyer",
				orig.Number, orig.Buyer.Identifier, first.Number, first.Buyer.Identifier)
		}
		it.OriginalInvoiceDate = orig.Date
	}
	a.Seller, a.Buyer = first.Seller, first.Buyer
	if a.Type == mig.G0401 {
		a.OriginalInvoiceSellerID, a.OriginalInvoiceBuyerID = first.Seller.Identifier, first.Buyer.Identifier
	}
	doc.InvoiceNumber, doc.InvoiceType, doc.AllowanceNumber = first.Number, first.InvoiceType, a.Number
	doc.InvoiceDate, doc.BuyerBAN = string(a.Date), first.Buyer.Identifier
	return nil
}

func (b *documentBuilder) completeAllowanceVoid(tx *ledger.IntakeTx, req *spool.Request, v *mig.AllowanceVoid, doc *ledger.Document) error {
	orig, err := tx.FindByNumber(req.SellerBAN, ledger.ActionAllowance, v.AllowanceNumber)
	if err != nil {
		return err
	}
	if orig == nil {
		return reject("UNKNOWN_ALLOWANCE", "allowance_number %s of seller %s is not in the ledger: turnkeyd can only void allowances it issued", v.AllowanceNumber, req.SellerBAN)
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

// issued returns the invoice most recently issued under number.
func (b *documentBuilder) issued(tx *ledger.IntakeTx, seller, number string) (*mig.Invoice, error) {
	orig, err := tx.FindByNumber(seller, ledger.ActionIssue, number)
	if err != nil {
		return nil, err
	}
	if orig == nil {
		return nil, reject("UNKNOWN_INVOICE", "invoice_number %s of seller %s is not in the ledger: turnkeyd can only refer to invoices it issued", number, seller)
	}
	var inv mig.Invoice
	if err := json.Unmarshal(orig.Body, &inv); err != nil {
		return nil, fmt.Errorf("invoice %s in the ledger: %w", number, err)
	}
	return &inv, nil
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
