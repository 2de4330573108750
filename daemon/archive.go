package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/sync/errgroup"

	"github.com/turnkeyd/turnkeyd/archive"
	"github.com/turnkeyd/turnkeyd/archive/web"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// ArchiveConfig is the archive auditors read (package archive).
type ArchiveConfig struct {
	Dir      string        `yaml:"dir"`
	Interval time.Duration `yaml:"interval"`
	// Listen is where the auditors' web view is served; empty turns it off.
	Listen string `yaml:"listen"`
	// Users are the auditors' logins: user name → bcrypt hash. Without
	// any, the view has no login and may only listen on loopback.
	Users map[string]string `yaml:"users"`
	// VerifyEvery is how often the daemon verifies the whole archive when
	// `turnkeyd archive verify` has not; 0 leaves it to the operator.
	VerifyEvery time.Duration `yaml:"verify_every"`
}

func defaultArchiveConfig() ArchiveConfig {
	return ArchiveConfig{Dir: "archive", Interval: 10 * time.Second, Listen: "127.0.0.1:9465", VerifyEvery: 7 * 24 * time.Hour}
}

func (a ArchiveConfig) validate(keepBodies time.Duration) []error {
	var errs []error
	if keepBodies < 0 {
		errs = append(errs, fmt.Errorf("ledger.keep_bodies: %s is negative: give a duration such as 1440h, or 0 to keep bodies forever", keepBodies))
	}
	if a.Dir == "" {
		errs = append(errs, fmt.Errorf("archive.dir: is required (the folder auditors read)"))
	}
	if a.VerifyEvery < 0 {
		errs = append(errs, fmt.Errorf("archive.verify_every: %s is negative: give a duration such as 168h, or 0", a.VerifyEvery))
	}
	if a.Interval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("archive.interval: %s is too short: at least 100ms", a.Interval))
	}
	if a.Listen != "" {
		if _, _, err := net.SplitHostPort(a.Listen); err != nil {
			errs = append(errs, fmt.Errorf("archive.listen: %q is not host:port (e.g. 127.0.0.1:9465; empty turns the web view off)", a.Listen))
		} else if _, err := web.New(web.Config{Listen: a.Listen, Users: a.Users}); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// archiveBodies is the ledger option that reads dropped bodies back from
// the archive of cfg; *l is the ledger once it is open.
func archiveBodies(cfg *Config, l **ledger.Ledger) ledger.Option {
	return ledger.WithBodyLoader(archive.Bodies(cfg.Path(cfg.Archive.Dir), func(ctx context.Context, id int64) (*ledger.Archived, error) {
		return (*l).ArchivedOf(ctx, id)
	}))
}

// newArchive builds the archive component of the daemon.
func newArchive(cfg *Config, l *ledger.Ledger, log *slog.Logger, now func() time.Time, reg prometheus.Registerer,
	trigger <-chan time.Time, received archive.Received) (*archive.Archive, error) {
	return archive.New(archive.Config{
		Dir: cfg.Path(cfg.Archive.Dir), Ledger: l, Log: log.With("component", "archive"), Now: now,
		Location: cfg.Location(), Interval: cfg.Archive.Interval, Trigger: trigger, Registry: reg, KeepBodies: cfg.Ledger.KeepBodies,
		VerifyEvery: cfg.Archive.VerifyEvery,
		Inbound: map[string]string{"E0501": cfg.ResultDir(cfg.Turnkey.Results.E0501),
			"E0504": cfg.ResultDir(cfg.Turnkey.Results.E0504)},
		Received: received,
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
		var recorded map[string]string
		if recorded, err = archivedPaths(cfg); err != nil {
			return false, err
		}
		r, err = archive.VerifyDir(where, period, time.Now(), recorded)
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

// archiveRun is the archive's part of Daemon.Run: the archive and the
// auditors' web view. Neither failing stops the daemon: invoices go on.
func (d *Daemon) archiveRun(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return d.archive.Run(gctx) })
	if d.cfg.Archive.Listen != "" {
		g.Go(func() error {
			log := d.log.With("component", "archive")
			view, err := web.New(web.Config{Listen: d.cfg.Archive.Listen, Dir: d.cfg.Path(d.cfg.Archive.Dir), Ledger: d.ledger,
				Users: d.cfg.Archive.Users, Log: log, Loc: d.cfg.Location(), Listening: d.opt.ArchiveListening})
			if err == nil {
				err = view.Run(gctx)
			}
			if err != nil {
				log.Error("auditors' web view stopped; turnkeyd goes on without it", "err", err)
			}
			return nil
		})
	}
	return g.Wait()
}

// ArchiveExport writes the period's part of the archive of the
// configuration at path as a zip to file (see archive.Export), and prints
// the summary: `turnkeyd archive export`.
func ArchiveExport(ctx context.Context, path, period, file string, out io.Writer) error {
	cfg, err := LoadConfig(path)
	if err != nil {
		return err
	}
	if !archive.ValidPeriod(period) {
		return fmt.Errorf("-period %q is not a period: three digits of ROC year and an even month, e.g. 11412", period)
	}
	tmp := file + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp)
	rows, err := archive.Export(cfg.Path(cfg.Archive.Dir), period, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export period %s to %s: %w", period, file, err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, strings.Join(archive.SummaryHeader, "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r.Record(), "\t")+"\t")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s: check it with `turnkeyd archive verify -zip %s`\n", file, file)
	return nil
}

// SandboxAuditor is the login of the auditors' web view in the sandbox.
var SandboxAuditor = struct{ User, Password string }{"auditor", "sandbox"}

// sandboxAuditors returns archive.users for a new sandbox.
func sandboxAuditors() (map[string]string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(SandboxAuditor.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	return map[string]string{SandboxAuditor.User: string(hash)}, nil
}

// printArchiveView tells the sandbox's user where the auditors' view is.
func printArchiveView(cfg *Config, out io.Writer) {
	if cfg.Archive.Listen == "" {
		return
	}
	login := "no login (loopback only)"
	if _, ok := cfg.Archive.Users[SandboxAuditor.User]; ok {
		login = fmt.Sprintf("user %s, password %s", SandboxAuditor.User, SandboxAuditor.Password)
	}
	fmt.Fprintf(out, "turnkeyd: auditors' web view on http://%s/ (%s); archive in %s\n", cfg.Archive.Listen, login, cfg.Path(cfg.Archive.Dir))
}

// archivedPaths reads what the ledger recorded as archived; nil when there
// is no ledger (an archive copied elsewhere is verified on its own).
func archivedPaths(cfg *Config) (map[string]string, error) {
	ctx := context.Background()
	if _, err := os.Stat(cfg.Path(cfg.Ledger.Path)); os.IsNotExist(err) {
		return nil, nil
	}
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	return l.ArchivedPaths(ctx)
}
