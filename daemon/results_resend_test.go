package daemon

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// TestOldSummaryResultSparesTheResend: the platform refuses an order; the
// daemon reads the ProcessResult (the reason) but lists the SummaryResult
// folder before the summary of that same message is there. The ERP sends
// the order again (same order, same number, same invoice date) and the
// resent document is handed to Turnkey. Only then is the old summary read:
// it lists the number as Failed, yet its message was packed before the
// resent document existed, so it must not refuse it. The platform then
// accepts the resent document, and the ledger must say so, with where
// Turnkey put its file.
func TestOldSummaryResultSparesTheResend(t *testing.T) {
	h := startDaemon(t, nil)
	// The simulator runs on the daemon's clock: the times in its message
	// ids and the ledger's times are then comparable, as Turnkey's and the
	// daemon's are on one machine.
	s, err := sim.New(SimConfig(h.cfg), sim.Options{Now: h.clock, RefuseShare: 1, RefuseCode: "S9001"})
	if err != nil {
		t.Fatal(err)
	}
	order := []byte("order_id,item_description,item_quantity,item_unit_price\nR1,咖啡,1,65\n")
	h.drop("r.csv", order)
	number := h.result("r.csv")["R1"][4]

	h.advance(time.Minute)
	step(t, s) // picked up, packed and refused: a ProcessResult and a SummaryResult
	summaries := SimConfig(h.cfg).SummaryResultDir
	held := filepath.Join(h.dir, "summary-held")
	if n := moveTree(t, summaries, held); n != 1 {
		t.Fatalf("the simulator wrote %d SummaryResult files, want 1", n)
	}
	h.readResults() // the ProcessResult only
	first := h.state("R1", "issue")
	if first.State != ledger.StateRejected || first.ResultCode != "S9001" {
		t.Fatalf("R1 after its ProcessResult: %s %s, want rejected S9001", first.State, first.ResultCode)
	}

	h.advance(time.Minute)
	s.SetRefuseShare(0)
	h.drop("r2.csv", order)
	if again := h.result("r2.csv")["R1"]; again[3] != "accepted" || again[4] != number {
		t.Fatalf("resend: %v, want accepted with the first number %s", again, number)
	}
	resent := h.state("R1", "issue")
	if resent.ID == first.ID || resent.WrittenAt.IsZero() || resent.InvoiceDate != first.InvoiceDate {
		t.Fatalf("the resent R1 is document %d written at %v on %s; want a new document, handed to Turnkey, of date %s",
			resent.ID, resent.WrittenAt, resent.InvoiceDate, first.InvoiceDate)
	}
	moveTree(t, held, summaries) // the first send's summary, late
	h.readResults()
	if d := h.state("R1", "issue"); d.ID != resent.ID || d.State != ledger.StateQueued {
		t.Fatalf("the resent R1 after the first send's SummaryResult: document %d %s %s (%s), want %d still queued",
			d.ID, d.State, d.ResultCode, d.ResultMessage, resent.ID)
	}

	h.advance(time.Minute)
	step(t, s) // the resent document, accepted
	h.readResults()
	d := h.state("R1", "issue")
	if d.State != ledger.StateAccepted || !strings.Contains(d.Location, filepath.Join("F0401", "BAK")) && !strings.Contains(d.Location, filepath.Join("C0401", "BAK")) {
		t.Errorf("the resent R1: %s %s at %q, want accepted, in BAK", d.State, d.ResultCode, d.Location)
	}
	want := []string{"R1 issue queued ", "R1 issue uploaded ", "R1 issue rejected S9001",
		"R1 issue queued ", "R1 issue uploaded ", "R1 issue accepted "}
	if got := h.statusLines(); !slices.Equal(got, want) {
		t.Errorf("status lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// moveTree moves the files under from to the same places under to and
// returns how many it moved.
func moveTree(t *testing.T, from, to string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(from, func(path string, e os.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(to, rel)), 0o755); err != nil {
			return err
		}
		n++
		return os.Rename(path, filepath.Join(to, rel))
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
