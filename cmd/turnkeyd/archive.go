package main

import (
	"context"
	"fmt"
	"io"

	"github.com/turnkeyd/turnkeyd/daemon"
)

const archiveUsage = "usage: turnkeyd archive verify [-config FILE] [-period YYYMM] | turnkeyd archive verify -zip FILE.zip | " +
	"turnkeyd archive export [-config FILE] -period YYYMM -o FILE.zip"

// cmdArchive runs `turnkeyd archive verify` (exit 0: intact, 1: problems
// found or the check failed) and `turnkeyd archive export`.
func cmdArchive(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "export") {
		fmt.Fprintln(stderr, archiveUsage)
		return 2
	}
	sub := args[0]
	fs := newFlags("archive "+sub, archiveUsage[len("usage: turnkeyd "):], stderr)
	config := fs.String("config", "turnkeyd.yaml", "configuration file")
	period := fs.String("period", "", "a period: ROC year and even month, e.g. 11412")
	zip := fs.String("zip", "", "verify: an export zip instead of the archive")
	out := fs.String("o", "", "export: the zip file to write")
	if code, ok := noArgs(fs, args[1:]); !ok {
		return code
	}
	if sub == "export" {
		if *period == "" || *out == "" {
			fs.Usage()
			return 2
		}
		if err := daemon.ArchiveExport(ctx, *config, *period, *out, stdout); err != nil {
			return exitErr(stderr, err)
		}
		return 0
	}
	ok, err := daemon.ArchiveVerify(*config, *period, *zip, stdout)
	if err != nil {
		return exitErr(stderr, err)
	}
	if !ok {
		return 1
	}
	return 0
}
