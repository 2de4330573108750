package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/workload"
)

// TestSecondProcessRefused: with the daemon running, a second `turnkeyd
// run` on the same configuration exits 1 naming the first one's pid, and
// so does `tracks import`; `ledger backup` works while it runs.
func TestSecondProcessRefused(t *testing.T) {
	bin := buildBinary(t)
	s := newSite(t, bin, []workload.Track{{Letters: "AA", Begin: 0, End: 99}}, "0s")
	first := startProc(t, "daemon", filepath.Join(s.dir, "daemon.log"), bin, "run", "-config", s.config)
	defer first.stop(t, syscall.SIGTERM, 30*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for !first.logged("turnkeyd running") {
		if first.exited() || time.Now().After(deadline) {
			t.Fatalf("the daemon did not start:\n%s", first.tail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	pid := "process " + strconv.Itoa(first.cmd.Process.Pid)
	tracks := filepath.Join(s.dir, "tracks.csv")
	for _, args := range [][]string{{"run", "-config", s.config}, {"tracks", "import", "-config", s.config, tracks}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), pid) {
			t.Errorf("turnkeyd %s while the daemon runs: %v\n%s\nwant exit 1 naming %s", args[0], err, out, pid)
		}
	}
	backup := filepath.Join(s.dir, "backup.db")
	if out, err := exec.Command(bin, "ledger", "backup", "-config", s.config, "-o", backup).CombinedOutput(); err != nil {
		t.Fatalf("ledger backup while the daemon runs: %v\n%s", err, out)
	}
	if st, err := os.Stat(backup); err != nil || st.Size() == 0 {
		t.Errorf("backup: %v", err)
	}
}
