package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/sshdtest"
)

// TestCrashSafetySFTP is the crash test with Turnkey's folder behind a real
// sshd: the daemon hands files over SFTP (staging on the host, rename into
// SRC) and reads recovery's listings over it. Besides the SIGKILLs of the
// daemon, sshd itself is killed (with every session) and restarted in the
// middle of batches. The checks are the local test's: one outcome per
// document, each number in exactly one file in the host's SRC, valid by
// mig-oracle, no staging leftovers, contiguous numbering.
//
// It is kept short (TURNKEYD_CRASH_SFTP_DOCS, default 2000; 500 with
// -short) so that it fits about 90 s on a busy machine.
func TestCrashSafetySFTP(t *testing.T) {
	docs, kills := envInt(t, "TURNKEYD_CRASH_SFTP_DOCS", 2000), envInt(t, "TURNKEYD_CRASH_SFTP_KILLS", 10)
	if testing.Short() {
		docs = envInt(t, "TURNKEYD_CRASH_SFTP_DOCS", 500)
	}
	srv := sshdtest.Start(t)
	restarts := 0
	crashRun(t, crashPlan{
		docs: docs, kills: kills,
		setup: func(s *site) { useSFTP(t, s, srv) },
		during: func(s *site, i int, p *proc) {
			if i%3 != 1 {
				return
			}
			// Mid-batch: once a file is claimed, kill sshd and every
			// session; the daemon runs on against a dead link for a
			// moment, then sshd comes back.
			s.waitFor(10*time.Second, func() bool { return s.count(s.work) > 0 || s.idle(p) })
			srv.Stop()
			s.waitFor(300*time.Millisecond, p.exited)
			srv.Restart(t)
			restarts++
			t.Logf("sshd killed and restarted during run %d", i+1)
		},
	})
	if restarts < 2 {
		t.Errorf("sshd was restarted %d times, want at least 2", restarts)
	}
}

// useSFTP points the site's configuration at its Turnkey folder through
// srv: the same folder, now reached over SFTP.
func useSFTP(t testing.TB, s *site, srv *sshdtest.Server) {
	t.Helper()
	cfg, err := os.ReadFile(s.config)
	if err != nil {
		t.Fatal(err)
	}
	for old, repl := range map[string]string{
		"  dir: turnkey\n":    "  dir: " + srv.URL(s.turnkey) + "\n",
		`    key: ""`:         `    key: "` + srv.KeyFile + `"`,
		`    known_hosts: ""`: `    known_hosts: "` + srv.KnownHosts + `"`,
		"    timeout: 0s\n":   "    timeout: 10s\n",
		"    keepalive: 0s\n": "    keepalive: 5s\n",
		"    parallel: 0\n":   "    parallel: " + envStr("TURNKEYD_SFTP_PARALLEL", "0") + "\n",
	} {
		if !bytes.Contains(cfg, []byte(old)) {
			t.Fatalf("the configuration turnkeyd init writes has no %q", old)
		}
		cfg = bytes.Replace(cfg, []byte(old), []byte(repl), 1)
	}
	if err := os.WriteFile(s.config, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
}

func envStr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
