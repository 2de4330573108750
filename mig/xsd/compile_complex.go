package xsd

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// globalElement compiles the global element local (once).
func (c *compiler) globalElement(local string) (*elemDecl, error) {
	if d, ok := c.elems[local]; ok {
		return d, nil
	}
	raw := c.rawElems[local]
	if err := checkAttrs(raw.doc, raw.el, "name", "type", "id", "nillable", "abstract=false", "block", "final"); err != nil {
		return nil, err
	}
	d := &elemDecl{name: qname{c.tns, local}}
	if err := nillable(raw.doc, raw.el, d); err != nil {
		return nil, err
	}
	c.elems[local] = d // before the type, which may refer back to it
	return d, c.elementType(raw.doc, raw.el, d)
}

// localElement compiles an xsd:element inside a model group.
func (c *compiler) localElement(sd *schemaDoc, el *etree.Element) (*particle, error) {
	min, max, err := occurs(sd, el)
	if err != nil {
		return nil, err
	}
	p := &particle{kind: pElement, min: min, max: max}
	if ref := el.SelectAttr("ref"); ref != nil {
		if err := checkAttrs(sd, el, "ref", "minOccurs", "maxOccurs", "id"); err != nil {
			return nil, err
		}
		q, err := resolveQName(sd, el, ref.Value)
		if err != nil {
			return nil, err
		}
		if _, ok := c.rawElems[q.local]; !ok || q.ns != c.tns {
			return nil, schemaError(sd.file, el, "element %q is not declared", ref.Value)
		}
		p.elem, err = c.globalElement(q.local)
		return p, err
	}
	if err := checkAttrs(sd, el, "name", "type", "minOccurs", "maxOccurs", "form", "id", "nillable", "block"); err != nil {
		return nil, err
	}
	name := el.SelectAttrValue("name", "")
	if name == "" {
		return nil, schemaError(sd.file, el, "a local element needs a name or a ref")
	}
	qualified, err := formOf(sd, el, sd.qualified)
	if err != nil {
		return nil, err
	}
	d := &elemDecl{name: qname{"", name}}
	if qualified {
		d.name.ns = c.tns
	}
	p.elem = d
	if err := nillable(sd, el, d); err != nil {
		return nil, err
	}
	return p, c.elementType(sd, el, d)
}

// nillable reads the nillable attribute of an element declaration.
func nillable(sd *schemaDoc, el *etree.Element, d *elemDecl) error {
	v := strings.TrimSpace(el.SelectAttrValue("nillable", "false"))
	b, ok := parseBoolean(v)
	if !ok {
		return schemaError(sd.file, el, "nillable=%q is not a boolean", v)
	}
	d.nillable = b
	return nil
}

// formOf reads a form attribute, defaulting to def.
func formOf(sd *schemaDoc, el *etree.Element, def bool) (bool, error) {
	switch f := el.SelectAttrValue("form", ""); f {
	case "":
		return def, nil
	case "qualified", "unqualified":
		return f == "qualified", nil
	default:
		return false, schemaError(sd.file, el, "form=%q must be qualified or unqualified", f)
	}
}

// elementType sets the type of d from the type attribute or an inline
// type; an element without either has xsd:anyType.
func (c *compiler) elementType(sd *schemaDoc, el *etree.Element, d *elemDecl) error {
	kids, err := c.xsdChildren(sd, el)
	if err != nil {
		return err
	}
	if len(kids) > 1 {
		return schemaError(sd.file, kids[1], "unsupported construct xsd:%s in an element declaration", kids[1].Tag)
	}
	typ := el.SelectAttr("type")
	switch {
	case typ != nil && len(kids) > 0:
		return schemaError(sd.file, el, "an element cannot have both a type attribute and an inline type")
	case typ != nil:
		d.simple, d.complex, err = c.typeRef(sd, el, typ.Value)
	case len(kids) == 0:
		d.complex = anyTypeDef
	case kids[0].Tag == "simpleType":
		d.simple, err = c.compileSimpleType(sd, kids[0], qname{})
	case kids[0].Tag == "complexType":
		d.complex, err = c.compileComplexType(sd, kids[0], qname{})
	default:
		err = schemaError(sd.file, kids[0], "unsupported construct xsd:%s in an element declaration", kids[0].Tag)
	}
	return err
}

