package daemon

import (
	"context"
	"fmt"
	"io"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// SimConfig is the Turnkey simulator's view of a configuration: the same
// folders the daemon writes to and reads from. The platform knows the
// configured seller only; a document of any other seller is refused as a
// wrong seller, as the real platform refuses a seller not registered for
// the Turnkey that sends it.
func SimConfig(cfg *Config) sim.Config {
	dirs := map[mig.Head]string{}
	for _, h := range cfg.UploadHeads() {
		dirs[h] = cfg.UploadDir(h)
	}
	r := cfg.Turnkey.Results
	return sim.Config{
		TurnkeyDir: cfg.TurnkeyRoot(), UploadDirs: dirs,
		ProcessResultDir: cfg.ResultDir(r.ProcessResult), SummaryResultDir: cfg.ResultDir(r.SummaryResult),
		E0501Dir: cfg.ResultDir(r.E0501), E0504Dir: cfg.ResultDir(r.E0504),
		Sellers: []string{cfg.Seller.BAN},
	}
}

// RunSim runs the Turnkey simulator on the configuration at path until ctx
// ends: `turnkeyd sim`.
func RunSim(ctx context.Context, path string, opt sim.Options, stderr io.Writer, calendar ...SimCalendar) error {
	cfg, err := LoadConfig(path)
	if err != nil {
		return err
	}
	if opt.Log == nil {
		opt.Log = NewLogger(cfg.Log, stderr) // sim.New names the component
	}
	if opt.Now == nil {
		if opt.Now, _, err = envClock(opt.Log); err != nil {
			return err
		}
	}
	s, err := sim.New(SimConfig(cfg), opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "turnkeyd sim: simulating Turnkey and the platform in %s (picks up every %s, verdicts after %s)\n",
		cfg.Path(cfg.Turnkey.Dir), opt.Interval, opt.Delay)
	if len(calendar) == 0 || !calendar[0].Enabled {
		return s.Run(ctx)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	cal, err := newSimCalendar(calendar[0], s, cfg, now, opt.Log)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.Run(gctx) })
	g.Go(func() error { return cal.Run(gctx, opt.Interval) })
	return g.Wait()
}

// SandboxSimOptions are the simulator's settings under `make run`: a
// quick turn-around so that the whole loop shows within seconds.
var SandboxSimOptions = sim.Options{Interval: 2 * time.Second, Delay: 3 * time.Second}

// RunSandbox prepares the embedded default in dir (see Sandbox) and runs the
// daemon and the Turnkey simulator on it until ctx ends: `make run`.
func RunSandbox(ctx context.Context, dir string, out, stderr io.Writer, daysPerMinute ...float64) error {
	path, err := Sandbox(ctx, dir, time.Now(), out)
	if err != nil {
		return err
	}
	calendar := SimCalendar{}
	if len(daysPerMinute) > 0 && daysPerMinute[0] > 0 {
		if err := SandboxClock(ctx, daysPerMinute[0], NewLogger(LogConfig{Level: "info"}, stderr)); err != nil {
			return err
		}
		calendar.Enabled = true // tracks for each coming period; no winner list without winning numbers
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return RunSim(gctx, path, SandboxSimOptions, stderr, calendar) })
	g.Go(func() error { return RunConfig(gctx, path, stderr) })
	return g.Wait()
}
