package ledger

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// setClock is a clock a test sets by hand.
type setClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *setClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *setClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestJobLeaseAndIdempotence(t *testing.T) {
	ctx := context.Background()
	clock := &setClock{t: time.Date(2027, 1, 5, 2, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "ledger.db")
	a := openAt(t, path, WithClock(clock.Now)) // two processes on one ledger file
	b := openAt(t, path, WithClock(clock.Now))
	const ttl = time.Minute

	runA, done, err := a.BeginJobRun(ctx, "blank", "11512", clock.Now(), "a", ttl)
	if err != nil || done {
		t.Fatalf("first begin: %v, done %v", err, done)
	}
	var held *LeaseHeldError
	if _, _, err := b.BeginJobRun(ctx, "blank", "11512", time.Time{}, "b", ttl); !errors.As(err, &held) || held.Holder != "a" {
		t.Fatalf("second holder's begin: %v, want the lease held by a", err)
	}
	if _, done, err := b.BeginJobRun(ctx, "blank", "11510", time.Time{}, "b", ttl); err != nil || done {
		t.Fatalf("another key: %v, done %v; want it free", err, done)
	}
	clock.Add(50 * time.Second)
	if err := a.RenewJobLease(ctx, "blank", "11512", "a", ttl); err != nil {
		t.Fatal(err)
	}
	clock.Add(50 * time.Second) // within the renewed lease
	if _, _, err := b.BeginJobRun(ctx, "blank", "11512", time.Time{}, "b", ttl); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("begin within a renewed lease: %v, want ErrLeaseHeld", err)
	}

	// a dies: once its lease runs out, b takes the key and a's run is abandoned.
	clock.Add(2 * time.Minute)
	runB, done, err := b.BeginJobRun(ctx, "blank", "11512", time.Time{}, "b", ttl)
	if err != nil || done {
		t.Fatalf("begin after the lease ran out: %v, done %v", err, done)
	}
	if err := a.RenewJobLease(ctx, "blank", "11512", "a", ttl); !errors.Is(err, ErrLeaseHeld) {
		t.Errorf("renewing a lost lease: %v, want ErrLeaseHeld", err)
	}
	if err := b.EndJobRun(ctx, runB, JobOK, "2 E0402 sent"); err != nil {
		t.Fatal(err)
	}
	// Runs whose process died are abandoned once their lease ran out: b's
	// run of 11510 (never renewed) now, a run just begun only later.
	dead, _, err := a.BeginJobRun(ctx, "tracks", "2027-01-05T02:00", time.Time{}, "dead", ttl)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := b.AbandonStale(ctx); err != nil || n != 1 {
		t.Fatalf("abandon: %d runs, %v; want b's expired one only", n, err)
	}
	clock.Add(2 * ttl)
	if n, err := b.AbandonStale(ctx); err != nil || n != 1 {
		t.Fatalf("abandon after the lease: %d runs, %v; want the dead process's", n, err)
	}
	if runs, _ := a.JobRuns(ctx, "tracks", 0); len(runs) != 1 || runs[0].ID != dead.ID || runs[0].Outcome != JobAbandoned {
		t.Errorf("tracks runs %+v, want the dead one abandoned", runs)
	}
	prior, done, err := a.BeginJobRun(ctx, "blank", "11512", time.Time{}, "a", ttl)
	if err != nil || !done || prior.ID != runB.ID || prior.Output != "2 E0402 sent" {
		t.Fatalf("begin of a done key: %+v, done %v, %v; want b's ok run", prior, done, err)
	}

	runs, err := a.JobRuns(ctx, "blank", 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, r := range runs {
		got[r.ID] = r.Outcome
		if r.Outcome != JobRunning && r.EndedAt.IsZero() {
			t.Errorf("run %d ended %s without an end time", r.ID, r.Outcome)
		}
	}
	if len(runs) != 3 || got[runA.ID] != JobAbandoned || got[runB.ID] != JobOK {
		t.Errorf("runs %v: want a's abandoned, b's ok and the other key's abandoned", got)
	}
	if last, err := a.LastJobSuccess(ctx, "blank"); err != nil || last.IsZero() {
		t.Errorf("last success %v, %v", last, err)
	}
}

func TestJobScheduleStored(t *testing.T) {
	ctx := context.Background()
	l := openTest(t)
	tick := time.Date(2027, 1, 5, 2, 0, 0, 0, time.UTC)
	want := JobSchedule{Job: "blank", Spec: "0 2 5 1-11/2 *", Tick: tick, WakeAt: tick.Add(-time.Hour)}
	if err := l.SetJobSchedule(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.WakeAt = tick
	if err := l.SetJobSchedule(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := l.JobSchedules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := got["blank"]; len(got) != 1 || s.Spec != want.Spec || !s.Tick.Equal(tick) || !s.WakeAt.Equal(tick) {
		t.Errorf("schedules %+v, want %+v", got, want)
	}
}
