//go:build linux

package daemon

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
)

const oneRow = "order_id,item_description,item_quantity,item_unit_price\nx-1,品項,1,100\n"

// TestLongNameGetsAnswer: a 240-character name used to make the temporary
// name of its answer too long for the file system; the file stayed in work/.
func TestLongNameGetsAnswer(t *testing.T) {
	h := startDaemon(t, nil)
	name := strings.Repeat("n", 236) + ".csv"
	h.drop(name, []byte(oneRow))
	if r := h.result(name)["x-1"]; r[3] != "accepted" {
		t.Errorf("row %v, want accepted", r)
	}
	h.await("done/", func() bool { _, err := os.Stat(h.spoolPath("done", name)); return err == nil })
}

// TestDiskFullAnswerIsRetriedWhileRunning: the answer of a file cannot be
// written (a full disk); the file waits in work/, the wait shows in
// turnkeyd_spool_oldest_claimed_age_seconds, later files are held behind
// nothing, and once space is back the answer comes without a restart.
func TestDiskFullAnswerIsRetriedWhileRunning(t *testing.T) {
	h := startDaemon(t, nil)
	out := h.spoolPath("out", "")
	restore := atomicfile.InjectWriteFault(func(path string) error {
		if filepath.Dir(path) == filepath.Clean(out) && strings.Contains(path, "full.csv") {
			return &os.PathError{Op: "write", Path: path, Err: syscall.ENOSPC}
		}
		return nil
	})
	defer restore()
	h.drop("full.csv", []byte(oneRow))
	h.await("a failed attempt", func() bool {
		return strings.Contains(h.logText(), "full.csv") && strings.Contains(h.logText(), "no space left")
	})
	if _, err := os.Stat(h.spoolPath("work", "full.csv")); err != nil {
		t.Fatalf("the file must wait in work/: %v", err)
	}
	h.drop("next.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nx-2,品項,1,100\n"))
	h.result("next.csv")
	h.await("the stuck file in the metrics", func() bool {
		return metricAbove(h.metrics(), "turnkeyd_spool_oldest_claimed_age_seconds", 0)
	})
	restore()
	if r := h.result("full.csv")["x-1"]; r[3] != "accepted" {
		t.Errorf("row %v, want accepted", r)
	}
	h.await("no claimed file", func() bool {
		return strings.Contains(h.metrics(), "turnkeyd_spool_oldest_claimed_age_seconds 0\n")
	})
}

// TestUnreadableFileIsSetAside runs as a user without privileges (root
// reads everything): a file turnkeyd may not read goes to failed/ with an
// error text, both when dropped while running and when found in work/ at
// start, which used to stop the daemon from starting.
func TestUnreadableFileIsSetAside(t *testing.T) {
	if os.Getuid() == 0 {
		runAsNobody(t, "TestUnreadableFileIsSetAside")
		return
	}
	h := startDaemon(t, func(c *Config) {
		work := filepath.Join(c.Path(c.Spool.Dir), "work")
		if err := os.MkdirAll(work, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, "stuck.csv"), []byte(oneRow), 0); err != nil {
			t.Fatal(err)
		}
	})
	h.drop("locked.csv", []byte(oneRow))
	if err := os.Chmod(h.spoolPath("in", "locked.csv"), 0); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"stuck.csv", "locked.csv"} {
		if text := h.failed(name); !strings.Contains(text, "permission denied") || !strings.Contains(text, "no document in it was issued") {
			t.Errorf("%s error file:\n%s", name, text)
		}
	}
	h.drop("fine.csv", []byte(oneRow))
	if r := h.result("fine.csv")["x-1"]; r[3] != "accepted" {
		t.Errorf("row %v, want accepted", r)
	}
}

// runAsNobody runs the test named run in a copy of this test binary as
// user nobody (uid 65534), and fails with its output if it fails.
func runAsNobody(t *testing.T, run string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "turnkeyd-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	bin := filepath.Join(dir, "daemon.test")
	copyTo, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(copyTo, self); err != nil {
		t.Fatal(err)
	}
	copyTo.Close()
	wd, _ := os.Getwd()
	cmd := exec.Command(bin, "-test.run=^"+run+"$", "-test.count=1", "-test.timeout=60s")
	cmd.Dir = wd
	cmd.Env = append(os.Environ(), "TMPDIR=/tmp", "HOME=/tmp")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("%s as nobody: %v\n%s", run, err, out)
	}
}

// metrics returns the daemon's /metrics page.
func (h *harness) metrics() string {
	h.t.Helper()
	resp, err := http.Get("http://" + h.addr + "/metrics")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// logText returns what the daemon logged so far.
func (h *harness) logText() string {
	h.logw.mu.Lock()
	defer h.logw.mu.Unlock()
	return h.logs.String()
}

// metricAbove reports whether the unlabelled sample name in page is above v.
func metricAbove(page, name string, v float64) bool {
	for _, line := range strings.Split(page, "\n") {
		var got float64
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			if _, err := fmt.Sscan(rest, &got); err == nil && got > v {
				return true
			}
		}
	}
	return false
}

// TestLongValueAnswerIsShort: a value of a megabyte is cut in the answer.
func TestLongValueAnswerIsShort(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("long.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nx-1,"+strings.Repeat("品", 1<<20/3)+",1,100\n"))
	r := h.result("long.csv")["x-1"]
	if r[3] != "rejected" || !strings.Contains(r[7], "in all)") {
		t.Errorf("row %.300v, want rejected with the value cut", r)
	}
	if st, err := os.Stat(h.spoolPath("out", "long.csv.result.csv")); err != nil || st.Size() > 4096 {
		t.Errorf("answer of %d bytes, want a short one (%v)", st.Size(), err)
	}
}
