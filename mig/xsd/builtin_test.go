package xsd

import (
	"fmt"
	"testing"
)

// The expectations below were established with xmllint (libxml2 2.9.14);
// the differential tests re-check them against xmllint when it is present.

func TestParseDecimalDigits(t *testing.T) {
	tests := []struct {
		in           string
		ok           bool
		digits, frac int
		canonical    string
	}{
		{"123", true, 3, 0, "123"},
		{"000123", true, 3, 0, "123"},
		{"1230", true, 4, 0, "1230"},
		{"1.2300", true, 3, 2, "1.23"},
		{"123.00", true, 3, 0, "123"},
		{"0.0001", true, 4, 4, "0.0001"}, // zeros after the point count
		{".001", true, 3, 3, "0.001"},
		{"0.0000001", true, 7, 7, "0.0000001"},
		{"-0", true, 1, 0, "0"},
		{"+.5", true, 1, 1, "0.5"},
		{"00.000", true, 1, 0, "0"},
		{"5.", true, 1, 0, "5"},
		{"0.", true, 1, 0, "0"},
		{" 12 ", true, 2, 0, "12"},
		{"123456789012345678901234", true, 24, 0, "123456789012345678901234"},
		{"1234567890123456789012345", false, 0, 0, ""}, // more than 24 digits
		{"1.00000000000000000000000", true, 1, 0, "1"},
		{"1.000000000000000000000000000", false, 0, 0, ""}, // trailing zeros count toward 24
		{"0.00000000000000000000000001", false, 0, 0, ""},
		{".", false, 0, 0, ""},
		{"-", false, 0, 0, ""},
		{"", false, 0, 0, ""},
		{"1e5", false, 0, 0, ""},
		{"1 2", false, 0, 0, ""},
		{"１２", false, 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d, ok := parseDecimal(tc.in)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if ok && (d.digits != tc.digits || d.fracDigits != tc.frac || d.String() != tc.canonical) {
				t.Errorf("digits %d frac %d %s, want %d %d %s", d.digits, d.fracDigits, d, tc.digits, tc.frac, tc.canonical)
			}
		})
	}
}

func TestDecimalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"0.050", "0.05", 0}, {"-0", "0", 0}, {"1", "01.0", 0}, {"0.5", "0.05", 1}, {"-1", "1", -1},
		{"-2.5", "-2.50", 0}, {"10", "9.999", 1}, {"-10", "-9.999", -1}, {".1", "0.09", 1},
	}
	for _, tc := range tests {
		t.Run(tc.a+" vs "+tc.b, func(t *testing.T) {
			a, _ := parseDecimal(tc.a)
			b, _ := parseDecimal(tc.b)
			if got := a.cmp(b); got != tc.want {
				t.Errorf("cmp = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestLexical(t *testing.T) {
	tests := []struct {
		kind  builtinKind
		valid []string
		bad   []string
	}{
		{bLong, []string{"9223372036854775807", "-9223372036854775808", "+1", "007", "-0"},
			[]string{"9223372036854775808", "-9223372036854775809", " 1", "1 ", "1.0", ""}},
		{bInt, []string{"2147483647", "-2147483648"}, []string{"2147483648", "-2147483649"}},
		{bInteger, []string{" 5 ", "-0", "123456789012345678901234"}, []string{"1234567890123456789012345", "1.", "+"}},
		{bNonNegativeInteger, []string{"0", "-0", "+5"}, []string{"-1"}},
		{bPositiveInteger, []string{"1", "+1", "007"}, []string{"0", "-0", "+0", "-1"}},
		{bTime, []string{"12:00:00", "24:00:00", "24:00:00.0", "23:59:59.9999999999999", "01:00:00+14:00", "01:00:00-14:00", "12:00:00Z", " 12:00:00"},
			[]string{"24:30:00", "24:00:01", "23:59:60", "23:59:59.99999999999999", "1:00:00", "01:00", "01:00:00+14:01",
				"01:00:00+23:00", "12:00:00 ", "12:00:00z", "01:00:00.", ""}},
		{bDate, []string{"2024-02-29", "2000-02-29", "-0001-01-01", "12024-01-01", "2024-01-01Z", "2024-01-01+14:00"},
			[]string{"2023-02-29", "1900-02-29", "0000-01-01", "012024-01-01", "924-01-01", " 2024-01-01", "2024-01-01 ", "20240101"}},
		{bBoolean, []string{"true", "false", "1", "0", " true "}, []string{"TRUE", "yes", "", "01"}},
		{bBase64Binary, []string{"", "QUJD", "QQ==", "QUI=", "QU JD", "QUJD!!", "2024-01-01"}, []string{"QUJ", "QR==", "QUN=", "QQ==QQ==", "="}},
	}
	for _, tc := range tests {
		for _, v := range tc.valid {
			t.Run(fmt.Sprintf("%s %q valid", builtinInfos[tc.kind].name, v), func(t *testing.T) {
				if !lexical(tc.kind, v, &value{}) {
					t.Error("rejected")
				}
			})
		}
		for _, v := range tc.bad {
			t.Run(fmt.Sprintf("%s %q invalid", builtinInfos[tc.kind].name, v), func(t *testing.T) {
				if lexical(tc.kind, v, &value{}) {
					t.Error("accepted")
				}
			})
		}
	}
}

func TestBase64Octets(t *testing.T) {
	for in, want := range map[string]int{"QUJD": 3, "QUI=": 2, "QQ==": 1, "QUJDRA==": 4, "": 0} {
		if n, ok := base64Octets(in); !ok || n != want {
			t.Errorf("base64Octets(%q) = %d %v, want %d", in, n, ok, want)
		}
	}
}

func TestNormalizeSpace(t *testing.T) {
	tests := []struct {
		in   string
		ws   whiteSpace
		want string
	}{
		{" a\tb\n", wsPreserve, " a\tb\n"},
		{" a\tb\n", wsReplace, " a b "},
		{"  a \t b  ", wsCollapse, "a b"},
		{"a b", wsCollapse, "a b"},
		{"中\u3000文", wsCollapse, "中\u3000文"}, // only XML blanks collapse
	}
	for _, tc := range tests {
		if got := normalizeSpace(tc.in, tc.ws); got != tc.want {
			t.Errorf("normalizeSpace(%q, %d) = %q, want %q", tc.in, tc.ws, got, tc.want)
		}
	}
}
