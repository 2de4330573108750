package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// srcFiles returns the names of the files in an upload folder.
func srcFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestSRCDeletedRedeliveredOnce: the SRC folder deleted under the daemon
// loses files that never reached BAK or ERR. After the grace period they
// are counted, recorded and handed over once more, into a SRC folder made
// again; lost a second time, they are reported and not sent a third time.
func TestSRCDeletedRedeliveredOnce(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("m.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nM1,咖啡,1,65\nM2,茶,1,40\n"))
	h.result("m.csv")
	d := h.state("M1", "issue")
	if got := srcFiles(t, d.TargetDir); len(got) != 2 {
		t.Fatalf("SRC holds %v, want 2 files", got)
	}
	if err := os.RemoveAll(d.TargetDir); err != nil {
		t.Fatal(err)
	}
	h.readResults() // noticed, within the grace period: nothing yet
	if got := srcFiles(t, d.TargetDir); len(got) != 0 {
		t.Fatalf("files handed again within the grace period: %v", got)
	}
	h.advance(missingGrace + time.Second)
	h.readResults()
	if got := srcFiles(t, d.TargetDir); len(got) != 2 || !strings.Contains(strings.Join(got, " "), d.FileName) {
		t.Fatalf("after the grace period SRC holds %v, want the 2 files again (%s)", got, d.FileName)
	}
	if want := "turnkeyd_turnkey_files_missing_total 2\n"; !strings.Contains(string(h.scrape()), want) {
		t.Errorf("/metrics lacks %s", want)
	}
	l, err := ledger.Open(context.Background(), h.cfg.Path(h.cfg.Ledger.Path), nil)
	if err != nil {
		t.Fatal(err)
	}
	events, err := l.Events(context.Background(), ledger.EventQuery{DocumentID: d.ID})
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	redelivered := 0
	for _, e := range events {
		if e.Kind == ledger.EventRedelivered && strings.Contains(e.Detail, d.FileName) {
			redelivered++
		}
	}
	if redelivered != 1 {
		t.Errorf("%d redelivery events for M1, want 1: %+v", redelivered, events)
	}

	// Lost again: reported, not sent a third time.
	if err := os.RemoveAll(d.TargetDir); err != nil {
		t.Fatal(err)
	}
	h.readResults()
	h.advance(missingGrace + time.Second)
	h.readResults()
	h.readResults()
	if got := srcFiles(t, d.TargetDir); len(got) != 0 {
		t.Errorf("files handed a third time: %v", got)
	}
	if !strings.Contains(h.logs.String(), "gone again after its redelivery") {
		t.Error("the second loss is not in the log")
	}
	if d := h.state("M1", "issue"); d.State != ledger.StateQueued {
		t.Errorf("M1 is %s, want still queued (pending: the deadline alerts watch it)", d.State)
	}
}

// TestOneFileInSRCPerNumber: an invoice refused by the platform while its
// XML still sits in SRC, then sent again, is not handed over a second time
// until Turnkey has taken the first file.
func TestOneFileInSRCPerNumber(t *testing.T) {
	h := startDaemon(t, nil)
	csvText := []byte("order_id,item_description,item_quantity,item_unit_price\nN1,咖啡,1,65\n")
	h.drop("n.csv", csvText)
	h.result("n.csv")
	first := h.state("N1", "issue")
	dir := filepath.Join(h.cfg.ResultDir(h.cfg.Turnkey.Results.ProcessResult), "20261122", "1030")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	refusal := `<ProcessResult xmlns="urn:GEINV:ProcessResult:4.1"><MessageInfo><MessageType>F0401</MessageType></MessageInfo>` +
		`<Result><Info><Code>E1003</Code><Parameter0>` + first.InvoiceNumber + `</Parameter0><Parameter1>20261122</Parameter1></Info></Result></ProcessResult>`
	if err := os.WriteFile(filepath.Join(dir, "n-ProcessResult.xml"), []byte(refusal), 0o644); err != nil {
		t.Fatal(err)
	}
	h.readResults()
	if d := h.state("N1", "issue"); d.State != ledger.StateRejected {
		t.Fatalf("N1 is %s, want rejected", d.State)
	}
	h.drop("n2.csv", csvText)
	if again := h.result("n2.csv")["N1"]; again[4] != first.InvoiceNumber {
		t.Fatalf("resend %v, want number %s", again, first.InvoiceNumber)
	}
	h.readResults()
	if got := srcFiles(t, first.TargetDir); len(got) != 1 || got[0] != first.FileName {
		t.Fatalf("SRC holds %v, want only the first file %s while it waits there", got, first.FileName)
	}
	// Turnkey takes the first file: the second goes out.
	bak := filepath.Join(filepath.Dir(first.TargetDir), "BAK", "20261122", "10-11")
	if err := os.MkdirAll(bak, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(first.TargetDir, first.FileName), filepath.Join(bak, first.FileName)); err != nil {
		t.Fatal(err)
	}
	h.readResults()
	got := srcFiles(t, first.TargetDir)
	if len(got) != 1 || got[0] == first.FileName {
		t.Errorf("SRC holds %v after Turnkey took the first file, want the resent one", got)
	}
}
