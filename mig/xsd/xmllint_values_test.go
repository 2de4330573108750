package xsd

import (
	"fmt"
	"strings"
)

// Lexical edge cases per built-in type, compared with xmllint.

var decimalValues = []string{
	"0", "-0", "+0", "00", "0.0", "-0.0", "+.5", "-.5", ".5", "5.", "0.", "00.", ".", "-.", "+.", "-", "+", "",
	" ", "1", "12", "123", "1234", "0123", "000123", "1230", "123.0", "123.00", "12.3", "1.230", "1.2300",
	"0.001", "0.0001", ".001", "0.0000001", "0.00000001", "-0.0000001", "1.23456789", "1.2345678", "1234567.1234567",
	"12345678901234567890", "1234567890123456789.1", "123456789012345678901234", "1234567890123456789012345",
	"000000000000000000000000000001", "1.00000000000000000000000", "1.000000000000000000000000000",
	"12345678901234567890123.4", "123456789012345678901234.5", "0.00000000000000000000000001",
	" 12 ", "\t1\n", "&#10;1&#13;", "1 2", "1e5", "1E5", "1,0", "١٢", "１２", "0x1F", "--1", "+-1", "1.2.3",
	"0.050", "0.05", "-2.50", "-2.5", "+1.0", "100", "99.9999999", "-99.99999995", "3.14159",
}

var integerValues = []string{
	"0", "-0", "+0", "1", "-1", "+1", "007", "-007", "1.0", "1.", ".0", "", " 5 ", "\t5", "5\n", "1e3", "abc",
	"2147483647", "2147483648", "-2147483648", "-2147483649", "+2147483647",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"09223372036854775807", "00000000000000000000000000009", "12345678901234567890", "123456789012345678901234",
	"1234567890123456789012345", "-123456789012345678901234", "１", "٣", "1 000", "- 1", "+ 1",
}

var timeValues = []string{
	"12:00:00", "00:00:00", "23:59:59", "24:00:00", "24:00:00.0", "24:00:00Z", "24:30:00", "24:00:01", "23:59:60",
	"1:00:00", "01:00", "01:00:00Z", "01:00:00z", "01:00:00+14:00", "01:00:00-14:00", "01:00:00+13:59",
	"01:00:00+14:01", "01:00:00+23:00", "01:00:00+24:00", "01:00:00+05", "01:00:00+0500", "01:00:00.",
	"01:00:00.5", "01:00:00.123456789012", "23:59:59.99999999999999", "23:59:59.9999999999999",
	"23:59:58.99999999999999", "00:00:00.99999999999999999999", " 12:00:00 ", " 12:00:00", "12:00:00 ",
	"\t12:00:00", "12:00:00 Z", "12:00:00.0Z", "+12:00:00", "-12:00:00", "12:00:00-00:00", "12:00:00+00:60",
	"１２:00:00", "2024-01-01", "12:00:00T", "12:60:00", "59:00:00", "12:00:5", "12:00:05.1234Z", "",
}

var dateValues = []string{
	"2024-01-31", "2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10",
	"2024-01-00", "0000-01-01", "0001-01-01", "-0001-01-01", "-2024-02-29", "12024-01-01", "012024-01-01",
	"99999999999999999999-01-01", "924-01-01", "2024-1-01", "2024-01-1", "2024-01-01Z", "2024-01-01+14:00",
	"2024-01-01+14:01", "2024-01-01-05:00", " 2024-01-01", "2024-01-01 ", "2024-01-01T00:00:00", "20240101",
	"+2024-01-01", "2024/01/01", "",
}

var booleanValues = []string{"true", "false", "1", "0", " true ", "\ttrue\n", "TRUE", "True", "yes", "", "01", "1 ", "truefalse", "t"}

