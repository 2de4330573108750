package mig

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// Render writes d as the MIG message its Head names: an XML declaration, the
// root element with the message namespace as its only attribute, children in
// schema order indented by two spaces, and a final newline. The output is
// exactly Tree(d) serialized, so that what the validator checks is what is
// written. Render refuses a document whose Head does not fit its type or
// version and a value the message has no element for, rather than drop it.
func Render(d Document) ([]byte, error) {
	// The tree never leaves Render, so its memory comes from a pool.
	b := treeBuilders.Get().(*treeBuilder)
	defer treeBuilders.Put(b)
	doc, err := tree(b, d)
	if err != nil {
		return nil, err
	}
	return b.serialize(doc), nil
}

// serialize returns doc, which b built without error, as bytes of their
// own. The text was checked while building, so it is not checked again.
func (b *treeBuilder) serialize(doc *etree.Document) []byte {
	b.out = appendBuiltTree(b.out[:0], doc)
	out := bytes.Clone(b.out)
	if cap(b.out) > 1<<20 {
		b.out = nil
	}
	return out
}

var treeBuilders = sync.Pool{New: func() any { return new(treeBuilder) }}

// Tree builds the element tree Render serializes. The tree carries its
// indentation as whitespace character data between elements; its
// WriteSettings escape &, < and > in text (and a carriage return, so that
// it survives a parser's line-end normalisation) and write every other
// character, CJK included, as raw UTF-8.
func Tree(d Document) (*etree.Document, error) {
	return tree(new(treeBuilder), d)
}

func tree(b *treeBuilder, d Document) (*etree.Document, error) {
	switch v := d.(type) {
	case *Invoice:
		if v != nil {
			return b.invoice(v)
		}
	case Invoice:
		return b.invoice(&v)
	case *InvoiceVoid:
		if v != nil {
			return b.invoiceVoid(v)
		}
	case InvoiceVoid:
		return b.invoiceVoid(&v)
	case *InvoiceCancel:
		if v != nil {
			return b.invoiceCancel(v)
		}
	case InvoiceCancel:
		return b.invoiceCancel(&v)
	case *Allowance:
		if v != nil {
			return b.allowance(v)
		}
	case Allowance:
		return b.allowance(&v)
	case *AllowanceVoid:
		if v != nil {
			return b.allowanceVoid(v)
		}
	case AllowanceVoid:
		return b.allowanceVoid(&v)
	case *BlankTracks:
		if v != nil {
			return b.blankTracks(v)
		}
	case BlankTracks:
		return b.blankTracks(&v)
	case *TrackAssignment, TrackAssignment, *WinnerList, WinnerList:
		h := d.Header()
		return nil, fmt.Errorf("render %s: turnkeyd only reads %s messages (%s), it never renders them", h, h.Type, h.Root())
	default:
		if d != nil {
			return nil, fmt.Errorf("render: %T is not a MIG document", d)
		}
	}
	return nil, fmt.Errorf("render: nil %T document", d)
}

// fitHead checks that h is one of the message types a kind of document is
// rendered as, in a version turnkeyd has a schema for.
func fitHead(h Head, kind string, types ...MessageType) error {
	for _, t := range types {
		if h.Type == t {
			if !h.Supported() {
				return fmt.Errorf("%s %s is not a version turnkeyd renders (%s)", h.Type, h.Version, versionList(h.Type))
			}
			return nil
		}
	}
	var want []string
	for _, t := range types {
		want = append(want, string(t)+" "+versionList(t))
	}
	return fmt.Errorf("%s is rendered as %s, not as %s", kind, strings.Join(want, ", "), h)
}

func versionList(t MessageType) string {
	var vs []string
	for _, v := range messages[t].versions {
		vs = append(vs, string(v))
	}
	return strings.Join(vs, "/")
}

// notPart is the error for a value the message has no element for.
func notPart(h Head, field string) error {
	return fmt.Errorf("%s is not part of %s", field, h)
}

// renderError wraps err with the message and the document's key.
func renderError(h Head, key string, err error) error {
	if key == "" {
		return fmt.Errorf("render %s: %w", h, err)
	}
	return fmt.Errorf("render %s %s: %w", h, key, err)
}

// treeIndents[d] is the whitespace before an element at depth d (root = 0).
var treeIndents = func() [12]string {
	var s [12]string
	for d := range s {
		s[d] = "\n" + strings.Repeat("  ", d)
	}
	return s
}()

// treeBuilder builds an indented etree tree with few allocations: the
// document, elements, character data and child slices come from slabs that
// Render reuses from one document to the next.
type treeBuilder struct {
	doc   etree.Document
	decl  etree.ProcInst
	attr  [1]etree.Attr
	elems []etree.Element
	chars []etree.CharData
	toks  []etree.Token
	ne    int // elements used
	nc    int // character data used
	nt    int // tokens used
	err   error
	out   []byte // Render's output buffer
}

// treeNode is an element being built and its depth below the root.
type treeNode struct {
	e     *etree.Element
	depth int
}

