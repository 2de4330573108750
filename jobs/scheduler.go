package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// Clock is the scheduler's time: Now, and After to wait. Tests and the
// sandbox's fast clock replace it.
type Clock struct {
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
}

// Options are the scheduler's settings beyond its jobs.
type Options struct {
	Log      *slog.Logger
	Clock    Clock
	Location *time.Location // where cron specs are evaluated; time.Local when nil
	Holder   string         // who runs, in leases and run records; host:pid when empty
	Lease    time.Duration  // lease of a running key, renewed while it runs; 2m when 0
	Retry    time.Duration  // wait before a failed or busy run is tried again; 10m when 0
	Metrics  *Metrics       // nil: not measured
	// Hold, when set, is called after a run's work succeeded and before its
	// end is recorded: fault-injection tests hold a run there and kill the
	// process in the middle of it. nil in production.
	Hold func(ctx context.Context, job, key string)
}

// Scheduler runs jobs on their schedules with memory in the ledger.
type Scheduler struct {
	ledger *ledger.Ledger
	jobs   []Job
	scheds map[string]cron.Schedule
	opt    Options
	log    *slog.Logger
}

// New builds a scheduler of jobs; it checks their specs and starts nothing.
func New(l *ledger.Ledger, jobs []Job, opt Options) (*Scheduler, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Clock.Now == nil {
		opt.Clock.Now = time.Now
	}
	if opt.Clock.After == nil {
		opt.Clock.After = time.After
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if opt.Holder == "" {
		host, _ := os.Hostname()
		opt.Holder = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.Retry <= 0 {
		opt.Retry = 10 * time.Minute
	}
	s := &Scheduler{ledger: l, jobs: jobs, scheds: map[string]cron.Schedule{}, opt: opt, log: opt.Log}
	for _, j := range jobs {
		sched, err := ParseSpec(j.Spec)
		if err != nil {
			return nil, fmt.Errorf("jobs.%s.schedule: %w", j.Name, err)
		}
		s.scheds[j.Name] = sched
	}
	return s, nil
}

// Jobs returns the scheduler's jobs.
func (s *Scheduler) Jobs() []Job { return s.jobs }

// Job returns the job named name.
func (s *Scheduler) Job(name string) (Job, bool) {
	for _, j := range s.jobs {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

func (s *Scheduler) now() time.Time { return s.opt.Clock.Now().In(s.opt.Location) }

// Next is the first tick of job after t, in the scheduler's time zone.
func (s *Scheduler) Next(name string, t time.Time) time.Time {
	return s.scheds[name].Next(t.In(s.opt.Location))
}

// Run runs the jobs until ctx ends: the AtStart ones at once, every tick
// missed while the daemon was down once, then each on its schedule. A run
// in progress when ctx ends is cancelled and ends as failed; its key is
// finished by a later run.
func (s *Scheduler) Run(ctx context.Context) error {
	if err := s.Start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting: not a failure
		}
		return err
	}
	for {
		wake, err := s.Step(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Error("jobs step failed; trying again", "err", err, "retry_in", s.opt.Retry)
			wake = s.now().Add(s.opt.Retry)
		}
		wait := wake.Sub(s.now())
		if wait < 0 {
			wait = 0
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.opt.Clock.After(wait):
		}
	}
}

// Start marks the runs of a dead process abandoned, brings the recorded
// schedules up to the jobs' specs (a job new or with a changed spec starts
// at its next tick) and runs the AtStart jobs.
func (s *Scheduler) Start(ctx context.Context) error {
	if n, err := s.ledger.AbandonStale(ctx); err != nil {
		return err
	} else if n > 0 {
		s.log.Warn("runs of a stopped process marked abandoned; their keys run again", "runs", n)
	}
	states, err := s.ledger.JobSchedules(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	for _, j := range s.jobs {
		if last, err := s.ledger.LastJobSuccess(ctx, j.Name); err == nil && !last.IsZero() {
			s.opt.Metrics.success(j.Name, last)
		}
		st, ok := states[j.Name]
		if !ok || st.Spec != j.Spec {
			tick := s.Next(j.Name, now)
			st = ledger.JobSchedule{Job: j.Name, Spec: j.Spec, Tick: tick, WakeAt: tick}
			if err := s.ledger.SetJobSchedule(ctx, st); err != nil {
				return err
			}
		}
		if !j.Enabled {
			continue
		}
		s.opt.Metrics.next(j.Name, st.WakeAt)
		if j.AtStart {
			s.RunKey(ctx, j, j.KeyOf(now), now)
		}
	}
	return nil
}

// Step runs every enabled job whose wake time has come, once each (for
// its latest tick: missed ticks are not run one by one), and returns when
// the next one is due.
func (s *Scheduler) Step(ctx context.Context) (time.Time, error) {
	states, err := s.ledger.JobSchedules(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var wake time.Time
	for _, j := range s.jobs {
		st, ok := states[j.Name]
		if !ok {
			return time.Time{}, fmt.Errorf("job %s has no schedule: call Start first", j.Name)
		}
		if now := s.now(); j.Enabled && !st.WakeAt.After(now) {
			if st, err = s.due(ctx, j, st, now); err != nil {
				return time.Time{}, err
			}
		}
		if j.Enabled && (wake.IsZero() || st.WakeAt.Before(wake)) {
			wake = st.WakeAt
		}
	}
	if wake.IsZero() {
		wake = s.now().Add(24 * time.Hour) // nothing enabled
	}
	return wake, nil
}

// due runs j for the latest tick that has come and records the next one;
// a failed or busy run is tried again after Retry, or at the next tick.
func (s *Scheduler) due(ctx context.Context, j Job, st ledger.JobSchedule, now time.Time) (ledger.JobSchedule, error) {
	tick := st.Tick.In(s.opt.Location) // stored in UTC; keys are of local dates
	for n := s.Next(j.Name, tick); !n.After(now); n = s.Next(j.Name, n) {
		tick = n
	}
	if missed := now.Sub(tick); missed > time.Minute {
		s.log.Info("running a missed tick", "job", j.Name, "tick", tick, "late", missed.Round(time.Second))
	}
	outcome := s.RunKey(ctx, j, j.KeyOf(tick), tick)
	next := s.Next(j.Name, now)
	st.Tick, st.WakeAt = next, next
	if outcome == OutcomeFailed || outcome == OutcomeBusy {
		st.Tick = tick
		if retry := s.now().Add(s.opt.Retry); retry.Before(next) {
			st.WakeAt = retry
		}
	}
	if ctx.Err() != nil {
		return st, ctx.Err() // the tick stays due for the next start
	}
	s.opt.Metrics.next(j.Name, st.WakeAt)
	return st, s.ledger.SetJobSchedule(ctx, st)
}

// Outcomes of RunKey, the values of the metric's outcome label.
const (
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
	OutcomeBusy    = "busy"    // another process holds the key's lease
	OutcomeSkipped = "skipped" // the key was done already
	OutcomeWaiting = "waiting" // the job's input is not there yet: tried again at the next tick
)

// ErrWaiting, returned (wrapped) by a job's Run, says that the key's input
// is not there yet (a winner list before the platform sent it): the run is
// recorded as waiting, not failed, and the key is tried at the next tick.
var ErrWaiting = errors.New("input not there yet")

// RunKey runs j for key now, under the key's lease, unless the key is done
// or another process runs it; tick is the scheduled time (zero by hand).
// It records the run and returns its outcome.
func (s *Scheduler) RunKey(ctx context.Context, j Job, key string, tick time.Time) string {
	out, _, err := s.RunKeyOutput(ctx, j, key, tick)
	if err != nil {
		s.log.Warn("job run did not succeed", "job", j.Name, "key", key, "outcome", out, "err", err)
	}
	return out
}

// RunKeyOutput is RunKey that also returns what the run produced and its
// error.
func (s *Scheduler) RunKeyOutput(ctx context.Context, j Job, key string, tick time.Time) (outcome, output string, err error) {
	log := s.log.With("job", j.Name, "key", key)
	run, done, err := s.ledger.BeginJobRun(ctx, j.Name, key, tick, s.opt.Holder, s.opt.Lease)
	switch {
	case errors.Is(err, ledger.ErrLeaseHeld):
		s.opt.Metrics.run(j.Name, OutcomeBusy)
		return OutcomeBusy, "", err
	case err != nil:
		s.opt.Metrics.run(j.Name, OutcomeFailed)
		return OutcomeFailed, "", err
	case done:
		log.Debug("key done already", "run", run.ID)
		s.opt.Metrics.run(j.Name, OutcomeSkipped)
		return OutcomeSkipped, run.Output, nil
	}
	log.Info("job started", "run", run.ID)
	output, err = s.work(ctx, j, run)
	if s.opt.Hold != nil && err == nil {
		s.opt.Hold(ctx, j.Name, key)
	}
	outcome = ledger.JobOK
	switch {
	case errors.Is(err, ErrWaiting):
		outcome, output, err = ledger.JobWaiting, err.Error(), nil
	case err != nil:
		outcome, output = ledger.JobFailed, err.Error()
	}
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if eerr := s.ledger.EndJobRun(ectx, run, outcome, output); eerr != nil {
		err = errors.Join(err, eerr)
		outcome = OutcomeFailed
	}
	s.opt.Metrics.run(j.Name, outcome)
	if outcome == OutcomeOK {
		s.opt.Metrics.success(j.Name, s.opt.Clock.Now())
		log.Info("job done", "run", run.ID, "output", output)
	}
	return outcome, output, err
}

// work runs j for the run's key while renewing the lease; if the lease is
// lost the work is cancelled.
func (s *Scheduler) work(ctx context.Context, j Job, run ledger.JobRun) (string, error) {
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		for {
			select {
			case <-stop:
				return
			case <-s.opt.Clock.After(s.opt.Lease / 3):
			}
			if err := s.ledger.RenewJobLease(wctx, run.Job, run.Key, run.Holder, s.opt.Lease); err != nil {
				cancel(err)
				return
			}
		}
	}()
	output, err := j.Run(wctx, run.Key)
	close(stop)
	<-renewed
	if cause := context.Cause(wctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = fmt.Errorf("lease lost while running: %w", cause)
	}
	return output, err
}
