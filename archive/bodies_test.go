package archive

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// Bodies of accepted, archived documents leave the ledger after
// KeepBodies; the lifecycle reads them back from the archive as they were.
// go test -run TestKeepBodies -v ./archive prints the ledger's bytes per
// document before and after (docs/PERFORMANCE.md).
func TestKeepBodies(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	dir := t.TempDir()
	var l *ledger.Ledger
	l = testLedger(t, clock.Now, ledger.WithBodyLoader(Bodies(dir, func(ctx context.Context, id int64) (*ledger.Archived, error) {
		return l.ArchivedOf(ctx, id)
	})))
	const n = 1000
	ids := issueInvoices(t, l, n, "有機綠茶 500ml")
	settle(t, l, ledger.StateAccepted, "", ids[:n-1]...) // the last stays uploaded: its body stays
	a, err := New(Config{Dir: dir, Ledger: l, Now: clock.Now, KeepBodies: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	first, _ := l.Document(ctx, ids[0])
	before, err := l.UsedBytes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Body) == 0 {
		t.Fatal("a body left the ledger before keep_bodies passed")
	}
	clock.Base = clock.Base.Add(25 * time.Hour)
	if _, err := a.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := l.UsedBytes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ledger bytes per document: %d with bodies, %d after keep_bodies (%d documents, body %d bytes)",
		before/n, after/n, n, len(first.Body))
	if after >= before-int64(n)*int64(len(first.Body))/2 {
		t.Errorf("ledger uses %d bytes after dropping %d bodies of %d bytes, %d before", after, n-1, len(first.Body), before)
	}
	for i, id := range []int64{ids[0], ids[n-1]} {
		d, _ := l.Document(ctx, id)
		if got := len(d.Body) == 0; got != (i == 0) {
			t.Errorf("document %d (%s): body dropped %v", id, d.State, got)
		}
	}
	// The lifecycle reads the dropped body back, the same invoice.
	var history []ledger.Document
	_, err = l.Intake(ctx, "later.csv", "sha-later", 1, func(tx *ledger.IntakeTx) error {
		history, err = tx.History(testSeller, first.InvoiceNumber)
		return err
	})
	if err != nil || len(history) != 1 {
		t.Fatalf("history %d documents, %v", len(history), err)
	}
	var was, back mig.Invoice
	if err := json.Unmarshal(first.Body, &was); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(history[0].Body, &back); err != nil {
		t.Fatalf("body read back: %v", err)
	}
	if !reflect.DeepEqual(was, back) {
		t.Errorf("body read back from the archive\n%+v\nwant\n%+v", back, was)
	}
}
