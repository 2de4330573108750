package archive

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Received E0501 files are archived as they appear, under their seller and
// period; one that cannot be read goes to unsorted/; nothing twice.
func TestArchiveReceivedFiles(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	l := testLedger(t, clock.Now)
	in := t.TempDir()
	good, err := os.ReadFile(filepath.Join("..", "schemas", "testdata", "4.1", "E0501", "valid-minimal.xml"))
	if err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(in, "20261115", "01")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "E0501_a.xml"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, err := New(Config{Dir: dir, Ledger: l, Now: clock.Now, Inbound: map[string]string{"E0501": in, "E0504": filepath.Join(in, "none")}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := a.CatchUp(ctx); err != nil || n != 1 {
		t.Fatalf("first pass archived %d (%v), want 1", n, err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "04595252", "11502", "E0501", "E0501_a.xml"))
	if err != nil || string(got) != string(good) {
		t.Fatalf("archived E0501: %v", err)
	}
	if err := os.WriteFile(filepath.Join(sub, "E0501_b.xml"), []byte("not xml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, err := a.CatchUp(ctx); err != nil || n != 1 {
		t.Fatalf("second pass archived %d (%v), want 1", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, unsorted, "E0501", "E0501_b.xml")); err != nil {
		t.Fatal(err)
	}
	b := newTestArchive(t, l, dir, clock.Now) // a restart sees both again
	b.cfg.Inbound = a.cfg.Inbound
	if n, err := b.CatchUp(ctx); err != nil || n != 0 {
		t.Fatalf("pass after a restart archived %d (%v), want 0", n, err)
	}
	r, err := Verify(os.DirFS(dir), "")
	if err != nil || !r.OK() || r.Listed != 2 {
		t.Fatalf("verify: %+v %v", r, err)
	}
}
