package daemon

import (
	"strings"
	"testing"
)

// TestDocumentDates: testNow is 2026-11-22 10:30 in Taipei. A date beyond
// the clock skew is refused; a new number never carries an earlier date
// than a lower number (within a file and across files); an invoice past its
// upload deadline is issued with a warning.
func TestDocumentDates(t *testing.T) {
	h := startDaemon(t, nil)
	head := "order_id,invoice_date,invoice_time,buyer_ban,buyer_name,item_description,item_quantity,item_unit_price\n"
	h.drop("dates.csv", []byte(head+
		"late-b2c,2026-11-19,09:00:00,,,品項,1,100\n"+ // 73 h ago: past 48 h
		"ok-b2b,2026-11-19,09:00:00,04595257,大同股份有限公司,品項,1,100\n"+ // within 7 days
		"ok-21,2026-11-21,,,,品項,1,100\n"+
		"early,2026-11-20,,,,品項,1,100\n"+ // before ok-21's date
		"skew,2026-11-22,10:33:00,,,品項,1,100\n"+ // 3 minutes ahead: within 5m
		"future,2026-12-05,,,,品項,1,100\n"+
		"next-period,2027-01-05,,,,品項,1,100\n"))
	rows := h.result("dates.csv")
	for id, want := range map[string][2]string{
		"late-b2c":    {"accepted", "LATE_UPLOAD invoice_date 2026-11-19"},
		"ok-b2b":      {"accepted", ""},
		"ok-21":       {"accepted", ""},
		"early":       {"rejected", "DATE_ORDER: invoice_date 2026-11-20 is earlier than 2026-11-21"},
		"skew":        {"accepted", ""},
		"future":      {"rejected", "DATE_FUTURE: invoice_date 2026-12-05"},
		"next-period": {"rejected", "DATE_FUTURE: invoice_date 2027-01-05"},
	} {
		r := rows[id]
		if r == nil || r[3] != want[0] || (want[1] == "" && r[7] != "") || !strings.Contains(r[7], want[1]) {
			t.Errorf("%s: %v, want %s with %q", id, r, want[0], want[1])
		}
	}
	// Across files: the latest issued date is today's (skew, 2026-11-22).
	h.drop("later.csv", []byte(head+"back,2026-11-21,,,,品項,1,100\nsame-day,2026-11-22,,,,品項,1,100\n"))
	later := h.result("later.csv")
	if r := later["back"]; r[3] != "rejected" || !strings.Contains(r[7], "DATE_ORDER") {
		t.Errorf("back: %v, want DATE_ORDER", r)
	}
	if r := later["same-day"]; r[3] != "accepted" {
		t.Errorf("same-day: %v, want accepted", r)
	}
}