var base64Values = []string{
	"", "QUJD", "QUI=", "QQ==", "QUJDRA==", "QUJ", "QUJDR", "Q===", "QR==", "QUM=", "QUJD!!", "QU JD", "QU\nJD",
	" QUJD ", "2024-01-01", "true", "QQ==QQ==", "QUJD====", "====", "=", "QU=D", "YWJjZGVmZ2g=",
}

var cjkStrings = []string{
	"", "a", "ab", "abc", "abcd", "中", "中文", "中文字", "中文字元", "𠀀", "𠀀𠀀", "😀😀😀", "é", "e\u0301",
	" ab", "ab ", " a b ", "a  b", "a\tb", "&#10;ab", "a&#13;b", "  ", "   中  文   ", "台灣電子發票",
}

func valueSuites() []oracleSuite {
	suites := []oracleSuite{
		valueSuite("decimal", "xs:decimal", "", decimalValues),
		valueSuite("decimal enum", "xs:decimal", enums("0.05", "1", "-2.50", "100"), decimalValues),
		valueSuite("decimal bounds incl", "xs:decimal", `<xs:minInclusive value="0"/><xs:maxInclusive value="99.99"/>`, decimalValues),
		valueSuite("decimal bounds excl", "xs:decimal", `<xs:minExclusive value="-0.0000001"/><xs:maxExclusive value="100"/>`, decimalValues),
		valueSuite("decimal pattern", "xs:decimal", `<xs:pattern value="\d+(\.\d{1,2})?"/>`, decimalValues),
		valueSuite("integer", "xs:integer", "", integerValues),
		valueSuite("nonNegativeInteger", "xs:nonNegativeInteger", "", integerValues),
		valueSuite("positiveInteger", "xs:positiveInteger", "", integerValues),
		valueSuite("long", "xs:long", "", integerValues),
		valueSuite("int", "xs:int", "", integerValues),
		valueSuite("long digits", "xs:long", `<xs:totalDigits value="3"/>`, integerValues),
		valueSuite("long pattern", "xs:long", `<xs:pattern value="[0-9]+"/>`, integerValues),
		valueSuite("long enum", "xs:long", enums("1", "002", "-7"), append(integerValues, "2", "-07", " 1 ")),
		valueSuite("integer bounds", "xs:integer", `<xs:minInclusive value="-5"/><xs:maxExclusive value="2147483648"/>`, integerValues),
		valueSuite("time", "xs:time", "", timeValues),
		valueSuite("time pattern", "xs:time", `<xs:pattern value=".*"/>`, timeValues),
		valueSuite("time whitespace", "xs:time", `<xs:whiteSpace value="collapse"/>`, timeValues),
		valueSuite("date", "xs:date", "", dateValues),
		valueSuite("boolean", "xs:boolean", "", booleanValues),
		valueSuite("boolean pattern", "xs:boolean", `<xs:pattern value="true|1"/>`, booleanValues),
		valueSuite("base64", "xs:base64Binary", "", base64Values),
		valueSuite("base64 length", "xs:base64Binary", `<xs:length value="3"/>`, base64Values),
		valueSuite("base64 enum", "xs:base64Binary", enums("QUJD", "QQ=="), base64Values),
	}
	for _, combo := range []struct{ total, frac int }{{1, 0}, {3, 0}, {3, 2}, {5, 3}, {7, 7}, {20, 7}} {
		suites = append(suites, valueSuite(fmt.Sprintf("decimal digits %d/%d", combo.total, combo.frac), "xs:decimal",
			fmt.Sprintf(`<xs:totalDigits value="%d"/><xs:fractionDigits value="%d"/>`, combo.total, combo.frac), decimalValues))
	}
	for _, base := range []string{"xs:string", "xs:normalizedString", "xs:token"} {
		for _, f := range []string{`<xs:length value="2"/>`, `<xs:minLength value="3"/>`, `<xs:maxLength value="3"/>`,
			`<xs:minLength value="1"/><xs:maxLength value="4"/>`} {
			suites = append(suites, valueSuite(base+" "+f, base, f, cjkStrings))
		}
		suites = append(suites,
			valueSuite(base+" enum", base, enums("a b", "中文", " x "), append(cjkStrings, "a b", " a b", "a  b", "a\tb", "x", " x ")),
			valueSuite(base+" pattern", base, `<xs:pattern value="a b"/>`, []string{"a b", " a b", "a  b", "a\tb", "a&#10;b", "ab"}))
	}
	for _, ws := range []string{"preserve", "replace", "collapse"} {
		suites = append(suites,
			valueSuite("string ws "+ws+" length", "xs:string", `<xs:whiteSpace value="`+ws+`"/><xs:length value="3"/>`, cjkStrings),
			valueSuite("string ws "+ws+" enum", "xs:string", `<xs:whiteSpace value="`+ws+`"/>`+enums("a b", " c "), []string{"a b", " a b ", "a  b", "a\tb", "c", " c "}),
			valueSuite("string ws "+ws+" pattern", "xs:string", `<xs:whiteSpace value="`+ws+`"/><xs:pattern value="a b"/>`, []string{"a b", " a  b ", "a\tb", "a&#10;b"}))
	}
	return append(suites, derivedSuites()...)
}

