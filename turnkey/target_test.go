package turnkey

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/turnkeyd/turnkeyd/internal/sshdtest"
)

func TestTargetPutAndHanded(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		root := t.TempDir()
		checkPutAndHanded(t, NewLocalTarget(root), root)
	})
	t.Run("sftp", func(t *testing.T) {
		root := t.TempDir()
		checkPutAndHanded(t, newTestSFTP(t, sshdtest.Start(t), root, nil), root)
	})
}

// checkPutAndHanded puts files through target into root (a local folder,
// which an SFTP target reaches through the local sshd) and checks what
// Handed and Moved find after Turnkey moved some.
func checkPutAndHanded(t *testing.T, target interface {
	Target
	Reader
}, root string) {
	t.Helper()
	src := filepath.Join(root, "UpCast", "B2SSTORAGE", "F0401", "SRC")
	ctx := context.Background()
	files := []File{{Dir: src, Name: "a.xml", Data: []byte("<a/>")}, {Dir: src, Name: "b.xml", Data: []byte("<b/>")}}
	if err := target.Put(ctx, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if got, _ := os.ReadFile(filepath.Join(src, f.Name)); string(got) != string(f.Data) {
			t.Errorf("%s = %q", f.Name, got)
		}
	}
	left, _ := os.ReadDir(filepath.Join(root, ".turnkeyd-staging"))
	if len(left) != 0 {
		t.Errorf("staging keeps %d files", len(left))
	}
	// Turnkey moves a file to BAK/<date>/<hour range>/ once it is picked up,
	// and refused ones to ERR/…; a file moved long before since is not looked at.
	move := func(name, sub, day string) {
		t.Helper()
		dir := filepath.Join(root, "UpCast", "B2SSTORAGE", "F0401", sub, day, "10-11")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := target.Put(ctx, []File{{Dir: src, Name: "c.xml", Data: []byte("<c/>")}, {Dir: src, Name: "old.xml", Data: []byte("<o/>")}}); err != nil {
		t.Fatal(err)
	}
	move("a.xml", "BAK", "20261122")
	move("c.xml", "ERR", "20261121") // the day before since: Turnkey's clock may be ahead
	move("old.xml", "BAK", "20261001")
	since := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	got, err := target.Handed(ctx, src, since)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"a.xml": true, "b.xml": true, "c.xml": true, "old.xml": false, "d.xml": false} {
		if got[name] != want {
			t.Errorf("Handed since %s: %s = %v, want %v (all: %v)", since.Format(time.DateOnly), name, got[name], want, got)
		}
	}
	moved, err := target.Moved(ctx, src, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 2 || !strings.Contains(moved["c.xml"], filepath.Join("ERR", "20261121")) {
		t.Errorf("Moved = %v, want a.xml in BAK and c.xml in ERR", moved)
	}
	// A folder Turnkey has not made yet holds nothing; it is not an error.
	none, err := target.Handed(ctx, filepath.Join(root, "UpCast", "B2SSTORAGE", "F0501", "SRC"), since)
	if err != nil || len(none) != 0 {
		t.Errorf("Handed on a missing folder = %v, %v", none, err)
	}
}

func TestLocalTargetCleanRemovesOnlyStagedTemps(t *testing.T) {
	root := t.TempDir()
	staging := filepath.Join(root, ".turnkeyd-staging")
	if err := os.MkdirAll(staging, 0o755); err != nil {
		t.Fatal(err)
	}
	// What a kill between write and rename leaves, and a file that is not ours.
	for _, name := range []string{".F0401-AB12345678.xml.4711-93.tmp", ".x.xml.1-2.tmp", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(staging, name), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	target := NewLocalTarget(root)
	if err := target.Clean(context.Background()); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(staging)
	if len(left) != 1 || left[0].Name() != "notes.txt" {
		t.Errorf("staging after Clean holds %v, want only notes.txt", left)
	}
	if err := NewLocalTarget(t.TempDir()).Clean(context.Background()); err != nil {
		t.Errorf("Clean without a staging folder: %v", err)
	}
}

func TestLocalTargetReady(t *testing.T) {
	ctx := context.Background()
	if err := NewLocalTarget(t.TempDir()).Ready(ctx); err != nil {
		t.Error(err)
	}
	err := NewLocalTarget(filepath.Join(t.TempDir(), "missing")).Ready(ctx)
	if err == nil || !strings.Contains(err.Error(), "is Turnkey installed there") {
		t.Errorf("Ready on a missing folder = %v", err)
	}
}

func TestInstrumentedCountsFilesAndErrors(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	root := t.TempDir()
	target := Instrument(NewLocalTarget(root), "local", reg)
	ctx := context.Background()
	dir := filepath.Join(root, "SRC")
	if err := target.Put(ctx, []File{{Dir: dir, Name: "x.xml", Data: []byte("12345")}}); err != nil {
		t.Fatal(err)
	}
	// A folder path under a regular file cannot be created: an upload error.
	os.WriteFile(filepath.Join(root, "file"), nil, 0o644)
	if err := target.Put(ctx, []File{{Dir: filepath.Join(root, "file", "SRC"), Name: "y.xml"}}); err == nil {
		t.Fatal("Put under a file succeeded")
	}
	if got := testutil.ToFloat64(target.files); got != 1 {
		t.Errorf("files written = %v, want 1", got)
	}
	if got := testutil.ToFloat64(target.bytes); got != 5 {
		t.Errorf("bytes = %v, want 5", got)
	}
	if got := testutil.ToFloat64(target.errors.WithLabelValues("local", "other")); got != 1 {
		t.Errorf("errors = %v, want 1", got)
	}
	if n, err := testutil.GatherAndCount(reg); err != nil || n < 5 {
		t.Errorf("gathered %d metric families: %v", n, err)
	}
}
