package xsd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// simpleContent checks the text of an element of simple type: its
// character data and CDATA sections, without comments and processing
// instructions. Child elements are not allowed.
func (v *validator) simpleContent(el *etree.Element, t *simpleType) {
	text, single := "", true
	var b strings.Builder
	for _, tok := range el.Child {
		switch c := tok.(type) {
		case *etree.CharData:
			if single && text == "" {
				text = c.Data
				continue
			}
			if single {
				b.WriteString(text)
				single = false
			}
			b.WriteString(c.Data)
		case *etree.Element:
			v.childNotAllowed(c, "element %s has simple content (%s)", el.Tag, t.describe())
			return
		}
	}
	if !single {
		text = b.String()
	}
	v.viol = t.check(text, v.viol[:0])
	for _, vi := range v.viol {
		v.report(vi.rule, text, "%s", vi.msg)
	}
}

// childNotAllowed reports a child element where none may be.
func (v *validator) childNotAllowed(c *etree.Element, format string, args ...any) {
	v.path = append(v.path, step{el: c, local: c.Tag})
	v.report("unexpected", c.Tag, "element %s is not allowed here: "+format, append([]any{c.Tag}, args...)...)
	v.path = v.path[:len(v.path)-1]
}

// emptyContent checks an element whose complex type has no content: not
// even whitespace is allowed (as in libxml2).
func (v *validator) emptyContent(el *etree.Element) {
	for _, tok := range el.Child {
		switch c := tok.(type) {
		case *etree.CharData:
			v.report("text", snippet(c.Data), "element %s must be empty, found text %q", el.Tag, snippet(c.Data))
			return
		case *etree.Element:
			v.childNotAllowed(c, "element %s must be empty", el.Tag)
			return
		}
	}
}

// snippet shortens text for messages.
func snippet(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		i := 40
		for i > 0 && s[i]&0xC0 == 0x80 {
			i--
		}
		s = s[:i] + "..."
	}
	return s
}

// laxChildren walks the content of an xsd:anyType element: text and any
// elements are allowed, and elements with a global declaration are
// validated against it.
func (v *validator) laxChildren(el *etree.Element) {
	for _, tok := range el.Child {
		c, ok := tok.(*etree.Element)
		if !ok {
			continue
		}
		mark := v.pushBindings(c)
		if decl := v.s.globals[v.elemName(c)]; decl != nil {
			v.element(c, decl, false)
		} else {
			v.path = append(v.path, step{el: c, local: c.Tag})
			v.laxChildren(c)
			v.path = v.path[:len(v.path)-1]
		}
		v.ns = v.ns[:mark]
	}
}

// matcherAt returns the matcher for the current depth.
func (v *validator) matcherAt(depth int) *matcher {
	for len(v.ms) <= depth {
		v.ms = append(v.ms, &matcher{work: make([]frame, 0, 16)})
	}
	return v.ms[depth]
}

// elementOnly checks the children of an element with element-only
// content: no text but whitespace, and child elements in an order the
// content model accepts. It reports every problem and carries on.
func (v *validator) elementOnly(el *etree.Element, ct *complexType) {
	m := v.matcherAt(v.depth)
	v.depth++
	defer func() { v.depth-- }()
	fast := ct.flat
	if fast {
		m.fast.reset(ct.content)
	} else {
		m.reset(ct.top)
	}
	textReported := false
	for i, tok := range el.Child {
		c, ok := tok.(*etree.Element)
		if !ok {
			if cd, isText := tok.(*etree.CharData); isText && !textReported && (cd.IsCData() || !blank(cd.Data)) {
				v.report("text", snippet(cd.Data), "element %s may only contain elements, found text %q", el.Tag, snippet(cd.Data))
				textReported = true
			}
			continue
		}
		mark := v.pushBindings(c)
		name := v.elemName(c)
		if fast {
			if leaf := m.fast.step(name); leaf != nil {
				v.element(c, leaf.elem, leaf.repeats)
				v.ns = v.ns[:mark]
				continue
			}
			m.fast.handOver(m, ct.top)
			fast = false
		}
		v.child(m, el, i, c, name)
		v.ns = v.ns[:mark]
	}
	if fast {
		if m.fast.atEnd() {
			return
		}
		m.fast.handOver(m, ct.top)
	}
	if !m.atEnd() {
		v.reportMissing(m.missing(), el, len(el.Child))
	}
}

func blank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isBlank(s[i]) {
			return false
		}
	}
	return true
}

// child matches one child element and validates it.
func (v *validator) child(m *matcher, parent *etree.Element, i int, c *etree.Element, name qname) {
	if leaf := m.step(name); leaf != nil {
		v.matched(c, name, leaf)
		return
	}
	skips, found := m.recoverTo(name)
	if found && !presentLater(skips, parent, i) {
		v.reportMissing(skips, parent, i)
		v.matched(c, name, m.jump())
		return
	}
	v.unexpected(m, c, name)
}

// matched validates a child that the leaf particle accepted.
func (v *validator) matched(c *etree.Element, name qname, leaf *particle) {
	if leaf.kind == pElement {
		v.element(c, leaf.elem, leaf.repeats)
		return
	}
	decl := v.s.globals[name]
	switch {
	case leaf.wild.process == "skip":
	case decl != nil:
		v.element(c, decl, leaf.repeats)
	case leaf.wild.process == "strict":
		v.path = append(v.path, step{el: c, local: c.Tag, repeats: leaf.repeats})
		v.report("unexpected", c.Tag, "element %s has no declaration, which the strict wildcard requires", describeName(name))
		v.path = v.path[:len(v.path)-1]
	}
}

