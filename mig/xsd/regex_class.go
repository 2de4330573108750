package xsd

import "unicode/utf8"

// charClassExpr parses '[' charGroup ']' into a set, with libxml2's
// matching rule for the collected entries: a character is excluded by any
// negated or subtracted entry, and included by any plain entry (or by the
// presence of a negated entry it is not in).
func (p *reParser) charClassExpr() *reNode {
	p.pos++ // '['
	saved := p.ranges
	p.ranges = nil
	p.charGroup()
	if p.cur() == ']' {
		p.pos++
	} else {
		p.fail("expecting ']' to close a character class")
	}
	set := classSet(p.ranges)
	p.ranges = saved
	return &reNode{set: set}
}

// classSet evaluates the entries of one class.
func classSet(entries []classEntry) *runeSet {
	plain, neg1, neg2 := newRuneSet(nil), newRuneSet(nil), newRuneSet(nil)
	hasNeg1 := false
	for _, e := range entries {
		switch e.neg {
		case 0:
			plain = plain.union(e.set)
		case 1:
			neg1 = neg1.union(e.set)
			hasNeg1 = true
		default:
			neg2 = neg2.union(e.set)
		}
	}
	if hasNeg1 {
		plain = newRuneSet([]runeRange{{0, maxRune}})
	}
	return plain.minus(neg1).minus(neg2)
}

func (p *reParser) add(set *runeSet) {
	if set != nil {
		p.ranges = append(p.ranges, classEntry{set: set, neg: p.neg})
	}
}

// charGroup parses ('^')? posCharGroup ... ('-' '[' charGroup ']')?.
func (p *reParser) charGroup() {
	neg := p.neg
	if p.cur() == '^' {
		p.pos++
		p.neg = flip(p.neg)
		p.posCharGroup()
		p.neg = neg
	}
	for p.cur() != ']' && p.err == nil {
		if p.cur() == '-' && p.at(p.pos+1) == '[' {
			p.pos += 2
			p.neg = 2
			p.charGroup()
			p.neg = neg
			if p.cur() == ']' {
				p.pos++
			} else {
				p.fail("expecting ']' after a class subtraction")
			}
			break
		}
		p.posCharGroup()
	}
}

// flip is libxml2's "ctxt->neg = !ctxt->neg" (2 becomes 0).
func flip(neg int) int {
	if neg == 0 {
		return 1
	}
	return 0
}

// posCharGroup parses (charRange | charClassEsc)+.
func (p *reParser) posCharGroup() {
	for {
		if p.cur() == '\\' {
			set, _ := p.escape() // \P{X} inside a class acts as \p{X} in libxml2
			p.add(set)
		} else {
			p.charRange()
		}
		c := p.cur()
		if c == ']' || c == '-' || c == 0 || p.err != nil {
			return
		}
	}
}

// charRange parses a single character or a range c-d.
func (p *reParser) charRange() {
	c := p.cur()
	if c == 0 {
		p.fail("expecting ']'")
		return
	}
	if c == '[' || c == ']' {
		p.fail("expecting a character range")
		return
	}
	start, n := p.curRune()
	// A '-' that does not start the group and does not end it is dropped.
	if start == '-' && p.at(p.pos+1) != ']' && p.at(p.pos-1) != '[' && p.at(p.pos-1) != '^' {
		p.pos += n
		return
	}
	p.pos += n
	if p.cur() != '-' || p.at(p.pos+1) == ']' {
		p.add(newRuneSet([]runeRange{{start, start}}))
		return
	}
	p.pos++ // '-'
	end, ok := p.rangeEnd()
	if !ok {
		return
	}
	if end < start {
		p.fail("end of range %q is before its start %q", end, start)
		return
	}
	p.add(newRuneSet([]runeRange{{start, end}}))
}

// rangeEnd parses the character after '-' in a range, advancing past it.
func (p *reParser) rangeEnd() (rune, bool) {
	c := p.cur()
	if c == '\\' {
		e := p.at(p.pos + 1)
		switch e {
		case 'n', 'r', 't', '\\', '|', '.', '-', '^', '?', '*', '+', '{', '}', '(', ')', '[', ']':
			p.pos += 2
			return rune(singleEscape(e)), true
		}
		p.fail("invalid escape \\%c at the end of a range", e)
		return 0, false
	}
	if c == '[' || c == ']' || c == 0 {
		p.fail("expecting the end of a character range")
		return 0, false
	}
	r, n := utf8.DecodeRuneInString(p.s[p.pos:])
	p.pos += n
	return r, true
}
