package xsd

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pattern is one compiled xsd:pattern facet. Patterns that are
// alternations of plain sequences of character sets (the usual "\d{8}",
// "[A-Z]{2}\d{8}", "[0-9]*", date patterns with small groups) run on a
// direct matcher; everything else runs on Go's regexp (linear time).
type pattern struct {
	src  string
	fast []seqMatcher // alternatives; used when non-nil
	re   *regexp.Regexp
}

// seqMatcher matches a sequence of counted character sets, greedily; it is
// only built when greedy matching is exact (see greedySafe).
type seqMatcher []seqItem

type seqItem struct {
	set      *runeSet
	min, max int // max < 0: unbounded
}

// maxFastBranches bounds the expansion of groups into alternatives.
const maxFastBranches = 64

// compilePattern parses and compiles an XML Schema regular expression.
func compilePattern(src string) (*pattern, error) {
	alts, err := parseRegex(src)
	if err != nil {
		return nil, err
	}
	p := &pattern{src: src}
	if fast, ok := fastMatchers(alts); ok {
		p.fast = fast
		return p, nil
	}
	re, err := regexp.Compile(`\A(?:` + goRegex(alts) + `)\z`)
	if err != nil {
		return nil, fmt.Errorf("pattern %q is beyond this validator (%v)", src, err)
	}
	p.re = re
	return p, nil
}

// match reports whether the whole of s matches.
func (p *pattern) match(s string) bool {
	if p.fast == nil {
		return p.re.MatchString(s)
	}
	for _, m := range p.fast {
		if m.match(s) {
			return true
		}
	}
	return false
}

func (m seqMatcher) match(s string) bool {
	i := 0
	for _, it := range m {
		n := 0
		for (it.max < 0 || n < it.max) && i < len(s) {
			c, size := rune(s[i]), 1
			if c >= utf8.RuneSelf {
				c, size = utf8.DecodeRuneInString(s[i:])
			}
			if !it.set.contains(c) {
				break
			}
			i += size
			n++
		}
		if n < it.min {
			return false
		}
	}
	return i == len(s)
}

// fastMatchers flattens alts into plain sequences if every piece is a set
// or a once-only group of such sequences, and greedy matching is exact.
func fastMatchers(alts [][]*rePiece) ([]seqMatcher, bool) {
	var out []seqMatcher
	for _, branch := range alts {
		seqs, ok := flattenBranch(branch)
		if !ok || len(out)+len(seqs) > maxFastBranches {
			return nil, false
		}
		out = append(out, seqs...)
	}
	for _, m := range out {
		if !greedySafe(m) {
			return nil, false
		}
	}
	return out, true
}

// flattenBranch expands the groups of a branch into plain sequences.
func flattenBranch(branch []*rePiece) ([]seqMatcher, bool) {
	seqs := []seqMatcher{nil}
	for _, piece := range branch {
		if piece.atom.set != nil {
			for i := range seqs {
				seqs[i] = append(seqs[i], seqItem{piece.atom.set, piece.min, piece.max})
			}
			continue
		}
		if piece.min != 1 || piece.max != 1 {
			return nil, false
		}
		var inner []seqMatcher
		for _, alt := range piece.atom.alts {
			sub, ok := flattenBranch(alt)
			if !ok {
				return nil, false
			}
			inner = append(inner, sub...)
		}
		if len(seqs)*len(inner) > maxFastBranches {
			return nil, false
		}
		var next []seqMatcher
		for _, s := range seqs {
			for _, t := range inner {
				next = append(next, append(append(seqMatcher(nil), s...), t...))
			}
		}
		seqs = next
	}
	return seqs, true
}

// greedySafe reports whether taking as many characters as possible for
// each item is exact: every item of variable length must share no
// character with the items after it. An item with min > max never matches,
// which the matcher handles by failing its min check.
func greedySafe(m seqMatcher) bool {
	later := newRuneSet(nil)
	for i := len(m) - 1; i >= 0; i-- {
		it := m[i]
		if it.min > it.max && it.max >= 0 {
			continue
		}
		if it.min != it.max && !it.set.intersect(later).empty() {
			return false
		}
		later = later.union(it.set)
	}
	return true
}

// goRegex renders alternatives in Go regexp syntax.
func goRegex(alts [][]*rePiece) string {
	parts := make([]string, len(alts))
	for i, branch := range alts {
		var b strings.Builder
		for _, piece := range branch {
			b.WriteString(goPiece(piece))
		}
		parts[i] = b.String()
	}
	return strings.Join(parts, "|")
}

func goPiece(piece *rePiece) string {
	atom := "(?:" + goRegex(piece.atom.alts) + ")"
	if piece.atom.set != nil {
		atom = piece.atom.set.goClass()
	}
	switch {
	case piece.max >= 0 && piece.min > piece.max:
		return newRuneSet(nil).goClass() // never matches, like libxml2
	case piece.min == 1 && piece.max == 1:
		return atom
	case piece.max < 0:
		return atom + "{" + strconv.Itoa(piece.min) + ",}"
	}
	return atom + "{" + strconv.Itoa(piece.min) + "," + strconv.Itoa(piece.max) + "}"
}
