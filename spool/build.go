package spool

// Building documents from rows: grouping rows into documents, the values a
// document's rows share, and the Request each document becomes. The
// documents themselves are built in build_invoice.go and
// build_allowance.go.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig"
)

// Action is what a document asks for: the action column.
type Action string

// The actions of CSV v1.
const (
	ActionIssue         Action = "issue"
	ActionVoid          Action = "void"           // 作廢, F0501/C0501
	ActionCancel        Action = "cancel"         // 註銷, F0701/C0701
	ActionAllowance     Action = "allowance"      // 折讓, G0401/D0401
	ActionVoidAllowance Action = "void_allowance" // G0501/D0501
)

var actions = []string{string(ActionIssue), string(ActionVoid), string(ActionCancel), string(ActionAllowance), string(ActionVoidAllowance)}

// Request is one document of a CSV file: built (Doc) or rejected (Reject).
// Numbering, dates left blank, random numbers, deduplication and what the
// ledger knows of earlier documents are the caller's: see Doc.
type Request struct {
	Line, EndLine   int // first and last CSV line of the document
	OrderID         string
	Action          Action
	SellerBAN       string
	InvoiceNumber   string // issue: the given number or "" (assign one); others: the invoice referred to (an allowance: its first row's)
	AllowanceNumber string // allowance and void_allowance
	Date, Time      string // as given, normalised: Date yyyyMMdd or "", Time HH:mm:ss or ""
	RandomNumber    string // as given or ""
	Reason          string
	AmountTotal     *mig.Decimal // the control total when given, already checked

	// Doc is the MIG document with its Head set for the version read:
	//   - *mig.Invoice: Number, Date, Time and RandomNumber as given or
	//     blank (RandomNumber stays blank in an A0401, which has none);
	//   - *mig.Allowance: Number, Date and the items; Seller, Buyer,
	//     OriginalInvoiceSellerID/BuyerID and each item's
	//     OriginalInvoiceDate are blank;
	//   - *mig.InvoiceVoid, *mig.InvoiceCancel, *mig.AllowanceVoid: the
	//     number, reason, date and time; InvoiceDate or AllowanceDate,
	//     BuyerID and SellerID are blank.
	// Nil when rejected.
	Doc    mig.Document
	Reject *Rejection

	items []int // the CSV line of each line item, in document order
}

// Rejection says why a document is not built, for the ERP's result file.
type Rejection struct {
	Code   string // a mig rule code where the check is the same (BAN_CHECKSUM), else CSV_*
	Column string // the CSV column, e.g. buyer_ban; "" when no one column is at fault
	Line   int    // the CSV line of the offending row
	Value  string // the offending value, when there is one
	Msg    string // what is wrong and what to do
}

// Error returns e.g. "BAN_CHECKSUM buyer_ban (line 3) 12345678: buyer BAN
// 12345678 fails the checksum …".
func (r *Rejection) Error() string {
	var b strings.Builder
	b.WriteString(r.Code)
	if r.Column != "" {
		b.WriteString(" " + r.Column)
	}
	if r.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", r.Line)
	}
	if v := CutValue(r.Value); v != "" {
		if strings.ContainsFunc(v, func(c rune) bool { return c <= ' ' || c == ':' }) {
			b.WriteString(" " + strconv.Quote(v))
		} else {
			b.WriteString(" " + v)
		}
	}
	b.WriteString(": " + r.Msg)
	return CutMessage(b.String())
}

// group is the rows of one document.
type group struct {
	rows   []*row
	action string // its first row's action, lower case (issue when blank), maybe not a valid one
}

// joins reports whether r belongs to the document g, the one before it: a
// row does when it has the same order_id and either no action, the same
// action or an invalid one (rejected with the document). A different valid
// action starts a new document: the ledger keeps one document per seller,
// action and order_id, so an issue and its void may share an order_id.
func (g *group) joins(r *row) bool {
	act := strings.ToLower(r.val(colAction))
	id := r.val(colOrderID)
	return id != "" && id == g.rows[0].val(colOrderID) && (!isAction(act) || act == g.action)
}

// newGroup starts a document with r.
func newGroup(r *row) *group {
	act := strings.ToLower(r.val(colAction))
	if act == "" {
		act = string(ActionIssue)
	}
	return &group{rows: []*row{r}, action: act}
}

func isAction(s string) bool {
	for _, a := range actions {
		if s == a {
			return true
		}
	}
	return false
}

// groupRun is what scatteredRuns needs of a document: its index in the
// file, order id, action and lines.
type groupRun struct {
	index         int
	id, action    string
	line, endLine int
}

func runOf(i int, g *group) groupRun {
	return groupRun{index: i, id: g.rows[0].val(colOrderID), action: g.action, line: g.rows[0].line, endLine: g.rows[len(g.rows)-1].endLine}
}

// scatteredRuns returns, by document index, the rejections of the runs
// (documents with an order id, in file order) whose order_id and action
// appear in another run too.
func scatteredRuns(all []groupRun) map[int]*Rejection {
	runs := map[string][]groupRun{}
	var keys []string
	for _, g := range all {
		key := g.id + "\x00" + g.action
		if runs[key] == nil {
			keys = append(keys, key)
		}
		runs[key] = append(runs[key], g)
	}
	out := map[int]*Rejection{}
	for _, key := range keys {
		gs := runs[key]
		if len(gs) < 2 {
			continue
		}
		for n, g := range gs {
			rej := &Rejection{Code: "CSV_NOT_CONSECUTIVE", Column: "order_id", Line: g.line, Value: g.id}
			if n == 0 {
				rej.Msg = fmt.Sprintf("order_id %s (%s) appears again at lines %s; rows of one document must be consecutive: no part of it is built, put all its rows together",
					g.id, g.action, gs[1].span())
			} else {
				rej.Msg = fmt.Sprintf("order_id %s (%s) already appeared at lines %s; rows of one document must be consecutive: put all its rows together",
					g.id, g.action, gs[0].span())
			}
			out[g.index] = rej
		}
	}
	return out
}

func (g groupRun) span() string {
	if g.line == g.endLine {
		return strconv.Itoa(g.line)
	}
	return fmt.Sprintf("%d-%d", g.line, g.endLine)
}
