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

	"github.com/turnkeyd/turnkeyd/daemon"
)

const usage = `turnkeyd: Taiwan e-invoices from the ERP's CSV files to MOF's Turnkey.

Commands:
  check [-q] FILE|DIR...   validate MIG XML files (schema and business rules)
  init [-dir DIR]          write DIR/turnkeyd.yaml and create the folders
  help                     this text

Run "turnkeyd COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	return daemon.Check(fs.Args(), *quiet, stdout, stderr)
}

func cmdInit(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("init", "init [-dir DIR] [-seller-ban BAN -seller-name NAME | -sandbox] [-force]", stderr)
	dir := fs.String("dir", ".", "folder for turnkeyd.yaml and the data folders")
	ban := fs.String("seller-ban", "", "統一編號 of the default seller")
	name := fs.String("seller-name", "", "name of the default seller")
	sandbox := fs.Bool("sandbox", false, "use the sandbox seller (a MOF test number) for a local trial")
	force := fs.Bool("force", false, "overwrite an existing turnkeyd.yaml")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	seller := daemon.SellerConfig{BAN: *ban, Name: *name}
	if *sandbox {
		seller = daemon.Sandbox
	}
	path, err := daemon.Init(daemon.InitOptions{Dir: *dir, Seller: seller, Force: *force})
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
