package main

import (
	"io"

	"github.com/turnkeyd/turnkeyd/daemon"
)

// Stamped by make dist: -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = ""
)

func cmdVersion(stdout io.Writer) int {
	daemon.PrintVersion(stdout, version, commit)
	return 0
}
