package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestRenameNoReplace(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(src, []byte("new"), 0o644)
	os.WriteFile(dst, []byte("old"), 0o644)
	if err := RenameNoReplace(src, dst); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("rename onto an existing file: %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "old" {
		t.Errorf("the existing file now holds %q", got)
	}
	os.Remove(dst)
	if err := RenameNoReplace(src, dst); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "new" {
		t.Errorf("renamed file holds %q", got)
	}
	if _, err := os.Stat(src); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("source still there: %v", err)
	}
}

// TestWriteAllExclusive: an exclusive write never replaces a different
// file, and finds the same file placed by an earlier attempt done.
func TestWriteAllExclusive(t *testing.T) {
	dir := t.TempDir()
	staging := filepath.Join(dir, ".staging")
	os.WriteFile(filepath.Join(dir, "x.xml"), []byte("theirs"), 0o644)
	err := WriteAll(staging, []File{{Dir: dir, Name: "x.xml", Data: []byte("ours"), Exclusive: true}})
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("exclusive write over another file: %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "x.xml")); string(got) != "theirs" {
		t.Errorf("the other file was replaced: %q", got)
	}
	same := []File{{Dir: dir, Name: "y.xml", Data: []byte("ours"), Exclusive: true}}
	for range 2 {
		if err := WriteAll(staging, same); err != nil {
			t.Fatalf("exclusive write of the same file again: %v", err)
		}
	}
	if left, _ := os.ReadDir(staging); len(left) != 0 {
		t.Errorf("staging holds %d files after the writes", len(left))
	}
}

func TestMkdirAllSynced(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "UpCast", "B2SSTORAGE", "F0401", "SRC")
	if err := MkdirAllSynced(dir); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("folder not made: %v", err)
	}
	if err := MkdirAllSynced(dir); err != nil {
		t.Fatalf("again: %v", err)
	}
}
