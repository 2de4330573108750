package main

// The calendar's commands: jobs list|run, blank, prizes.

import (
	"context"
	"fmt"
	"io"

	"github.com/turnkeyd/turnkeyd/daemon"
)

func cmdJobs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "run") {
		fmt.Fprintln(stderr, "usage: turnkeyd jobs list [-config FILE] | turnkeyd jobs run [-config FILE] NAME [-period YYYMM]")
		return 2
	}
	sub := args[0]
	fs := newFlags("jobs "+sub, "jobs "+sub+" [-config FILE]"+map[string]string{"list": "", "run": " NAME [-period YYYMM]"}[sub], stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	period := fs.String("period", "", "the period (ROC year and even month, e.g. 11512) a period job runs for; default: the one of now")
	rest, code, ok := parseArgs(fs, args[1:])
	if !ok {
		return code
	}
	if (sub == "run") != (len(rest) == 1) || len(rest) > 1 {
		fs.Usage()
		return 2
	}
	cfg, err := daemon.LoadConfig(*config)
	if err != nil {
		return exitErr(stderr, err)
	}
	if sub == "list" {
		err = daemon.ListJobs(ctx, cfg, stdout)
	} else {
		err = daemon.RunJob(ctx, cfg, rest[0], *period, stdout, stderr)
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

func cmdBlank(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("blank", "blank [-config FILE] -period YYYMM [-dry-run]", stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	period := fs.String("period", "", "the ended period (ROC year and even month, e.g. 11512)")
	dryRun := fs.Bool("dry-run", false, "only show what would be reported")
	if code, ok := noArgs(fs, args); !ok {
		return code
	}
	if *period == "" {
		fs.Usage()
		return 2
	}
	cfg, err := daemon.LoadConfig(*config)
	if err != nil {
		return exitErr(stderr, err)
	}
	if err := daemon.Blank(ctx, cfg, *period, *dryRun, stdout, stderr); err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

func cmdPrizes(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	check := len(args) > 0 && args[0] == "check"
	synopsis := "prizes [-config FILE] -numbers FILE -period YYYMM"
	if check {
		args, synopsis = args[1:], "prizes check -numbers FILE INVOICE_NUMBER..."
	}
	fs := newFlags("prizes", synopsis, stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	numbers := fs.String("numbers", "", "the winning numbers: the JSON answer of the MOF app API QryWinningList")
	period := fs.String("period", "", "the period (ROC year and even month, e.g. 11412)")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if *numbers == "" || (check && len(pos) == 0) || (!check && (*period == "" || len(pos) != 0)) {
		fs.Usage()
		return 2
	}
	var err error
	if check {
		err = daemon.PrizesCheck(*numbers, pos, stdout)
	} else {
		var cfg *daemon.Config
		if cfg, err = daemon.LoadConfig(*config); err == nil {
			err = daemon.PrizesPeriod(ctx, cfg, *numbers, *period, stdout)
		}
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	return 0
}
