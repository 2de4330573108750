package mig

// Checks of single values that several messages share: 統一編號, invoice
// numbers, dates, times, periods, tracks and track numbers.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// banRole says whose identifier a value is and whether it may be the
// consumer id instead of a BAN.
type banRole struct {
	who        string // "seller", "buyer", …, as a Reason names it
	consumerOK bool
}

// The roles of the identifiers the rules check.
var (
	sellerRole         = banRole{who: "seller"}
	buyerRole          = banRole{who: "buyer", consumerOK: true}
	businessBuyerRole  = banRole{who: "business buyer"}
	headOfficeRole     = banRole{who: "head office"}
	branchRole         = banRole{who: "branch"}
	businessRole       = banRole{who: "business"}
	originalSellerRole = banRole{who: "original invoice seller"}
	originalBuyerRole  = banRole{who: "original invoice buyer", consumerOK: true}
)

// checkBAN reports value unless it is a valid 統一編號, or the consumer id
// where role allows one.
func (r *Rules) checkBAN(out *ruleReport, path elemPath, value string, role banRole) {
	switch {
	case value == r.ConsumerID && role.consumerOK:
	case value == r.ConsumerID:
		out.add("BAN_FORMAT", path, value,
			"the %s must be a business, not the consumer id %s: write its 8-digit 統一編號 (a consumer invoice in MIG 3.1 is a C0401)",
			role.who, r.ConsumerID)
	case len(value) != 8 || !ruleASCIIDigits(value):
		out.add("BAN_FORMAT", path, value, "%s", r.banFormatReason(value, role))
	case strings.Trim(value, "0") == "":
		out.add("BAN_FORMAT", path, value,
			"%s BAN %s is not a 統一編號 (it passes the checksum by accident); a consumer is %s (10 zeros)", role.who, value, r.ConsumerID)
	default:
		if ok, sum, alt := r.banChecksum(value); !ok {
			out.add("BAN_CHECKSUM", path, value, "%s BAN %s fails the checksum (weights %s; %s): check the number with the %s",
				role.who, value, r.banWeightList(), r.banSumText(sum, alt), role.who)
		}
	}
}

func (r *Rules) banFormatReason(value string, role banRole) string {
	want := "its 8-digit 統一編號"
	if role.consumerOK {
		want += fmt.Sprintf(", or %s (10 zeros) for a consumer", r.ConsumerID)
	}
	switch {
	case value == "":
		return fmt.Sprintf("the %s identifier is empty: write %s", role.who, want)
	case role.consumerOK && strings.Trim(value, "0") == "":
		return fmt.Sprintf("%s identifier %s has %d zeros: a consumer is exactly %s (10 zeros), a business %s",
			role.who, value, len(value), r.ConsumerID, "its 8-digit 統一編號")
	}
	return fmt.Sprintf("%s identifier %q is not 8 ASCII digits: write %s", role.who, value, want)
}

// banChecksum reports whether ban (8 ASCII digits) passes the checksum, with
// the sum of the digit sums of digit × weight, and whether a product's digit
// sum had two digits (7 × 4 = 28 → 10 in the 7th place). In that case the
// 10 may also be read as 1 again, so sum+1 may pass instead (MOF rule).
func (r *Rules) banChecksum(ban string) (ok bool, sum int, alt bool) {
	for i, w := range r.BANWeights {
		p := int(ban[i]-'0') * w
		s := p/10 + p%10
		if s >= 10 {
			alt = true
		}
		sum += s
	}
	div := max(r.BANDivisor, 1)
	return sum%div == 0 || alt && (sum+1)%div == 0, sum, alt
}

func (r *Rules) banWeightList() string {
	s := make([]string, len(r.BANWeights))
	for i, w := range r.BANWeights {
		s[i] = strconv.Itoa(w)
	}
	return strings.Join(s, ",")
}

func (r *Rules) banSumText(sum int, alt bool) string {
	if alt {
		return fmt.Sprintf("sum %d, or %d with the 7th-digit-7 rule, not divisible by %d", sum, sum+1, r.BANDivisor)
	}
	return fmt.Sprintf("sum %d not divisible by %d", sum, r.BANDivisor)
}

// checkInvoiceNumber reports value unless it is an invoice number.
func (r *Rules) checkInvoiceNumber(out *ruleReport, path elemPath, value, what string) {
	if r.InvoiceNumber.MatchString(value) {
		return
	}
	reason := fmt.Sprintf("%s %q is not two capital letters and 8 digits (e.g. AB12345678)", what, value)
	if strings.IndexFunc(value, func(c rune) bool { return c > unicode.MaxASCII && unicode.IsDigit(c) }) >= 0 {
		reason += ": it has a non-ASCII digit (such as a full-width ０-９); use 0-9"
	}
	out.add("INVOICE_NUMBER_FORMAT", path, value, "%s", reason)
}

