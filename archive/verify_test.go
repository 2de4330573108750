package archive

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/archive/archivetest"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// A few thousand archived documents over three days; one byte of one file
// changed, another file deleted, a stray file added: verify names exactly
// those three; restored from a backup, the archive verifies clean.
func TestVerifyNamesExactlyWhatChanged(t *testing.T) {
	ctx := context.Background()
	const perDay = 700
	l, dir, clock, _ := archiveDays(t, 3, perDay)
	recorded, err := l.ArchivedPaths(ctx)
	if err != nil || len(recorded) != 3*perDay {
		t.Fatalf("ledger recorded %d archived files (%v)", len(recorded), err)
	}
	r, err := VerifyDir(dir, "", clock.Now(), recorded)
	if err != nil || !r.OK() || r.Listed != 3*perDay || r.Manifests != 3 {
		t.Fatalf("fresh archive: %+v %v, want %d files in 3 manifests, no problem", r, err, 3*perDay)
	}
	if last, _ := LastVerified(dir); last.IsZero() {
		t.Error("a clean verify of the whole archive was not recorded")
	}
	files, _ := filepath.Glob(filepath.Join(dir, testSeller, testPeriod, "F0401", "*.xml"))
	changed, deleted := files[17], files[1500]
	backup := map[string][]byte{}
	for _, f := range []string{changed, deleted} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		backup[f] = data
	}
	data := bytes.Clone(backup[changed])
	data[len(data)/2] ^= 1
	if err := os.WriteFile(changed, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(deleted); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(dir, testSeller, testPeriod, "F0401", "TK99999999_1.xml")
	if err := os.WriteFile(stray, []byte("<Invoice/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = Verify(os.DirFS(dir), "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{rel(t, dir, changed): Changed, rel(t, dir, deleted): Missing, rel(t, dir, stray): Unlisted}
	if len(r.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(r.Problems), len(want), r.Problems)
	}
	for _, p := range r.Problems {
		if want[p.Path] != p.Kind {
			t.Errorf("unexpected problem %s", p)
		}
	}
	if r, err := Verify(os.DirFS(dir), "11510"); err != nil || !r.OK() || r.Listed != 0 {
		t.Errorf("another period: %+v %v, want nothing listed and no problem", r, err)
	}
	for f, data := range backup {
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(stray); err != nil {
		t.Fatal(err)
	}
	if r, err := VerifyDir(dir, testPeriod, clock.Now(), recorded); err != nil || !r.OK() || r.Listed != 3*perDay {
		t.Errorf("restored from the backup: %+v %v, want it clean", r, err)
	}
}

// Changing or removing a manifest breaks the chain at the next one.
func TestVerifyFindsChainBreak(t *testing.T) {
	_, dir, _, _ := archiveDays(t, 3, 2)
	first := filepath.Join(dir, ManifestDir, "2026-11-15.tsv")
	data, _ := os.ReadFile(first)
	// Drop the last entry and its file: files and manifests agree, the chain does not.
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	last := strings.Split(lines[len(lines)-1], "\t")[0]
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(last))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(first, []byte(strings.Join(lines[:len(lines)-1], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Verify(os.DirFS(dir), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 1 || r.Problems[0].Kind != Chain || r.Problems[0].Path != "manifests/2026-11-16.tsv" {
		t.Errorf("problems %v, want one chain break at the manifest of 2026-11-16", r.Problems)
	}
}

func rel(tb testing.TB, dir, p string) string {
	tb.Helper()
	r, err := filepath.Rel(dir, p)
	if err != nil {
		tb.Fatal(err)
	}
	return filepath.ToSlash(r)
}

// Removing the last day's manifest with its files leaves a consistent
// archive; the ledger's record of what was archived names the files.
func TestVerifyCrossChecksLedger(t *testing.T) {
	ctx := context.Background()
	l, dir, clock, last := archiveDays(t, 2, 2)
	want := map[string]bool{}
	for _, id := range last {
		rec, err := l.ArchivedOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want[rec.Path] = true
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rec.Path))); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dir, ManifestDir, "2026-11-16.tsv")); err != nil {
		t.Fatal(err)
	}
	if r, err := Verify(os.DirFS(dir), ""); err != nil || !r.OK() {
		t.Fatalf("without the ledger: %+v %v, want it to look intact", r, err)
	}
	recorded, err := l.ArchivedPaths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := VerifyDir(dir, "", clock.Now(), recorded)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != len(want) {
		t.Errorf("problems %v, want %d missing", r.Problems, len(want))
	}
	for _, p := range r.Problems {
		if p.Kind != Missing || !want[p.Path] {
			t.Errorf("unexpected %s", p)
		}
	}
	if last, _ := LastVerified(dir); !last.IsZero() {
		t.Error("a verify with problems was recorded as clean")
	}
}

// archiveDays archives perDay invoices on each of days days from
// 2026-11-15 and returns the ledger, the archive's folder, the clock and
// the ids of the last day's invoices.
func archiveDays(t *testing.T, days, perDay int) (*ledger.Ledger, string, *archivetest.Clock, []int64) {
	t.Helper()
	clock := newClock()
	l := testLedger(t, clock.Now)
	dir := t.TempDir()
	a := newTestArchive(t, l, dir, clock.Now)
	var last []int64
	for day := range days {
		clock.Base = time.Date(2026, 11, 15+day, 9, 0, 0, 0, time.UTC)
		last = issueInvoices(t, l, perDay, "綠茶")
		if _, err := a.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return l, dir, clock, last
}
