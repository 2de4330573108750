package daemon

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// newSim is the Turnkey simulator on the harness's folders, stepped by the
// test (verdicts in the same step).
func (h *harness) newSim(opt sim.Options) *sim.Sim {
	h.t.Helper()
	opt.Now = func() time.Time { return testNow }
	s, err := sim.New(SimConfig(h.cfg), opt)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func step(t testing.TB, s *sim.Sim) {
	t.Helper()
	if err := s.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// statusLines returns the status file's rows (without the header) as
// "order action state code".
func (h *harness) statusLines() []string {
	h.t.Helper()
	files, _ := filepath.Glob(h.spoolPath("out", "status-*.csv"))
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			h.t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			h.t.Fatalf("%s: %v", f, err)
		}
		if strings.Join(rows[0], ",") != strings.Join(statusHeader, ",") {
			h.t.Errorf("%s header %v", f, rows[0])
		}
		for _, r := range rows[1:] {
			if r[0] == "time" {
				h.t.Errorf("%s repeats its header", f)
			}
			out = append(out, strings.Join([]string{r[1], r[2], r[4], r[5]}, " "))
		}
	}
	return out
}

func (h *harness) state(order, action string) ledger.Document {
	h.t.Helper()
	l, err := ledger.Open(context.Background(), h.cfg.Path(h.cfg.Ledger.Path), nil)
	if err != nil {
		h.t.Fatal(err)
	}
	defer l.Close()
	docs, err := l.DocumentsByState(context.Background(), "", time.Time{}, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	var last ledger.Document
	for _, d := range docs {
		if d.OrderID == order && d.Action == action {
			last = d
		}
	}
	return last
}

// TestVerdictsReachTheERP: files Turnkey picks up become uploaded, the
// platform's verdicts accepted or rejected, a void waiting for its issue is
// released, and every change is in the status file once.
func TestVerdictsReachTheERP(t *testing.T) {
	h := startDaemon(t, nil)
	s := h.newSim(sim.Options{})
	h.drop("a.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nA1,咖啡,1,65\nA2,茶,1,40\n"))
	h.result("a.csv")
	number := h.state("A1", "issue").InvoiceNumber
	h.drop("b.csv", []byte("action,order_id,invoice_number,reason\nvoid,A1,"+number+",退貨\n"))
	rows := h.result("b.csv")
	if !strings.Contains(rows["A1"][7], "waits for issue "+number) {
		t.Errorf("void answer %v, want it waiting for the issue", rows["A1"])
	}
	step(t, s) // pick up and accept the two issues
	h.readResults()
	if d := h.state("A1", "issue"); d.State != ledger.StateAccepted || !strings.Contains(d.Location, filepath.Join("F0401", "BAK")) {
		t.Errorf("issue A1: %s at %q, want accepted, in BAK", d.State, d.Location)
	}
	if d := h.state("A1", "void"); d.State != ledger.StateQueued {
		t.Errorf("void A1 is %s, want released (queued)", d.State)
	}
	step(t, s) // the released void
	h.readResults()
	if d := h.state("A1", "void"); d.State != ledger.StateAccepted {
		t.Errorf("void A1 is %s, want accepted", d.State)
	}
	want := []string{"A1 issue queued ", "A2 issue queued ", "A1 void waiting WAITING", "A1 issue uploaded ", "A2 issue uploaded ",
		"A1 issue accepted ", "A1 void queued ", "A2 issue accepted ", "A1 void uploaded ", "A1 void accepted "}
	got := h.statusLines()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("status lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	h.readResults() // nothing new: nothing written twice
	if again := h.statusLines(); len(again) != len(want) {
		t.Errorf("a quiet cycle added status lines: %d, want %d", len(again), len(want))
	}
}

func TestPlatformRefusalAndResend(t *testing.T) {
	h := startDaemon(t, nil)
	s := h.newSim(sim.Options{RefuseShare: 1, RefuseCode: "S9001"})
	csvText := []byte("order_id,item_description,item_quantity,item_unit_price\nR1,咖啡,1,65\n")
	h.drop("r.csv", csvText)
	first := h.result("r.csv")["R1"][4]
	step(t, s)
	h.readResults()
	if d := h.state("R1", "issue"); d.State != ledger.StateRejected || d.ResultCode != "S9001" {
		t.Fatalf("R1: %s %s, want rejected S9001", d.State, d.ResultCode)
	}
	// The ERP sends the same order again: it is not a duplicate and keeps its number.
	s.SetRefuseShare(0)
	h.drop("r2.csv", csvText)
	again := h.result("r2.csv")["R1"]
	if again[3] != "accepted" || again[4] != first {
		t.Fatalf("resend: %v, want accepted with the first number %s", again, first)
	}
	step(t, s)
	h.readResults()
	if d := h.state("R1", "issue"); d.State != ledger.StateAccepted || d.InvoiceNumber != first {
		t.Errorf("resent R1: %s %s, want accepted %s", d.State, d.InvoiceNumber, first)
	}
}

func TestTurnkeyERRMove(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("e.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nE1,咖啡,1,65\n"))
	h.result("e.csv")
	d := h.state("E1", "issue")
	// Turnkey refuses a file itself by moving it to ERR/<date>/<hours>/.
	errDir := filepath.Join(filepath.Dir(d.TargetDir), "ERR", "20261122", "10-11")
	os.MkdirAll(errDir, 0o755)
	if err := os.Rename(filepath.Join(d.TargetDir, d.FileName), filepath.Join(errDir, d.FileName)); err != nil {
		t.Fatal(err)
	}
	h.readResults()
	if d := h.state("E1", "issue"); d.State != ledger.StateRejected || d.ResultCode != "ERR" || !strings.Contains(d.Location, "ERR") {
		t.Errorf("E1: %s %s at %s, want rejected ERR", d.State, d.ResultCode, d.Location)
	}
}