// occurs reads minOccurs and maxOccurs.
func occurs(sd *schemaDoc, el *etree.Element) (min, max int, err error) {
	parse := func(attr string, def int) (int, error) {
		v := strings.TrimSpace(el.SelectAttrValue(attr, ""))
		switch {
		case v == "":
			return def, nil
		case v == "unbounded" && attr == "maxOccurs":
			return unbounded, nil
		}
		d, ok := parseInteger(v, integerSyntax{minZero: true})
		if !ok || len(d.intPart) > 9 {
			return 0, schemaError(sd.file, el, "%s=%q is not a valid count", attr, v)
		}
		n := 0
		for _, c := range d.intPart {
			n = n*10 + int(c-'0')
		}
		return n, nil
	}
	if min, err = parse("minOccurs", 1); err != nil {
		return 0, 0, err
	}
	if max, err = parse("maxOccurs", 1); err != nil {
		return 0, 0, err
	}
	if max != unbounded && max < min {
		return 0, 0, schemaError(sd.file, el, "maxOccurs %d is less than minOccurs %d", max, min)
	}
	return min, max, nil
}

// compileComplexType compiles an xsd:complexType with element-only or
// empty content and attributes.
func (c *compiler) compileComplexType(sd *schemaDoc, el *etree.Element, name qname) (*complexType, error) {
	if err := checkAttrs(sd, el, "name", "id", "mixed=false", "abstract=false", "block", "final"); err != nil {
		return nil, err
	}
	ct := &complexType{name: name}
	if name.local != "" {
		c.complexes[name.local] = ct // before the content, which may refer back to it
	}
	kids, err := c.xsdChildren(sd, el)
	if err != nil {
		return nil, err
	}
	if len(kids) > 0 && isModelGroup(kids[0].Tag) {
		if ct.content, err = c.particle(sd, kids[0], true); err != nil {
			return nil, err
		}
		if ct.content, err = finishModel(ct.content); err != nil {
			return nil, schemaError(sd.file, el, "%v", err)
		}
		if ct.content != nil {
			ct.top, ct.flat = topParticle(ct.content), flatContent(ct.content)
		}
		kids = kids[1:]
	}
	for _, k := range kids {
		if k.Tag != "attribute" {
			return nil, schemaError(sd.file, k, "unsupported construct xsd:%s in a complex type", k.Tag)
		}
		a, err := c.attribute(sd, k)
		if err != nil {
			return nil, err
		}
		if a == nil {
			continue
		}
		for _, b := range ct.attrs {
			if b.name == a.name {
				return nil, schemaError(sd.file, k, "attribute %q is declared twice", a.name.local)
			}
		}
		ct.attrs = append(ct.attrs, a)
	}
	return ct, nil
}

func isModelGroup(tag string) bool {
	return tag == "sequence" || tag == "choice" || tag == "all" || tag == "group"
}

