package mig

// Business rules: what the MIG schemas cannot say (checksums, cross-field
// rules, sums). Rules holds every parameter a platform change could touch;
// each kind of document has a table of small named checks with the message
// types they apply to (rules_invoice.go, rules_amount.go, rules_allowance.go,
// rules_followup.go, rules_track.go). docs/rules.md lists every code.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// Bucket is an Amount element that sums the sales of one kind of line.
type Bucket string

// The sales buckets of an invoice's Amount, named as the elements are.
const (
	SalesBucket   Bucket = "SalesAmount"        // taxable (TaxType 1 and 4)
	ZeroTaxBucket Bucket = "ZeroTaxSalesAmount" // zero-rated (TaxType 2)
	FreeTaxBucket Bucket = "FreeTaxSalesAmount" // tax-exempt (TaxType 3)
)

// Rules holds the parameters of the business rules. Start from DefaultRules;
// a platform rule change is meant to be one field or one table row here.
// A Rules is read only once in use and safe for concurrent Checks.
type Rules struct {
	// BANWeights weigh the eight digits of a 統一編號 for its checksum.
	BANWeights [8]int
	// BANDivisor must divide the checksum: 5 since 2023-04-01, 10 before.
	BANDivisor int
	// ConsumerID is the buyer identifier of a consumer (B2C) buyer.
	ConsumerID string
	// InvoiceNumber is the pattern of an invoice number: track + 8 digits.
	InvoiceNumber *regexp.Regexp
	// CarrierIDs maps a carrier type to the pattern of its CarrierId1.
	// Carrier types not listed (a VAC's member carriers) are not checked.
	CarrierIDs map[string]*regexp.Regexp
	// NPOBAN is the pattern of a donation code (愛心碼).
	NPOBAN *regexp.Regexp
	// TaxRates maps a TaxType to the TaxRates it may have. Its keys are the
	// valid invoice TaxTypes.
	TaxRates map[string][]Decimal
	// LineBuckets maps a line TaxType to the bucket its amounts add to. Its
	// keys are the valid line TaxTypes.
	LineBuckets map[string]Bucket
	// MixedTaxType is the invoice TaxType of an invoice with mixed lines.
	MixedTaxType string
	// InvoiceTypeTaxTypes maps an InvoiceType to the TaxTypes it may have.
	InvoiceTypeTaxTypes map[string][]string
	// TaxTolerance is how far (NT$) a TaxAmount or a line Tax may be from
	// the computed tax and still pass.
	TaxTolerance Decimal
	// AmountPlaces is the number of fraction digits Quantity × UnitPrice is
	// rounded to (half up) before it is compared with a line Amount.
	AmountPlaces int32
	// BookletSize is how many numbers a booklet (本) holds.
	BookletSize int
	// BookletBegins are the endings of the first number of a booklet; an
	// allocated range (E0501) begins with one.
	BookletBegins []string
	// BookletEnds are the endings of the last number of a booklet; allocated
	// ranges (E0501) and blank ranges (E0402) end with one. Empty: any.
	BookletEnds []string
}

// DefaultRules returns the rules in force; sources are in docs/rules.md and
// ../shared/docs/domain.md §4.
func DefaultRules() *Rules {
	rate := decimal.MustParse
	return &Rules{
		// MOF 統一編號 checksum, divisor 5 since 2023-04-01 (domain.md §4.1).
		BANWeights: [8]int{1, 2, 1, 2, 1, 2, 4, 1},
		BANDivisor: 5,
		ConsumerID: Consumer,
		// InvoiceNumberType; ASCII digits only (the XSD's \d takes any digit).
		InvoiceNumber: regexp.MustCompile(`^[A-Z]{2}[0-9]{8}$`),
		// Mobile barcode and citizen digital certificate (domain.md §4.5).
		CarrierIDs: map[string]*regexp.Regexp{
			"3J0002": regexp.MustCompile(`^/[0-9A-Z.+-]{7}$`),
			"CQ0001": regexp.MustCompile(`^[A-Z]{2}[0-9]{14}$`),
		},
		NPOBAN: regexp.MustCompile(`^[0-9]{3,7}$`),
		// TaxTypeEnum and TaxRateEnum of MIG 4.0/4.1 (domain.md §1.2, §4.6).
		TaxRates: map[string][]Decimal{
			"1": {rate("0.05")},
			"2": {decimal.Zero},
			"3": {decimal.Zero},
			"4": {rate("0.01"), rate("0.02"), rate("0.15"), rate("0.25")},
			"9": {rate("0.05")},
		},
		LineBuckets: map[string]Bucket{
			"1": SalesBucket, "4": SalesBucket, "2": ZeroTaxBucket, "3": FreeTaxBucket,
		},
		MixedTaxType: "9",
		// ECPay: InvType 07 → TaxType 1/2/3/9, 08 → 3/4 (domain.md §1.2).
		InvoiceTypeTaxTypes: map[string][]string{
			"07": {"1", "2", "3", "9"},
			"08": {"3", "4"},
		},
		// Assumption: the platform's tolerance is not published.
		TaxTolerance: decimal.FromInt(1),
		// ProductItem Amount is dec(20,7) in 3.2 and 4.x.
		AmountPlaces: 7,
		// One booklet is 50 numbers, 00–49 or 50–99 (domain.md §4.2, §5).
		BookletSize:   50,
		BookletBegins: []string{"00", "50"},
		BookletEnds:   []string{"49", "99"},
	}
}

