package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOddEntriesAreAnswered: entries of in/ named like CSV files that are
// not regular files are set aside in failed/ with an error text; a file
// not named *.csv is logged once and counted, never taken.
func TestOddEntriesAreAnswered(t *testing.T) {
	h := startDaemon(t, nil)
	in := h.spoolPath("in", "")
	outside := filepath.Join(t.TempDir(), "real.csv")
	if err := os.WriteFile(outside, []byte(oneRow), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(in, "link.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(in, "dir.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.drop("...csv", []byte(oneRow))
	h.drop("notes.txt", []byte("hello"))
	for name, want := range map[string]string{"link.csv": "symbolic link", "dir.csv": "a folder", "...csv": "starting with a dot"} {
		if text := h.failed(name); !strings.Contains(text, want) || !strings.Contains(text, "NAME.csv") {
			t.Errorf("%s error file:\n%s", name, text)
		}
	}
	h.await("notes.txt counted", func() bool { return strings.Contains(h.metrics(), "turnkeyd_spool_ignored_files 1\n") })
	h.rescan <- testNow
	h.rescan <- testNow
	if n := strings.Count(h.logText(), "notes.txt"); n != 1 {
		t.Errorf("notes.txt logged %d times, want once", n)
	}
	if _, err := os.Stat(filepath.Join(in, "notes.txt")); err != nil {
		t.Errorf("notes.txt must stay in in/: %v", err)
	}
	if h.srcFiles() != nil {
		t.Errorf("something was issued from an odd entry: %v", h.srcFiles())
	}
	if !strings.Contains(h.metrics(), "turnkeyd_spool_backlog_files 0\n") {
		t.Errorf("backlog not empty after setting the odd entries aside")
	}
}