// attribute compiles a local xsd:attribute; a prohibited one is nil.
func (c *compiler) attribute(sd *schemaDoc, el *etree.Element) (*attrDecl, error) {
	if err := checkAttrs(sd, el, "name", "type", "use", "form", "id"); err != nil {
		return nil, err
	}
	name := el.SelectAttrValue("name", "")
	if name == "" {
		return nil, schemaError(sd.file, el, "an attribute needs a name (attribute references are not supported)")
	}
	qualified, err := formOf(sd, el, sd.attrQual)
	if err != nil {
		return nil, err
	}
	a := &attrDecl{name: qname{"", name}, typ: builtinTypes["string"]}
	if qualified {
		a.name.ns = c.tns
	}
	switch use := el.SelectAttrValue("use", "optional"); use {
	case "optional":
	case "required":
		a.required = true
	case "prohibited":
		return nil, nil
	default:
		return nil, schemaError(sd.file, el, "use=%q must be optional, required or prohibited", use)
	}
	kids, err := c.xsdChildren(sd, el)
	if err != nil {
		return nil, err
	}
	typ := el.SelectAttr("type")
	switch {
	case len(kids) > 1 || (len(kids) == 1 && (kids[0].Tag != "simpleType" || typ != nil)):
		return nil, schemaError(sd.file, el, "an attribute takes one type attribute or one inline xsd:simpleType")
	case len(kids) == 1:
		a.typ, err = c.compileSimpleType(sd, kids[0], qname{})
	case typ != nil:
		var ct *complexType
		a.typ, ct, err = c.typeRef(sd, el, typ.Value)
		if err == nil && ct != nil {
			err = schemaError(sd.file, el, "the type of an attribute must be simple")
		}
	}
	return a, err
}

// particle compiles a model group, element, group reference or wildcard;
// top is set for the content of a complex type (where xsd:all may be).
func (c *compiler) particle(sd *schemaDoc, el *etree.Element, top bool) (*particle, error) {
	switch el.Tag {
	case "element":
		return c.localElement(sd, el)
	case "any":
		return c.wildcard(sd, el)
	case "group":
		return c.groupRef(sd, el, top)
	case "sequence", "choice", "all":
		return c.modelGroup(sd, el, top)
	}
	return nil, schemaError(sd.file, el, "unsupported construct xsd:%s in a content model", el.Tag)
}

// modelGroup compiles xsd:sequence, xsd:choice or xsd:all.
func (c *compiler) modelGroup(sd *schemaDoc, el *etree.Element, top bool) (*particle, error) {
	if err := checkAttrs(sd, el, "minOccurs", "maxOccurs", "id"); err != nil {
		return nil, err
	}
	min, max, err := occurs(sd, el)
	if err != nil {
		return nil, err
	}
	p := &particle{kind: map[string]particleKind{"sequence": pSequence, "choice": pChoice, "all": pAll}[el.Tag], min: min, max: max}
	if p.kind == pAll && (!top || min > 1 || max != 1) {
		return nil, schemaError(sd.file, el, "xsd:all must be the whole content model, with minOccurs 0 or 1 and maxOccurs 1")
	}
	kids, err := c.xsdChildren(sd, el)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		kid, err := c.particle(sd, k, false)
		if err != nil {
			return nil, err
		}
		if p.kind == pAll && (kid.kind != pElement || kid.max > 1 || kid.max == unbounded) {
			return nil, schemaError(sd.file, k, "xsd:all may only hold elements with maxOccurs 0 or 1")
		}
		p.kids = append(p.kids, kid)
	}
	return p, nil
}

// groupRef compiles <xsd:group ref=...> to a copy of the group's model.
func (c *compiler) groupRef(sd *schemaDoc, el *etree.Element, top bool) (*particle, error) {
	if err := checkAttrs(sd, el, "ref", "minOccurs", "maxOccurs", "id"); err != nil {
		return nil, err
	}
	ref := el.SelectAttr("ref")
	if ref == nil {
		return nil, schemaError(sd.file, el, "a group reference needs ref")
	}
	q, err := resolveQName(sd, el, ref.Value)
	if err != nil {
		return nil, err
	}
	if _, ok := c.rawGroups[q.local]; !ok || q.ns != c.tns {
		return nil, schemaError(sd.file, el, "group %q is not defined", ref.Value)
	}
	g, err := c.group(q.local)
	if err != nil {
		return nil, err
	}
	if g.kind == pAll && !top {
		return nil, schemaError(sd.file, el, "a group holding xsd:all must be the whole content model")
	}
	p := clone(g)
	if p.min, p.max, err = occurs(sd, el); err != nil {
		return nil, err
	}
	return p, nil
}