// TestUnreadableAndInconsistentResults: a broken result file is kept aside
// with an error and read once; a summary whose counts disagree is applied
// as far as it goes and reported.
func TestUnreadableAndInconsistentResults(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("u.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nU1,咖啡,1,65\n"))
	h.result("u.csv")
	number := h.state("U1", "issue").InvoiceNumber
	dir := filepath.Join(h.cfg.ResultDir(h.cfg.Turnkey.Results.SummaryResult), "20261122", "1030")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "broken-SummaryResult.xml"), []byte("<SummaryResult><DetailList>"), 0o644)
	summary := `<SummaryResult xmlns="urn:GEINV:SummaryResult:4.1"><DetailList><Message>
  <Info><Id>4.1-F0401-20261122-103000000-x</Id><MessageType>F0401</MessageType></Info>
  <ResultType>
    <Total><ResultDetailType><Count>3</Count></ResultDetailType></Total>
    <Good><ResultDetailType><Count>1</Count><Invoices><Invoice><ReferenceNumber>` + number + `</ReferenceNumber><InvoiceDate>20261122</InvoiceDate></Invoice></Invoices></ResultDetailType></Good>
    <Failed><ResultDetailType><Count>0</Count></ResultDetailType></Failed>
  </ResultType></Message></DetailList></SummaryResult>`
	os.WriteFile(filepath.Join(dir, "odd-SummaryResult.xml"), []byte(summary), 0o644)
	h.readResults()
	h.readResults()
	if d := h.state("U1", "issue"); d.State != ledger.StateAccepted {
		t.Errorf("U1 is %s, want accepted from the inconsistent summary's Good list", d.State)
	}
	aside := filepath.Join(h.cfg.Path(h.cfg.Spool.Dir), "failed", "turnkey-results")
	errs, _ := filepath.Glob(filepath.Join(aside, "*broken-SummaryResult.xml.error.txt"))
	if len(errs) != 1 {
		t.Fatalf("error files aside: %v, want one for the broken file", errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "broken-SummaryResult.xml")); err != nil {
		t.Errorf("the broken file must stay where Turnkey put it: %v", err)
	}
	body := h.scrape()
	for _, want := range []string{
		`turnkeyd_turnkey_result_files_total{kind="summary_result",status="unreadable"} 1`,
		`turnkeyd_turnkey_result_files_total{kind="summary_result",status="inconsistent"} 1`,
	} {
		if !strings.Contains(string(body), want+"\n") {
			t.Errorf("/metrics lacks %s (each file is read once)", want)
		}
	}
	if !strings.Contains(h.logs.String(), "counts do not add up") {
		t.Error("the inconsistent summary is not reported in the log")
	}
}

