package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Outcomes of a job run.
const (
	JobRunning   = "running"
	JobOK        = "ok"
	JobFailed    = "failed"
	JobWaiting   = "waiting"   // its input is not there yet (a winner list before it arrived); the key is not done
	JobAbandoned = "abandoned" // its process died: the lease ran out while it was running
)

// ErrLeaseHeld: another process holds the lease of the job and key; the
// error says who and until when. Try again after that.
var ErrLeaseHeld = errors.New("job lease held by another process")

// LeaseHeldError is the ErrLeaseHeld of BeginJobRun: who holds the lease
// and until when.
type LeaseHeldError struct {
	Job, Key, Holder string
	Until            time.Time
}

func (e *LeaseHeldError) Error() string {
	return fmt.Sprintf("job %s key %s is running in %s (lease until %s)", e.Job, e.Key, e.Holder, e.Until.Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrLeaseHeld) true.
func (e *LeaseHeldError) Unwrap() error { return ErrLeaseHeld }

// JobRun is one recorded run of a job.
type JobRun struct {
	ID          int64
	Job, Key    string
	ScheduledAt time.Time // the tick it ran for; zero for a run by hand
	StartedAt   time.Time
	EndedAt     time.Time // zero while running
	Outcome     string
	Holder      string // the process that ran it
	Output      string // what it produced, or why it failed
}

// BeginJobRun takes the lease of job and key for holder until ttl from now
// and records a running run, in one transaction. When the key already has
// an ok run, it records nothing and returns that run with done true. When
// another holder's lease is still valid it returns a *LeaseHeldError. Runs
// left running by a holder whose lease ran out are marked abandoned.
func (l *Ledger) BeginJobRun(ctx context.Context, job, key string, scheduled time.Time, holder string, ttl time.Duration) (run JobRun, done bool, err error) {
	now := l.now()
	err = l.writeTx(ctx, func(tx *sql.Tx) error {
		var h, until string
		err := tx.QueryRowContext(ctx, `SELECT holder, expires_at FROM job_leases WHERE job = ? AND key = ?`, job, key).Scan(&h, &until)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case h != holder && until > formatTime(now):
			t, _ := parseTime(until)
			return &LeaseHeldError{Job: job, Key: key, Holder: h, Until: t}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET outcome = 'abandoned', ended_at = ?,
			output = 'the process running it stopped before it ended (its lease ran out)'
			WHERE job = ? AND key = ? AND outcome = 'running'`, formatTime(now), job, key); err != nil {
			return err
		}
		prior, err := queryList(ctx, tx, "job runs", `SELECT `+jobRunColumns+` FROM job_runs
			WHERE job = ? AND key = ? AND outcome = 'ok' ORDER BY id DESC LIMIT 1`, []any{job, key}, scanJobRun)
		if err != nil {
			return err
		}
		if len(prior) > 0 {
			run, done = prior[0], true
			_, err := tx.ExecContext(ctx, `DELETE FROM job_leases WHERE job = ? AND key = ?`, job, key)
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO job_leases (job, key, holder, expires_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (job, key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
			job, key, holder, formatTime(now.Add(ttl))); err != nil {
			return err
		}
		sched := ""
		if !scheduled.IsZero() {
			sched = formatTime(scheduled)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO job_runs (job, key, scheduled_at, started_at, outcome, holder)
			VALUES (?, ?, ?, ?, 'running', ?)`, job, key, sched, formatTime(now), holder)
		if err != nil {
			return err
		}
		run = JobRun{Job: job, Key: key, ScheduledAt: scheduled, StartedAt: now, Outcome: JobRunning, Holder: holder}
		run.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return JobRun{}, false, fmt.Errorf("begin job %s key %s: %w", job, key, err)
	}
	return run, done, nil
}

// RenewJobLease extends holder's lease of job and key to ttl from now. It
// fails with ErrLeaseHeld when the lease is no longer holder's.
func (l *Ledger) RenewJobLease(ctx context.Context, job, key, holder string, ttl time.Duration) error {
	res, err := l.w.ExecContext(ctx, `UPDATE job_leases SET expires_at = ? WHERE job = ? AND key = ? AND holder = ?`,
		formatTime(l.now().Add(ttl)), job, key, holder)
	if err != nil {
		return fmt.Errorf("renew lease of job %s key %s: %w", job, key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("renew lease of job %s key %s: %w", job, key, ErrLeaseHeld)
	}
	return nil
}

// EndJobRun records how a run ended and gives its lease back.
func (l *Ledger) EndJobRun(ctx context.Context, run JobRun, outcome, output string) error {
	if outcome != JobOK && outcome != JobFailed && outcome != JobWaiting {
		return fmt.Errorf("end job %s: outcome %q is not ok, failed or waiting", run.Job, outcome)
	}
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET outcome = ?, output = ?, ended_at = ? WHERE id = ? AND outcome = 'running'`,
			outcome, output, l.stamp(), run.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM job_leases WHERE job = ? AND key = ? AND holder = ?`, run.Job, run.Key, run.Holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("end job %s key %s: %w", run.Job, run.Key, err)
	}
	return nil
}

const jobRunColumns = `id, job, key, scheduled_at, started_at, ended_at, outcome, holder, output`

func scanJobRun(rows *sql.Rows, r *JobRun) error {
	var sched, started string
	var ended sql.NullString
	if err := rows.Scan(&r.ID, &r.Job, &r.Key, &sched, &started, &ended, &r.Outcome, &r.Holder, &r.Output); err != nil {
		return err
	}
	var err error
	if sched != "" {
		if r.ScheduledAt, err = parseTime(sched); err != nil {
			return err
		}
	}
	if r.StartedAt, err = parseTime(started); err != nil {
		return err
	}
	r.EndedAt, err = nullTime(ended)
	return err
}

// JobRuns lists the runs of job (every job when job is ""), newest first,
// at most limit (all when limit <= 0).
func (l *Ledger) JobRuns(ctx context.Context, job string, limit int) ([]JobRun, error) {
	if limit <= 0 {
		limit = -1
	}
	return queryList(ctx, l.r, "job runs", `SELECT `+jobRunColumns+` FROM job_runs
		WHERE ?1 = '' OR job = ?1 ORDER BY id DESC LIMIT ?2`, []any{job, limit}, scanJobRun)
}

// LastJobSuccess is when job last ended ok; zero when never.
func (l *Ledger) LastJobSuccess(ctx context.Context, job string) (time.Time, error) {
	var s sql.NullString
	if err := l.r.QueryRowContext(ctx, `SELECT max(ended_at) FROM job_runs WHERE job = ? AND outcome = 'ok'`, job).Scan(&s); err != nil {
		return time.Time{}, fmt.Errorf("last success of job %s: %w", job, err)
	}
	return nullTime(s)
}

// JobSchedule is where a job's schedule stands: the tick it runs for next
// and when it is next woken (the tick, or earlier to retry a failed run).
type JobSchedule struct {
	Job    string
	Spec   string
	Tick   time.Time
	WakeAt time.Time
}

// JobSchedules returns the recorded schedule of every job.
func (l *Ledger) JobSchedules(ctx context.Context) (map[string]JobSchedule, error) {
	list, err := queryList(ctx, l.r, "job schedules", `SELECT job, spec, tick_at, wake_at FROM job_schedule`, nil,
		func(rows *sql.Rows, s *JobSchedule) error {
			var tick, wake string
			if err := rows.Scan(&s.Job, &s.Spec, &tick, &wake); err != nil {
				return err
			}
			var err error
			if s.Tick, err = parseTime(tick); err != nil {
				return err
			}
			s.WakeAt, err = parseTime(wake)
			return err
		})
	if err != nil {
		return nil, err
	}
	out := make(map[string]JobSchedule, len(list))
	for _, s := range list {
		out[s.Job] = s
	}
	return out, nil
}

// SetJobSchedule records where job's schedule stands.
func (l *Ledger) SetJobSchedule(ctx context.Context, s JobSchedule) error {
	if _, err := l.w.ExecContext(ctx, `INSERT INTO job_schedule (job, spec, tick_at, wake_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (job) DO UPDATE SET spec = excluded.spec, tick_at = excluded.tick_at, wake_at = excluded.wake_at`,
		s.Job, s.Spec, formatTime(s.Tick), formatTime(s.WakeAt)); err != nil {
		return fmt.Errorf("schedule of job %s: %w", s.Job, err)
	}
	return nil
}

// JobLease returns who holds the lease of job and key and until when; ""
// when nobody does.
func (l *Ledger) JobLease(ctx context.Context, job, key string) (holder string, until time.Time, err error) {
	var u string
	err = l.r.QueryRowContext(ctx, `SELECT holder, expires_at FROM job_leases WHERE job = ? AND key = ?`, job, key).Scan(&holder, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("lease of job %s key %s: %w", job, key, err)
	}
	until, err = parseTime(u)
	return holder, until, err
}

// AbandonStale marks as abandoned the runs still recorded as running whose
// lease has run out: their process died (a run keyed by its tick is never
// begun again, so nothing else would end it). It returns how many.
func (l *Ledger) AbandonStale(ctx context.Context) (int, error) {
	now := l.stamp()
	res, err := l.w.ExecContext(ctx, `UPDATE job_runs SET outcome = 'abandoned', ended_at = ?1,
		output = 'the process running it stopped before it ended (its lease ran out)'
		WHERE outcome = 'running' AND NOT EXISTS (SELECT 1 FROM job_leases k
			WHERE k.job = job_runs.job AND k.key = job_runs.key AND k.holder = job_runs.holder AND k.expires_at > ?1)`, now)
	if err != nil {
		return 0, fmt.Errorf("abandon stale job runs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
