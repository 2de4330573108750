package xsd

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// This file parses XML Schema regular expressions exactly as libxml2 2.9
// (xmlregexp.c) does, quirks included, so that a pattern accepts the same
// values here as under xmllint:
//   - '{', '}', '^', '$' and '-' are ordinary characters outside a class, and
//     a quantifier may follow an atom only once ("a{1}{2}" is "a" followed by
//     the characters "{2}");
//   - "{n,0}" means "{n}", and "{n,m}" with n > m matches nothing;
//   - inside a class a '-' that neither starts the class nor ends it nor
//     forms a range is dropped ("[a-c-e]" is {a,b,c,e});
//   - "[^...]" inside a subtraction flips to a union ("[a-z-[^aeiou]]" is
//     [a-z] ∪ [aeiou]), and "\P{X}" inside a class means "\p{X}";
//   - character classes use libxml2's Unicode 4.0.1 tables (unicode_tables.go).

// reNode is an atom: a set of characters, or a parenthesized alternation.
type reNode struct {
	set  *runeSet     // for a character or class atom
	alts [][]*rePiece // for a group: its branches
}

// rePiece is an atom with its quantifier; max < 0 means unbounded.
type rePiece struct {
	atom     *reNode
	min, max int
}

// reParser holds the state of one parse; err is the first error.
type reParser struct {
	s   string
	pos int
	neg int // 0, 1 (inside [^...]) or 2 (inside a subtraction)
	err error

	// ranges collects the entries of the class being parsed.
	ranges []classEntry
}

// classEntry is one range of a character class with libxml2's neg flag.
type classEntry struct {
	set *runeSet
	neg int
}

// errBlockEscape reports \p{IsBlock}, which this package does not support.
var errBlockEscape = errors.New(`block escapes \p{IsX} are not supported`)

// parseRegex parses an XML Schema regular expression into its branches.
func parseRegex(s string) ([][]*rePiece, error) {
	p := &reParser{s: s}
	alts := p.regExp()
	if p.err == nil && p.cur() != 0 {
		p.fail("extra characters at offset %d", p.pos)
	}
	if p.err != nil {
		return nil, fmt.Errorf("pattern %q: %w", s, p.err)
	}
	return alts, nil
}

