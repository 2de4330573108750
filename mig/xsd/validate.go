package xsd

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// validator holds the state of one Validate call; it is pooled per Schema.
type validator struct {
	s     *Schema
	errs  []Error
	ns    []binding // in-scope namespace declarations, innermost last
	path  []step    // elements from the root to the current one
	viol  []violation
	ms    []*matcher // one per depth
	depth int

	normalizeAttrs bool // attribute values still need normalization
}

// binding is a namespace declaration.
type binding struct{ prefix, uri string }

// step is one element on the current path.
type step struct {
	el      *etree.Element
	local   string
	repeats bool // declared to occur more than once: always indexed
}

func (v *validator) reset(s *Schema) {
	v.s, v.errs = s, nil
	v.ns, v.path, v.depth = v.ns[:0], v.path[:0], 0
}

// validateRoot validates root against the global element of its name.
func (v *validator) validateRoot(root *etree.Element) {
	var chain []*etree.Element
	for e := root.Parent(); e != nil; e = e.Parent() {
		chain = append(chain, e)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		v.pushBindings(chain[i])
	}
	mark := v.pushBindings(root)
	name := v.elemName(root)
	decl := v.s.globals[name]
	if decl == nil {
		v.path = append(v.path, step{el: root, local: name.local})
		v.report("root", name.local, "element %s is not a global element of the schema; expected %s",
			describeName(name), v.expectedRoots())
		return
	}
	v.element(root, decl, false)
	v.ns = v.ns[:mark]
}

// expectedRoots describes the global elements for messages.
func (v *validator) expectedRoots() string {
	s := quoteList(v.s.roots, 10)
	if v.s.tns != "" {
		s += " in namespace " + v.s.tns
	}
	return s
}

// describeName renders a name with its namespace for messages.
func describeName(n qname) string {
	if n.ns == "" {
		return n.local + " (no namespace)"
	}
	return n.local + " (namespace " + n.ns + ")"
}

// pushBindings adds the namespace declarations of el and returns the mark
// to pop them back to.
func (v *validator) pushBindings(el *etree.Element) int {
	mark := len(v.ns)
	for _, a := range el.Attr {
		switch {
		case a.Space == "xmlns":
			v.ns = append(v.ns, binding{a.Key, v.intern(a.Value)})
		case a.Space == "" && a.Key == "xmlns":
			v.ns = append(v.ns, binding{"", v.intern(a.Value)})
		}
	}
	return mark
}

// intern returns the schema's own string for its target namespace, so that
// comparing element names with the declarations' (which hold that string)
// finds the namespaces equal by their pointer, without comparing bytes.
func (v *validator) intern(uri string) string {
	if uri == v.s.tns {
		return v.s.tns
	}
	return uri
}

// lookup resolves a prefix ("" for the default namespace).
func (v *validator) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNS, true
	}
	for i := len(v.ns) - 1; i >= 0; i-- {
		if v.ns[i].prefix == prefix {
			return v.ns[i].uri, true
		}
	}
	return "", prefix == ""
}

// elemName expands the name of el; an undeclared prefix leaves the
// prefixed name in no namespace, as libxml2 does.
func (v *validator) elemName(el *etree.Element) qname {
	ns, ok := v.lookup(el.Space)
	if !ok {
		return qname{"", el.Space + ":" + el.Tag}
	}
	return qname{ns, el.Tag}
}

// element validates el against decl; its bindings are already pushed.
func (v *validator) element(el *etree.Element, decl *elemDecl, repeats bool) {
	v.path = append(v.path, step{el: el, local: el.Tag, repeats: repeats})
	defer func() { v.path = v.path[:len(v.path)-1] }()
	simple, complex, ok := v.xsiType(el, decl)
	if !ok {
		return
	}
	if v.nilled(el, decl) {
		var attrs []*attrDecl
		if complex != nil {
			attrs = complex.attrs
		}
		v.attributes(el, attrs, complex != nil && complex.anyType)
		v.nilledContent(el)
		return
	}
	if simple != nil {
		v.attributes(el, nil, false)
		v.simpleContent(el, simple)
		return
	}
	v.attributes(el, complex.attrs, complex.anyType)
	switch {
	case complex.anyType:
		v.laxChildren(el)
	case complex.content == nil:
		v.emptyContent(el)
	default:
		v.elementOnly(el, complex)
	}
}

