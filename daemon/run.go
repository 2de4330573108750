package daemon

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/turnkeyd/turnkeyd/archive"
	"github.com/turnkeyd/turnkeyd/jobs"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/spool"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// Options are what a caller (the command line, a test) may change of a
// daemon beyond its configuration.
type Options struct {
	Log    *slog.Logger
	Now    func() time.Time // clock; time.Now when nil
	Random io.Reader        // random numbers; crypto/rand when nil
	// Rescan, when set, replaces the spool's rescan timer (tests step it).
	Rescan <-chan time.Time
	// Poll, when set, replaces the timer of reading Turnkey's results.
	Poll <-chan time.Time
	// Listening, when set, receives the HTTP address once it listens.
	Listening chan<- string
	// Archive, when set, replaces the archive's catch-up timer.
	Archive <-chan time.Time
	// ArchiveListening, when set, receives the web view's address.
	ArchiveListening chan<- string
	// After waits for the jobs' schedule (with Now, a fast clock); time.After when nil.
	After func(time.Duration) <-chan time.Time
}

// Daemon is turnkeyd running: its components and their shared state.
type Daemon struct {
	cfg      *Config
	opt      Options
	log      *slog.Logger
	registry *prometheus.Registry
	ledger   *ledger.Ledger
	intake   *Intake
	results  *Results
	watcher  *spool.Watcher
	target   turnkey.Target
	status   *statusWriter
	locks    folderLocks // released when Run ends
	archive  *archive.Archive
	jobs     *jobs.Scheduler
}

// New builds the daemon: it opens the ledger and checks the folders, but
// starts nothing; Run does.
func New(ctx context.Context, cfg *Config, opt Options) (*Daemon, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Random == nil {
		opt.Random = rand.Reader
	}
	d := &Daemon{cfg: cfg, opt: opt, log: opt.Log, registry: prometheus.NewRegistry()}
	locks, err := lockFolders(cfg)
	if err != nil {
		return nil, err
	}
	built := false
	defer func() {
		if !built {
			locks.release()
		}
	}()
	d.locks = locks
	validator, err := mig.DefaultValidator()
	if err != nil {
		return nil, err
	}
	folder := spool.NewFolder(cfg.Path(cfg.Spool.Dir))
	if err := folder.Ensure(); err != nil {
		return nil, err
	}
	target, transport, err := newTarget(cfg, opt.Log.With("component", "turnkey"))
	if err != nil {
		return nil, err
	}
	if err := target.Ready(ctx); err != nil && !errors.Is(err, turnkey.ErrLinkDown) {
		return nil, err // a missing folder, a refused host key: no use retrying
	}
	d.target = turnkey.Instrument(target, transport, d.registry)
	if err := refuseMissingLedger(cfg); err != nil {
		return nil, err
	}
	d.ledger, err = ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), opt.Log.With("component", "ledger"), ledger.WithClock(opt.Now),
		archiveBodies(cfg, &d.ledger))
	if err != nil {
		return nil, err
	}
	if err := checkLedger(ctx, cfg, d.ledger); err != nil {
		d.ledger.Close()
		return nil, err
	}
	if err := d.ledger.UpsertSeller(ctx, cfg.Seller.BAN, cfg.Seller.Name); err != nil {
		d.ledger.Close()
		return nil, err
	}
	loc := cfg.Location()
	cutoff, _ := cfg.Cutoff() // checked by Validate
	spoolLog := opt.Log.With("component", "spool")
	d.intake = &Intake{
		folder: folder, ledger: d.ledger, target: d.target, validator: validator,
		docs: &documentBuilder{validator: validator, uploadDir: cfg.UploadDir, random: opt.Random, log: spoolLog,
			cutoff: cutoff, loc: loc, now: opt.Now, skew: cfg.Spool.ClockSkew},
		metrics: newIntakeMetrics(d.registry, folder), log: spoolLog, now: opt.Now, ready: make(chan struct{}),
		settle: cfg.Spool.Settle, readyMode: cfg.Spool.Ready,
		readOpt: spool.ReadOptions{Encoding: cfg.Spool.Encoding, Version: mig.Version(cfg.MIG.Version), Location: loc,
			DefaultSeller: mig.Party{Identifier: cfg.Seller.BAN, Name: cfg.Seller.Name}},
	}
	d.intake.registerMetrics(d.registry)
	status := &statusWriter{ledger: d.ledger, dir: folder.Path("out", ""), loc: loc}
	d.status = status
	d.intake.status = status
	d.results = &Results{
		ledger: d.ledger, status: status, log: opt.Log.With("component", "turnkey"), folders: target,
		written: func(ctx context.Context) error { return d.intake.flush(ctx, nil) },
		dirs: map[string]string{kindProcess: cfg.ResultDir(cfg.Turnkey.Results.ProcessResult),
			kindSummary: cfg.ResultDir(cfg.Turnkey.Results.SummaryResult)},
		aside: filepath.Join(cfg.Path(cfg.Spool.Dir), "failed", "turnkey-results"), interval: cfg.Turnkey.Poll,
		trigger: opt.Poll, metrics: newResultMetrics(d.registry),
		now: opt.Now,
	}
	d.watcher = &spool.Watcher{Dir: folder.Path("in", ""), Interval: cfg.Spool.Rescan, Rescan: opt.Rescan, Log: spoolLog}
	if d.archive, err = newArchive(cfg, d.ledger, opt.Log, opt.Now, d.registry, opt.Archive, target); err != nil {
		d.ledger.Close()
		return nil, err
	}
	registerLedgerMetrics(d.registry, d.ledger, opt.Log.With("component", "ledger"), opt.Now)
	registerReady(d.registry, d)
	if d.jobs, err = newScheduler(cfg, d.ledger, opt.Log, d.registry, jobs.Clock{Now: opt.Now, After: opt.After},
		calendarDeps{validator: validator, now: opt.Now, handoff: func(ctx context.Context) error { return d.intake.flush(ctx, nil) },
			folders: target}); err != nil {
		d.ledger.Close()
		return nil, err
	}
	d.registry.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	built = true
	return d, nil
}

