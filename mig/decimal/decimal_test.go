package decimal

import (
	"math"
	"testing"
)

func TestParseString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"}, {"-0", "0"}, {"+0.000", "0"}, {"1000000", "1000000"},
		{"1.50", "1.5"}, {"0001.0100", "1.01"}, {".5", "0.5"}, {"5.", "5"},
		{"-0.0000001", "-0.0000001"}, {"12345678901234567890", "12345678901234567890"},
		{"-1234567890123.1234567", "-1234567890123.1234567"}, {"99999999999999999999.9", "99999999999999999999.9"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := d.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
			if again := MustParse(d.String()); again != d {
				t.Errorf("re-parse of %q differs", d)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "-", "+", ".", "1e6", " 1", "1 ", "1,000", "0x10", "1.2.3", "--1", "１"} {
		if d, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, d)
		}
	}
}

func TestCanonicalEquality(t *testing.T) {
	// Equal values must be equal structs, so == and reflect.DeepEqual work.
	pairs := [][2]string{{"1.0", "1"}, {"0.30", "0.3"}, {"-0", "0"}, {"12345678901234567890.10", "12345678901234567890.1"}}
	for _, p := range pairs {
		if MustParse(p[0]) != MustParse(p[1]) {
			t.Errorf("%s and %s are not identical", p[0], p[1])
		}
	}
	if got := MustParse("0.1").Add(MustParse("0.2")); got != MustParse("0.3") {
		t.Errorf("0.1+0.2 = %v", got)
	}
}

func TestArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  Decimal
		want string
	}{
		{"add", MustParse("1.25").Add(MustParse("2.75")), "4"},
		{"sub", MustParse("1").Sub(MustParse("1.0000001")), "-0.0000001"},
		{"mul", MustParse("3").Mul(MustParse("33.3333333")), "99.9999999"},
		{"mul scale", MustParse("0.5").Mul(MustParse("0.05")), "0.025"},
		{"mul overflow", FromInt(math.MaxInt64).Mul(FromInt(10)), "92233720368547758070"},
		{"add overflow", FromInt(math.MaxInt64).Add(FromInt(1)), "9223372036854775808"},
		{"neg min", FromInt(math.MinInt64).Neg(), "9223372036854775808"},
		{"round half up", MustParse("2.5").Round(0), "3"},
		{"round half away", MustParse("-2.5").Round(0), "-3"},
		{"round down", MustParse("2.4999999").Round(0), "2"},
		{"round places", MustParse("1.23456785").Round(7), "1.2345679"},
		{"round big", MustParse("123456789012345678901.5").Round(0), "123456789012345678902"},
		{"div", FromInt(1380).Div(MustParse("1.05"), 0), "1314"},
		{"div frac", FromInt(1).Div(FromInt(3), 7), "0.3333333"},
		{"div half", FromInt(105).Div(MustParse("1.05"), 0), "100"},
		{"new neg scale", New(12, -2), "1200"},
		{"new", New(1500, 3), "1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.String() != tt.want {
				t.Errorf("got %s, want %s", tt.got, tt.want)
			}
			if tt.got != MustParse(tt.want) {
				t.Errorf("%s is not canonical", tt.got)
			}
		})
	}
}

func TestCmpDigits(t *testing.T) {
	if MustParse("0.05").Cmp(MustParse("0.050")) != 0 || MustParse("-1").Cmp(MustParse("0")) != -1 ||
		MustParse("12345678901234567890").Cmp(MustParse("1")) != 1 {
		t.Error("Cmp is wrong")
	}
	for in, want := range map[string]int{"0": 1, "0.0000001": 7, "123.45": 5, "-100": 3, "12345678901234567890.1234567": 27} {
		if got := MustParse(in).Digits(); got != want {
			t.Errorf("Digits(%s) = %d, want %d", in, got, want)
		}
	}
	if n, ok := MustParse("-12.9").Int64(); !ok || n != -12 {
		t.Errorf("Int64(-12.9) = %d %v", n, ok)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "1.5", "-0.0000001", "12345678901234567890.5", ".5", "5."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(d.String())
		if err != nil || again != d {
			t.Fatalf("%q → %q does not parse back (%v)", s, d.String(), err)
		}
		if d.Add(d).Sub(d).Cmp(d) != 0 {
			t.Fatalf("%q: d+d-d != d", s)
		}
	})
}
