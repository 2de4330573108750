package daemon

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// ClockEnv names the environment variable that runs turnkeyd (run, sim,
// jobs list) on a fast clock, for the sandbox and end-to-end tests:
// "START@ORIGIN*FACTOR", START the clock's time (RFC 3339) at the wall
// clock's ORIGIN (Unix nanoseconds), running FACTOR times faster. Every
// process given the same value sees the same time, across restarts.
const ClockEnv = "TURNKEYD_CLOCK"

// FastClock runs Factor times faster than the wall clock, showing Start
// at the wall clock's Origin.
type FastClock struct {
	Start, Origin time.Time
	Factor        float64
}

// Now is the clock's time.
func (c FastClock) Now() time.Time {
	return c.Start.Add(time.Duration(float64(time.Since(c.Origin)) * c.Factor))
}

// After waits d of the clock's time.
func (c FastClock) After(d time.Duration) <-chan time.Time {
	return time.After(time.Duration(float64(d) / c.Factor))
}

// String is the clock as ClockEnv takes it.
func (c FastClock) String() string {
	return fmt.Sprintf("%s@%d*%g", c.Start.Format(time.RFC3339), c.Origin.UnixNano(), c.Factor)
}

// ParseFastClock reads a ClockEnv value.
func ParseFastClock(s string) (FastClock, error) {
	start, rest, ok1 := strings.Cut(s, "@")
	origin, factor, ok2 := strings.Cut(rest, "*")
	bad := fmt.Errorf("%s %q is not START@ORIGIN*FACTOR (e.g. 2026-12-15T00:00:00+08:00@1764806400000000000*1440)", ClockEnv, s)
	if !ok1 || !ok2 {
		return FastClock{}, bad
	}
	t, err1 := time.Parse(time.RFC3339, start)
	o, err2 := strconv.ParseInt(origin, 10, 64)
	f, err3 := strconv.ParseFloat(factor, 64)
	if err1 != nil || err2 != nil || err3 != nil || f <= 0 {
		return FastClock{}, bad
	}
	return FastClock{Start: t, Origin: time.Unix(0, o), Factor: f}, nil
}

// envClock returns the clock of ClockEnv, or the wall clock (nil
// functions) when it is not set.
func envClock(log *slog.Logger) (now func() time.Time, after func(time.Duration) <-chan time.Time, err error) {
	s := os.Getenv(ClockEnv)
	if s == "" {
		return nil, nil, nil
	}
	c, err := ParseFastClock(s)
	if err != nil {
		return nil, nil, err
	}
	log.Warn("running on a fast clock, for trials and tests only", "clock", c.String(), "now", c.Now().Format(time.RFC3339))
	return c.Now, c.After, nil
}