// checkDate reports value unless it is a real yyyyMMdd date, and returns
// whether it is.
func (r *Rules) checkDate(out *ruleReport, path elemPath, value Date, what string) bool {
	s := string(value)
	if len(s) != 8 || !ruleASCIIDigits(s) {
		out.add("DATE_INVALID", path, s, "%s %q is not a yyyyMMdd date (8 digits, Gregorian year, e.g. 20260115)", what, s)
		return false
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[4:6])
	d, _ := strconv.Atoi(s[6:])
	if m < 1 || m > 12 {
		out.add("DATE_INVALID", path, s, "%s %s has month %02d: months are 01-12", what, s, m)
		return false
	}
	days := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d < 1 || d > days {
		out.add("DATE_INVALID", path, s, "%s %s does not exist: %04d-%02d has %d days; write a real date", what, s, y, m, days)
		return false
	}
	return true
}

// ruleTimePattern is xsd:time: HH:mm:ss, optional fraction, optional zone.
var ruleTimePattern = regexp.MustCompile(`^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$`)

// checkTime reports value unless it is a real HH:mm:ss time of day without
// fraction or time zone.
func (r *Rules) checkTime(out *ruleReport, path elemPath, value TimeOfDay, what string) {
	s := string(value)
	if plainTimeOK(s) {
		return // the usual case, without the regular expression
	}
	m := ruleTimePattern.FindStringSubmatch(s)
	if m == nil {
		out.add("TIME_INVALID", path, s, "%s %q is not HH:mm:ss (24-hour clock, e.g. 14:03:59)", what, s)
		return
	}
	hh, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	ss, _ := strconv.Atoi(m[3])
	switch {
	case hh > 23 || mm > 59 || ss > 59:
		out.add("TIME_INVALID", path, s, "%s %s is not a real time: hours are 00-23, minutes and seconds 00-59", what, s)
	case m[4] != "":
		out.add("TIME_INVALID", path, s, "%s %s has fractional seconds %s: write HH:mm:ss", what, s, m[4])
	}
	if m[5] != "" {
		out.add("TIME_ZONE", path, s,
			"%s %s carries the time zone %s: the platform expects Taiwan local time as plain HH:mm:ss; convert to Asia/Taipei and drop the zone",
			what, s, m[5])
	}
}

// plainTimeOK reports whether s is a real time of day written HH:mm:ss.
func plainTimeOK(s string) bool {
	if len(s) != 8 || s[2] != ':' || s[5] != ':' || !ruleASCIIDigits(s[:2]) || !ruleASCIIDigits(s[3:5]) || !ruleASCIIDigits(s[6:]) {
		return false
	}
	two := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	return two(0) <= 23 && two(3) <= 59 && two(6) <= 59
}

// checkYearMonth reports value unless it is a period: ROC year (3 digits)
// and the period's even month, e.g. 11502 for January–February 2026.
func (r *Rules) checkYearMonth(out *ruleReport, path elemPath, value string) {
	if len(value) != 5 || !ruleASCIIDigits(value) {
		out.add("YEAR_MONTH_INVALID", path, value,
			"YearMonth %q is not 5 ASCII digits: write the ROC year (3 digits) and the period's even month, e.g. 11502 for Jan-Feb 2026", value)
		return
	}
	m, _ := strconv.Atoi(value[3:])
	switch {
	case m < 1 || m > 12:
		out.add("YEAR_MONTH_INVALID", path, value, "YearMonth %s has month %02d: a period's month is 02, 04, 06, 08, 10 or 12", value, m)
	case m%2 == 1:
		out.add("YEAR_MONTH_INVALID", path, value,
			"YearMonth %s names the odd month %02d, but a period is named by its even month: write %s%02d", value, m, value[:3], m+1)
	}
}

var ruleTrackPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// checkTrack reports value unless it is a track (字軌): two capital letters.
func (r *Rules) checkTrack(out *ruleReport, path elemPath, value string) {
	if !ruleTrackPattern.MatchString(value) {
		out.add("TRACK_FORMAT", path, value, "InvoiceTrack %q is not two capital letters A-Z (e.g. AB)", value)
	}
}

// checkTrackNumber reports value unless it is the 8 ASCII digits of an
// invoice number without its track, and returns the number when it is.
func (r *Rules) checkTrackNumber(out *ruleReport, path elemPath, value, what string) (int, bool) {
	if len(value) != 8 || !ruleASCIIDigits(value) {
		out.add("RANGE_NUMBER_FORMAT", path, value, "%s %q is not 8 ASCII digits (the number without its track letters)", what, value)
		return 0, false
	}
	n, _ := strconv.Atoi(value)
	return n, true
}

// ruleASCIIDigits reports whether s is non-empty and only 0-9.
func ruleASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// CheckBAN checks one identifier outside a document (a configured seller, a
// CSV column): it returns nil for a valid 統一編號, or for the consumer id
// when consumerOK, and otherwise the violation (BAN_FORMAT or BAN_CHECKSUM)
// with an empty Path, so the caller can name its own field.
func (r *Rules) CheckBAN(value, who string, consumerOK bool) *Violation {
	var out ruleReport
	r.checkBAN(&out, noPath, value, banRole{who: who, consumerOK: consumerOK})
	if len(out.list) == 0 {
		return nil
	}
	v := out.list[0]
	return &v
}
