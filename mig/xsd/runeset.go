package xsd

//go:generate go run gen_unicode.go

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// maxRune is the largest code point a set can hold.
const maxRune = 0x10FFFF

// runeRange is the closed interval lo..hi.
type runeRange struct{ lo, hi rune }

// runeSet is a set of code points as sorted, disjoint, non-adjacent ranges,
// with a bitmap for ASCII so the common case needs no search.
type runeSet struct {
	ranges []runeRange
	ascii  [2]uint64
}

// newRuneSet normalizes rs (sorts and merges) into a set.
func newRuneSet(rs []runeRange) *runeSet {
	sorted := append([]runeRange(nil), rs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].lo < sorted[j].lo })
	var out []runeRange
	for _, r := range sorted {
		if r.lo > r.hi {
			continue
		}
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	s := &runeSet{ranges: out}
	for _, r := range out {
		for c := r.lo; c <= r.hi && c < 128; c++ {
			s.ascii[c>>6] |= 1 << (c & 63)
		}
	}
	return s
}

// contains reports whether c is in the set.
func (s *runeSet) contains(c rune) bool {
	if c < 128 {
		return s.ascii[c>>6]&(1<<(c&63)) != 0
	}
	rs := s.ranges
	i := sort.Search(len(rs), func(i int) bool { return rs[i].hi >= c })
	return i < len(rs) && rs[i].lo <= c
}

// union returns s ∪ t.
func (s *runeSet) union(t *runeSet) *runeSet {
	return newRuneSet(append(append([]runeRange(nil), s.ranges...), t.ranges...))
}

// complement returns the code points 0..maxRune not in s.
func (s *runeSet) complement() *runeSet {
	var out []runeRange
	next := rune(0)
	for _, r := range s.ranges {
		if r.lo > next {
			out = append(out, runeRange{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= maxRune {
		out = append(out, runeRange{next, maxRune})
	}
	return newRuneSet(out)
}

// minus returns s \ t.
func (s *runeSet) minus(t *runeSet) *runeSet {
	return s.intersect(t.complement())
}

// intersect returns s ∩ t.
func (s *runeSet) intersect(t *runeSet) *runeSet {
	var out []runeRange
	i, j := 0, 0
	for i < len(s.ranges) && j < len(t.ranges) {
		a, b := s.ranges[i], t.ranges[j]
		lo, hi := max(a.lo, b.lo), min(a.hi, b.hi)
		if lo <= hi {
			out = append(out, runeRange{lo, hi})
		}
		if a.hi < b.hi {
			i++
		} else {
			j++
		}
	}
	return newRuneSet(out)
}

// empty reports whether the set has no members.
func (s *runeSet) empty() bool { return len(s.ranges) == 0 }

// goClass renders the set as a Go regexp character class.
func (s *runeSet) goClass() string {
	if s.empty() {
		return `[^\x00-\x{10FFFF}]`
	}
	var b strings.Builder
	b.WriteByte('[')
	for _, r := range s.ranges {
		fmt.Fprintf(&b, `\x{%X}`, r.lo)
		if r.hi != r.lo {
			fmt.Fprintf(&b, `-\x{%X}`, r.hi)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// classTables caches the parsed libxml2 character classes.
var classTables = struct {
	sync.Once
	sets map[string]*runeSet
}{}

// libxmlClass returns the named class of unicode_tables.go (a general
// category such as "Nd", or "digit", "nonword", "initname", "namechar",
// "space"); ok is false for an unknown name.
func libxmlClass(name string) (set *runeSet, ok bool) {
	classTables.Do(func() {
		classTables.sets = make(map[string]*runeSet, len(libxmlClasses))
		for n, spec := range libxmlClasses {
			classTables.sets[n] = parseRanges(spec)
		}
	})
	set, ok = classTables.sets[name]
	return set, ok
}

// parseRanges reads the "lo-hi lo-hi " hex form of unicode_tables.go.
func parseRanges(spec string) *runeSet {
	var rs []runeRange
	for _, f := range strings.Fields(spec) {
		lo, hi, _ := strings.Cut(f, "-")
		l, err1 := strconv.ParseUint(lo, 16, 32)
		h, err2 := strconv.ParseUint(hi, 16, 32)
		if err1 != nil || err2 != nil {
			panic("xsd: bad range in unicode_tables.go: " + f)
		}
		rs = append(rs, runeRange{rune(l), rune(h)})
	}
	return newRuneSet(rs)
}
