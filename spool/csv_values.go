package spool

// Values of CSV v1: the text checks every value passes, and the parsers of
// dates, times and numbers. Each parser returns a reason for a person when
// the value is not usable.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// badText finds the first character of s that a MIG document cannot carry
// or that shows the text was not decoded cleanly, and explains it; "" when
// s is clean. encoding names the file's encoding for the advice.
func badText(s, encoding string) string {
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case r == utf8.RuneError:
			return fmt.Sprintf("character %d is not valid %s (it holds bytes that do not decode): check the file's encoding, or retype the text", pos, encodingName(encoding))
		case r >= 0xE000 && r <= 0xF8FF, r >= 0xF0000:
			return fmt.Sprintf("character %d is a user-defined character (造字, U+%04X) that only your own fonts show: the platform and the buyer cannot read it; replace it with a standard character or a description", pos, r)
		case r == '\t' || r == '\n':
		case r < 0x20, r >= 0x7F && r <= 0x9F:
			return fmt.Sprintf("character %d is the control character U+%04X, which an invoice cannot carry: remove it", pos, r)
		case r == 0xFFFE || r == 0xFFFF:
			return fmt.Sprintf("character %d is U+%04X, not a character: check the file's encoding", pos, r)
		}
	}
	return ""
}

func encodingName(e string) string {
	if e == EncodingBig5 {
		return "Big5"
	}
	return "UTF-8"
}

var (
	dateLayout  = regexp.MustCompile(`^([0-9]{4})([-/]?)([0-9]{1,2})([-/]?)([0-9]{1,2})$`)
	rocDate     = regexp.MustCompile(`^[0-9]{2,3}[-/.][0-9]{1,2}[-/.][0-9]{1,2}$`)
	timeLayout  = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$`)
	digitsOnly  = regexp.MustCompile(`^[0-9]+$`)
	exponential = regexp.MustCompile(`^[-+]?[0-9.]+[eE][-+]?[0-9]+$`)
)

// parseDate reads YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD (month and day may
// have one digit when separated) and returns yyyyMMdd.
func parseDate(s string) (mig.Date, string) {
	m := dateLayout.FindStringSubmatch(s)
	switch {
	case m == nil && rocDate.MatchString(s):
		return "", fmt.Sprintf("%q looks like a 民國 (ROC) date: write the Gregorian year, e.g. 2026-11-22 for 115/11/22", s)
	case m == nil, m[2] != m[4], m[2] == "" && len(s) != 8:
		return "", fmt.Sprintf("%q is not a date: write YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, e.g. 2026-11-22", s)
	}
	month, _ := strconv.Atoi(m[3])
	day, _ := strconv.Atoi(m[5])
	d := mig.Date(fmt.Sprintf("%s%02d%02d", m[1], month, day))
	switch _, err := d.Time(time.UTC); {
	case err != nil:
		return "", fmt.Sprintf("%q is not a real calendar date: check the month and day", s)
	case d < "19120101":
		return "", fmt.Sprintf("%q is before 1912: write the Gregorian year (a 民國 year plus 1911)", s)
	}
	return d, ""
}

// parseTime reads HH:MM:SS (or H:MM:SS, or HH:MM meaning :00) and returns
// HH:mm:ss.
func parseTime(s string) (mig.TimeOfDay, string) {
	m := timeLayout.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Sprintf("%q is not a time: write HH:MM:SS in 24-hour Taiwan time, e.g. 14:05:00", s)
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec := 0
	if m[3] != "" {
		sec, _ = strconv.Atoi(m[3])
	}
	if h > 23 || mi > 59 || sec > 59 {
		return "", fmt.Sprintf("%q is not a time of day: hours 00-23, minutes and seconds 00-59", s)
	}
	return mig.TimeOfDay(fmt.Sprintf("%02d:%02d:%02d", h, mi, sec)), ""
}

// The precision of MIG quantities, prices and line amounts: dec(20,7).
const (
	maxFraction = 7
	maxDigits   = 20
)

// parseNumber reads a plain decimal number: an optional sign, digits, an
// optional point and at most 7 decimals. Thousands separators, currency
// signs and exponents are refused, each with its own advice.
func parseNumber(s string) (mig.Decimal, string) {
	d, err := decimal.Parse(s)
	if err == nil {
		switch {
		case d.Scale() > maxFraction:
			return d, fmt.Sprintf("%q has more than %d decimals: round it to %d", s, maxFraction, maxFraction)
		case d.Digits() > maxDigits:
			return d, fmt.Sprintf("%q has more than %d digits", s, maxDigits)
		}
		return d, ""
	}
	switch {
	case strings.Contains(s, ","):
		return d, fmt.Sprintf("%q has a thousands separator: write numbers without separators, e.g. 1000 or 1234.5", s)
	case exponential.MatchString(s):
		return d, fmt.Sprintf("%q is in exponent notation (a spreadsheet writes it for long numbers): format the column as a plain number", s)
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsDigit(r) && r > unicode.MaxASCII }):
		return d, fmt.Sprintf("%q has full-width or other non-ASCII digits: use 0-9", s)
	case strings.ContainsAny(s, "$¥元"):
		return d, fmt.Sprintf("%q has a currency sign: write the number alone (amounts are NT$)", s)
	}
	return d, fmt.Sprintf("%q is not a number: write a plain decimal number such as 1000 or 33.3333333", s)
}

// oneOf reads a code from a fixed list, without case.
func oneOf(s string, allowed ...string) (string, string) {
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a, ""
		}
	}
	return "", fmt.Sprintf("%q is not one of %s", s, strings.Join(allowed, ", "))
}
