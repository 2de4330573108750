package main

import (
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/sshdtest"
)

// sftpSite is a benchmark site whose Turnkey folder is reached through a
// real sshd on this machine (the same folder, over SFTP).
func sftpSite(b testing.TB, bin string) *site {
	b.Helper()
	srv := sshdtest.Start(b)
	s := newSite(b, bin, benchTracks, "0s")
	useSFTP(b, s, srv)
	return s
}

// reportSFTP reports the SFTP run beside the local one.
func reportSFTP(b *testing.B, local, remote e2eRun) {
	b.ReportMetric(remote.docsPerSec, "sftp-docs/s")
	b.ReportMetric(100*remote.docsPerSec/local.docsPerSec, "sftp-%")
	b.Logf("over SFTP to a local sshd: %.0f docs/s in %s, %.0f %% of the local folder's %.0f docs/s; drop-to-file p50 %s p99 %s",
		remote.docsPerSec, remote.elapsed.Round(time.Millisecond), 100*remote.docsPerSec/local.docsPerSec, local.docsPerSec,
		remote.p50.Round(time.Millisecond), remote.p99.Round(time.Millisecond))
}
