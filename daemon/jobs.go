package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/jobs"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// calendarDeps are what the jobs use besides the configuration and the
// ledger.
type calendarDeps struct {
	validator *mig.Validator
	now       func() time.Time
	handoff   func(context.Context) error // hands accepted documents to Turnkey; nil: the daemon does
	folders   jobs.Folder                 // Turnkey's download folders, through the target; nil: local
}

// calendar builds the jobs of the configuration on a ledger; reg, when
// not nil, gets the jobs' own metrics.
func calendar(cfg *Config, l *ledger.Ledger, log *slog.Logger, reg prometheus.Registerer, deps calendarDeps) []jobs.Job {
	tracks := &jobs.Tracks{Ledger: l, Dir: cfg.ResultDir(cfg.Turnkey.Results.E0501), Folder: deps.folders, Parse: ParseTrackFile, Log: log}
	version := mig.Version(cfg.Jobs.Blank.MIGVersion)
	if version == "" {
		version = mig.Version(cfg.MIG.Version)
	}
	blank := &blankJob{cfg: cfg, ledger: l, validator: deps.validator, version: version, now: deps.now, handoff: deps.handoff, log: log}
	winners := &jobs.Winners{Ledger: l, Dir: cfg.ResultDir(cfg.Turnkey.Results.E0504), Folder: deps.folders, OutDir: filepath.Join(cfg.Path(cfg.Spool.Dir), "out"), Log: log}
	reconcile := &jobs.Reconcile{Ledger: l, OutDir: winners.OutDir, Now: deps.now, Loc: cfg.Location()}
	if reg != nil {
		tracks.Register(reg)
		winners.Register(reg)
		reconcile.Register(reg)
		registerBlankMetrics(reg, l, cfg.Location(), deps.now, log)
		registerWinnersMetrics(reg, l, cfg, deps.now, log)
	}
	return []jobs.Job{
		{Name: "tracks", Spec: cfg.Jobs.Tracks.Schedule, Enabled: cfg.Jobs.Tracks.Enabled, AtStart: true, Run: tracks.Run},
		{Name: "blank", Spec: cfg.Jobs.Blank.Schedule, Enabled: cfg.Jobs.Blank.Enabled, Key: jobs.PreviousPeriod, Run: blank.Run},
		{Name: "winners", Spec: cfg.Jobs.Winners.Schedule, Enabled: cfg.Jobs.Winners.Enabled, Key: jobs.WinnersKey, Run: winners.Run},
		{Name: "reconcile", Spec: cfg.Jobs.Reconcile.Schedule, Enabled: cfg.Jobs.Reconcile.Enabled, Key: jobs.ReconcileKey, Run: reconcile.Run},
	}
}

// newScheduler builds the jobs component: the calendar's jobs under a
// scheduler with its memory in l. holder names the process in leases.
func newScheduler(cfg *Config, l *ledger.Ledger, log *slog.Logger, reg prometheus.Registerer, clock jobs.Clock, deps calendarDeps) (*jobs.Scheduler, error) {
	log = log.With("component", "jobs")
	if clock.Now == nil {
		clock.Now = time.Now
	}
	if deps.now == nil {
		deps.now = clock.Now
	}
	if deps.validator == nil {
		v, err := mig.DefaultValidator()
		if err != nil {
			return nil, err
		}
		deps.validator = v
	}
	list := calendar(cfg, l, log, reg, deps)
	var metrics *jobs.Metrics
	if reg != nil {
		names := make([]string, len(list))
		for i, j := range list {
			names[i] = j.Name
		}
		metrics = jobs.NewMetrics(reg, names)
		check := &jobs.NextPeriodCheck{Ledger: l, Sellers: []string{cfg.Seller.BAN}, Day: cfg.Jobs.Tracks.CheckFromDay,
			Now: clock.Now, Loc: cfg.Location()}
		check.Register(reg, log)
		registerLastRunMetrics(reg, l, append(names, "prizes-check"), log)
	}
	return jobs.New(l, list, jobs.Options{Log: log, Clock: clock, Location: cfg.Location(),
		Lease: cfg.Jobs.Lease, Retry: cfg.Jobs.Retry, Metrics: metrics, Hold: envHold(log)})
}