// Check returns every business-rule violation of d, nil when there is none.
// Paths name elements as d's XML has them for d's Head.
func (r *Rules) Check(d Document) []Violation {
	var out ruleReport
	switch d := d.(type) {
	case *Invoice:
		runRules(r, &out, d.Head, d, invoiceRules, F0401, C0401, A0401)
	case *Allowance:
		runRules(r, &out, d.Head, d, allowanceRules, G0401, D0401)
	case *InvoiceVoid:
		runRules(r, &out, d.Head, ruleFollowUpOfVoid(d), followUpRules, F0501, C0501)
	case *InvoiceCancel:
		runRules(r, &out, d.Head, ruleFollowUpOfCancel(d), followUpRules, F0701, C0701)
	case *AllowanceVoid:
		runRules(r, &out, d.Head, ruleFollowUpOfAllowanceVoid(d), followUpRules, G0501, D0501)
	case *BlankTracks:
		runRules(r, &out, d.Head, d, blankTrackRules, E0402)
	case *TrackAssignment:
		runRules(r, &out, d.Head, d, assignmentRules, E0501)
	case *WinnerList:
		runRules(r, &out, d.Head, d, winnerListRules, E0504)
	default:
		out.add("MESSAGE_TYPE", noPath, "", "turnkeyd has no business rules for a %T", d)
	}
	return out.list
}

// rule is one row of a rule table: a small check and the message types it
// applies to.
type ruleRow[D any] struct {
	types []MessageType
	check func(r *Rules, d D, out *ruleReport)
}

// run applies the rows of table that apply to head; d must be one of kinds.
func runRules[D any](r *Rules, out *ruleReport, head Head, d D, table []ruleRow[D], kinds ...MessageType) {
	if !slices.Contains(kinds, head.Type) {
		out.add("MESSAGE_TYPE", noPath, string(head.Type),
			"this document cannot be a %s message (it can be %s): set its Head.Type to one of those", head.Type, ruleTypeList(kinds))
		return
	}
	for _, row := range table {
		if slices.Contains(row.types, head.Type) {
			row.check(r, d, out)
		}
	}
}

func ruleTypeList(ts []MessageType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// ruleReport collects violations in the order the checks find them.
type ruleReport struct{ list []Violation }

func (p *ruleReport) add(code string, path elemPath, value, format string, args ...any) {
	p.list = append(p.list, Violation{Code: code, Path: path.String(), Value: value, Reason: fmt.Sprintf(format, args...)})
}

// rulePath is the path of a root element; its methods build the paths of
// elements below it.
type rulePath string

// rulePathOf returns the path of h's root element, e.g. "/Invoice".
func rulePathOf(h Head) rulePath { return rulePath(h.Root()) }

// elemPath is an element's path, kept in parts until a violation needs it
// as text: most checks find nothing, and building every path would cost
// more than the checks themselves.
type elemPath struct {
	root  rulePath
	elems [4]string
	n     int
	index int // > 0: elems[1] is a repeated element and this its 1-based index
}

// noPath is the path of a violation of the document as a whole.
var noPath elemPath

// String returns the path, e.g. /Invoice/Details/ProductItem[3]/Amount.
func (e elemPath) String() string {
	if e.root == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("/")
	b.WriteString(string(e.root))
	for i := range e.n {
		b.WriteString("/")
		b.WriteString(e.elems[i])
		if i == 1 && e.index > 0 {
			b.WriteString("[" + strconv.Itoa(e.index) + "]")
		}
	}
	return b.String()
}

// at returns the path of an element below the root (at most four levels).
func (p rulePath) at(elems ...string) elemPath {
	e := elemPath{root: p}
	e.n = copy(e.elems[:], elems)
	return e
}

// main returns the path of a field of Main (at most three levels below it).
func (p rulePath) main(elems ...string) elemPath {
	e := elemPath{root: p, n: 1 + min(len(elems), 3)}
	e.elems[0] = "Main"
	copy(e.elems[1:], elems)
	return e
}

// item returns the path of a field of the i-th (0-based) repeatable element
// name under Details.
func (p rulePath) item(name string, i int, field string) elemPath {
	return elemPath{root: p, elems: [4]string{"Details", name, field}, n: 3, index: i + 1}
}

// ruleUniqueSequence reports each item whose sequence number (elem) an
// earlier item already has; empty numbers are left to the schema.
func ruleUniqueSequence(out *ruleReport, n int, elem string, seq func(i int) string, pathOf func(i int) elemPath) {
	first := make(map[string]int, n)
	for i := range n {
		v := seq(i)
		if v == "" {
			continue
		}
		if j, seen := first[v]; seen {
			out.add("SEQUENCE_DUPLICATE", pathOf(i), v,
				"%s %s of item %d repeats item %d: number the items uniquely", elem, v, i+1, j+1)
			continue
		}
		first[v] = i
	}
}
