package daemon

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/turnkey"
)

// countingTarget counts how often each folder is listed.
type countingTarget struct {
	turnkey.Target
	mu     sync.Mutex
	handed map[string]int
}

func (c *countingTarget) Handed(ctx context.Context, dir string, since time.Time) (map[string]bool, error) {
	c.mu.Lock()
	c.handed[dir]++
	c.mu.Unlock()
	return c.Target.Handed(ctx, dir, since)
}

// TestRecoveryListsEachFolderOnce: after a stop between handing files to
// Turnkey and recording it, recovery finds them in SRC with one listing of
// each folder for all its batches, and writes none of them twice.
func TestRecoveryListsEachFolderOnce(t *testing.T) {
	h := startDaemon(t, nil)
	const n = 2*flushBatch + 1 // three batches
	var b strings.Builder
	b.WriteString("order_id,item_description,item_quantity,item_unit_price\n")
	for i := range n {
		fmt.Fprintf(&b, "R%04d,咖啡,1,65\n", i)
	}
	h.drop("many.csv", []byte(b.String()))
	if rows := h.result("many.csv"); len(rows) != n {
		t.Fatalf("%d answers, want %d", len(rows), n)
	}
	dir := h.state("R0000", "issue").TargetDir
	before, err := os.ReadDir(dir)
	if err != nil || len(before) != n {
		t.Fatalf("SRC holds %d files (%v), want %d", len(before), err, n)
	}
	h.stop()
	// The state a crash leaves after the files were put, before MarkWritten.
	db, err := sql.Open("sqlite", h.cfg.Path(h.cfg.Ledger.Path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE documents SET written_at = NULL`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ctx := context.Background()
	d, err := New(ctx, h.cfg, Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { d.ledger.Close(); d.locks.release() }()
	counting := &countingTarget{Target: d.intake.target, handed: map[string]int{}}
	d.intake.target = counting
	if err := d.intake.flush(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if len(counting.handed) != 1 || counting.handed[dir] != 1 {
		t.Errorf("listings per folder %v, want %s listed once for %d batches", counting.handed, dir, (n+flushBatch-1)/flushBatch)
	}
	if left, err := d.ledger.UnwrittenDocuments(ctx, 10); err != nil || len(left) != 0 {
		t.Errorf("after recovery %d documents unwritten (%v), want none", len(left), err)
	}
	if after, _ := os.ReadDir(dir); len(after) != n {
		t.Errorf("SRC holds %d files after recovery, want %d (none written twice)", len(after), n)
	}
}
