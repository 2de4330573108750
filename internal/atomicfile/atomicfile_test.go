package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteAllPlacesEveryFileAndLeavesNoTemp(t *testing.T) {
	root := t.TempDir()
	staging := filepath.Join(root, "staging")
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	for _, d := range []string{a, b} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := []File{{Dir: a, Name: "1.xml", Data: []byte("one")}, {Dir: b, Name: "2.xml", Data: []byte("two")}, {Dir: a, Name: "3.xml", Data: nil}}
	if err := WriteAll(staging, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(f.Dir, f.Name))
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s: got %q, %v; want %q", f.Name, got, err, f.Data)
		}
	}
	left, _ := os.ReadDir(staging)
	if len(left) != 0 {
		t.Errorf("staging keeps %d entries, want none", len(left))
	}
}

func TestWriteAllFailureLeavesNoPartialFile(t *testing.T) {
	root := t.TempDir()
	dst := filepath.Join(root, "dst")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(root, "missing")
	err := WriteAll(root, []File{{Dir: dst, Name: "ok.xml", Data: []byte("x")}, {Dir: missing, Name: "no.xml", Data: []byte("y")}})
	if err == nil || !strings.Contains(err.Error(), "no.xml") {
		t.Fatalf("err = %v, want one naming no.xml", err)
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temp file %s left behind", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(dst, "ok.xml")); err != nil {
		t.Errorf("the file renamed before the failure should stay complete: %v", err)
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, "r.csv", []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, "r.csv", []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "r.csv"))
	if string(got) != "new" {
		t.Errorf("got %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder has %d entries, want 1", len(entries))
	}
}

func TestMove(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "in", "x.csv")
	os.MkdirAll(filepath.Dir(src), 0o755)
	os.MkdirAll(filepath.Join(root, "work"), 0o755)
	os.WriteFile(src, []byte("x"), 0o644)
	dst := filepath.Join(root, "work", "x.csv")
	if err := Move(src, dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); !os.IsNotExist(err) {
		t.Errorf("source still there: %v", err)
	}
	if _, err := os.Stat(dst); err != nil {
		t.Error(err)
	}
}

func TestRemoveTempsTakesOnlyOurTemporaryNames(t *testing.T) {
	dir := t.TempDir()
	ours := tempName("order.result.csv") // the very name a write would stage under
	names := map[string]bool{            // name → removed
		ours:                         true,
		".a.xml.123-4.tmp":           true,
		".a.b.c.xml.9-18446744.tmp":  true,
		"a.xml.123-4.tmp":            false, // not a dot-name: an ERP's own temp file
		".a.xml.tmp":                 false, // no pid and sequence
		".a.xml.12x-4.tmp":           false,
		".a.xml.123-.tmp":            false,
		"sales.csv.tmp":              false,
		"F0401-AB12345678.xml":       false,
		".a.xml.123-4.tmp.error.txt": false,
	}
	for name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := RemoveTemps(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for name, gone := range names {
		_, err := os.Lstat(filepath.Join(dir, name))
		if gone {
			want++
		}
		if exists := err == nil; exists == gone {
			t.Errorf("%s: exists after RemoveTemps = %v, want %v", name, exists, !gone)
		}
	}
	if removed != want {
		t.Errorf("RemoveTemps removed %d, want %d", removed, want)
	}
	if n, err := RemoveTemps(filepath.Join(dir, "missing")); n != 0 || err != nil {
		t.Errorf("RemoveTemps on a missing folder = %d, %v", n, err)
	}
}

// TestWriteLongName: a final name near the file system's limit (255 bytes)
// must not make its temporary name too long.
func TestWriteLongName(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{strings.Repeat("a", 240) + ".csv", strings.Repeat("發", 83) + ".csv"} {
		if err := Write(dir, name, []byte("x")); err != nil {
			t.Fatalf("write a %d-byte name: %v", len(name), err)
		}
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != "x" {
			t.Errorf("%d-byte name: got %q, %v", len(name), got, err)
		}
	}
	if n, err := RemoveTemps(dir); n != 0 || err != nil {
		t.Errorf("RemoveTemps = %d, %v; want no temporary file left", n, err)
	}
	if got := tempName(strings.Repeat("發", 83) + ".csv"); !isTemp(got) || len(got) > 200 {
		t.Errorf("tempName = %q (%d bytes), want a short temporary name", got, len(got))
	}
}
