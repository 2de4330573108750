package ledger

import (
	"fmt"
	"strconv"

	"github.com/turnkeyd/turnkeyd/mig"
)

// TrackFromAssignment turns a parsed E0501 (InvoiceAssignNo) into a Track to
// import; source says where it came from (e.g. the E0501 file name). The
// range rules are checked by ImportTracks; this only checks that the numbers
// are numbers and that InvoiceBooklet agrees with the range.
func TrackFromAssignment(a mig.TrackAssignment, source string) (Track, error) {
	t := Track{SellerBAN: a.BAN, InvoiceType: a.InvoiceType, Period: a.YearMonth, Letters: a.Track, Source: source}
	var err error
	if t.Begin, err = parseNo(a.Begin); err != nil {
		return Track{}, fmt.Errorf("E0501 %s%s: InvoiceBeginNo: %w", a.Track, a.Begin, err)
	}
	if t.End, err = parseNo(a.End); err != nil {
		return Track{}, fmt.Errorf("E0501 %s%s: InvoiceEndNo: %w", a.Track, a.End, err)
	}
	if n := t.End - t.Begin + 1; n > 0 && a.Booklets.String() != strconv.Itoa(n/50) {
		return Track{}, fmt.Errorf("E0501 %s: InvoiceBooklet %s does not match %d numbers (%d booklets of 50)",
			t.rangeText(), a.Booklets, n, n/50)
	}
	return t, nil
}

func parseNo(s string) (int, error) {
	if !isDigits(s, 8) {
		return 0, fmt.Errorf("%q is not 8 digits", s)
	}
	return strconv.Atoi(s)
}
