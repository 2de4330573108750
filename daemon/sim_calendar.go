package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/turnkeyd/turnkeyd/jobs"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// SimCalendar makes the simulator play the platform's calendar: on the
// 20th of even months it writes the E0501 of the next period for the
// configured seller, and on the 28th of odd months the E0504 of the period
// before, from the winning numbers in WinningNumbers (a QryWinningList JSON
// file; no E0504 without it).
type SimCalendar struct {
	Enabled        bool
	WinningNumbers string
	// Letters of the tracks allocated; empty: two letters of the period
	// (the year and the month), different in every period as the
	// platform's are.
	Letters  string
	Booklets int // booklets of 50 numbers allocated; 100 when 0
}

// simCalendar is a SimCalendar at work; what it wrote is remembered in
// marker files so that a restart writes nothing twice.
type simCalendar struct {
	SimCalendar
	sim     *sim.Sim
	seller  string
	numbers *sim.WinningNumbers
	now     func() time.Time
	markers string
	log     *slog.Logger
}

func newSimCalendar(c SimCalendar, s *sim.Sim, cfg *Config, now func() time.Time, log *slog.Logger) (*simCalendar, error) {
	if c.Booklets == 0 {
		c.Booklets = 100
	}
	sc := &simCalendar{SimCalendar: c, sim: s, seller: cfg.Seller.BAN, now: now, log: log,
		markers: filepath.Join(cfg.Path(cfg.Turnkey.Dir), ".turnkeyd-sim", "calendar")}
	if c.WinningNumbers != "" {
		w, err := readWinningNumbers(c.WinningNumbers)
		if err != nil {
			return nil, err
		}
		sc.numbers = &sim.WinningNumbers{Special: w.Special, Grand: w.Grand, First: w.First, ExtraSixth: w.ExtraSixth}
	}
	return sc, os.MkdirAll(sc.markers, 0o755)
}

// Run steps the calendar every interval until ctx ends.
func (c *simCalendar) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	for {
		if err := c.step(); err != nil {
			c.log.Error("sim calendar", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

// step writes what the calendar owes at the current day.
func (c *simCalendar) step() error {
	t := c.now().In(cfg8)
	if t.Month()%2 == 0 && t.Day() >= 20 {
		p := jobs.NextPeriod(t)
		if err := c.once("E0501-"+p, func() error {
			path, err := c.sim.EmitE0501(c.seller, "07", p, c.letters(p), 0, c.Booklets*sim.BookletSize-1)
			c.log.Info("sim calendar: E0501 written", "period", p, "file", path, "clock", t.Format("2006-01-02"))
			return err
		}); err != nil {
			return err
		}
	}
	if t.Month()%2 == 1 && t.Day() >= 28 && c.numbers != nil {
		p := jobs.PreviousPeriod(t)
		return c.once("E0504-"+p, func() error {
			path, err := c.sim.EmitE0504(c.seller, p, *c.numbers)
			if errors.Is(err, sim.ErrNoWinners) {
				c.log.Info("sim calendar: no winner in the period, no E0504", "period", p)
				return nil
			}
			c.log.Info("sim calendar: E0504 written", "period", p, "file", path, "clock", t.Format("2006-01-02"))
			return err
		})
	}
	return nil
}

// letters are the track letters of period p: Letters, or one letter of
// the year and one of the month (11602: QA, 11604: QB).
func (c *simCalendar) letters(p string) string {
	if c.Letters != "" {
		return c.Letters
	}
	var y, m int
	fmt.Sscanf(p, "%03d%02d", &y, &m)
	return string(rune('A'+y%20)) + string(rune('A'+m/2-1))
}

// once runs fn unless the marker name exists, then creates it.
func (c *simCalendar) once(name string, fn func() error) error {
	marker := filepath.Join(c.markers, name)
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	if err := fn(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(marker, nil, 0o644)
}

// cfg8 is Taiwan time, the platform's.
var cfg8 = time.FixedZone("CST", 8*3600)

// SandboxClock starts the sandbox on a fast clock of daysPerMinute days
// per wall-clock minute (through ClockEnv, so that the daemon, the
// simulator and the commands run by hand share it) and logs the clock's
// date as it turns; 0 leaves the wall clock.
func SandboxClock(ctx context.Context, daysPerMinute float64, log *slog.Logger) error {
	if daysPerMinute <= 0 {
		return nil
	}
	now := time.Now()
	c := FastClock{Start: now, Origin: now, Factor: daysPerMinute * 24 * 60}
	if err := os.Setenv(ClockEnv, c.String()); err != nil {
		return err
	}
	log.Info("sandbox on a fast clock: set it in other terminals to see the same time", "days_per_minute", daysPerMinute,
		"env", ClockEnv+"="+c.String())
	go func() {
		day := ""
		for ctx.Err() == nil {
			if d := c.Now().In(cfg8).Format("2006-01-02"); d != day {
				day = d
				log.Info("sandbox clock", "date", d)
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	return nil
}
