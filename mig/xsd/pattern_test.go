package xsd

import (
	"regexp"
	"strings"
	"testing"
)

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{`\d{8}`, []string{"12345678", "١٢٣٤٥٦٧٨", "１２３４５６７８"}, []string{"1234567", "123456789", "߀߁߂߃߄߅߆߇"}},
		{`[A-Z]{2}\d{8}`, []string{"AB12345678"}, []string{"ab12345678", "AB1234567"}},
		{`\d{3}0[2|4|6|8]|\d{3}1[0|2]`, []string{"11302", "11312", "1130|"}, []string{"11303", "11311"}},
		{`^a$`, []string{"^a$"}, []string{"a"}},
		{`[a-z-[aeiou]]+`, []string{"bcd"}, []string{"bad"}},
		{`[a-z-[^aeiou]]`, []string{"a", "b"}, []string{"1"}}, // libxml2: a union
		{`[a-c-e]`, []string{"a", "e"}, []string{"d", "-"}},   // the middle '-' is dropped
		{`[\P{L}]`, []string{"a"}, []string{"1"}},             // \P inside a class acts as \p
		{`\P{L}`, []string{"1"}, []string{"a"}},
		{`\p{Lo}`, []string{"\u4e00", "\u9fa5"}, []string{"中"}}, // only the ends of the CJK range
		{`\w`, []string{"a", "中", "1", "¢"}, []string{"_", "-", " ", "‿"}},
		{`\i\c*`, []string{"abc", "_a", ":a"}, []string{"1a"}},
		{`.`, []string{"a", "\t"}, []string{"\n", "\r"}},
		{`a{1}{2}`, []string{"a{2}"}, []string{"aaa"}},
		{`a{3,0}`, []string{"aaa"}, []string{"a"}},
		{`a{2,1}`, nil, []string{"", "a", "aa"}},
		{`(a|b)*c`, []string{"c", "ababc"}, []string{"abab"}},
		{``, []string{""}, []string{"a"}},
		{`[0-9][0-9][0-9][0-9]((0[1-9]|1[0-2]))((0[1-9]|[1-2][0-9])|(3[0-1]))`, []string{"20240131", "20241231"}, []string{"20241331", "20240132"}},
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			p, err := compilePattern(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range tc.match {
				if !p.match(v) {
					t.Errorf("%q does not match", v)
				}
			}
			for _, v := range tc.noMatch {
				if p.match(v) {
					t.Errorf("%q matches", v)
				}
			}
		})
	}
}

func TestPatternSyntaxErrors(t *testing.T) {
	for _, p := range []string{`a{,3}`, `a{}`, `a{3`, `a{1,2,3}`, `a]`, `a**`, `[a-\d]`, `[a[]`, `[z-a]`, `(?:a)`,
		`\b`, `\$`, `[^]`, `[]a]`, `[a-z-[b]c]`, `\p{Lx}`, `(a`, `a)`, `[a`, `\p{IsBasicLatin}`} {
		if _, err := compilePattern(p); err == nil {
			t.Errorf("compilePattern(%q) accepted", p)
		}
	}
}

// TestFastMatcherAgreesWithRegexp cross-checks the direct matcher with the
// Go regexp rendering of the same patterns.
func TestFastMatcherAgreesWithRegexp(t *testing.T) {
	values := []string{"", "1", "12", "AB12345678", "20240131", "a b", "中文", "aaa", "ab1", "9a"}
	for _, src := range []string{`\d{8}`, `[A-Z]{2}\d{8}`, `[0-9]*`, `[YN]`, `a*b?\d`, `[a-z]+\d{0,2}`, `\w\s\w`,
		`[0-9][0-9][0-9][0-9]((0[1-9]|1[0-2]))((0[1-9]|[1-2][0-9])|(3[0-1]))`, `\p{Lo}\p{Lo}|\d+`, `(a|ab)(c|bcd)`} {
		p, err := compilePattern(src)
		if err != nil {
			t.Fatal(err)
		}
		if p.fast == nil {
			t.Errorf("%s: no fast matcher", src)
			continue
		}
		alts, _ := parseRegex(src)
		re := regexp.MustCompile(`\A(?:` + goRegex(alts) + `)\z`)
		for _, v := range values {
			if p.match(v) != re.MatchString(v) {
				t.Errorf("%s on %q: fast %v, regexp %v", src, v, p.match(v), re.MatchString(v))
			}
		}
	}
}

func TestGreedyUnsafePatternsUseRegexp(t *testing.T) {
	for _, src := range []string{`[0-9]*[0-9]`, `a*a`, `(a|b)*c`} {
		p, err := compilePattern(src)
		if err != nil {
			t.Fatal(err)
		}
		if p.fast != nil {
			t.Errorf("%s: a greedy matcher would be wrong", src)
		}
	}
	p, _ := compilePattern(`[0-9]*[0-9]`)
	if !p.match(strings.Repeat("7", 5)) {
		t.Error("[0-9]*[0-9] does not match 77777")
	}
}
