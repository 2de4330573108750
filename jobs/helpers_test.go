package jobs

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// fakeClock is a clock the test moves; After fires when the clock passes
// its deadline.
type fakeClock struct {
	mu      sync.Mutex
	t       time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.t
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.t.Add(d), ch: ch})
	return ch
}

// Set moves the clock to t and fires the waiters that are due.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(t) {
			kept = append(kept, w)
			continue
		}
		w.ch <- t
	}
	c.waiters = kept
}

// waiting is how many After calls wait for the clock.
func (c *fakeClock) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

func (c *fakeClock) clock() Clock { return Clock{Now: c.Now, After: c.After} }

var taipei = mustLoad("Asia/Taipei")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// openLedger opens a ledger file in dir on the clock.
func openLedger(tb testing.TB, path string, c *fakeClock) *ledger.Ledger {
	tb.Helper()
	l, err := ledger.Open(context.Background(), path, slog.New(slog.DiscardHandler), ledger.WithClock(c.Now))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

func tempLedger(tb testing.TB, c *fakeClock) *ledger.Ledger {
	tb.Helper()
	return openLedger(tb, filepath.Join(tb.TempDir(), "ledger.db"), c)
}

// newScheduler builds a scheduler in Asia/Taipei on the clock.
func newScheduler(tb testing.TB, l *ledger.Ledger, c *fakeClock, holder string, jobs ...Job) *Scheduler {
	tb.Helper()
	s, err := New(l, jobs, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: c.clock(),
		Location: taipei, Holder: holder, Lease: time.Minute, Retry: 10 * time.Minute})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// recorder is a job's Run that records the keys it ran; fail makes the
// next runs of a key fail.
type recorder struct {
	mu   sync.Mutex
	keys []string
	fail map[string]int
}

func (r *recorder) run(_ context.Context, key string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = append(r.keys, key)
	if r.fail[key] > 0 {
		r.fail[key]--
		return "", errFailHalfway
	}
	return "done " + key, nil
}

func (r *recorder) ran() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.keys...)
}

func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, taipei)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}
