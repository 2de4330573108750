package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadyModes: with spool.ready marker a file waits for NAME.csv.ok,
// which is removed once the file is taken; with rename a file is taken at
// once whatever spool.settle says; a cut last line is never issued.
func TestReadyModes(t *testing.T) {
	t.Run("marker", func(t *testing.T) {
		h := startDaemon(t, func(c *Config) { c.Spool.Ready = ReadyMarker })
		h.drop("m.csv", []byte(oneRow))
		h.rescan <- time.Now()
		h.rescan <- time.Now() // the second send returns once the first scan is done
		if _, err := os.Stat(h.spoolPath("in", "m.csv")); err != nil {
			t.Fatalf("m.csv was taken without its marker: %v", err)
		}
		h.drop("m.csv.ok", nil)
		if r := h.result("m.csv")["x-1"]; r[3] != "accepted" {
			t.Errorf("row %v, want accepted", r)
		}
		if _, err := os.Stat(h.spoolPath("in", "m.csv.ok")); !os.IsNotExist(err) {
			t.Errorf("the marker is left in in/: %v", err)
		}
	})
	t.Run("rename", func(t *testing.T) {
		h := startDaemon(t, func(c *Config) { c.Spool.Ready = ReadyRename; c.Spool.Settle = time.Minute })
		h.drop("r.csv", []byte(oneRow))
		if r := h.result("r.csv")["x-1"]; r[3] != "accepted" {
			t.Errorf("row %v, want accepted", r)
		}
	})
	t.Run("cut last line", func(t *testing.T) {
		h := startDaemon(t, func(c *Config) { c.Spool.Ready = ReadyRename })
		// An ERP writing in place, caught mid-row: the amount 1050 is cut to 10.
		h.drop("cut.csv", []byte(oneRow+"x-2,顧問,1,10"))
		rows := h.result("cut.csv")
		if rows["x-1"][3] != "accepted" || rows["x-2"][3] != "rejected" || !strings.Contains(rows["x-2"][7], "CSV_CUT_LINE") {
			t.Errorf("rows %v, want x-1 accepted and x-2 rejected with CSV_CUT_LINE", rows)
		}
		if n := len(h.srcFiles()); n != 1 {
			t.Errorf("%d files for Turnkey, want 1", n)
		}
	})
}

// TestLargeFileRefusedWithoutReading: a file over the size limit goes to
// failed/ at once, unread (a sparse file of 300 MB: reading it would take
// the memory and time the check saves).
func TestLargeFileRefusedWithoutReading(t *testing.T) {
	h := startDaemon(t, nil)
	in := h.spoolPath("in", "")
	f, err := os.Create(filepath.Join(in, "huge.csv.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(300 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Rename(filepath.Join(in, "huge.csv.tmp"), filepath.Join(in, "huge.csv")); err != nil {
		t.Fatal(err)
	}
	if text := h.failed("huge.csv"); !strings.Contains(text, "it was not read") || !strings.Contains(text, "314572800 bytes") {
		t.Errorf("error file:\n%s", text)
	}
}