// enums renders enumeration facets.
func enums(vals ...string) string {
	var b strings.Builder
	for _, v := range vals {
		b.WriteString(`<xs:enumeration value="` + v + `"/>`)
	}
	return b.String()
}

// derivedSuites exercise chains of named simple types: facets accumulate,
// patterns are ANDed across steps, the nearest enumerations apply, and the
// whiteSpace facet is inherited.
func derivedSuites() []oracleSuite {
	chain := func(name, types string, values []string) oracleSuite {
		s := oracleSuite{name: name, schema: xs("", `<xs:element name="r" type="D"/>`+types)}
		for _, v := range values {
			s.instances = append(s.instances, "<r>"+v+"</r>")
		}
		return s
	}
	st := func(name, base, facets string) string {
		return `<xs:simpleType name="` + name + `"><xs:restriction base="` + base + `">` + facets + `</xs:restriction></xs:simpleType>`
	}
	strs := []string{"ab", "xb", "ac", "xy", "a", "abcdef", "  a   b ", "a b", "b", "c", ""}
	return []oracleSuite{
		chain("patterns AND across steps", st("B", "xs:string", `<xs:pattern value="a.*"/><xs:pattern value="x.*"/>`)+
			st("D", "B", `<xs:pattern value=".*b"/>`), strs),
		chain("nearest enumeration", st("B", "xs:string", enums("a", "b"))+st("D", "B", enums("a")), strs),
		chain("inherited whitespace", st("B", "xs:string", `<xs:whiteSpace value="collapse"/>`)+
			st("D", "B", `<xs:pattern value="a b"/><xs:maxLength value="3"/>`), strs),
		chain("lengths accumulate", st("B", "xs:string", `<xs:maxLength value="5"/>`)+st("D", "B", `<xs:minLength value="2"/>`), strs),
		chain("BAN", st("B", "xs:string", `<xs:maxLength value="10"/><xs:minLength value="0"/><xs:pattern value="[0-9]*"/>`)+
			st("D", "B", `<xs:minLength value="8"/><xs:maxLength value="10"/>`),
			[]string{"12345678", "1234567", "12345678901", "1234567890", "1234567a", "", "１２３４５６７８", " 12345678"}),
		chain("decimal chain", st("B", "xs:decimal", `<xs:totalDigits value="5"/><xs:minInclusive value="0"/>`)+
			st("D", "B", `<xs:fractionDigits value="2"/><xs:maxInclusive value="500"/>`), decimalValues),
		chain("integer from decimal", st("B", "xs:integer", `<xs:totalDigits value="4"/>`)+st("D", "B", enums("10", "0020", "-3")),
			[]string{"10", "010", "20", "+20", "-3", "-03", "3", "1.0", " 10 "}),
	}
}
