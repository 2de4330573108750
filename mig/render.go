package mig

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/beevik/etree"

	"github.com/turnkeyd/turnkeyd/mig/xsd"
)

// Render writes d as the MIG message its Head names: an XML declaration, the
// root element with the message namespace as its only attribute, children in
// schema order indented by two spaces, and a final newline. The output is
// exactly Tree(d) serialized (tested against etree's writer). Render refuses
// a document whose Head does not fit its type or version and a value the
// message has no element for, rather than drop it.
func Render(d Document) ([]byte, error) {
	b := treeBuilders.Get().(*treeBuilder)
	defer treeBuilders.Put(b)
	if err := b.write(d, nil); err != nil {
		return nil, err
	}
	return b.output(), nil
}

// output returns what write wrote, as bytes of their own.
func (b *treeBuilder) output() []byte {
	out := bytes.Clone(b.out)
	if cap(b.out) > 1<<20 {
		b.out = nil
	}
	return out
}

// treeBuilders hold Render's buffers from one document to the next.
var treeBuilders = sync.Pool{New: func() any { return new(treeBuilder) }}

// Tree builds the element tree Render writes. The tree carries its
// indentation as whitespace character data between elements; its
// WriteSettings escape &, < and > in text (and a carriage return, so that
// it survives a parser's line-end normalisation) and write every other
// character, CJK included, as raw UTF-8.
func Tree(d Document) (*etree.Document, error) {
	b := new(treeBuilder)
	if err := b.build(d); err != nil {
		return nil, err
	}
	return b.doc, nil
}

// write renders d into b.out without building a tree, handing every
// element and text to check as well when check is not nil.
func (b *treeBuilder) write(d Document, check *xsd.Stream) error {
	b.direct, b.check = true, check
	defer func() { b.direct, b.check = false, nil }()
	return b.build(d)
}

func (b *treeBuilder) build(d Document) error {
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
		return fmt.Errorf("render %s: turnkeyd only reads %s messages (%s), it never renders them", h, h.Type, h.Root())
	default:
		if d != nil {
			return fmt.Errorf("render: %T is not a MIG document", d)
		}
	}
	return fmt.Errorf("render: nil %T document", d)
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

// treeBuilder builds a document in one of two ways. By default it builds
// an indented etree tree (Tree, the reference the tests hold Render to). In
// direct mode (write, for Render) it builds no tree: it writes the bytes
// that tree serializes to, as it goes, and hands each element and text to
// an xsd.Stream, so that what is checked is what is written.
type treeBuilder struct {
	doc *etree.Document // tree mode: the document built
	err error           // the first value XML cannot carry

	direct bool
	check  *xsd.Stream  // direct mode: nil, or the checker fed every element
	stream xsd.Stream   // Validator.Render's checker, kept with the buffers
	opened []openedElem // direct mode: the open elements, root first
	out    []byte       // direct mode: the document written so far
}

// openedElem is an element direct mode has opened and not yet closed.
type openedElem struct {
	tag   string
	index int    // position among same-named siblings, 1-based
	last  string // tag of the last child opened or written
	run   int    // how many children in a row were named last
}

// treeNode is an element being built and its depth below the root (e is
// nil in direct mode).
type treeNode struct {
	e     *etree.Element
	depth int
}

// start starts a document whose root element is tag in namespace ns.
func (b *treeBuilder) start(tag, ns string) treeNode {
	b.err = nil
	if b.direct {
		b.out = append(b.out[:0], `<?xml version="1.0" encoding="UTF-8"?>`+"\n<"...)
		b.out = append(b.out, tag...)
		b.out = append(b.out, ` xmlns="`...)
		b.out = appendAttr(b.out, ns)
		b.out = append(b.out, `">`...)
		b.opened = append(b.opened[:0], openedElem{tag: tag, index: 1})
		if b.check != nil {
			b.check.Start(tag)
		}
		return treeNode{}
	}
	b.doc = etree.NewDocument()
	b.doc.WriteSettings.CanonicalText = true
	b.doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	b.doc.CreateText("\n")
	root := b.doc.CreateElement(tag)
	root.CreateAttr("xmlns", ns)
	b.doc.CreateText("\n")
	return treeNode{e: root}
}

// finish closes the root and returns the first text error.
func (b *treeBuilder) finish(root treeNode) error {
	b.close(root)
	if b.direct {
		b.out = append(b.out, '\n')
	}
	return b.err
}

// open adds a container element.
func (b *treeBuilder) open(p treeNode, tag string) treeNode {
	if b.direct {
		b.out = append(b.startTag(b.out, p.depth, tag), '>')
		b.opened = append(b.opened, openedElem{tag: tag, index: b.childIndex(tag)})
		return treeNode{depth: p.depth + 1}
	}
	p.e.CreateText(treeIndents[p.depth+1])
	return treeNode{e: p.e.CreateElement(tag), depth: p.depth + 1}
}

