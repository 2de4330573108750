package daemon

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/sshdtest"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// startSFTPDaemon runs the daemon with turnkey.dir on a real sshd; the
// "remote" folder is a local temp folder the simulator works on.
func startSFTPDaemon(t *testing.T) (*harness, *sshdtest.Server, string) {
	t.Helper()
	srv := sshdtest.Start(t)
	root := filepath.Join(t.TempDir(), "EINVTurnkey")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	h := startDaemon(t, func(c *Config) {
		c.Turnkey.Dir = srv.URL(root)
		c.Turnkey.SFTP = TurnkeySFTPConfig{Key: srv.KeyFile, KnownHosts: srv.KnownHosts, Timeout: 5 * time.Second}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	return h, srv, root
}

func (h *harness) get(path string) (int, string) {
	h.t.Helper()
	resp, err := http.Get("http://" + h.addr + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func remoteSRC(root string) []string {
	files, _ := filepath.Glob(filepath.Join(root, "UpCast", "*", "*", "SRC", "*.xml"))
	return files
}

// TestSFTPEndToEnd: documents reach SRC on the host over SFTP, Turnkey
// (the simulator, on the host's folder) moves them and answers, and the
// verdicts come back over the same link. While sshd is down the documents
// stay queued, /readyz and turnkeyd_turnkey_up say so, and once it is back
// they go through, once.
func TestSFTPEndToEnd(t *testing.T) {
	h, srv, root := startSFTPDaemon(t)
	s := h.newSim(sim.Options{})
	h.drop("a.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nA1,咖啡,1,65\nA2,茶,1,40\n"))
	h.result("a.csv")
	if got := remoteSRC(root); len(got) != 2 {
		t.Fatalf("files in the host's SRC: %v, want 2", got)
	}
	step(t, s)
	h.readResults()
	for _, order := range []string{"A1", "A2"} {
		if d := h.state(order, "issue"); d.State != ledger.StateAccepted || !strings.Contains(d.Location, filepath.Join(root, "UpCast", "B2SSTORAGE", "F0401", "BAK")) {
			t.Errorf("issue %s: %s at %q, want accepted, in the host's BAK", order, d.State, d.Location)
		}
	}

	srv.Stop()
	h.drop("b.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nB1,咖啡,1,65\n"))
	rows := h.result("b.csv")
	if rows["B1"][3] != "accepted" {
		t.Errorf("B1 answer %v while the host is down, want accepted (queued)", rows["B1"])
	}
	h.await("/readyz to say the link is down", func() bool {
		code, body := h.get("/readyz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "link to the Turnkey host is down")
	})
	if _, metrics := h.get("/metrics"); !strings.Contains(metrics, `turnkeyd_turnkey_up{transport="sftp"} 0`) {
		t.Errorf("/metrics lacks turnkeyd_turnkey_up 0 while sshd is down")
	}
	if d := h.state("B1", "issue"); d.State != ledger.StateQueued {
		t.Errorf("B1 is %s while the host is down, want queued", d.State)
	}

	srv.Restart(t)
	deadline := time.Now().Add(40 * time.Second) // the backoff is at most 30s
	for len(remoteSRC(root)) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("B1 not handed over 40s after sshd came back")
		}
		h.readResults()
	}
	step(t, s)
	h.readResults()
	if d := h.state("B1", "issue"); d.State != ledger.StateAccepted {
		t.Errorf("B1 is %s, want accepted", d.State)
	}
	st := s.State()
	if n := len(st.Files); n != 3 {
		t.Errorf("the simulator saw %d files, want 3 (each document once)", n)
	}
	if left, _ := os.ReadDir(filepath.Join(root, ".turnkeyd-staging")); len(left) != 0 {
		t.Errorf("staging leftovers on the host: %v", left)
	}
	if _, err := os.Stat("sftp:"); err == nil { // the URL taken for a local relative path
		t.Errorf("a local folder sftp: was written in %s", must(os.Getwd()))
	}
	if _, metrics := h.get("/metrics"); !strings.Contains(metrics, `turnkeyd_turnkey_up{transport="sftp"} 1`) ||
		strings.Contains(metrics, `turnkeyd_turnkey_reconnects_total{transport="sftp"} 0`) {
		t.Errorf("/metrics after the link came back:\n%s", grepLines(metrics, "turnkeyd_turnkey_"))
	}
}

// TestSFTPStartWhileHostDown: a daemon started while the Turnkey host is
// down does not exit; it stays not ready, saying why, and recovers once
// the host is back.
func TestSFTPStartWhileHostDown(t *testing.T) {
	srv := sshdtest.Start(t)
	srv.Stop()
	root := t.TempDir()
	h := startDaemon(t, func(c *Config) {
		c.Turnkey.Dir = srv.URL(root)
		c.Turnkey.SFTP = TurnkeySFTPConfig{Key: srv.KeyFile, KnownHosts: srv.KnownHosts}
	})
	h.await("/readyz to say why", func() bool {
		code, body := h.get("/readyz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "recovering") && strings.Contains(body, "link to the Turnkey host is down")
	})
	srv.Restart(t)
	deadline := time.Now().Add(45 * time.Second)
	for code, body := h.get("/readyz"); code != http.StatusOK; code, body = h.get("/readyz") {
		if time.Now().After(deadline) {
			t.Fatalf("not ready 45s after the host came back: %s", body)
		}
		time.Sleep(100 * time.Millisecond) // polling a readiness endpoint with a deadline
	}
}

// TestJobsReadE0501OverSFTP: with Turnkey on another host, the tracks job
// (here run by hand, as `turnkeyd jobs run tracks`) reads the E0501 that
// Turnkey downloaded on that host, over the same link as the uploads.
func TestJobsReadE0501OverSFTP(t *testing.T) {
	srv, chroot := sshdtest.StartChroot(t) // so that only a read over SFTP finds the file
	cfg := initConfig(t, t.TempDir())
	cfg.Turnkey.Dir = srv.URL("/EINVTurnkey")
	cfg.Turnkey.SFTP = TurnkeySFTPConfig{Key: srv.KeyFile, KnownHosts: srv.KnownHosts, Timeout: 5 * time.Second}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	remote := filepath.Join(chroot, "EINVTurnkey", filepath.FromSlash(cfg.Turnkey.Results.E0501), "20261220", "1000")
	if err := os.MkdirAll(remote, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../examples/tracks/E0501-11602.xml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(remote, "a-E0501.xml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, stderr strings.Builder
	if err := RunJob(context.Background(), cfg, "tracks", "", &out, &stderr); err != nil {
		t.Fatalf("jobs run tracks: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(out.String(), "1 E0501 files imported (1 new track ranges)") {
		t.Errorf("jobs run tracks over SFTP: %q, want the host's E0501 imported", out.String())
	}
}

func must[T any](v T, _ error) T { return v }
