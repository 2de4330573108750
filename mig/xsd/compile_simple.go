package xsd

import (
	"fmt"
	"math"
	"strings"

	"github.com/beevik/etree"
)

// typeRef resolves the QName of a type attribute to a simple type, or to a
// complex type (anyTypeDef for xsd:anyType).
func (c *compiler) typeRef(sd *schemaDoc, el *etree.Element, ref string) (*simpleType, *complexType, error) {
	q, err := resolveQName(sd, el, ref)
	if err != nil {
		return nil, nil, err
	}
	if q.ns == xsdNS {
		if q.local == "anyType" {
			return nil, anyTypeDef, nil
		}
		if bt, ok := builtinTypes[q.local]; ok {
			return bt, nil, nil
		}
		return nil, nil, schemaError(sd.file, el, "unsupported built-in type xsd:%s", q.local)
	}
	if q.ns != c.tns {
		return nil, nil, schemaError(sd.file, el, "type {%s}%s is not defined here (xsd:import is not supported)", q.ns, q.local)
	}
	if _, ok := c.rawTypes[q.local]; !ok {
		return nil, nil, schemaError(sd.file, el, "type %q is not defined", q.local)
	}
	t, err := c.typeByName(q.local)
	if err != nil {
		return nil, nil, err
	}
	if st, ok := t.(*simpleType); ok {
		return st, nil, nil
	}
	return nil, t.(*complexType), nil
}

// typeByName compiles the global type local (once).
func (c *compiler) typeByName(local string) (any, error) {
	if t, ok := c.simples[local]; ok {
		return t, nil
	}
	if t, ok := c.complexes[local]; ok {
		return t, nil
	}
	raw := c.rawTypes[local]
	name := qname{c.tns, local}
	if raw.el.Tag == "complexType" {
		return c.compileComplexType(raw.doc, raw.el, name)
	}
	if c.busy["type "+local] {
		return nil, schemaError(raw.doc.file, raw.el, "simple type %q is derived from itself", local)
	}
	c.busy["type "+local] = true
	t, err := c.compileSimpleType(raw.doc, raw.el, name)
	if err != nil {
		return nil, err
	}
	c.simples[local] = t
	return t, nil
}

// compileSimpleType compiles an xsd:simpleType (a restriction).
func (c *compiler) compileSimpleType(sd *schemaDoc, el *etree.Element, name qname) (*simpleType, error) {
	if err := checkAttrs(sd, el, "name", "id", "final"); err != nil {
		return nil, err
	}
	kids, err := c.xsdChildren(sd, el)
	if err != nil {
		return nil, err
	}
	if len(kids) != 1 || kids[0].Tag != "restriction" {
		tag := "nothing"
		if len(kids) > 0 {
			tag = "xsd:" + kids[0].Tag
		}
		return nil, schemaError(sd.file, el, "unsupported simple type content %s (only xsd:restriction is supported)", tag)
	}
	return c.restriction(sd, kids[0], name)
}

// restriction compiles an xsd:restriction of a simple type.
func (c *compiler) restriction(sd *schemaDoc, el *etree.Element, name qname) (*simpleType, error) {
	if err := checkAttrs(sd, el, "base", "id"); err != nil {
		return nil, err
	}
	kids, err := c.xsdChildren(sd, el)
	if err != nil {
		return nil, err
	}
	var base *simpleType
	if ref := el.SelectAttr("base"); ref != nil {
		var ct *complexType
		if base, ct, err = c.typeRef(sd, el, ref.Value); err != nil {
			return nil, err
		}
		if ct != nil {
			return nil, schemaError(sd.file, el, "base %q is not a simple type", ref.Value)
		}
	} else if len(kids) > 0 && kids[0].Tag == "simpleType" {
		if base, err = c.compileSimpleType(sd, kids[0], qname{}); err != nil {
			return nil, err
		}
		kids = kids[1:]
	} else {
		return nil, schemaError(sd.file, el, "a restriction needs a base")
	}
	step, err := c.facets(sd, base, kids)
	if err != nil {
		return nil, err
	}
	t, err := derive(base, name, step)
	if err != nil {
		return nil, schemaError(sd.file, el, "%v", err)
	}
	return t, nil
}

// stepFacets are the facets of one restriction step.
type stepFacets struct {
	ws       *whiteSpace
	lengths  lengthFacets
	digits   digitFacets
	patterns []*pattern
	enum     []value
	enumSrc  []string
	bounds   []bound
}