// xsiType returns the type to validate el with: the declared one, or the
// one named by xsi:type when it derives from the declared one.
func (v *validator) xsiType(el *etree.Element, decl *elemDecl) (*simpleType, *complexType, bool) {
	for _, a := range el.Attr {
		if a.Key != "type" || a.Space == "" || a.Space == "xmlns" {
			continue
		}
		if ns, _ := v.lookup(a.Space); ns != xsiNS {
			continue
		}
		st, ct, err := v.resolveXsiType(a.Value, decl)
		if err != "" {
			v.report("attribute", a.Value, "xsi:type %q %s", a.Value, err)
			return nil, nil, false
		}
		return st, ct, true
	}
	return decl.simple, decl.complex, true
}

// resolveXsiType looks up the type named by an xsi:type value.
func (v *validator) resolveXsiType(val string, decl *elemDecl) (*simpleType, *complexType, string) {
	prefix, local, ok := strings.Cut(val, ":")
	if !ok {
		prefix, local = "", val
	}
	ns, found := v.lookup(prefix)
	if !found {
		return nil, nil, "uses an undeclared prefix"
	}
	q := qname{ns, local}
	var st *simpleType
	var ct *complexType
	switch {
	case ns == xsdNS && local == "anyType":
		ct = anyTypeDef
	case ns == xsdNS:
		st = builtinTypes[local]
	default:
		st, ct = v.s.simples[q], v.s.complex[q]
	}
	switch {
	case st == nil && ct == nil:
		return nil, nil, "does not name a type of the schema"
	case decl.complex == anyTypeDef:
		return st, ct, ""
	case ct != nil && ct == decl.complex:
		return nil, ct, ""
	case st != nil && decl.simple != nil && derivesFrom(st, decl.simple):
		return st, nil, ""
	}
	return nil, nil, "is not derived from the declared type of " + decl.name.local
}

func derivesFrom(t, base *simpleType) bool {
	for ; t != nil; t = t.base {
		if t == base {
			return true
		}
	}
	return false
}

// report adds an error at the current path.
func (v *validator) report(rule, value, format string, args ...any) {
	v.errs = append(v.errs, Error{Path: v.pathString(), Rule: rule, Value: value, Message: fmt.Sprintf(format, args...)})
}

// pathString renders the current path, indexing repeatable elements and
// elements that share their name with a sibling.
func (v *validator) pathString() string {
	var b strings.Builder
	for _, s := range v.path {
		b.WriteByte('/')
		b.WriteString(s.local)
		if n, total := siblingIndex(s.el); s.repeats || total > 1 {
			fmt.Fprintf(&b, "[%d]", n)
		}
	}
	return b.String()
}

// siblingIndex returns the 1-based position of el among the sibling
// elements of the same local name, and how many there are.
func siblingIndex(el *etree.Element) (n, total int) {
	parent := el.Parent()
	if parent == nil {
		return 1, 1
	}
	for _, t := range parent.Child {
		if e, ok := t.(*etree.Element); ok && e.Tag == el.Tag {
			total++
			if e == el {
				n = total
			}
		}
	}
	return n, total
}

// childPath renders the path of a child that is not there: the current
// path, then name, indexed n when it repeats.
func (v *validator) childPath(name string, repeats bool, n int) string {
	p := v.pathString() + "/" + name
	if repeats {
		p += fmt.Sprintf("[%d]", n)
	}
	return p
}

