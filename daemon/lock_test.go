package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/internal/workload"
)

// TestSecondDaemonRefused: while a daemon runs, a second one on the same
// configuration, and a CLI command that writes the ledger, are refused
// with a message naming the holder's pid; once the first stops, both work.
func TestSecondDaemonRefused(t *testing.T) {
	h := startDaemon(t, nil)
	pid := "process " + strconv.Itoa(os.Getpid())
	_, err := New(context.Background(), h.cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), pid) || !strings.Contains(err.Error(), "stop that one first") {
		t.Fatalf("second daemon: %v, want a refusal naming %s", err, pid)
	}
	tracks := filepath.Join(h.dir, "tracks.csv")
	if err := os.WriteFile(tracks, workload.TrackCSV(h.cfg.Seller.BAN, testNow, []workload.Track{{Letters: "TQ", Begin: 0, End: 49}}), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := ImportTracks(context.Background(), h.cfg, []string{tracks}, &out); err == nil || !strings.Contains(err.Error(), pid) {
		t.Fatalf("tracks import while the daemon runs: %v, want a refusal naming %s", err, pid)
	}
	h.stop()
	if err := ImportTracks(context.Background(), h.cfg, []string{tracks}, &out); err != nil {
		t.Fatalf("tracks import after the daemon stopped: %v", err)
	}
	d, err := New(context.Background(), h.cfg, Options{})
	if err != nil {
		t.Fatalf("daemon after the first stopped: %v", err)
	}
	d.locks.release()
	d.ledger.Close()
}
