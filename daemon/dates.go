package daemon

import (
	"fmt"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// Dates of issued documents (issue 8 §7): a date in the future beyond the
// clock skew the configuration allows is refused (DATE_FUTURE: it would be
// numbered from a period that has not begun, or carry a date the invoice
// does not have yet); a new number never carries an earlier date than a
// lower number of the same seller, invoice type and period (DATE_ORDER);
// and an invoice already past its legal upload deadline when it is taken
// in is issued with a warning in its answer (LATE_UPLOAD).

// Upload deadlines from the invoice's date and time: 48 hours for a
// consumer (B2C), 7 days for a business (B2B).
const (
	consumerDeadline = 48 * time.Hour
	businessDeadline = 7 * 24 * time.Hour
)

// moment returns the date and time as one instant in loc; an empty time
// is the start of the day.
func moment(d mig.Date, t mig.TimeOfDay, loc *time.Location) (time.Time, error) {
	day, err := d.Time(loc)
	if err != nil || t == "" {
		return day, err
	}
	clock, err := time.Parse("15:04:05", string(t))
	if err != nil {
		return day, nil
	}
	return day.Add(time.Duration(clock.Hour())*time.Hour + time.Duration(clock.Minute())*time.Minute +
		time.Duration(clock.Second())*time.Second), nil
}

// checkFuture refuses a document dated later than now plus the allowed
// clock skew.
func (b *documentBuilder) checkFuture(column string, d mig.Date, t mig.TimeOfDay) error {
	at, err := moment(d, t, b.loc)
	if err != nil {
		return nil // DATE_INVALID is reported where the date is used
	}
	now := b.now().In(b.loc)
	if at.After(now.Add(b.skew)) {
		return reject("DATE_FUTURE", "%s %s %s is later than now (%s) by more than spool.clock_skew (%s): "+
			"a document cannot be dated in the future; leave the date blank for now, or check the ERP's clock",
			column, isoDay(d), t, now.Format("2006-01-02 15:04:05"), b.skew)
	}
	return nil
}

// checkDateOrder refuses a new number dated before the latest invoice
// already issued from the same seller's tracks of the type and period.
func checkDateOrder(tx *ledger.IntakeTx, seller, invoiceType, period string, d mig.Date) error {
	latest, err := tx.LatestIssueDate(seller, invoiceType, period)
	if err != nil {
		return err
	}
	if latest != "" && string(d) < latest {
		return reject("DATE_ORDER", "invoice_date %s is earlier than %s, the date of an invoice already issued with a lower number "+
			"(seller %s, type %s, period %s): numbers must follow the order of dates; date it %s or later",
			isoDay(d), isoDay(mig.Date(latest)), seller, invoiceType, period, isoDay(mig.Date(latest)))
	}
	return nil
}

// lateNote returns the warning for an invoice whose upload deadline has
// already passed, or "".
func (b *documentBuilder) lateNote(inv *mig.Invoice) string {
	at, err := moment(inv.Date, inv.Time, b.loc)
	if err != nil {
		return ""
	}
	limit, who := businessDeadline, "7 days for a business buyer"
	if inv.Buyer.Identifier == mig.Consumer || inv.Buyer.Identifier == "" {
		limit, who = consumerDeadline, "48 hours for a consumer"
	}
	due := at.Add(limit)
	if !b.now().After(due) {
		return ""
	}
	return fmt.Sprintf("LATE_UPLOAD invoice_date %s: issued, but the legal upload deadline (%s) passed at %s; "+
		"it is sent now: upload invoices on time to avoid a penalty", isoDay(inv.Date), who, due.In(b.loc).Format("2006-01-02 15:04"))
}

func isoDay(d mig.Date) string {
	s := string(d)
	if len(s) != 8 {
		return s
	}
	return s[:4] + "-" + s[4:6] + "-" + s[6:]
}
