package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/archive"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// ArchiveConfig is the archive auditors read (package archive).
type ArchiveConfig struct {
	Dir      string        `yaml:"dir"`
	Interval time.Duration `yaml:"interval"`
}

func defaultArchiveConfig() ArchiveConfig {
	return ArchiveConfig{Dir: "archive", Interval: 10 * time.Second}
}

func (a ArchiveConfig) validate() []error {
	var errs []error
	if a.Dir == "" {
		errs = append(errs, fmt.Errorf("archive.dir: is required (the folder auditors read)"))
	}
	if a.Interval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("archive.interval: %s is too short: at least 100ms", a.Interval))
	}
	return errs
}

// newArchive builds the archive component of the daemon.
func newArchive(cfg *Config, l *ledger.Ledger, log *slog.Logger, now func() time.Time, reg prometheus.Registerer,
	trigger <-chan time.Time) (*archive.Archive, error) {
	return archive.New(archive.Config{
		Dir: cfg.Path(cfg.Archive.Dir), Ledger: l, Log: log.With("component", "archive"), Now: now,
		Location: cfg.Location(), Interval: cfg.Archive.Interval, Trigger: trigger, Registry: reg,
		Inbound: map[string]string{"E0501": cfg.ResultDir(cfg.Turnkey.Results.E0501),
			"E0504": cfg.ResultDir(cfg.Turnkey.Results.E0504)},
	})
}

// ArchiveVerify checks the archive of the configuration at path (or the
// export zip) and prints each problem: `turnkeyd archive verify`. It
// returns whether the archive is intact.
func ArchiveVerify(path, period, zip string, out io.Writer) (bool, error) {
	var r *archive.Report
	var where string
	var err error
	if zip != "" {
		where = zip
		r, err = archive.VerifyZip(zip)
	} else {
		if period != "" && !archive.ValidPeriod(period) {
			return false, fmt.Errorf("-period %q is not a period: three digits of ROC year and an even month, e.g. 11412", period)
		}
		cfg, lerr := LoadConfig(path)
		if lerr != nil {
			return false, lerr
		}
		where = cfg.Path(cfg.Archive.Dir)
		r, err = archive.VerifyDir(where, period, time.Now())
	}
	if err != nil {
		return false, err
	}
	for _, p := range r.Problems {
		fmt.Fprintln(out, p.String())
	}
	scope := "the whole archive"
	if r.Period != "" {
		scope = "period " + r.Period
	}
	verdict := "intact"
	if !r.OK() {
		verdict = fmt.Sprintf("%d problems: restore the files named from a backup, or find out who changed them", len(r.Problems))
	}
	fmt.Fprintf(out, "%s (%s): %d manifests, %d files listed; %s\n", where, scope, r.Manifests, r.Listed, verdict)
	return r.OK(), nil
}

// archiveRun is the archive's part of Daemon.Run.
func (d *Daemon) archiveRun(ctx context.Context) error { return d.archive.Run(ctx) }