func (p *reParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

// cur returns the byte at the cursor, 0 at the end (libxml2's CUR).
func (p *reParser) cur() byte { return p.at(p.pos) }

func (p *reParser) at(i int) byte {
	if i < 0 || i >= len(p.s) {
		return 0
	}
	return p.s[i]
}

// curRune decodes the character at the cursor (libxml2's CUR_SCHAR).
func (p *reParser) curRune() (rune, int) {
	if p.pos >= len(p.s) {
		return 0, 0
	}
	return utf8.DecodeRuneInString(p.s[p.pos:])
}

// regExp parses branch ('|' branch)*.
func (p *reParser) regExp() [][]*rePiece {
	alts := [][]*rePiece{p.branch()}
	for p.cur() == '|' && p.err == nil {
		p.pos++
		alts = append(alts, p.branch())
	}
	return alts
}

// branch parses piece*.
func (p *reParser) branch() []*rePiece {
	var pieces []*rePiece
	for p.err == nil {
		atom := p.atom()
		if atom == nil {
			break
		}
		piece := &rePiece{atom: atom, min: 1, max: 1}
		p.quantifier(piece)
		pieces = append(pieces, piece)
	}
	return pieces
}

// atom parses Char | charClass | '(' regExp ')'; nil means no atom here.
func (p *reParser) atom() *reNode {
	switch c := p.cur(); c {
	case 0, '|', ')':
		return nil
	case '(':
		p.pos++
		alts := p.regExp()
		if p.cur() == ')' {
			p.pos++
		} else {
			p.fail("expecting ')'")
		}
		return &reNode{alts: alts}
	case '[':
		return p.charClassExpr()
	case '\\', '.':
		return p.standaloneEscape()
	case '?', '*', '+', ']':
		return nil
	}
	r, n := p.curRune()
	p.pos += n
	return &reNode{set: newRuneSet([]runeRange{{r, r}})}
}

// quantifier parses [?*+] | '{' n (',' m?)? '}'.
func (p *reParser) quantifier(piece *rePiece) {
	switch p.cur() {
	case '?':
		piece.min, piece.max = 0, 1
	case '*':
		piece.min, piece.max = 0, -1
	case '+':
		piece.min, piece.max = 1, -1
	case '{':
		p.pos++
		p.counted(piece)
		return
	default:
		return
	}
	p.pos++
}

// counted parses the inside of {n}, {n,} and {n,m} like libxml2 2.9.14.
func (p *reParser) counted(piece *rePiece) {
	lo, ok := p.quantExact()
	if !ok {
		p.fail("improper quantifier")
	}
	hi := 0
	if p.cur() == ',' {
		p.pos++
		if p.cur() == '}' {
			hi = -1
		} else if n, ok := p.quantExact(); ok {
			hi = n
		} else {
			p.fail("improper quantifier")
		}
	}
	if p.cur() == '}' {
		p.pos++
	} else {
		p.fail("unterminated quantifier")
	}
	if hi == 0 {
		hi = lo
	}
	piece.min, piece.max = lo, hi
}

// quantExact parses [0-9]+ without overflow.
func (p *reParser) quantExact() (int, bool) {
	n, ok, overflow := 0, false, false
	for c := p.cur(); c >= '0' && c <= '9'; c = p.cur() {
		d := int(c - '0')
		if n > (math.MaxInt32-d)/10 {
			overflow = true
		} else {
			n = n*10 + d
		}
		ok = true
		p.pos++
	}
	return n, ok && !overflow
}

// standaloneEscape parses '.' or a backslash escape outside a class.
func (p *reParser) standaloneEscape() *reNode {
	if p.cur() == '.' {
		p.pos++
		return &reNode{set: anyCharSet()}
	}
	set, negated := p.escape()
	if set == nil {
		return &reNode{set: newRuneSet(nil)}
	}
	if negated {
		set = set.complement()
	}
	return &reNode{set: set}
}

// escape parses a backslash escape; negated is true for \P{..}, whose
// negation libxml2 applies only outside a class.
func (p *reParser) escape() (set *runeSet, negated bool) {
	p.pos++ // the backslash
	c := p.cur()
	switch c {
	case 'p', 'P':
		p.pos++
		if p.cur() != '{' {
			p.fail("expecting '{' after \\%c", c)
			return nil, false
		}
		p.pos++
		set = p.charProp()
		if p.cur() != '}' {
			p.fail("expecting '}' in \\%c{...}", c)
			return nil, false
		}
		p.pos++
		return set, c == 'P'
	case 'n', 'r', 't', '\\', '|', '.', '?', '*', '+', '(', ')', '{', '}', '-', '[', ']', '^':
		p.pos++
		r := rune(singleEscape(c))
		return newRuneSet([]runeRange{{r, r}}), false
	case 's', 'S', 'i', 'I', 'c', 'C', 'd', 'D', 'w', 'W':
		p.pos++
		return multiCharEscape(c), false
	}
	p.fail("wrong escape sequence \\%c", c)
	return nil, false
}

// singleEscape maps the letter after a backslash to its character.
func singleEscape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c
}

// multiCharEscape returns the set of \s \S \i \I \c \C \d \D \w \W.
func multiCharEscape(c byte) *runeSet {
	name := map[byte]string{'s': "space", 'i': "initname", 'c': "namechar", 'd': "digit", 'w': "nonword",
		'S': "space", 'I': "initname", 'C': "namechar", 'D': "digit", 'W': "nonword"}[c]
	set, _ := libxmlClass(name)
	if c == 'w' || c == 'W' {
		set = set.complement() // the table lists what \w does not match
	}
	if c < 'a' { // \S \I \C \D \W
		set = set.complement()
	}
	return set
}

// charProp parses a category name (L, Lu, ..., Cn) or IsBlock.
func (p *reParser) charProp() *runeSet {
	c := p.cur()
	subs := map[byte]string{'L': "ultmo", 'M': "nce", 'N': "dlo", 'P': "cdseifo", 'Z': "slp", 'S': "mcko", 'C': "cfon"}
	if c == 'I' && p.at(p.pos+1) == 's' {
		p.fail("%w", errBlockEscape)
		return nil
	}
	letters, ok := subs[c]
	if !ok {
		p.fail("unknown character property starting %q", c)
		return nil
	}
	p.pos++
	name := string(c)
	if d := p.cur(); d != 0 && containsByte(letters, d) {
		name += string(d)
		p.pos++
	}
	set, _ := libxmlClass(name)
	return set
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// anyCharSet is '.': every character except newline and carriage return.
func anyCharSet() *runeSet {
	return newRuneSet([]runeRange{{0, '\n' - 1}, {'\n' + 1, '\r' - 1}, {'\r' + 1, maxRune}})
}