// ListJobs prints every job: schedule, last run and its outcome, next run
// (`turnkeyd jobs list`). A next run more than an hour in the past is
// marked LATE: the daemon is not running, or a run holds its lease.
func ListJobs(ctx context.Context, cfg *Config, out io.Writer) error {
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return err
	}
	defer l.Close()
	s, err := newScheduler(cfg, l, slog.New(slog.DiscardHandler), nil, jobs.Clock{}, calendarDeps{})
	if err != nil {
		return err
	}
	states, err := l.JobSchedules(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	if clock, _, err := envClock(slog.New(slog.DiscardHandler)); err != nil {
		return err
	} else if clock != nil {
		now = clock()
	}
	now = now.In(cfg.Location())
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "JOB\tENABLED\tSCHEDULE\tLAST RUN\tKEY\tOUTCOME\tNEXT RUN")
	for _, j := range s.Jobs() {
		runs, err := l.JobRuns(ctx, j.Name, 1)
		if err != nil {
			return err
		}
		last, key, outcome := "never", "-", "-"
		if len(runs) > 0 {
			last, key, outcome = runs[0].StartedAt.In(cfg.Location()).Format("2006-01-02 15:04:05"), runs[0].Key, runs[0].Outcome
		}
		next := "-"
		if j.Enabled {
			wake := s.Next(j.Name, now)
			if st, ok := states[j.Name]; ok && st.Spec == j.Spec {
				wake = st.WakeAt.In(cfg.Location())
			}
			next = wake.Format("2006-01-02 15:04:05")
			if now.Sub(wake) > time.Hour {
				next += " LATE"
			}
		}
		fmt.Fprintf(w, "%s\t%v\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.Enabled, j.Spec, last, key, outcome, next)
	}
	return w.Flush()
}

// RunJob runs one job now (`turnkeyd jobs run`), under the same lease and
// idempotence as the daemon's runs: for period, or for the key of now when
// period is "". A key done already is not run again.
func RunJob(ctx context.Context, cfg *Config, name, period string, out, stderr io.Writer) error {
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return err
	}
	defer l.Close()
	log := NewLogger(cfg.Log, stderr)
	clock := jobs.Clock{}
	if clock.Now, clock.After, err = envClock(log); err != nil {
		return err
	}
	target, _, err := newTarget(cfg, log.With("component", "turnkey"))
	if err != nil {
		return err
	}
	if c, ok := target.(io.Closer); ok {
		defer c.Close()
	}
	s, err := newScheduler(cfg, l, log, nil, clock, calendarDeps{folders: target})
	if err != nil {
		return err
	}
	j, ok := s.Job(name)
	if !ok {
		var names []string
		for _, j := range s.Jobs() {
			names = append(names, j.Name)
		}
		return fmt.Errorf("no job %q: the jobs are %v", name, names)
	}
	now := time.Now()
	if clock.Now != nil {
		now = clock.Now()
	}
	now = now.In(cfg.Location())
	key := now.Format("2006-01-02T15:04:05") // a run by hand of a job keyed by its tick
	if j.Key != nil {
		key = j.KeyOf(now)
	}
	if period != "" {
		if j.Key == nil {
			return fmt.Errorf("job %s does not work by period: run it without -period", name)
		}
		if _, err := jobs.PeriodStart(period, cfg.Location()); err != nil {
			return err
		}
		key = period
	}
	outcome, output, err := s.RunKeyOutput(ctx, j, key, time.Time{})
	fmt.Fprintf(out, "%s %s: %s", name, key, outcome)
	if output != "" && err == nil {
		fmt.Fprintf(out, ": %s", output)
	}
	fmt.Fprintln(out)
	if errors.Is(err, ledger.ErrLeaseHeld) {
		return fmt.Errorf("%w: wait for that run to end (see `turnkeyd jobs list`)", err)
	}
	return err
}

// registerLastRunMetrics adds turnkeyd_job_last_run_failed{job}: 1 when the
// latest run recorded in the ledger failed, whichever process ran it (the
// daemon, or a check by hand such as `turnkeyd prizes`).
func registerLastRunMetrics(reg prometheus.Registerer, l *ledger.Ledger, names []string, log *slog.Logger) {
	reg.MustRegister(jobs.NewGaugeFuncVec("turnkeyd_job_last_run_failed",
		"1 when the job's latest run recorded in the ledger failed (by any process: the daemon or a command run by hand).",
		"job", names, func(name string) float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			runs, err := l.JobRuns(ctx, name, 1)
			if err != nil {
				log.Warn("last job run unreadable", "job", name, "err", err)
				return 0
			}
			if len(runs) == 1 && runs[0].Outcome == ledger.JobFailed {
				return 1
			}
			return 0
		}))
}
