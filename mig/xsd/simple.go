package xsd

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// whiteSpace is the whiteSpace facet value.
type whiteSpace uint8

const (
	wsPreserve whiteSpace = iota
	wsReplace
	wsCollapse
)

// simpleType is a built-in type or a restriction of another simple type.
// Facets are kept per derivation step (patterns must be ANDed across steps)
// and merged into their effective values at compile time.
type simpleType struct {
	name qname // zero for an anonymous type
	base *simpleType
	kind builtinKind // the built-in at the root of the derivation
	ws   whiteSpace  // effective whiteSpace

	// normalize is libxml2's "normalized value needed": only when a pattern
	// or an enumeration applies does it whitespace-normalize the value
	// before the lexical check.
	normalize bool
	patterns  [][]*pattern // per step, derived-most first; ORed within a step
	enum      []value      // the derived-most step that has enumerations
	enumSrc   []string     // the lexical forms of enum, for messages
	lengths   lengthFacets
	digits    digitFacets
	bounds    []bound
}

type lengthFacets struct {
	length, minLength, maxLength int // -1: absent
}

type digitFacets struct {
	total, fraction int // -1: absent
}

// bound is a minInclusive, maxInclusive, minExclusive or maxExclusive facet.
type bound struct {
	rule string // facet name, also the Error.Rule
	val  decValue
	src  string
}

// allows reports whether a value comparing c (-1, 0, 1) to the bound passes.
func (b bound) allows(c int) bool {
	switch b.rule {
	case "minInclusive":
		return c >= 0
	case "maxInclusive":
		return c <= 0
	case "minExclusive":
		return c > 0
	}
	return c < 0 // maxExclusive
}

// isBuiltin reports whether t is one of the built-in types.
func (t *simpleType) isBuiltin() bool { return t.name.ns == xsdNS }

// describe names the type for messages.
func (t *simpleType) describe() string {
	if t.name.local != "" {
		if t.isBuiltin() {
			return "xsd:" + t.name.local
		}
		return t.name.local
	}
	return "restriction of xsd:" + builtinInfos[t.kind].name
}

// violation is one failed check of a simple value.
type violation struct {
	rule, msg string
}

// check validates the text v against t and returns the violations
// (lexical failure alone, or every failing facet). It appends to buf.
func (t *simpleType) check(v string, buf []violation) []violation {
	var val value
	_, buf = t.parse(v, false, &val, buf)
	return buf
}

// parse validates v, stores its value in val and returns the text the
// facets saw. The text is whitespace-normalized when force is set (facet
// values in a schema) or when a pattern or enumeration applies, as in
// libxml2.
func (t *simpleType) parse(v string, force bool, val *value, buf []violation) (string, []violation) {
	if t.normalize || force {
		v = normalizeSpace(v, t.ws)
	}
	if !lexical(t.kind, v, val) {
		return v, append(buf, violation{"type", fmt.Sprintf("value %q is not a valid %s", v, builtinInfos[t.kind].name)})
	}
	if t.lengths.length >= 0 || t.lengths.minLength >= 0 || t.lengths.maxLength >= 0 {
		buf = t.checkLengths(v, val, buf)
	}
	if t.digits.total >= 0 || t.digits.fraction >= 0 || len(t.bounds) > 0 {
		buf = t.checkDecimal(v, &val.dec, buf)
	}
	if t.enum != nil {
		buf = t.checkEnum(v, val, buf)
	}
	if len(t.patterns) > 0 {
		buf = t.checkPatterns(v, buf)
	}
	return v, buf
}

// checkLengths checks the length facets against the facet length of a
// value: characters of the whitespace-normalized string, or octets of
// binary data. Characters are counted only when the byte length does not
// already decide: a string of n bytes has at most n characters and at
// least n/4 (rounded up), valid UTF-8 or not, and normalization never
// lengthens a string.
func (t *simpleType) checkLengths(v string, val *value, buf []violation) []violation {
	l := t.lengths
	n, unit := 0, "characters"
	if builtinInfos[t.kind].family == famBinary {
		n, unit = val.octets, "bytes"
	} else {
		if l.length < 0 && l.minLength < 0 && len(v) <= l.maxLength {
			return buf
		}
		if !t.normalize && t.ws != wsPreserve {
			v = normalizeSpace(v, t.ws)
		}
		if l.length < 0 && (l.maxLength < 0 || len(v) <= l.maxLength) && (len(v)+3)/4 >= l.minLength {
			return buf
		}
		n = runeCount(v)
	}
	if l.length >= 0 && n != l.length {
		buf = append(buf, violation{"length", fmt.Sprintf("value has %d %s; exactly %d required", n, unit, l.length)})
	}
	if l.minLength >= 0 && n < l.minLength {
		buf = append(buf, violation{"minLength", fmt.Sprintf("value has %d %s; at least %d required", n, unit, l.minLength)})
	}
	if l.maxLength >= 0 && n > l.maxLength {
		buf = append(buf, violation{"maxLength", fmt.Sprintf("value has %d %s; at most %d allowed", n, unit, l.maxLength)})
	}
	return buf
}

