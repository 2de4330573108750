package daemon

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/internal/workload"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// TestLostLedgerRefusedThenRebuilt: a deleted ledger, or an empty one in
// its place, is refused at start with what to do; `ledger rebuild` makes
// a ledger that knows the numbers already in Turnkey's folders and the
// spool's answers, and the daemon then issues none of them again.
func TestLostLedgerRefusedThenRebuilt(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("a.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nA1,咖啡,1,65\nA2,茶,1,40\n"))
	rows := h.result("a.csv")
	issued := []string{rows["A1"][4], rows["A2"][4]}
	h.stop()
	ledgerPath := h.cfg.Path(h.cfg.Ledger.Path)
	if err := os.Rename(ledgerPath, ledgerPath+".lost"); err != nil {
		t.Fatal(err)
	}
	removeLedger(ledgerPath)
	err := h.start()
	if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "ledger rebuild") {
		t.Fatalf("start without the ledger: %v, want a refusal saying what to do", err)
	}
	if _, err := os.Stat(ledgerPath); err == nil {
		t.Error("the refused start created a ledger file")
	}
	// An empty ledger put in its place (e.g. by tracks import before this
	// check existed) is refused too.
	l, err := ledger.Open(context.Background(), ledgerPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if err := h.start(); err == nil || !strings.Contains(err.Error(), "not the ledger that wrote to these folders") {
		t.Fatalf("start on an empty ledger: %v, want a refusal", err)
	}
	removeLedger(ledgerPath)

	tracks := filepath.Join(h.dir, "tracks.csv")
	if err := os.WriteFile(tracks, workload.TrackCSV(h.cfg.Seller.BAN, testNow, []workload.Track{{Letters: "TK", Begin: 0, End: 4999}}), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := RebuildLedger(context.Background(), h.cfg, []string{tracks}, &out); err != nil {
		t.Fatal(err)
	}
	// Two numbers, each marked in the TK tracks of both periods the file
	// holds (a file name does not say its period).
	if !strings.Contains(out.String(), "4 numbers found") {
		t.Errorf("rebuild said %q, want 4 numbers found", out.String())
	}
	if err := h.start(); err != nil {
		t.Fatalf("start on the rebuilt ledger: %v", err)
	}
	h.drop("b.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nB1,咖啡,1,65\n"))
	got := h.result("b.csv")["B1"]
	if got[3] != "accepted" || got[4] == issued[0] || got[4] == issued[1] {
		t.Errorf("after the rebuild B1 got %v; numbers issued before: %v", got, issued)
	}
}

// TestDamagedLedgerRefused: a ledger that fails ledger.Verify (a number
// used twice, here) is refused at start with what to do.
func TestDamagedLedgerRefused(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("a.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nA1,咖啡,1,65\n"))
	h.result("a.csv")
	h.stop()
	db, err := sql.Open("sqlite", h.cfg.Path(h.cfg.Ledger.Path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM outcomes`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = h.start()
	if err == nil || !strings.Contains(err.Error(), "failed its check at start") || !strings.Contains(err.Error(), "restore the last backup") {
		t.Fatalf("start on a damaged ledger: %v, want a refusal saying what to do", err)
	}
}

// TestLedgerBackupIsUsable: the backup taken while the daemon runs
// replaces the ledger and is accepted at start (same id).
func TestLedgerBackupIsUsable(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("a.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nA1,咖啡,1,65\n"))
	h.result("a.csv")
	backup := filepath.Join(h.dir, "backup.db")
	var out strings.Builder
	if err := BackupLedger(context.Background(), h.cfg, backup, &out); err != nil {
		t.Fatal(err)
	}
	if err := BackupLedger(context.Background(), h.cfg, backup, &out); err == nil {
		t.Error("a second backup over the first was not refused")
	}
	h.stop()
	ledgerPath := h.cfg.Path(h.cfg.Ledger.Path)
	removeLedger(ledgerPath)
	if err := os.Rename(backup, ledgerPath); err != nil {
		t.Fatal(err)
	}
	if err := h.start(); err != nil {
		t.Fatalf("start on the restored backup: %v", err)
	}
	if d := h.state("A1", "issue"); d.InvoiceNumber == "" {
		t.Error("the restored ledger lacks A1")
	}
}

// TestTracksImportOnNewLedgerMarksFoundNumbers: on a ledger with no
// document (here: lost before markers existed), tracks import marks the
// numbers in Turnkey's folders and the answers as used.
func TestTracksImportOnNewLedgerMarksFoundNumbers(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("a.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nA1,咖啡,1,65\n"))
	issued := h.result("a.csv")["A1"][4]
	h.stop()
	ledgerPath := h.cfg.Path(h.cfg.Ledger.Path)
	removeLedger(ledgerPath)
	for _, p := range markerPaths(h.cfg) {
		os.Remove(p)
	}
	tracks := filepath.Join(h.dir, "tracks.csv")
	if err := os.WriteFile(tracks, workload.TrackCSV(h.cfg.Seller.BAN, testNow, []workload.Track{{Letters: "TK", Begin: 0, End: 4999}}), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := ImportTracks(context.Background(), h.cfg, []string{tracks}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "marked as used") {
		t.Errorf("tracks import said %q, want the found numbers marked", out.String())
	}
	if err := h.start(); err != nil {
		t.Fatal(err)
	}
	h.drop("b.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nB1,咖啡,1,65\n"))
	if got := h.result("b.csv")["B1"]; got[4] == issued {
		t.Errorf("B1 got %s again", issued)
	}
}

// removeLedger removes a ledger file with its WAL and shared-memory files.
func removeLedger(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}
