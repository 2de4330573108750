// Command turnkeyd links a business's ERP to MOF's Turnkey e-invoice
// program. Run `turnkeyd help` for the commands.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/turnkeyd/turnkeyd/daemon"
	"github.com/turnkeyd/turnkeyd/internal/service"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

const usage = `turnkeyd: Taiwan e-invoices from the ERP's CSV files to MOF's Turnkey.

Commands:
  run [-config FILE]             run the daemon in the foreground
  sandbox [-dir DIR] [-days-per-minute N]
                                 run the daemon and the Turnkey simulator on the embedded
                                 default under DIR (./var): SQLite ledger, local spool and
                                 Turnkey folders, sample tracks
  sim [-config FILE] [-interval 2s] [-delay 0s] [-refuse 0.1] [-refuse-code S9001] [-paused] [-seed N]
      [-calendar [-winning-numbers FILE]]
                                 simulate Turnkey and the platform on turnkey.dir (tests, trials);
                                 -calendar also plays the E0501/E0504 downloads of the calendar
  init [-dir DIR] [-seller-ban BAN -seller-name NAME | -sandbox] [-force]
                                 write DIR/turnkeyd.yaml (every key, commented) and the folders
  tracks import [-config FILE] FILE...
                                 import track allocations: E0501 XML or the platform's CSV
  tracks list [-config FILE]     tracks per seller and period: range, used, remaining, next
  invoice show [-config FILE] NUMBER
                                 an invoice's whole history: documents, states, files, codes
  invoice list [-config FILE] [-state STATE] [-since 24h|2006-01-02]
                                 documents by state: queued, uploaded, accepted, rejected,
                                 waiting, pending (not yet accepted or refused) or all
  ledger backup [-config FILE] -o OUT
                                 a consistent copy of the ledger, while the daemon runs
  ledger rebuild [-config FILE] -tracks FILE...
                                 a new ledger where one was lost: tracks, and every number
                                 in Turnkey's folders and the spool's answers marked used
  check [-q] FILE|DIR...         validate MIG XML files (schema and business rules)
  service install [-config FILE] [-log-file FILE] | uninstall | start | stop
                                 the Windows service (Windows only; Linux: deploy/systemd)
  version                        version, commit, Go version and the MIG versions written
  archive verify [-config FILE] [-period YYYMM] | archive verify -zip FILE.zip
                                 check the archive (or an export) against its manifests
  archive export [-config FILE] -period YYYMM -o FILE.zip
                                 a period's XML, verdicts, manifests and summary, for auditors
  doctor [-config FILE]          check Turnkey's folders, local or over SFTP: reach, host key,
                                 layout, write/rename/delete in each SRC, results, free space
  jobs list [-config FILE]       the scheduled jobs: schedule, last run and outcome, next run
  jobs run [-config FILE] NAME [-period YYYMM]
                                 run a job now (same lease and idempotence as the daemon)
  blank [-config FILE] -period YYYMM [-dry-run]
                                 report the period's unused track ranges (E0402) and close
                                 its tracks; -dry-run only shows them
  prizes check -numbers FILE INVOICE_NUMBER...
                                 each invoice's prize under the winning numbers (QryWinningList JSON)
  prizes [-config FILE] -numbers FILE -period YYYMM
                                 every invoice of the period, compared with the platform's E0504
  help                           this text

FILE defaults to ./turnkeyd.yaml. Flags may come before or after the other arguments.
Run "turnkeyd COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal starts an orderly shutdown; after it, signals are no
	// longer caught, so a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "check":
		return cmdCheck(args, stdout, stderr)
	case "init":
		return cmdInit(args, stdout, stderr)
	case "run":
		return cmdRun(ctx, args, stderr)
	case "sandbox":
		return cmdSandbox(ctx, args, stdout, stderr)
	case "tracks":
		return cmdTracks(ctx, args, stdout, stderr)
	case "invoice":
		return cmdInvoice(ctx, args, stdout, stderr)
	case "sim":
		return cmdSim(ctx, args, stderr)
	case "ledger":
		return cmdLedger(ctx, args, stdout, stderr)
	case "service":
		return cmdService(args, stdout, stderr)
	case "version", "-version", "--version":
		return cmdVersion(stdout)
	case "archive":
		return cmdArchive(ctx, args, stdout, stderr)
	case "doctor":
		return cmdDoctor(ctx, args, stdout, stderr)
	case "jobs":
		return cmdJobs(ctx, args, stdout, stderr)
	case "blank":
		return cmdBlank(ctx, args, stdout, stderr)
	case "prizes":
		return cmdPrizes(ctx, args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "turnkeyd: unknown command %q\n\n%s", cmd, usage)
	return 2
}

func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: turnkeyd %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", "check [-q] FILE|DIR...", stderr)
	quiet := fs.Bool("q", false, "print only files that fail")
	files, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fs.Usage()
		return 2
	}
	return daemon.Check(files, *quiet, stdout, stderr)
}

func cmdInit(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("init", "init [-dir DIR] [-seller-ban BAN -seller-name NAME | -sandbox] [-force]", stderr)
	dir := fs.String("dir", ".", "folder for turnkeyd.yaml and the data folders")
	ban := fs.String("seller-ban", "", "統一編號 of the default seller")
	name := fs.String("seller-name", "", "name of the default seller")
	sandbox := fs.Bool("sandbox", false, "use the sandbox seller (a MOF test number) for a local trial")
	force := fs.Bool("force", false, "overwrite an existing turnkeyd.yaml")
	if code, ok := noArgs(fs, args); !ok {
		return code
	}
	seller := daemon.SellerConfig{BAN: *ban, Name: *name}
	if *sandbox {
		seller = daemon.SandboxSeller
	}
	path, err := daemon.Init(daemon.InitOptions{Dir: *dir, Seller: seller, Force: *force, Sandbox: *sandbox})
	if err != nil {
		fmt.Fprintf(stderr, "turnkeyd: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	if seller.BAN == "" {
		fmt.Fprintf(stdout, "fill in seller.ban and seller.name before running the daemon\n")
	}
	return 0
}

// noArgs parses the flags of a command that takes no other argument, and
// refuses any: an argument that is not a flag is not silently ignored.
func noArgs(fs *flag.FlagSet, args []string) (code int, ok bool) {
	pos, code, ok := parseArgs(fs, args)
	if ok && len(pos) > 0 {
		fmt.Fprintf(fs.Output(), "turnkeyd %s: unexpected argument %q\n", fs.Name(), pos[0])
		fs.Usage()
		return 2, false
	}
	return code, ok
}

// exitErr prints err and returns exit code 1.
func exitErr(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "turnkeyd: %v\n", err)
	return 1
}

func cmdRun(ctx context.Context, args []string, stderr io.Writer) int {
	fs := newFlags("run", "run [-config FILE]", stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	logFile := fs.String("log-file", "", "append the log to this file instead of standard error (the Windows service)")
	if code, ok := noArgs(fs, args); !ok {
		return code
	}
	if *logFile != "" {
		f, err := openLog(*logFile)
		if err != nil {
			return exitErr(stderr, err)
		}
		defer f.Close()
		stderr = f
	}
	runConfig := func(ctx context.Context) error { return daemon.RunConfig(ctx, *config, stderr) }
	var err error
	if service.IsService() { // started by Windows: it says when to stop
		err = service.Run(runConfig)
	} else {
		err = runConfig(ctx)
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

func cmdSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sandbox", "sandbox [-dir DIR] [-days-per-minute N]", stderr)
	dir := fs.String("dir", "var", "folder of the sandbox (created on first use)")
	days := fs.Float64("days-per-minute", 0, "run on a fast clock: this many days per minute (the simulator plays the calendar)")
	if code, ok := noArgs(fs, args); !ok {
		return code
	}
	if err := daemon.RunSandbox(ctx, *dir, stdout, stderr, *days); err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

func cmdTracks(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "import" && args[0] != "list") {
		fmt.Fprintln(stderr, "usage: turnkeyd tracks import [-config FILE] FILE... | turnkeyd tracks list [-config FILE]")
		return 2
	}
	sub := args[0]
	fs := newFlags("tracks "+sub, "tracks "+sub+" [-config FILE]"+map[string]string{"import": " FILE...", "list": ""}[sub], stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	files, code, ok := parseArgs(fs, args[1:])
	if !ok {
		return code
	}
	if (sub == "list") != (len(files) == 0) {
		fs.Usage()
		return 2
	}
	cfg, err := daemon.LoadConfig(*config)
	if err != nil {
		return exitErr(stderr, err)
	}
	if sub == "list" {
		err = daemon.ListTracks(ctx, cfg, stdout)
	} else {
		err = daemon.ImportTracks(ctx, cfg, files, stdout)
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

func cmdInvoice(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "show" && args[0] != "list") {
		fmt.Fprintln(stderr, "usage: turnkeyd invoice show [-config FILE] NUMBER | turnkeyd invoice list [-config FILE] [-state STATE] [-since WHEN]")
		return 2
	}
	sub := args[0]
	fs := newFlags("invoice "+sub, "invoice "+sub+" [-config FILE]"+map[string]string{"show": " NUMBER", "list": " [-state STATE] [-since 24h|2006-01-02]"}[sub], stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	var state, since *string
	if sub == "list" { // show takes a number and nothing else
		state = fs.String("state", "pending", "queued, uploaded, accepted, rejected, waiting, pending or all")
		since = fs.String("since", "", "only documents changed since: a duration back from now (24h) or a date (2006-01-02)")
	}
	pos, code, ok := parseArgs(fs, args[1:])
	if !ok {
		return code
	}
	if want := map[string]int{"show": 1, "list": 0}[sub]; len(pos) != want {
		fs.Usage()
		return 2
	}
	cfg, err := daemon.LoadConfig(*config)
	if err != nil {
		return exitErr(stderr, err)
	}
	if sub == "show" {
		err = daemon.ShowInvoice(ctx, cfg, pos[0], stdout)
	} else {
		var from time.Time
		if from, err = parseSince(*since, cfg.Location()); err == nil {
			err = daemon.ListDocuments(ctx, cfg, *state, from, stdout)
		}
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

// parseSince reads -since: empty (the beginning), a duration back from now,
// or a date in the configured time zone.
func parseSince(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("-since %q is neither a duration (24h) nor a date (2006-01-02)", s)
	}
	return t, nil
}

func cmdSim(ctx context.Context, args []string, stderr io.Writer) int {
	fs := newFlags("sim", "sim [-config FILE] [-interval 2s] [-delay 0s] [-refuse 0.1] [-refuse-code S9001] [-paused] [-seed N] [-calendar [-winning-numbers FILE]]", stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file (the simulator uses turnkey.dir and its folders)")
	opt := sim.Options{}
	fs.DurationVar(&opt.Interval, "interval", 2*time.Second, "how often the upload folders are polled")
	fs.DurationVar(&opt.Delay, "delay", 0, "time from pickup to the platform's verdict")
	fs.Float64Var(&opt.RefuseShare, "refuse", 0, "share (0..1) of good messages the platform refuses anyway")
	fs.StringVar(&opt.RefuseCode, "refuse-code", "", "code of those refusals (default S9001)")
	fs.BoolVar(&opt.Paused, "paused", false, "pick nothing up (files stay in SRC)")
	fs.Uint64Var(&opt.Seed, "seed", 1, "seed of the injected refusals")
	var cal daemon.SimCalendar
	fs.BoolVar(&cal.Enabled, "calendar", false, "play the calendar: E0501 of the next period on the 20th of even months, E0504 on the 28th of odd months")
	fs.StringVar(&cal.WinningNumbers, "winning-numbers", "", "with -calendar: the winning numbers of the E0504 (QryWinningList JSON)")
	if code, ok := noArgs(fs, args); !ok {
		return code
	}
	if err := daemon.RunSim(ctx, *config, opt, stderr, cal); err != nil {
		return exitErr(stderr, err)
	}
	return 0
}