// attributes checks the attributes of el against decls; anyType allows
// any attribute.
func (v *validator) attributes(el *etree.Element, decls []*attrDecl, anyType bool) {
	var seen uint64
	var seenMore []bool
	if len(decls) > 64 {
		seenMore = make([]bool, len(decls))
	}
	for _, a := range el.Attr {
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
			continue
		}
		name := v.attrName(a)
		if name.ns == xsiNS {
			v.xsiAttribute(a, name)
			continue
		}
		i := findAttr(decls, name)
		switch {
		case i >= 0:
			if i < 64 {
				seen |= 1 << i
			} else {
				seenMore[i] = true
			}
			v.attrValue(a, decls[i])
		case !anyType:
			v.report("attribute", a.FullKey(), "attribute %s is not declared for element %s", describeName(name), el.Tag)
		}
	}
	for i, d := range decls {
		if d.required && ((i < 64 && seen&(1<<i) == 0) || (i >= 64 && !seenMore[i])) {
			v.errs = append(v.errs, Error{Path: v.pathString() + "/@" + d.name.local, Rule: "attribute",
				Message: fmt.Sprintf("required attribute %s is missing", d.name.local)})
		}
	}
}

func (v *validator) attrName(a etree.Attr) qname {
	if a.Space == "" {
		return qname{"", a.Key}
	}
	ns, ok := v.lookup(a.Space)
	if !ok {
		return qname{"", a.Space + ":" + a.Key}
	}
	return qname{ns, a.Key}
}

func findAttr(decls []*attrDecl, name qname) int {
	for i, d := range decls {
		if d.name == name {
			return i
		}
	}
	return -1
}

// xsiAttribute checks an attribute in the XML Schema instance namespace:
// libxml2 allows schemaLocation, noNamespaceSchemaLocation and type (checked
// in xsiType); nil needs a nillable element, which the subset has not.
func (v *validator) xsiAttribute(a etree.Attr, name qname) {
	switch name.local {
	case "schemaLocation", "noNamespaceSchemaLocation", "type", "nil":
	default:
		v.report("attribute", a.FullKey(), "attribute xsi:%s is not allowed", name.local)
	}
}

// attrValue checks an attribute value against its type.
func (v *validator) attrValue(a etree.Attr, d *attrDecl) {
	val := a.Value
	if v.normalizeAttrs {
		val = normalizeSpace(val, wsReplace) // attribute-value normalization
	}
	v.viol = d.typ.check(val, v.viol[:0])
	for _, vi := range v.viol {
		v.errs = append(v.errs, Error{Path: v.pathString() + "/@" + d.name.local, Rule: vi.rule, Value: a.Value, Message: vi.msg})
	}
}

// nilled checks xsi:nil and reports whether el is nilled.
func (v *validator) nilled(el *etree.Element, decl *elemDecl) bool {
	for _, a := range el.Attr {
		if a.Key != "nil" || a.Space == "" || a.Space == "xmlns" {
			continue
		}
		if ns, _ := v.lookup(a.Space); ns != xsiNS {
			continue
		}
		if !decl.nillable {
			v.report("attribute", a.FullKey(), "xsi:nil is not allowed: element %s is not nillable", el.Tag)
			return false
		}
		b, ok := parseBoolean(a.Value)
		if !ok {
			v.errs = append(v.errs, Error{Path: v.pathString() + "/@nil", Rule: "type", Value: a.Value,
				Message: fmt.Sprintf("xsi:nil value %q is not a boolean", a.Value)})
		}
		return b
	}
	return false
}

// nilledContent checks that a nilled element has neither text nor elements.
func (v *validator) nilledContent(el *etree.Element) {
	for _, tok := range el.Child {
		switch c := tok.(type) {
		case *etree.CharData:
			v.report("text", snippet(c.Data), "element %s is nil (xsi:nil) and must be empty", el.Tag)
			return
		case *etree.Element:
			v.childNotAllowed(c, "element %s is nil (xsi:nil) and must be empty", el.Tag)
			return
		}
	}
}
