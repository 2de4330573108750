package xsd

import "strings"

// elemDecl is an element declaration. Exactly one of simple and complex is
// set; an element declared without a type has the complex anyType.
type elemDecl struct {
	name     qname
	simple   *simpleType
	complex  *complexType
	nillable bool
}

// anyTypeDef is xsd:anyType: any attributes, text and elements, with child
// elements validated when a global declaration matches them (lax).
var anyTypeDef = &complexType{name: qname{xsdNS, "anyType"}, anyType: true}

// complexType is a complex type with element-only or empty content.
type complexType struct {
	name    qname
	anyType bool
	content *particle // nil: empty content
	top     *particle // content wrapped by topParticle, for the matcher
	flat    bool      // the content suits fastState
	attrs   []*attrDecl
}

// attrDecl is a local attribute declaration.
type attrDecl struct {
	name     qname
	typ      *simpleType
	required bool
}

type particleKind uint8

const (
	pElement particleKind = iota
	pAny
	pSequence
	pChoice
	pAll
)

// unbounded is the max of maxOccurs="unbounded".
const unbounded = -1

// particle is a node of a content model.
type particle struct {
	kind     particleKind
	min, max int // max == unbounded for no limit
	elem     *elemDecl
	wild     *wildcard
	kids     []*particle

	nullable bool // can match nothing
	repeats  bool // can occur more than once under its parent element: paths index it
}

// wildcard is xsd:any.
type wildcard struct {
	other   bool     // ##other: any namespace but the target one and none
	any     bool     // ##any
	allowed []string // an explicit list ("" for ##local)
	tns     string
	process string // skip, lax or strict
}

// allows reports whether the wildcard accepts an element in namespace ns.
func (w *wildcard) allows(ns string) bool {
	switch {
	case w.any:
		return true
	case w.other:
		return ns != w.tns && ns != ""
	}
	for _, a := range w.allowed {
		if a == ns {
			return true
		}
	}
	return false
}

// describe renders the wildcard for messages.
func (w *wildcard) describe() string {
	switch {
	case w.any:
		return "any element"
	case w.other:
		return "an element of another namespace"
	}
	return "an element of namespace " + strings.Join(w.allowed, " or ")
}

// matches reports whether a leaf particle accepts the element name.
func (p *particle) matches(name qname) bool {
	if p.kind == pElement {
		return p.elem.name == name
	}
	return p.wild.allows(name.ns)
}

// label names a leaf particle for messages.
func (p *particle) label() string {
	if p.kind == pElement {
		return p.elem.name.local
	}
	return p.wild.describe()
}

// isLeaf reports whether p matches a single element.
func (p *particle) isLeaf() bool { return p.kind == pElement || p.kind == pAny }

// canRepeat reports whether one more occurrence fits after count.
func (p *particle) canRepeat(count int) bool { return p.max == unbounded || count < p.max }