// runeCount is utf8.RuneCountInString (an invalid byte counts as one
// character), faster on CJK text: the three-byte sequences led by E1..EC
// are counted without a decode, as they are valid whenever well formed.
func runeCount(s string) int {
	n := 0
	for i := 0; i < len(s); n++ {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			i++
		case c >= 0xE1 && c <= 0xEC && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			i += 3
		default:
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
		}
	}
	return n
}

func (t *simpleType) checkDecimal(v string, d *decValue, buf []violation) []violation {
	if t.digits.total >= 0 && d.digits > t.digits.total {
		buf = append(buf, violation{"totalDigits", fmt.Sprintf("value %q has %d digits; at most %d allowed", v, d.digits, t.digits.total)})
	}
	if t.digits.fraction >= 0 && d.fracDigits > t.digits.fraction {
		buf = append(buf, violation{"fractionDigits", fmt.Sprintf("value %q has %d fraction digits; at most %d allowed", v, d.fracDigits, t.digits.fraction)})
	}
	for _, b := range t.bounds {
		if !b.allows(d.cmp(b.val)) {
			buf = append(buf, violation{b.rule, fmt.Sprintf("value %q is out of range: %s is %s", v, b.rule, b.src)})
		}
	}
	return buf
}

func (t *simpleType) checkEnum(v string, val *value, buf []violation) []violation {
	for _, e := range t.enum {
		if sameValue(t.kind, val, v, e) {
			return buf
		}
	}
	return append(buf, violation{"enumeration", fmt.Sprintf("value %q is not one of %s", v, quoteList(t.enumSrc, 10))})
}

// sameValue compares an instance value with an enumeration value in the
// value space of the built-in kind.
func sameValue(k builtinKind, val *value, v string, e value) bool {
	switch builtinInfos[k].family {
	case famDecimal:
		return val.dec.cmp(e.dec) == 0
	case famBoolean:
		return val.b == e.b
	case famBinary:
		return val.octets == e.octets && base64Canonical(v) == e.str
	}
	return v == e.str
}

func (t *simpleType) checkPatterns(v string, buf []violation) []violation {
	for _, step := range t.patterns {
		matched := false
		for _, p := range step {
			if p.match(v) {
				matched = true
				break
			}
		}
		if !matched {
			srcs := make([]string, len(step))
			for i, p := range step {
				srcs[i] = p.src
			}
			return append(buf, violation{"pattern", fmt.Sprintf("value %q does not match pattern %s", v, strings.Join(srcs, " | "))})
		}
	}
	return buf
}

// normalizeSpace applies a whiteSpace facet as libxml2 does (blanks are
// space, tab, newline and carriage return). It allocates only on change.
func normalizeSpace(v string, ws whiteSpace) string {
	switch ws {
	case wsReplace:
		if strings.ContainsAny(v, "\t\n\r") {
			return strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, v)
		}
	case wsCollapse:
		if !collapsed(v) {
			return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r < 0x80 && isBlank(byte(r)) }), " ")
		}
	}
	return v
}

// collapsed reports whether v is already in collapsed form.
func collapsed(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\t' || c == '\n' || c == '\r':
			return false
		case c == ' ' && (i == 0 || i == len(v)-1 || v[i+1] == ' '):
			return false
		}
	}
	return true
}

// quoteList renders up to n values as "a", "b", ... for messages.
func quoteList(vals []string, n int) string {
	var b strings.Builder
	for i, s := range vals {
		if i == n {
			fmt.Fprintf(&b, ", ... (%d in all)", len(vals))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", s)
	}
	return b.String()
}
