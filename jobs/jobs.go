// Package jobs owns turnkeyd's scheduled work: the bimonthly calendar of
// the e-invoice platform (tracks in, blank tracks out, winners matched,
// daily reconciliation). A Scheduler runs Jobs on cron schedules evaluated
// in the configured time zone, with memory in the ledger: every run is
// recorded with the key it covered (a period, an hour), a key that ended ok
// is never run again, a tick missed while the daemon was down is run once
// at the next start, and a lease in the ledger keeps two processes from
// running the same key at once.
package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is one kind of scheduled work.
type Job struct {
	Name    string
	Spec    string // cron spec (5 fields or a @descriptor) in the scheduler's time zone
	Enabled bool
	// AtStart runs the job once when the scheduler starts, besides its
	// schedule (the key of the start time).
	AtStart bool
	// Key returns the key a run for the tick covers, e.g. the period a
	// blank run reports; nil keys each run by its tick's minute.
	Key func(tick time.Time) string
	// Run does the work of key and says what it produced. It must be
	// idempotent by key: after a crash half-way it is run again for the
	// same key and must finish it without doing anything twice.
	Run func(ctx context.Context, key string) (output string, err error)
}

// parser reads the standard five cron fields and the @descriptors.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec checks a cron spec.
func ParseSpec(spec string) (cron.Schedule, error) {
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %w (five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 5 1-11/2 *\")", spec, err)
	}
	return s, nil
}

// KeyOf is the key of a run of j for tick.
func (j Job) KeyOf(tick time.Time) string {
	if j.Key != nil {
		return j.Key(tick)
	}
	return tick.Format("2006-01-02T15:04")
}

// Period is the period (ROC year and even month, e.g. "11512") of t.
func Period(t time.Time) string {
	even := (int(t.Month()) + 1) / 2 * 2
	return fmt.Sprintf("%03d%02d", t.Year()-1911, even)
}

// PeriodStart is the first moment of period p in loc.
func PeriodStart(p string, loc *time.Location) (time.Time, error) {
	var y, m int
	if len(p) != 5 {
		return time.Time{}, fmt.Errorf("period %q is not YYYMM (ROC year and even month, e.g. 11512)", p)
	}
	if _, err := fmt.Sscanf(p, "%03d%02d", &y, &m); err != nil || m < 2 || m > 12 || m%2 != 0 {
		return time.Time{}, fmt.Errorf("period %q is not YYYMM (ROC year and even month, e.g. 11512)", p)
	}
	return time.Date(y+1911, time.Month(m-1), 1, 0, 0, 0, 0, loc), nil
}

// PreviousPeriod is the period before the one of t: the period that has
// ended by t.
func PreviousPeriod(t time.Time) string {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	start := first.AddDate(0, -((int(t.Month()) + 1) % 2), 0) // first month of t's period
	return Period(start.AddDate(0, -1, 0))
}

// NextPeriod is the period after the one of t.
func NextPeriod(t time.Time) string {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	return Period(first.AddDate(0, 2, 0))
}
