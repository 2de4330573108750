package jobs

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/turnkeyd/turnkeyd/ledger"
)

var errFailHalfway = errors.New("failed half-way")

// blankLike is a job on the blank job's default calendar: the 5th of odd
// months at 02:00, keyed by the period that ended.
func blankLike(r *recorder) Job {
	return Job{Name: "blank", Spec: "0 2 5 1-11/2 *", Enabled: true, Key: PreviousPeriod, Run: r.run}
}

func TestSchedulerThroughMonths(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2026-12-20 10:00"))
	l := tempLedger(t, c)
	r := &recorder{}
	s := newScheduler(t, l, c, "a", blankLike(r))
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var wakes []time.Time
	for range 4 { // wake when told to, four times: two months each
		wake, err := s.Step(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wakes = append(wakes, wake)
		c.Set(wake)
	}
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	want := []time.Time{at(t, "2027-01-05 02:00"), at(t, "2027-03-05 02:00"), at(t, "2027-05-05 02:00"), at(t, "2027-07-05 02:00")}
	if !slices.EqualFunc(wakes, want, time.Time.Equal) {
		t.Errorf("wakes %v, want %v (02:00 Asia/Taipei on the 5th of odd months)", wakes, want)
	}
	if got := r.ran(); !slices.Equal(got, []string{"11512", "11602", "11604", "11606"}) {
		t.Errorf("ran keys %v, want each ended period once", got)
	}
	runs, err := l.JobRuns(ctx, "blank", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range runs {
		if run.Outcome != ledger.JobOK || run.Output != "done "+run.Key || run.ScheduledAt.IsZero() || run.EndedAt.Before(run.StartedAt) {
			t.Errorf("run %+v: want ok with its output, tick and times", run)
		}
	}
}

func TestSchedulerCatchUpOnceAtStart(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2026-12-20 10:00"))
	path := filepath.Join(t.TempDir(), "ledger.db")
	r := &recorder{}
	s := newScheduler(t, openLedger(t, path, c), c, "a", blankLike(r))
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// down from before 2027-01-05 until after 2027-05-05: three ticks missed.
	c.Set(at(t, "2027-05-20 09:00"))
	s2 := newScheduler(t, openLedger(t, path, c), c, "b", blankLike(r))
	if err := s2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	wake, err := s2.Step(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.ran(); !slices.Equal(got, []string{"11604"}) {
		t.Errorf("ran %v after the outage, want the latest missed tick once (11604)", got)
	}
	if !wake.Equal(at(t, "2027-07-05 02:00")) {
		t.Errorf("next wake %v, want the next tick", wake)
	}
	if _, err := s2.Step(ctx); err != nil || len(r.ran()) != 1 {
		t.Errorf("a second step ran %v (%v), want nothing more", r.ran(), err)
	}
}

func TestSchedulerRetriesAFailedKeyAndSkipsADoneOne(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2027-01-05 01:59"))
	l := tempLedger(t, c)
	r := &recorder{fail: map[string]int{"11512": 1}}
	reg := prometheus.NewRegistry()
	s, err := New(l, []Job{blankLike(r)}, Options{Clock: c.clock(), Location: taipei, Holder: "a",
		Retry: 10 * time.Minute, Metrics: NewMetrics(reg, []string{"blank"})})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c.Set(at(t, "2027-01-05 02:00"))
	wake, err := s.Step(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := at(t, "2027-01-05 02:10"); !wake.Equal(want) {
		t.Fatalf("wake after a failure %v, want the retry at %v", wake, want)
	}
	c.Set(wake)
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.ran(); !slices.Equal(got, []string{"11512", "11512"}) {
		t.Errorf("ran %v, want the failed key again", got)
	}
	// by hand, the done key is not run again
	j, _ := s.Job("blank")
	if out := s.RunKey(ctx, j, "11512", time.Time{}); out != OutcomeSkipped || len(r.ran()) != 2 {
		t.Errorf("a run by hand of a done key: %s, ran %v; want skipped", out, r.ran())
	}
	want := `
# HELP turnkeyd_job_runs_total Runs of a scheduled job, by outcome: ok, failed, waiting (its input not there yet), busy (another process held the key) or skipped (the key was done).
# TYPE turnkeyd_job_runs_total counter
turnkeyd_job_runs_total{job="blank",outcome="busy"} 0
turnkeyd_job_runs_total{job="blank",outcome="failed"} 1
turnkeyd_job_runs_total{job="blank",outcome="ok"} 1
turnkeyd_job_runs_total{job="blank",outcome="skipped"} 1
turnkeyd_job_runs_total{job="blank",outcome="waiting"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "turnkeyd_job_runs_total"); err != nil {
		t.Error(err)
	}
	if v := testutil.ToFloat64(s.opt.Metrics.lastSuccess.WithLabelValues("blank")); v != float64(at(t, "2027-01-05 02:10").Unix()) {
		t.Errorf("last success %v, want the retry's time", v)
	}
}

func TestSchedulerLeaseKeepsTwoProcessesApart(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2027-01-05 02:00"))
	path := filepath.Join(t.TempDir(), "ledger.db")
	started, release := make(chan struct{}), make(chan struct{})
	slow := Job{Name: "blank", Spec: "0 2 5 1-11/2 *", Enabled: true, Key: PreviousPeriod,
		Run: func(ctx context.Context, key string) (string, error) {
			close(started)
			<-release
			return "sent", nil
		}}
	a := newScheduler(t, openLedger(t, path, c), c, "a", slow)
	r := &recorder{}
	b := newScheduler(t, openLedger(t, path, c), c, "b", blankLike(r))
	done := make(chan string)
	go func() { done <- a.RunKey(ctx, slow, "11512", time.Time{}) }()
	<-started
	if out := b.RunKey(ctx, blankLike(r), "11512", time.Time{}); out != OutcomeBusy {
		t.Errorf("second process: %s, want busy", out)
	}
	if out := b.RunKey(ctx, blankLike(r), "11510", time.Time{}); out != OutcomeOK {
		t.Errorf("another key: %s, want ok", out)
	}
	la := a.ledger
	for range 12 { // two minutes, twice the lease: a renews it every third (20s)
		// The clock moves only once a's renewer waits on it: on a loaded
		// machine the goroutine may not have asked for its next timer yet,
		// and a step taken before would set that timer a step late.
		for wait := time.Now().Add(10 * time.Second); c.waiting() == 0; {
			if time.Now().After(wait) {
				t.Fatalf("at %s a's lease renewer does not wait on the clock", c.Now())
			}
			time.Sleep(time.Millisecond) // polling the renewer, with a deadline
		}
		c.Set(c.Now().Add(10 * time.Second))
		deadline := time.Now().Add(10 * time.Second)
		for {
			holder, until, err := la.JobLease(ctx, "blank", "11512")
			if err != nil {
				t.Fatal(err)
			}
			// a renewal is due at most 30s after the last (its timer may
			// be set one step late), so 30s of the lease are always left.
			if holder == "a" && until.Sub(c.Now()) >= 30*time.Second {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("at %s the lease is %s's until %s: not renewed", c.Now(), holder, until)
			}
			time.Sleep(time.Millisecond) // polling the renewal, with a deadline
		}
		if out := b.RunKey(ctx, blankLike(r), "11512", time.Time{}); out != OutcomeBusy {
			t.Fatalf("at %s: %s, want busy while a renews its lease", c.Now(), out)
		}
	}
	close(release)
	if out := <-done; out != OutcomeOK {
		t.Errorf("first process: %s, want ok", out)
	}
	if out := b.RunKey(ctx, blankLike(r), "11512", time.Time{}); out != OutcomeSkipped {
		t.Errorf("after a's run: %s, want skipped", out)
	}
	if got := r.ran(); !slices.Equal(got, []string{"11510"}) {
		t.Errorf("b ran %v, want only the other key", got)
	}
}

// TestSchedulerKeysByLocalDate: a tick stored in the ledger (UTC) is keyed
// by its date in the scheduler's time zone: 06:00 on the 28th in Taipei is
// the 27th in UTC.
func TestSchedulerKeysByLocalDate(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2027-01-27 12:00"))
	l := tempLedger(t, c)
	var keys []string
	s := newScheduler(t, l, c, "a", Job{Name: "winners", Spec: "0 6 * * *", Enabled: true, Key: WinnersKey,
		Run: func(_ context.Context, key string) (string, error) { keys = append(keys, key); return "", nil }})
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c.Set(at(t, "2027-01-28 06:00"))
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []string{"11512"}) {
		t.Errorf("keys %v, want 11512 (the list due on the 28th in Taipei)", keys)
	}
}

func TestSchedulerAtStartAndDisabled(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2027-01-05 10:17"))
	l := tempLedger(t, c)
	hourly, off := &recorder{}, &recorder{}
	s := newScheduler(t, l, c, "a",
		Job{Name: "tracks", Spec: "@hourly", Enabled: true, AtStart: true, Run: hourly.run},
		Job{Name: "winners", Spec: "@hourly", Enabled: false, AtStart: true, Run: off.run})
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c.Set(at(t, "2027-01-05 13:30")) // three hourly ticks passed: one catch-up run
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if got := hourly.ran(); !slices.Equal(got, []string{"2027-01-05T10:17", "2027-01-05T13:00"}) {
		t.Errorf("tracks ran %v, want at start and once for the latest hour", got)
	}
	if got := off.ran(); len(got) != 0 {
		t.Errorf("a disabled job ran %v", got)
	}
}

func TestSchedulerRunStopsWithContext(t *testing.T) {
	c := newFakeClock(at(t, "2027-01-05 01:00"))
	r := &recorder{}
	s := newScheduler(t, tempLedger(t, c), c, "a", blankLike(r))
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- s.Run(ctx) }()
	poll := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	poll("Run to wait for the tick", func() bool { return c.waiting() == 1 })
	c.Set(at(t, "2027-01-05 02:00"))
	poll("the run", func() bool { return len(r.ran()) == 1 })
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run: %v", err)
	}
	if got := r.ran(); !slices.Equal(got, []string{"11512"}) {
		t.Errorf("ran %v, want 11512", got)
	}
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		at             string
		period, before string
		next           string
	}{
		{"2027-01-05 02:00", "11602", "11512", "11604"},
		{"2026-12-31 23:59", "11512", "11510", "11602"},
		{"2027-04-01 00:00", "11604", "11602", "11606"},
	} {
		ts := at(t, tc.at)
		if p, b, n := Period(ts), PreviousPeriod(ts), NextPeriod(ts); p != tc.period || b != tc.before || n != tc.next {
			t.Errorf("%s: period %s previous %s next %s, want %s %s %s", tc.at, p, b, n, tc.period, tc.before, tc.next)
		}
	}
	if start, err := PeriodStart("11512", taipei); err != nil || !start.Equal(at(t, "2026-11-01 00:00")) {
		t.Errorf("start of 11512: %v %v", start, err)
	}
	for _, bad := range []string{"11513", "1151", "abcde", "11500"} {
		if _, err := PeriodStart(bad, taipei); err == nil {
			t.Errorf("period %q accepted", bad)
		}
	}
}
