package ledger

import (
	"fmt"
	"time"
)

// maxNumber is the highest 8-digit invoice number.
const maxNumber = 99999999

// FormatNumber is the 10-character invoice number: two track letters and eight
// digits, e.g. "AB00000123".
func FormatNumber(letters string, n int) string {
	return fmt.Sprintf("%s%08d", letters, n)
}

// ParseNumber splits a 10-character invoice number into its track letters and
// its 8-digit number.
func ParseNumber(s string) (letters string, n int, err error) {
	if len(s) != 10 || !isLetters(s[:2]) {
		return "", 0, fmt.Errorf("invoice number %q: want two letters A-Z and eight digits", s)
	}
	for _, c := range []byte(s[2:]) {
		if c < '0' || c > '9' {
			return "", 0, fmt.Errorf("invoice number %q: want two letters A-Z and eight digits", s)
		}
		n = n*10 + int(c-'0')
	}
	return s[:2], n, nil
}

// appendNumber appends letters and n as eight digits, without fmt.
func appendNumber(b []byte, letters string, n int) []byte {
	b = append(b, letters...)
	var d [8]byte
	for i := 7; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:]...)
}

func isLetters(s string) bool {
	if len(s) != 2 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// PeriodOf returns the period (期別) code of a date as MIG writes it: the ROC
// year (three digits) and the even month ending the two-month period, e.g.
// 2026-01-15 → "11502".
func PeriodOf(t time.Time) string {
	m := (int(t.Month()) + 1) / 2 * 2
	return fmt.Sprintf("%03d%02d", t.Year()-1911, m)
}

// PeriodOfDate is PeriodOf for an invoice date written yyyyMMdd.
func PeriodOfDate(yyyymmdd string) (string, error) {
	t, err := time.Parse("20060102", yyyymmdd)
	if err != nil || t.Year() < 1912 || t.Year() > 2910 {
		return "", fmt.Errorf("invoice date %q: want a Gregorian date yyyyMMdd", yyyymmdd)
	}
	return PeriodOf(t), nil
}

// validPeriod reports whether p is a period code: three digits of ROC year and
// an even month.
func validPeriod(p string) bool {
	if !isDigits(p, 5) {
		return false
	}
	switch p[3:] {
	case "02", "04", "06", "08", "10", "12":
		return true
	}
	return false
}