// start makes room for about elements elements and starts a document whose
// root element is tag in namespace ns.
func (b *treeBuilder) start(elements int, tag, ns string, children int) (*etree.Document, treeNode) {
	if len(b.elems) < elements {
		b.elems = make([]etree.Element, elements)
	}
	if len(b.chars) < 2*elements+2 {
		b.chars = make([]etree.CharData, 2*elements+2)
	}
	if len(b.toks) < 3*elements+8 {
		b.toks = make([]etree.Token, 3*elements+8)
	}
	b.ne, b.nc, b.nt, b.err = 0, 0, 0, nil
	b.doc = etree.Document{}
	doc := &b.doc
	doc.Child = b.tokens(4)
	doc.WriteSettings.CanonicalText = true
	b.decl = etree.ProcInst{Target: "xml", Inst: `version="1.0" encoding="UTF-8"`}
	doc.AddChild(&b.decl)
	b.chardata(&doc.Element, "\n")
	root := b.element(tag, 2*children+1)
	root.Attr = b.attr[:0:1]
	root.CreateAttr("xmlns", ns)
	doc.AddChild(root)
	b.chardata(&doc.Element, "\n")
	return doc, treeNode{e: root}
}

// finish closes the root and returns the document or the first text error.
func (b *treeBuilder) finish(doc *etree.Document, root treeNode) (*etree.Document, error) {
	b.close(root)
	if b.err != nil {
		return nil, b.err
	}
	return doc, nil
}

func (b *treeBuilder) tokens(n int) []etree.Token {
	if b.nt+n > len(b.toks) {
		b.toks, b.nt = make([]etree.Token, max(n, 64)), 0
	}
	t := b.toks[b.nt : b.nt : b.nt+n]
	b.nt += n
	return t
}

func (b *treeBuilder) element(tag string, tokens int) *etree.Element {
	if b.ne == len(b.elems) {
		b.elems, b.ne = make([]etree.Element, 16), 0
	}
	e := &b.elems[b.ne]
	b.ne++
	*e = etree.Element{Tag: tag, Child: b.tokens(tokens)}
	return e
}

func (b *treeBuilder) chardata(parent *etree.Element, s string) {
	if b.nc == len(b.chars) {
		b.chars, b.nc = make([]etree.CharData, 32), 0
	}
	c := &b.chars[b.nc]
	b.nc++
	*c = etree.CharData{}
	c.SetData(s)
	parent.AddChild(c)
}

// open adds a container element with room for children child elements.
func (b *treeBuilder) open(p treeNode, tag string, children int) treeNode {
	e := b.element(tag, 2*children+1)
	b.chardata(p.e, treeIndents[p.depth+1])
	p.e.AddChild(e)
	return treeNode{e: e, depth: p.depth + 1}
}

// close writes the indentation before a container's end tag.
func (b *treeBuilder) close(n treeNode) {
	b.chardata(n.e, treeIndents[n.depth])
}

// req adds a required element, empty when the value is empty, so that the
// validator reports the empty value at its path.
func (b *treeBuilder) req(p treeNode, tag, value string) {
	n := 0
	if value != "" {
		n = 1
	}
	e := b.element(tag, n)
	b.chardata(p.e, treeIndents[p.depth+1])
	p.e.AddChild(e)
	if value != "" {
		if b.err == nil && !xmlText(value) {
			b.err = fmt.Errorf("%s: %q holds a character XML 1.0 cannot carry (a control character or invalid UTF-8)", elementPath(e), value)
		}
		b.chardata(e, value)
	}
}

// opt adds an optional element when its value is not empty.
func (b *treeBuilder) opt(p treeNode, tag, value string) {
	if value != "" {
		b.req(p, tag, value)
	}
}

func (b *treeBuilder) dec(p treeNode, tag string, d Decimal) {
	b.req(p, tag, d.String())
}

func (b *treeBuilder) optDec(p treeNode, tag string, d *Decimal) {
	if d != nil {
		b.req(p, tag, d.String())
	}
}

func (b *treeBuilder) party(p treeNode, tag string, v *Party) {
	n := b.open(p, tag, 9)
	b.req(n, "Identifier", v.Identifier)
	b.req(n, "Name", v.Name)
	b.opt(n, "Address", v.Address)
	b.opt(n, "PersonInCharge", v.PersonInCharge)
	b.opt(n, "TelephoneNumber", v.TelephoneNumber)
	b.opt(n, "FacsimileNumber", v.FacsimileNumber)
	b.opt(n, "EmailAddress", v.EmailAddress)
	b.opt(n, "CustomerNumber", v.CustomerNumber)
	b.opt(n, "RoleRemark", v.RoleRemark)
	b.close(n)
}

// partyElements is the number of elements a Party adds, at most.
const partyElements = 10

// xmlText reports whether s is UTF-8 made only of characters XML 1.0 allows.
func xmlText(s string) bool {
	// Valid UTF-8 cannot hold surrogates; what remains to refuse are the
	// C0 controls other than tab, newline and carriage return, and the two
	// non-characters U+FFFE and U+FFFF (EF BF BE and EF BF BF). A byte scan
	// is enough for that, with a table to pass over the other bytes.
	if !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !xmlSuspect[s[i]] {
			continue
		}
		if s[i] != 0xEF || (i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF)) {
			return false
		}
	}
	return true
}

// xmlSuspect marks the bytes xmlText looks at: the C0 controls XML 1.0
// refuses, and 0xEF, which begins U+FFFE and U+FFFF.
var xmlSuspect = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n' && c != '\r'
	}
	t[0xEF] = true
	return t
}()
