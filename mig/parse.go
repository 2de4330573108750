package mig

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/turnkeyd/turnkeyd/internal/xmlread"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// Parse reads a MIG message: the root element's namespace gives the Head,
// and elements are matched by local name inside their parent in any order,
// so that files written by others (a BOM, no declaration, prefixes,
// comments, CDATA, other indentation) are read; checking order, presence and
// facets is the validator's job. String values are kept verbatim; decimals
// and times, whose XSD types collapse whitespace, are trimmed. Elements the
// message does not have are ignored.
//
// Parse refuses text that is not XML, a declared encoding other than UTF-8,
// a root namespace that is not a MIG message namespace, a message type or
// version turnkeyd does not model, and a decimal that does not parse.
func Parse(data []byte) (Document, error) {
	doc, err := readXML(data)
	if err != nil {
		return nil, err
	}
	return ParseTree(doc)
}

// ParseTree is Parse for a document already read by etree.
func ParseTree(doc *etree.Document) (Document, error) {
	root, err := singleRoot(doc)
	if err != nil {
		return nil, err
	}
	if root.Tag == "InvoiceEnvelope" {
		return nil, errors.New("the root is an InvoiceEnvelope, which holds several messages: read E0501 envelopes with ParseTrackAssignments")
	}
	h, err := rootHead(root)
	if err != nil {
		return nil, err
	}
	switch h.Type {
	case F0401, C0401, A0401:
		return parseInvoice(root, h)
	case F0501, C0501:
		return parseInvoiceVoid(root, h)
	case F0701, C0701:
		return parseInvoiceCancel(root, h)
	case G0401, D0401:
		return parseAllowance(root, h)
	case G0501, D0501:
		return parseAllowanceVoid(root, h)
	case E0402:
		return parseBlankTracks(root, h)
	case E0501:
		return parseTrackAssignment(root, h)
	case E0504:
		return parseWinnerList(root, h)
	}
	return nil, fmt.Errorf("%s is not a message turnkeyd models", h)
}

// readVersions lists the versions Parse reads beyond the ones turnkeyd renders:
// E0501 and E0504 arrive in the version of Turnkey's download folder.
var readVersions = map[MessageType][]Version{
	E0501: {V31, V32, V40, V41},
	E0504: {V40, V41},
}

// rootHead finds the Head of a message root and checks that turnkeyd models
// it and that the root element is the one of its message type.
func rootHead(root *etree.Element) (Head, error) {
	ns := strings.TrimSpace(root.NamespaceURI())
	h, err := HeadOf(ns)
	if err != nil {
		return Head{}, fmt.Errorf("root element <%s>: %w", root.Tag, err)
	}
	ok := h.Supported()
	if vs, read := readVersions[h.Type]; read {
		ok = false
		for _, v := range vs {
			ok = ok || v == h.Version
		}
	}
	if !ok {
		return Head{}, fmt.Errorf("%s (namespace %s) is not a message type and version turnkeyd models", h, ns)
	}
	if root.Tag != h.Root() {
		return Head{}, fmt.Errorf("root element <%s> does not fit namespace %s: %s messages have the root <%s>", root.Tag, ns, h.Type, h.Root())
	}
	return h, nil
}

// readXML reads a MIG message's XML: UTF-8 only, a syntax error with its
// line (see package xmlread).
func readXML(data []byte) (*etree.Document, error) { return xmlread.Read(data) }

// singleRoot returns the root element and refuses a second one or text
// beside it.
func singleRoot(doc *etree.Document) (*etree.Element, error) { return xmlread.Root(doc) }

// readRoot reads data (readXML) and returns the document and its root
// element (singleRoot).
func readRoot(data []byte) (*etree.Document, *etree.Element, error) {
	doc, err := readXML(data)
	if err != nil {
		return nil, nil, err
	}
	root, err := singleRoot(doc)
	if err != nil {
		return nil, nil, err
	}
	return doc, root, nil
}

func clipText(s string) string { return xmlread.Clip(s) }

// repeatedElements names the elements that repeat inside their parent; their paths
// carry a 1-based index, as in /Invoice/Details/ProductItem[2]/Quantity.
var repeatedElements = map[string]bool{"ProductItem": true, "BranchTrackBlankItem": true, "PrizeInvoice": true, "InvoiceAssignNo": true}

// elementPath returns the path of e by local names, for error messages.
func elementPath(e *etree.Element) string {
	var parts []string
	for ; e != nil && e.Parent() != nil; e = e.Parent() {
		part := e.Tag
		if repeatedElements[e.Tag] {
			k := 0
			for _, s := range e.Parent().ChildElements() {
				if s.Tag == e.Tag {
					k++
				}
				if s == e {
					break
				}
			}
			part += "[" + strconv.Itoa(k) + "]"
		}
		parts = append(parts, part)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(parts[i])
	}
	return b.String()
}

// parser reads values from elements, keeping the first error.
type parser struct{ err error }

// each calls fn with every child element of e.
func eachChild(e *etree.Element, fn func(c *etree.Element)) {
	for _, t := range e.Child {
		if c, ok := t.(*etree.Element); ok {
			fn(c)
		}
	}
}

// collapsed returns the text of an element whose type collapses whitespace.
func collapsedText(e *etree.Element) string {
	return strings.Trim(e.Text(), " \t\r\n")
}

func (p *parser) dec(e *etree.Element) Decimal {
	s := collapsedText(e)
	d, err := decimal.Parse(s)
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("%s: %q is not a decimal", elementPath(e), s)
	}
	return d
}

func (p *parser) optDec(e *etree.Element) *Decimal {
	d := p.dec(e)
	return &d
}

func (p *parser) party(e *etree.Element) Party {
	var v Party
	eachChild(e, func(c *etree.Element) {
		switch c.Tag {
		case "Identifier":
			v.Identifier = c.Text()
		case "Name":
			v.Name = c.Text()
		case "Address":
			v.Address = c.Text()
		case "PersonInCharge":
			v.PersonInCharge = c.Text()
		case "TelephoneNumber":
			v.TelephoneNumber = c.Text()
		case "FacsimileNumber":
			v.FacsimileNumber = c.Text()
		case "EmailAddress":
			v.EmailAddress = c.Text()
		case "CustomerNumber":
			v.CustomerNumber = c.Text()
		case "RoleRemark":
			v.RoleRemark = c.Text()
		}
	})
	return v
}

// clearForeign empties the fields a *Foreign function reports.
func clearForeign(fields func(fn func(field string, item int, s *string))) {
	fields(func(_ string, _ int, s *string) { *s = "" })
}
