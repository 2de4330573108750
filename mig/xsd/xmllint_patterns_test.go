package xsd

import "strings"

// patternValues are tried against every pattern of patternSuites.
var patternValues = []string{
	"", "a", "b", "z", "A", "Z", "0", "5", "9", "12", "123", "12345678", "AB12345678", "ab12345678", "A12345678",
	"١٢٣", "１２３", "߀", "᥆", "𝟎", "०१", "中", "中文", "𠀀", "_", "-", ".", " ", "\t", "&#10;", "&#13;", "|", "^",
	"$", "{", "}", "[", "]", "(", ")", "*", "+", "?", "\\", "a{2}", "aa", "aaa", "aaaa", "ab", "abc", "abab",
	"ababc", "20240131", "20241331", "20240230", "11302", "11312", "11304", "1130|", "Y", "N", "YN", "*", "é",
	"e\u0301", "¢", "‿", "Ⅻ", "½", "a-b", "a b", ":a", "_a", "1a", "x:y", "1-", "a1", "a1b2", "*?",
}

// patterns covers the XML Schema regular expression syntax and libxml2's
// reading of it.
var patterns = []string{
	`\d`, `\d+`, `\d{8}`, `[A-Z]{2}\d{8}`, `[0-9]*`, `[0-9][0-9][0-9][0-9]`, `[YN]`, `[*]`, `[1-4]`,
	`[0-9][0-9][0-9][0-9]((0[1-9]|1[0-2]))((0[1-9]|[1-2][0-9])|(3[0-1]))`, `\d{3}0[2|4|6|8]|\d{3}1[0|2]`,
	`\D`, `\w`, `\W`, `\w+`, `\s`, `\S`, `\i`, `\c`, `\i\c*`, `\I`, `\C`, `.`, `.*`, `.+`, `\.`, `\-`, `\^`, `\\`,
	`\|`, `\{`, `\}`, `\(`, `\)`, `\[`, `\]`, `\*`, `\+`, `\?`, `\n`, `\t`, `\r`, `[\n\r\t]`, `^a$`, `a$`, `$`, `^`,
	`[a-z-[aeiou]]+`, `[a-z-[^aeiou]]`, `[^a-z-[aeiou]]`, `[\w-[a]]`, `[a-c-[b]]`, `[a-c-e]`, `[\s-\S]`, `[a-]`,
	`[-a]`, `[^-a]`, `[--a]`, `[a^b]`, `[^abc]`, `[.]`, `[\d-z]`, `[\P{L}]`, `[a\P{L}]`, `[\D]`, `[^\d]`, `[^\D]`,
	`[a-z-[]]`, `[]`, `[|]`, `[\-]`, `[\[\]]`, `a{0}`, `a{0,0}`, `a{2,1}`, `a{3,0}`, `a{1}{2}`, `a{2,}`, `a{1,3}`,
	`a*{2}`, `{2}`, `x{0}y`, `a|`, `|a`, `(a|)`, `()`, `(|)`, `x|y|`, `a}`, `}`, `{`, `(a|b)*c`, `(ab)+`, `(a{2}){2}`,
	`((a|b)c?)+`, `(a*)*`, `(a|ab)(c|bcd)`, `\p{L}`, `\p{Lu}`, `\p{Ll}`, `\p{Lo}`, `\p{Nd}`, `\p{N}`, `\p{Nl}`,
	`\p{No}`, `\p{P}`, `\p{Pc}`, `\p{Pd}`, `\p{S}`, `\p{Sc}`, `\p{Z}`, `\p{Zs}`, `\p{C}`, `\p{Cc}`, `\p{Cn}`,
	`\p{M}`, `\p{Mn}`, `\P{L}`, `\P{Nd}`, `\P{Cn}`, `[\p{L}\d]+`, `[^\p{L}]`, `[\p{Lu}\p{Nd}]{2}`, ``, `a b`,
	`[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}`, `(\d{2}:){2}\d{2}`, `[^\s]+`, `\p{Nd}+|\p{Lu}+`,
	// Patterns libxml2 refuses, so the schema does not compile.
	`a{,3}`, `a{}`, `a{3`, `a{1,2,3}`, `a]`, `a**`, `a?+`, `[a-\d]`, `[a[]`, `[z-a]`, `(?:a)`, `\b`, `\u0041`,
	`\x41`, `(a)\1`, `\$`, `[^]`, `[]a]`, `[a-z-[b]c]`, `[a-z-[a-c]-[x]]`, `[a--]`, `\p{Lx}`, `(a`, `a)`, `[a`,
}

func patternSuites() []oracleSuite {
	var suites []oracleSuite
	for _, p := range patterns {
		esc := strings.NewReplacer(`&`, `&amp;`, `"`, `&quot;`, `<`, `&lt;`).Replace(p)
		suites = append(suites, valueSuite("pattern "+p, "xs:string", `<xs:pattern value="`+esc+`"/>`, patternValues))
	}
	// Several patterns at one step are ORed.
	suites = append(suites, valueSuite("patterns ORed", "xs:string",
		`<xs:pattern value="\d{2}"/><xs:pattern value="[a-z]"/>`, patternValues))
	return suites
}
