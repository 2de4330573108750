package xsd

import (
	"math/rand"
	"strings"
	"testing"
)

// randomLexical builds strings over an alphabet, biased to the shapes of
// the lexical forms being probed.
func randomLexical(r *rand.Rand, alphabet string, maxLen int) string {
	var b strings.Builder
	for n := r.Intn(maxLen + 1); n > 0; n-- {
		c := alphabet[r.Intn(len(alphabet))]
		b.WriteByte(c)
	}
	return b.String()
}

// randomTime mutates a well-formed time at random positions.
func randomTime(r *rand.Rand) string {
	base := []byte([]string{"12:34:56", "23:59:59.5", "24:00:00", "00:00:00Z", "01:02:03+14:00", "09:08:07.123-05:30"}[r.Intn(6)])
	for n := r.Intn(3); n > 0; n-- {
		base[r.Intn(len(base))] = "0123456789:.+-Z 5"[r.Intn(17)]
	}
	return string(base)
}

// TestXmllintRandomValues compares random lexical forms of decimals,
// integers and times under random facets with xmllint.
func TestXmllintRandomValues(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	var decimals, integers, times []string
	for i := 0; i < 400; i++ {
		decimals = append(decimals, randomLexical(r, "0123456789..-+ 00", 9))
		integers = append(integers, randomLexical(r, "0123456789-+ 0", 21))
		times = append(times, randomTime(r))
	}
	facets := []string{"", `<xs:totalDigits value="3"/>`, `<xs:fractionDigits value="1"/>`, `<xs:minInclusive value="-1.5"/>`,
		`<xs:maxExclusive value="100"/>`, `<xs:pattern value="[\-+]?\d*\.?\d*"/>`, enums("0", "1.5", "-2", "0.010")}
	var suites []oracleSuite
	for _, f := range facets {
		suites = append(suites, valueSuite("random decimal "+f, "xs:decimal", f, decimals))
	}
	for _, base := range []string{"xs:integer", "xs:long", "xs:int", "xs:nonNegativeInteger", "xs:positiveInteger"} {
		suites = append(suites, valueSuite("random "+base, base, "", integers),
			valueSuite("random "+base+" digits", base, `<xs:totalDigits value="5"/><xs:maxInclusive value="99999"/>`, integers))
	}
	suites = append(suites, valueSuite("random time", "xs:time", "", times), valueSuite("random time pattern", "xs:time", `<xs:pattern value=".+"/>`, times))
	n := runOracle(t, suites)
	t.Logf("%d random values agree with xmllint", n)
}

// TestXmllintRandomPatterns compares random patterns over the regular
// expression metacharacters with xmllint: whether they compile, and what
// they match.
func TestXmllintRandomPatterns(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	const alphabet = `ab1-[]^\d\w.{}(),|?*+02`
	values := []string{"", "a", "b", "ab", "a1", "1", "-", "[", "^", "aa", "ab1", "{", "}", ",", "a{1}", "12", "a-b", "ba", "(", "?", "|"}
	var suites []oracleSuite
	for i := 0; i < 200; i++ {
		var b strings.Builder
		for n := 1 + r.Intn(10); n > 0; n-- {
			if c := alphabet[r.Intn(len(alphabet))]; c != '\\' {
				b.WriteByte(c)
				continue
			}
			b.WriteString(`\` + string(`dwsSDnt-[]{}.\|iIcC`[r.Intn(19)]))
		}
		p := b.String()
		esc := strings.NewReplacer(`&`, `&amp;`, `"`, `&quot;`, `<`, `&lt;`).Replace(p)
		suites = append(suites, valueSuite("pattern "+p, "xs:string", `<xs:pattern value="`+esc+`"/>`, values))
	}
	n := runOracle(t, suites)
	t.Logf("%d random pattern instances agree with xmllint", n)
}
