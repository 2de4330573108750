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

// TestSameNameTwiceKeepsBothAnswers: a second file of the same name gets an
// answer of its own; the first answer is not replaced.
func TestSameNameTwiceKeepsBothAnswers(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("01-sales.csv", []byte(oneRow))
	first := h.result("01-sales.csv")
	h.await("the first file done", func() bool { _, err := os.Stat(h.spoolPath("done", "01-sales.csv")); return err == nil })
	h.drop("01-sales.csv", []byte(oneRow))
	var answers []string
	h.await("a second answer", func() bool {
		answers, _ = filepath.Glob(h.spoolPath("out", "01-sales.csv*.result.csv"))
		return len(answers) == 2
	})
	if again := h.result("01-sales.csv"); again["x-1"][3] != first["x-1"][3] || first["x-1"][3] != "accepted" {
		t.Errorf("the first answer changed: %v, was %v", again["x-1"], first["x-1"])
	}
	second := h.spoolPath("out", "01-sales.csv.20261122T023000.result.csv") // received at testNow, in UTC
	data, _ := os.ReadFile(second)
	if !strings.Contains(string(data), "duplicate") {
		t.Errorf("%s:\n%s\nwant the second file's answer (duplicate); out/ holds %v", second, data, answers)
	}
}