// Run runs every component until ctx ends, then shuts down in order: stop
// taking files, let the file in progress finish (within drainGrace), then
// stop HTTP, then close the ledger.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.locks.release()
	defer d.ledger.Close()
	var srv *http.Server
	if d.cfg.HTTP.Listen != "" {
		ln, err := net.Listen("tcp", d.cfg.HTTP.Listen)
		if err != nil {
			return fmt.Errorf("http.listen %s: %w", d.cfg.HTTP.Listen, err)
		}
		if d.opt.Listening != nil {
			d.opt.Listening <- ln.Addr().String()
		}
		srv = &http.Server{Handler: d.handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				d.log.Error("http server stopped", "err", err)
			}
		}()
		d.log.Info("serving metrics and health", "addr", ln.Addr().String())
	}
	g, gctx := errgroup.WithContext(ctx)
	wake := make(chan struct{}, 1)
	g.Go(func() error { return d.watcher.Run(gctx, wake) })
	g.Go(func() error { return d.intake.Run(gctx, wake) })
	g.Go(func() error {
		select { // Turnkey's results are read once the spool recovered
		case <-d.intake.Ready():
		case <-gctx.Done():
			return nil
		}
		return d.results.Run(gctx)
	})
	g.Go(func() error { return d.archiveRun(gctx) })
	g.Go(func() error {
		select { // the calendar's jobs start once the spool recovered
		case <-d.intake.Ready():
		case <-gctx.Done():
			return nil
		}
		return d.jobs.Run(gctx)
	})
	d.log.Info("turnkeyd running", "spool", d.cfg.Path(d.cfg.Spool.Dir), "turnkey", d.cfg.Path(d.cfg.Turnkey.Dir),
		"ledger", d.ledger.Path(), "mig", d.cfg.MIG.Version, "seller", d.cfg.Seller.BAN)
	err := g.Wait()
	// A verdict applied just before the stop may not be in the status file
	// yet (the cycle's own flush saw the cancelled context): write it now
	// rather than at the next start, so the ERP hears it before we go.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	if ferr := d.status.flush(fctx); ferr != nil {
		d.log.Warn("status file not brought up to date at stop; the next start writes the rest", "err", ferr)
	}
	fcancel()
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}
	d.log.Info("turnkeyd stopped")
	return err
}

// RunConfig loads the configuration at path and runs the daemon until ctx
// ends: `turnkeyd run`.
func RunConfig(ctx context.Context, path string, stderr io.Writer) error {
	cfg, err := LoadConfig(path)
	if err != nil {
		return err
	}
	log := NewLogger(cfg.Log, stderr)
	now, after, err := envClock(log)
	if err != nil {
		return err
	}
	d, err := New(ctx, cfg, Options{Log: log, Now: now, After: after})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "turnkeyd: drop CSV files into %s (write NAME.csv.tmp, then rename it to NAME.csv); answers appear in %s\n",
		d.intake.folder.Path("in", ""), d.intake.folder.Path("out", ""))
	return d.Run(ctx)
}

// NewLogger returns the daemon's logger as configured.
func NewLogger(c LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