// facetFamilies lists, per facet, the built-in families that accept it
// (libxml2's xmlSchemaIsBuiltInTypeFacet).
var facetFamilies = map[string][]family{
	"length": {famString, famBinary}, "minLength": {famString, famBinary}, "maxLength": {famString, famBinary},
	"pattern":        {famString, famBinary, famDecimal, famBoolean, famDateTime},
	"whiteSpace":     {famString, famBinary, famDecimal, famBoolean, famDateTime},
	"enumeration":    {famString, famBinary, famDecimal, famDateTime},
	"totalDigits":    {famDecimal},
	"fractionDigits": {famDecimal},
	"minInclusive":   {famDecimal, famDateTime}, "maxInclusive": {famDecimal, famDateTime},
	"minExclusive": {famDecimal, famDateTime}, "maxExclusive": {famDecimal, famDateTime},
}

// facets reads the facet elements of a restriction step of base.
func (c *compiler) facets(sd *schemaDoc, base *simpleType, kids []*etree.Element) (*stepFacets, error) {
	step := &stepFacets{lengths: lengthFacets{-1, -1, -1}, digits: digitFacets{-1, -1}}
	fam := builtinInfos[base.kind].family
	for _, f := range kids {
		fams, known := facetFamilies[f.Tag]
		if !known {
			return nil, schemaError(sd.file, f, "unsupported construct xsd:%s in a restriction", f.Tag)
		}
		if !hasFamily(fams, fam) {
			return nil, schemaError(sd.file, f, "facet %s does not apply to %s", f.Tag, base.describe())
		}
		if fam == famDateTime && f.Tag != "pattern" && f.Tag != "whiteSpace" {
			return nil, schemaError(sd.file, f, "unsupported facet %s on a date or time type", f.Tag)
		}
		if err := checkAttrs(sd, f, "value", "fixed", "id"); err != nil {
			return nil, err
		}
		attr := f.SelectAttr("value")
		if attr == nil {
			return nil, schemaError(sd.file, f, "the facet has no value")
		}
		if err := step.add(base, f.Tag, attrValue(attr.Value)); err != nil {
			return nil, schemaError(sd.file, f, "%v", err)
		}
	}
	return step, nil
}

func hasFamily(fams []family, f family) bool {
	for _, x := range fams {
		if x == f {
			return true
		}
	}
	return false
}

// attrValue applies XML attribute-value normalization, which etree does not.
func attrValue(v string) string { return normalizeSpace(v, wsReplace) }

// add records one facet of the step.
func (s *stepFacets) add(base *simpleType, facet, v string) error {
	switch facet {
	case "length", "minLength", "maxLength", "fractionDigits", "totalDigits":
		return s.addCount(facet, v)
	case "whiteSpace":
		ws, ok := map[string]whiteSpace{"preserve": wsPreserve, "replace": wsReplace, "collapse": wsCollapse}[v]
		if !ok {
			return fmt.Errorf("whiteSpace %q must be preserve, replace or collapse", v)
		}
		s.ws = &ws
	case "pattern":
		p, err := compilePattern(v)
		if err != nil {
			return err
		}
		s.patterns = append(s.patterns, p)
	case "enumeration":
		val, err := facetValue(base, facet, v)
		if err != nil {
			return err
		}
		s.enum, s.enumSrc = append(s.enum, val), append(s.enumSrc, v)
	default: // bounds
		val, err := facetValue(base, facet, v)
		if err != nil {
			return err
		}
		s.bounds = append(s.bounds, bound{rule: facet, val: val.dec, src: strings.TrimSpace(v)})
	}
	return nil
}

// addCount records a length or digits facet.
func (s *stepFacets) addCount(facet, v string) error {
	syn := integerSyntax{blanks: true, minZero: true}
	if facet == "totalDigits" {
		syn = integerSyntax{blanks: true, positive: true}
	}
	d, ok := parseInteger(v, syn)
	if !ok || len(d.intPart) > 9 {
		return fmt.Errorf("%s %q is not a valid count", facet, v)
	}
	n := 0
	for _, c := range d.intPart {
		n = n*10 + int(c-'0')
	}
	if n > math.MaxInt32 {
		return fmt.Errorf("%s %q is too large", facet, v)
	}
	switch facet {
	case "length":
		s.lengths.length = n
	case "minLength":
		s.lengths.minLength = n
	case "maxLength":
		s.lengths.maxLength = n
	case "totalDigits":
		s.digits.total = n
	default:
		s.digits.fraction = n
	}
	return nil
}