// TestStatusAppendRedoneAfterCrash: a crash in the middle of an append
// leaves the ledger's pending mark and the cursor before the append; the
// next flush cuts the file back and writes the lines once.
func TestStatusAppendRedoneAfterCrash(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("s.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nS1,咖啡,1,65\nS2,茶,1,40\n"))
	h.result("s.csv")
	h.stop()
	ctx := context.Background()
	files, _ := filepath.Glob(h.spoolPath("out", "status-*.csv"))
	complete, _ := os.ReadFile(files[0])
	// The state a crash leaves: the append of both events begun (pending
	// mark, cursor still at 0) and only part of it written.
	db, err := sql.Open("sqlite", h.cfg.Path(h.cfg.Ledger.Path))
	if err != nil {
		t.Fatal(err)
	}
	var until int64
	db.QueryRow(`SELECT event_id FROM status_cursor`).Scan(&until)
	if _, err := db.Exec(`UPDATE status_cursor SET event_id = 0, pending_file = ?, pending_size = 0, pending_until = ?`,
		filepath.Base(files[0]), until); err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.WriteFile(files[0], complete[:len(complete)-25], 0o644)

	l, err := ledger.Open(ctx, h.cfg.Path(h.cfg.Ledger.Path), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w := &statusWriter{ledger: l, dir: h.spoolPath("out", ""), loc: testNow.Location()}
	if err := w.flush(ctx); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(files[0]); !bytes.Equal(after, complete) {
		t.Errorf("status file after the redo:\n%s\nwant:\n%s", after, complete)
	}
	if c, _ := l.StatusCursor(ctx); c != (ledger.StatusCursor{EventID: until}) {
		t.Errorf("cursor after the redo %+v, want at %d with nothing pending", c, until)
	}
	// And nothing more on the next flush.
	if err := w.flush(ctx); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(files[0]); !bytes.Equal(after, complete) {
		t.Error("a second flush changed the status file")
	}
}

// TestStopWritesPendingStatusLines: a state change recorded just before a
// graceful stop, after the last cycle's flush, reaches the status file
// before the daemon exits, not only at the next start.
func TestStopWritesPendingStatusLines(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("s.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nS-1,品項,1,100\n"))
	h.result("s.csv")
	d := h.state("S-1", "issue")
	// Turnkey's pickup as the results cycle records it; no cycle runs (the
	// test owns the poll), so nothing has flushed it.
	l, err := ledger.Open(context.Background(), h.cfg.Path(h.cfg.Ledger.Path), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Apply(context.Background(), ledger.ResultFile{}, func(rt *ledger.ResultTx) error {
		return rt.Transition(d.ID, ledger.StateUploaded, "turnkey-bak", "", "Turnkey picked the file up", "BAK/x.xml")
	})
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Join(h.statusLines(), "\n"); strings.Contains(lines, "S-1 issue uploaded") {
		t.Fatalf("the pickup is in the status file before the stop; the test proves nothing:\n%s", lines)
	}
	h.stop()
	if lines := strings.Join(h.statusLines(), "\n"); !strings.Contains(lines, "S-1 issue uploaded") {
		t.Errorf("after a graceful stop the status file lacks the pickup of S-1:\n%s", lines)
	}
}
