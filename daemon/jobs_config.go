package daemon

import (
	"fmt"
	"time"

	"github.com/turnkeyd/turnkeyd/jobs"
	"github.com/turnkeyd/turnkeyd/mig"
)

// JobsConfig is the jobs component: the scheduled work of the bimonthly
// calendar. Each job has a cron schedule (five fields, in timezone) and can
// be turned off.
type JobsConfig struct {
	// Lease is how long a running job holds its key in the ledger without
	// renewing it; a crashed process's key is free again after it.
	Lease time.Duration `yaml:"lease"`
	// Retry is the wait before a failed run is tried again (or the next
	// tick, if that comes first).
	Retry   time.Duration   `yaml:"retry"`
	Tracks  TracksJobConfig `yaml:"tracks"`
	Blank   BlankJobConfig  `yaml:"blank"`
	Winners JobConfig       `yaml:"winners"`
	// Reconcile is the daily deadline check (reconcile-<yyyyMMdd>.csv).
	Reconcile JobConfig `yaml:"reconcile"`
}

// JobConfig is a job's schedule and switch.
type JobConfig struct {
	Schedule string `yaml:"schedule"`
	Enabled  bool   `yaml:"enabled"`
}

// BlankJobConfig is the blank job: after a period ends, its unused track
// ranges reported (E0402) and its tracks closed.
type BlankJobConfig struct {
	Schedule string `yaml:"schedule"`
	Enabled  bool   `yaml:"enabled"`
	// MIGVersion of the E0402 messages: 4.1 or 3.1; empty: mig.version.
	MIGVersion string `yaml:"mig_version"`
}

// TracksJobConfig is the tracks job: E0501 files from Turnkey imported,
// and the check that every seller has tracks for the coming period.
type TracksJobConfig struct {
	Schedule string `yaml:"schedule"`
	Enabled  bool   `yaml:"enabled"`
	// CheckFromDay is the day of an even month from which a seller without
	// tracks for the next period is reported (the platform allocates on the
	// 20th).
	CheckFromDay int `yaml:"check_from_day"`
}

// DefaultJobsConfig is the calendar's default schedule.
func DefaultJobsConfig() JobsConfig {
	return JobsConfig{
		Lease:  2 * time.Minute,
		Retry:  10 * time.Minute,
		Tracks: TracksJobConfig{Schedule: "@hourly", Enabled: true, CheckFromDay: 25},
		Blank:  BlankJobConfig{Schedule: "0 2 5 1,3,5,7,9,11 *", Enabled: true},
		// Daily from the 28th of the odd month until the period's list is in
		// (the key is the period: once done, the daily runs skip it).
		Winners:   JobConfig{Schedule: "0 6 * * *", Enabled: true},
		Reconcile: JobConfig{Schedule: "30 3 * * *", Enabled: true},
	}
}

// validate returns the problems of the jobs section, each naming its key.
func (c JobsConfig) validate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("jobs.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Lease < 10*time.Second {
		bad("lease", "%s is too short: at least 10s", c.Lease)
	}
	if c.Retry < time.Second {
		bad("retry", "%s is too short: at least 1s", c.Retry)
	}
	for name, spec := range c.specs() {
		if _, err := jobs.ParseSpec(spec); err != nil {
			bad(name+".schedule", "%v", err)
		}
	}
	if d := c.Tracks.CheckFromDay; d < 1 || d > 28 {
		bad("tracks.check_from_day", "%d is not a day from 1 to 28", d)
	}
	switch mig.Version(c.Blank.MIGVersion) {
	case "", mig.V41, mig.V31:
	default:
		bad("blank.mig_version", "%q is not 4.1 or 3.1 (empty: mig.version)", c.Blank.MIGVersion)
	}
	return errs
}

// specs are the schedules by job name.
func (c JobsConfig) specs() map[string]string {
	return map[string]string{"tracks": c.Tracks.Schedule, "blank": c.Blank.Schedule, "winners": c.Winners.Schedule,
		"reconcile": c.Reconcile.Schedule}
}