// close writes the indentation before a container's end tag.
func (b *treeBuilder) close(n treeNode) {
	if b.direct {
		indent := treeIndents[n.depth]
		tag := b.opened[len(b.opened)-1].tag
		out := append(b.out, indent...) // a local slice: one pointer write per element, not per append
		out = append(out, "</"...)
		out = append(out, tag...)
		b.out = append(out, '>')
		b.opened = b.opened[:len(b.opened)-1]
		if b.check != nil {
			b.check.Text(indent)
			b.check.End()
		}
		return
	}
	n.e.CreateText(treeIndents[n.depth])
}

// startTag appends, in direct mode, the indentation and the start tag of a
// child of the innermost open element at depth, without its closing '>'.
func (b *treeBuilder) startTag(dst []byte, depth int, tag string) []byte {
	indent := treeIndents[depth+1]
	dst = append(dst, indent...)
	dst = append(dst, '<')
	dst = append(dst, tag...)
	if b.check != nil {
		b.check.Text(indent)
		b.check.Start(tag)
	}
	return dst
}

// childIndex counts, in direct mode, a container child tag of the
// innermost open element and returns its 1-based position among
// same-named siblings (the builders write such siblings in a row). Leaves
// are not counted: no MIG leaf element repeats (repeatedElements are all
// containers), and TestRenderWritesTree would see a path that differs.
func (b *treeBuilder) childIndex(tag string) int {
	p := &b.opened[len(b.opened)-1]
	if p.last != tag {
		p.last, p.run = tag, 0
	}
	p.run++
	return p.run
}

// directPath is elementPath for a leaf tag of the innermost open element
// in direct mode.
func (b *treeBuilder) directPath(tag string) string {
	var s strings.Builder
	for _, o := range append(b.opened[:len(b.opened):len(b.opened)], openedElem{tag: tag, index: 1}) {
		s.WriteByte('/')
		s.WriteString(o.tag)
		if repeatedElements[o.tag] {
			s.WriteString("[" + strconv.Itoa(o.index) + "]")
		}
	}
	return s.String()
}

// req adds a required element, empty when the value is empty, so that the
// validator reports the empty value at its path.
func (b *treeBuilder) req(p treeNode, tag, value string) {
	if b.direct {
		b.directLeaf(p, tag, value, false)
		return
	}
	p.e.CreateText(treeIndents[p.depth+1])
	e := p.e.CreateElement(tag)
	if value != "" {
		if b.err == nil && !xmlText(value) {
			b.err = textError(elementPath(e), value)
		}
		e.CreateText(value)
	}
}

// directLeaf is req in direct mode: <tag/> for an empty value, else
// <tag>value</tag> with the value escaped. plain says that value is
// ASCII without a character to check or escape.
func (b *treeBuilder) directLeaf(p treeNode, tag, value string, plain bool) {
	out := b.startTag(b.out, p.depth, tag)
	if value == "" {
		out = append(out, "/>"...)
	} else {
		out = append(out, '>')
		if plain {
			out = append(out, value...)
		} else {
			var ok bool
			if out, ok = appendXMLText(out, value); !ok && b.err == nil {
				b.err = textError(b.directPath(tag), value)
			}
		}
		out = append(out, "</"...)
		out = append(out, tag...)
		out = append(out, '>')
		if b.check != nil {
			b.check.Text(value)
		}
	}
	b.out = out
	if b.check != nil {
		b.check.End()
	}
}

// directDecimal is dec in direct mode: the canonical text is appended to
// the output where it belongs and handed to the checker from there, so that
// no string is allocated for it. A decimal's text is ASCII digits, '-' and
// '.': nothing to check or escape.
func (b *treeBuilder) directDecimal(p treeNode, tag string, d Decimal) {
	out := append(b.startTag(b.out, p.depth, tag), '>')
	start := len(out)
	out, _ = d.AppendText(out)
	// The bytes of text are never written again while it is in use: the
	// output only grows (a longer array is a copy), and the Stream checks
	// the text at once and keeps no reference to it.
	text := unsafe.String(unsafe.SliceData(out[start:]), len(out)-start)
	out = append(out, "</"...)
	out = append(out, tag...)
	b.out = append(out, '>')
	if b.check != nil {
		b.check.Text(text)
		b.check.End()
	}
}

// textError is the error for a value XML cannot carry.
func textError(path, value string) error {
	return fmt.Errorf("%s: %q holds a character XML 1.0 cannot carry (a control character or invalid UTF-8)", path, value)
}

// opt adds an optional element when its value is not empty.
func (b *treeBuilder) opt(p treeNode, tag, value string) {
	if value != "" {
		b.req(p, tag, value)
	}
}

func (b *treeBuilder) dec(p treeNode, tag string, d Decimal) {
	if b.direct {
		b.directDecimal(p, tag, d)
		return
	}
	b.req(p, tag, d.String())
}

func (b *treeBuilder) optDec(p treeNode, tag string, d *Decimal) {
	if d != nil {
		b.dec(p, tag, *d)
	}
}

func (b *treeBuilder) party(p treeNode, tag string, v *Party) {
	n := b.open(p, tag)
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

// xmlText reports whether s is UTF-8 made only of characters XML 1.0 allows.
func xmlText(s string) bool {
	var buf [128]byte
	_, ok := appendXMLText(buf[:0], s)
	return ok
}
