package xsd

import (
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/beevik/etree"
)

const (
	xsdNS = "http://www.w3.org/2001/XMLSchema"
	xsiNS = "http://www.w3.org/2001/XMLSchema-instance"
	xmlNS = "http://www.w3.org/XML/1998/namespace"
)

// qname is an expanded name.
type qname struct{ ns, local string }

// Schema is a compiled schema; it is immutable and safe for concurrent use.
type Schema struct {
	tns     string
	globals map[qname]*elemDecl
	simples map[qname]*simpleType  // named simple types, for xsi:type
	complex map[qname]*complexType // named complex types, for xsi:type
	roots   []string
	pool    sync.Pool // *validator
}

// Error is one violation of the schema found in a document.
type Error struct {
	Path    string // element path, e.g. /Invoice/Details/ProductItem[3]/Quantity
	Rule    string // the failed rule: missing, unexpected, text, attribute, root, type, or a facet name
	Value   string // the offending value or element name; may be empty
	Message string // what was expected, for a person
}

// Error returns "path: message [rule]".
func (e Error) Error() string {
	return fmt.Sprintf("%s: %s [%s]", e.Path, e.Message, e.Rule)
}

// Compile loads the schema document name from fsys, following xsd:include
// (paths relative to the including file, inside fsys), and compiles it.
func Compile(fsys fs.FS, name string) (*Schema, error) {
	c := newCompiler(fsys)
	if err := c.load(name, nil); err != nil {
		return nil, err
	}
	if err := c.compileAll(); err != nil {
		return nil, err
	}
	s := &Schema{
		tns:     c.tns,
		globals: make(map[qname]*elemDecl, len(c.elems)),
		simples: make(map[qname]*simpleType),
		complex: make(map[qname]*complexType),
	}
	for local, e := range c.elems {
		s.globals[qname{c.tns, local}] = e
		s.roots = append(s.roots, local)
	}
	sort.Strings(s.roots)
	for local, t := range c.simples {
		s.simples[qname{c.tns, local}] = t
	}
	for local, t := range c.complexes {
		s.complex[qname{c.tns, local}] = t
	}
	s.pool.New = func() any { return new(validator) }
	return s, nil
}

// TargetNamespace returns the schema's target namespace ("" for none).
func (s *Schema) TargetNamespace() string { return s.tns }

// RootNames lists the local names of the global elements, sorted.
func (s *Schema) RootNames() []string { return append([]string(nil), s.roots...) }

// Validate checks the tree rooted at root against the schema and returns
// every violation, in document order; nil means valid.
//
// Attribute values are whitespace-normalized first (tab, newline and
// carriage return become spaces), as a parser does when it reads the
// document that etree writes from this tree.
func (s *Schema) Validate(root *etree.Element) []Error {
	return s.validate(root, true)
}

func (s *Schema) validate(root *etree.Element, normalizeAttrs bool) []Error {
	if root == nil {
		return []Error{{Path: "/", Rule: "root", Message: "the document has no root element"}}
	}
	v := s.pool.Get().(*validator)
	v.reset(s)
	v.normalizeAttrs = normalizeAttrs
	v.validateRoot(root)
	errs := v.errs
	v.errs = nil
	s.pool.Put(v)
	return errs
}

// ValidateBytes parses data and validates its root element. A document
// that cannot be parsed is an error, not a violation. Character references
// in attribute values (&#9;) keep their character, as in libxml2.
func (s *Schema) ValidateBytes(data []byte) ([]Error, error) {
	doc := etree.NewDocument()
	doc.ReadSettings.PreserveCData = true
	doc.ReadSettings.PreserveDuplicateAttrs = true
	if err := doc.ReadFromBytes(normalizeAttrSpace(data)); err != nil {
		return nil, fmt.Errorf("xsd: parse document: %w", err)
	}
	root := doc.Root()
	if root == nil {
		return nil, fmt.Errorf("xsd: parse document: no root element")
	}
	if err := checkDuplicateAttrs(root); err != nil {
		return nil, fmt.Errorf("xsd: parse document: %w", err)
	}
	return s.validate(root, false), nil
}

// checkDuplicateAttrs reports an attribute given twice on one element,
// which makes a document not well-formed (encoding/xml lets it pass).
func checkDuplicateAttrs(el *etree.Element) error {
	for i, a := range el.Attr {
		for _, b := range el.Attr[:i] {
			if a.Space == b.Space && a.Key == b.Key {
				return fmt.Errorf("element %s: attribute %s is given twice", el.FullTag(), a.FullKey())
			}
		}
	}
	for _, c := range el.ChildElements() {
		if err := checkDuplicateAttrs(c); err != nil {
			return err
		}
	}
	return nil
}
