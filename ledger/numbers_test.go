package ledger

import (
	"testing"
	"time"
)

func TestPeriodOf(t *testing.T) {
	tests := []struct{ date, want string }{
		{"20260101", "11502"}, {"20260228", "11502"}, {"20260301", "11504"},
		{"20261130", "11512"}, {"20261231", "11512"}, {"20240229", "11302"},
	}
	for _, tc := range tests {
		t.Run(tc.date, func(t *testing.T) {
			if got, err := PeriodOfDate(tc.date); err != nil || got != tc.want {
				t.Errorf("PeriodOfDate(%s) = %q, %v; want %s", tc.date, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "2026-01-01", "20260230", "20261301", "18990101"} {
		if got, err := PeriodOfDate(bad); err == nil {
			t.Errorf("PeriodOfDate(%q) = %q, want an error", bad, got)
		}
	}
}

// FuzzNumbers checks that the parsers of ERP-given invoice numbers and dates
// never panic and agree with their formatters.
func FuzzNumbers(f *testing.F) {
	for _, s := range []string{"AB00000000", "ZZ99999999", "ab12345678", "AB1234567", "AB-1234567", "20261115", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if letters, n, err := ParseNumber(s); err == nil {
			if FormatNumber(letters, n) != s || string(appendNumber(nil, letters, n)) != s {
				t.Errorf("ParseNumber(%q) = %s, %d does not format back", s, letters, n)
			}
		}
		if p, err := PeriodOfDate(s); err == nil {
			d, _ := time.Parse("20060102", s)
			if !validPeriod(p) || p != PeriodOf(d) {
				t.Errorf("PeriodOfDate(%q) = %q, not a valid period", s, p)
			}
		}
	})
}
