package turnkey

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestLocalTargetPutAndHanded(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "UpCast", "B2SSTORAGE", "F0401", "SRC")
	target := NewLocalTarget(root)
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
	// Turnkey moves a file to BAK/<date>/<hour range>/ once it is picked up.
	bak := filepath.Join(root, "UpCast", "B2SSTORAGE", "F0401", "BAK", "20261122", "10-11")
	os.MkdirAll(bak, 0o755)
	os.Rename(filepath.Join(src, "a.xml"), filepath.Join(bak, "a.xml"))
	for name, want := range map[string]bool{"a.xml": true, "b.xml": true, "c.xml": false} {
		got, err := target.Handed(ctx, src, name)
		if err != nil || got != want {
			t.Errorf("Handed(%s) = %v, %v; want %v", name, got, err, want)
		}
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
	if got := testutil.ToFloat64(target.errors); got != 1 {
		t.Errorf("errors = %v, want 1", got)
	}
	if n, err := testutil.GatherAndCount(reg); err != nil || n < 5 {
		t.Errorf("gathered %d metric families: %v", n, err)
	}
}