// facetValue checks an enumeration or bound against the base type, as
// libxml2 does, and returns its value.
func facetValue(base *simpleType, facet, v string) (value, error) {
	var val value
	norm, viols := base.parse(v, true, &val, nil)
	if len(viols) > 0 {
		return val, fmt.Errorf("%s %q is not valid for %s: %s", facet, v, base.describe(), viols[0].msg)
	}
	switch builtinInfos[base.kind].family {
	case famString:
		val.str = norm
	case famBinary:
		val.str = base64Canonical(norm)
	}
	return val, nil
}

// derive builds the restriction of base by the facets of one step,
// checking them against the base as libxml2 does.
func derive(base *simpleType, name qname, s *stepFacets) (*simpleType, error) {
	t := &simpleType{
		name: name, base: base, kind: base.kind, ws: base.ws,
		normalize: base.normalize || len(s.patterns) > 0 || len(s.enum) > 0,
		patterns:  base.patterns, enum: base.enum, enumSrc: base.enumSrc,
		lengths: base.lengths, digits: base.digits, bounds: base.bounds,
	}
	if s.ws != nil {
		t.ws = *s.ws
	}
	if len(s.patterns) > 0 {
		t.patterns = append([][]*pattern{s.patterns}, base.patterns...)
	}
	if len(s.enum) > 0 {
		t.enum, t.enumSrc = s.enum, s.enumSrc
	}
	if err := t.mergeLengths(s.lengths); err != nil {
		return nil, err
	}
	if err := t.mergeDigits(s.digits); err != nil {
		return nil, err
	}
	return t, t.mergeBounds(s.bounds)
}

func (t *simpleType) mergeLengths(s lengthFacets) error {
	b := t.lengths
	switch {
	case s.length >= 0 && (s.minLength >= 0 || s.maxLength >= 0):
		return fmt.Errorf("length cannot be combined with minLength or maxLength")
	case s.length >= 0 && b.length >= 0 && s.length != b.length:
		return fmt.Errorf("length %d differs from length %d of the base type", s.length, b.length)
	case s.maxLength >= 0 && b.maxLength >= 0 && s.maxLength > b.maxLength:
		return fmt.Errorf("maxLength %d exceeds maxLength %d of the base type", s.maxLength, b.maxLength)
	case s.minLength >= 0 && b.minLength >= 0 && s.minLength < b.minLength:
		return fmt.Errorf("minLength %d is below minLength %d of the base type", s.minLength, b.minLength)
	}
	for _, f := range []struct{ from, to *int }{{&s.length, &t.lengths.length}, {&s.minLength, &t.lengths.minLength}, {&s.maxLength, &t.lengths.maxLength}} {
		if *f.from >= 0 {
			*f.to = *f.from
		}
	}
	return nil
}

func (t *simpleType) mergeDigits(s digitFacets) error {
	b := t.digits
	switch {
	case s.total >= 0 && b.total >= 0 && s.total > b.total:
		return fmt.Errorf("totalDigits %d exceeds totalDigits %d of the base type", s.total, b.total)
	case s.fraction >= 0 && b.fraction >= 0 && s.fraction > b.fraction:
		return fmt.Errorf("fractionDigits %d exceeds fractionDigits %d of the base type", s.fraction, b.fraction)
	}
	if s.total >= 0 {
		t.digits.total = s.total
	}
	if s.fraction >= 0 {
		t.digits.fraction = s.fraction
	}
	if t.digits.total >= 0 && t.digits.fraction > t.digits.total {
		return fmt.Errorf("fractionDigits %d exceeds totalDigits %d", t.digits.fraction, t.digits.total)
	}
	return nil
}

// mergeBounds replaces the base's bounds by those of the step with the
// same name and checks that the range is not empty by construction.
func (t *simpleType) mergeBounds(step []bound) error {
	if len(step) == 0 {
		return nil
	}
	merged := append([]bound(nil), step...)
	for _, b := range t.bounds {
		overridden := false
		for _, s := range step {
			overridden = overridden || s.rule == b.rule
		}
		if !overridden {
			merged = append(merged, b)
		}
	}
	t.bounds = merged
	for _, lo := range merged {
		for _, hi := range merged {
			if strings.HasPrefix(lo.rule, "min") && strings.HasPrefix(hi.rule, "max") && lo.val.cmp(hi.val) > 0 {
				return fmt.Errorf("%s %s is greater than %s %s", lo.rule, lo.src, hi.rule, hi.src)
			}
		}
	}
	return nil
}
