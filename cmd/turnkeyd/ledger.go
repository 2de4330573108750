package main

// The commands that care for the ledger and Turnkey's folders: ledger
// backup|rebuild, doctor.

import (
	"context"
	"fmt"
	"io"

	"github.com/turnkeyd/turnkeyd/daemon"
)

func cmdLedger(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "backup" && args[0] != "rebuild") {
		fmt.Fprintln(stderr, "usage: turnkeyd ledger backup [-config FILE] -o OUT | turnkeyd ledger rebuild [-config FILE] -tracks FILE...")
		return 2
	}
	sub := args[0]
	fs := newFlags("ledger "+sub, "ledger "+sub+" [-config FILE]"+map[string]string{"backup": " -o OUT", "rebuild": " -tracks FILE..."}[sub], stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	out := fs.String("o", "", "backup: the file to write (must not exist)")
	tracks := fs.Bool("tracks", false, "rebuild: the arguments are track files (E0501 XML or the platform's CSV)")
	pos, code, ok := parseArgs(fs, args[1:])
	if !ok {
		return code
	}
	if (sub == "backup" && (*out == "" || len(pos) > 0)) || (sub == "rebuild" && (!*tracks || len(pos) == 0)) {
		fs.Usage()
		return 2
	}
	cfg, err := daemon.LoadConfig(*config)
	if err != nil {
		return exitErr(stderr, err)
	}
	if sub == "backup" {
		err = daemon.BackupLedger(ctx, cfg, *out, stdout)
	} else {
		err = daemon.RebuildLedger(ctx, cfg, pos, stdout)
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

func cmdDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("doctor", "doctor [-config FILE]", stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	if code, ok := noArgs(fs, args); !ok {
		return code
	}
	return daemon.Doctor(ctx, *config, stdout)
}