// presentLater reports whether a required element passed over by a
// recovery occurs among the later siblings: then the current child is out
// of order rather than the skipped one missing.
func presentLater(skips []skip, parent *etree.Element, i int) bool {
	for _, s := range skips {
		for _, l := range requiredLeaves(s.p) {
			if l.kind != pElement {
				continue
			}
			for _, tok := range parent.Child[i+1:] {
				if e, ok := tok.(*etree.Element); ok && e.Tag == l.elem.name.local {
					return true
				}
			}
		}
	}
	return false
}

// requiredLeaves lists the leaves that an occurrence of p needs (for a
// choice, its first branch).
func requiredLeaves(p *particle) []*particle {
	switch p.kind {
	case pElement, pAny:
		return []*particle{p}
	case pChoice:
		if len(p.kids) == 0 {
			return nil
		}
		return requiredLeaves(p.kids[0])
	}
	var out []*particle
	for _, k := range p.kids {
		if !k.nullable {
			out = append(out, requiredLeaves(k)...)
		}
	}
	return out
}

// unexpected reports a child the content model does not allow here, and
// still validates it when the model declares an element of that name.
func (v *validator) unexpected(m *matcher, c *etree.Element, name qname) {
	v.path = append(v.path, step{el: c, local: c.Tag})
	v.report("unexpected", c.Tag, "%s", v.unexpectedMessage(m, c, name))
	v.path = v.path[:len(v.path)-1]
	if d := findDecl(m.root, name); d != nil {
		v.element(c, d.elem, d.repeats)
	}
}

// unexpectedMessage explains why a child is not allowed.
func (v *validator) unexpectedMessage(m *matcher, c *etree.Element, name qname) string {
	expected := expectedNames(m)
	if d := findDecl(m.root, name); d != nil {
		if d.max != unbounded && countBefore(c) >= d.max {
			return fmt.Sprintf("too many %s elements: at most %d allowed", c.Tag, d.max)
		}
		return fmt.Sprintf("expected %s here, found %s (out of order)", expected, c.Tag)
	}
	if d := findLocal(m.root, name.local); d != nil {
		return fmt.Sprintf("element %s is in the wrong namespace: found %q, expected %q", c.Tag, name.ns, d.elem.name.ns)
	}
	return fmt.Sprintf("expected %s here, found %s, which is not declared in this context", expected, c.Tag)
}

// countBefore counts the earlier siblings with the same local name.
func countBefore(c *etree.Element) int {
	n, _ := siblingIndex(c)
	return n - 1
}

// expectedNames lists what may come next, for messages.
func expectedNames(m *matcher) string {
	var names []string
	for _, p := range nextLeaves(m) {
		if !slices.Contains(names, p.label()) {
			names = append(names, p.label())
		}
	}
	end := m.atEnd()
	switch {
	case len(names) == 0:
		return "no more elements"
	case end:
		return "element " + strings.Join(names, " or ") + " or no more elements"
	}
	return "element " + strings.Join(names, " or ")
}

// reportMissing reports required content passed over; parent.Child[:before]
// are the children already seen.
func (v *validator) reportMissing(skips []skip, parent *etree.Element, before int) {
	for _, s := range skips {
		if s.have >= 0 {
			v.errs = append(v.errs, Error{Path: v.childPath(s.p.label(), s.p.repeats, s.have+1), Rule: "missing",
				Message: fmt.Sprintf("element %s occurs %d times; at least %d required", s.p.label(), s.have, s.p.min)})
			continue
		}
		leaves := requiredLeaves(s.p)
		if s.p.kind == pChoice {
			leaves = leaves[:min(len(leaves), 1)]
		}
		for _, l := range leaves {
			msg := fmt.Sprintf("required element %s is missing", l.label())
			switch {
			case s.p.kind == pChoice:
				msg = fmt.Sprintf("required element is missing: one of %s", strings.Join(choiceLabels(s.p), ", "))
			case l.kind == pElement && presentBefore(parent, before, l.elem.name.local):
				msg = fmt.Sprintf("element %s is missing here (it occurs earlier, out of order)", l.label())
			}
			v.errs = append(v.errs, Error{Path: v.childPath(l.label(), l.repeats, 1), Rule: "missing", Message: msg})
		}
	}
}

// presentBefore reports whether parent.Child[:before] has an element local.
func presentBefore(parent *etree.Element, before int, local string) bool {
	for _, tok := range parent.Child[:before] {
		if e, ok := tok.(*etree.Element); ok && e.Tag == local {
			return true
		}
	}
	return false
}

// choiceLabels names the first element of each branch of a choice.
func choiceLabels(p *particle) []string {
	var out []string
	for _, k := range p.kids {
		if l := requiredLeaves(k); len(l) > 0 {
			out = append(out, l[0].label())
		}
	}
	return out
}

// findDecl finds the element particle of a model that declares name.
func findDecl(p *particle, name qname) *particle {
	if p.kind == pElement && p.elem.name == name {
		return p
	}
	for _, k := range p.kids {
		if d := findDecl(k, name); d != nil {
			return d
		}
	}
	return nil
}

// findLocal finds an element particle by local name only.
func findLocal(p *particle, local string) *particle {
	if p.kind == pElement && p.elem.name.local == local {
		return p
	}
	for _, k := range p.kids {
		if d := findLocal(k, local); d != nil {
			return d
		}
	}
	return nil
}