// group compiles the named model group local (once).
func (c *compiler) group(local string) (*particle, error) {
	if g, ok := c.groups[local]; ok {
		return g, nil
	}
	raw := c.rawGroups[local]
	if c.busy["group "+local] {
		return nil, schemaError(raw.doc.file, raw.el, "group %q refers to itself", local)
	}
	c.busy["group "+local] = true
	if err := checkAttrs(raw.doc, raw.el, "name", "id"); err != nil {
		return nil, err
	}
	kids, err := c.xsdChildren(raw.doc, raw.el)
	if err != nil {
		return nil, err
	}
	if len(kids) != 1 || !isModelGroup(kids[0].Tag) || kids[0].Tag == "group" {
		return nil, schemaError(raw.doc.file, raw.el, "a group must hold one xsd:sequence, xsd:choice or xsd:all")
	}
	g, err := c.modelGroup(raw.doc, kids[0], true)
	if err != nil {
		return nil, err
	}
	c.groups[local] = g
	return g, nil
}

// clone copies a particle tree (declarations are shared).
func clone(p *particle) *particle {
	q := *p
	q.kids = make([]*particle, len(p.kids))
	for i, k := range p.kids {
		q.kids[i] = clone(k)
	}
	return &q
}

// wildcard compiles xsd:any.
func (c *compiler) wildcard(sd *schemaDoc, el *etree.Element) (*particle, error) {
	if err := checkAttrs(sd, el, "namespace", "processContents", "minOccurs", "maxOccurs", "id"); err != nil {
		return nil, err
	}
	min, max, err := occurs(sd, el)
	if err != nil {
		return nil, err
	}
	w := &wildcard{tns: c.tns, process: el.SelectAttrValue("processContents", "strict")}
	if w.process != "skip" && w.process != "lax" && w.process != "strict" {
		return nil, schemaError(sd.file, el, "processContents=%q must be skip, lax or strict", w.process)
	}
	switch ns := strings.Fields(el.SelectAttrValue("namespace", "##any")); {
	case len(ns) == 1 && ns[0] == "##any":
		w.any = true
	case len(ns) == 1 && ns[0] == "##other":
		w.other = true
	default:
		for _, n := range ns {
			switch n {
			case "##targetNamespace":
				n = c.tns
			case "##local":
				n = ""
			case "##any", "##other":
				return nil, schemaError(sd.file, el, "%s cannot be combined with other namespaces", n)
			}
			w.allowed = append(w.allowed, n)
		}
	}
	return &particle{kind: pAny, min: min, max: max, wild: w}, nil
}

// finishModel prunes particles that cannot occur, computes nullable and
// repeats, and checks that the model is deterministic.
func finishModel(p *particle) (*particle, error) {
	p = prune(p)
	if p == nil {
		return nil, nil
	}
	setNullable(p)
	setRepeats(p, false)
	if err := checkUPA(p); err != nil {
		return nil, fmt.Errorf("the content model is not deterministic: %w", err)
	}
	return p, nil
}

// prune drops particles with maxOccurs 0.
func prune(p *particle) *particle {
	if p.max == 0 {
		return nil
	}
	kids := p.kids[:0]
	for _, k := range p.kids {
		if k = prune(k); k != nil {
			kids = append(kids, k)
		}
	}
	p.kids = kids
	return p
}

func setNullable(p *particle) {
	for _, k := range p.kids {
		setNullable(k)
	}
	switch p.kind {
	case pSequence, pAll:
		p.nullable = true
		for _, k := range p.kids {
			p.nullable = p.nullable && k.nullable
		}
	case pChoice:
		for _, k := range p.kids {
			p.nullable = p.nullable || k.nullable
		}
	}
	p.nullable = p.nullable || p.min == 0
}

func setRepeats(p *particle, outer bool) {
	p.repeats = outer || p.max == unbounded || p.max > 1
	for _, k := range p.kids {
		setRepeats(k, p.repeats)
	}
}
