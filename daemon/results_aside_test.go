package daemon

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// TestBadResultFileDoesNotBlockItsKind: result files that are too large,
// that cannot be read, or whose name is too long to copy aside as it is,
// are set aside with an error text and counted once, and the ProcessResult
// after them is applied all the same.
func TestBadResultFileDoesNotBlockItsKind(t *testing.T) {
	h := startDaemon(t, nil)
	h.drop("p.csv", []byte("order_id,item_description,item_quantity,item_unit_price\nP1,咖啡,1,65\n"))
	h.result("p.csv")
	number := h.state("P1", "issue").InvoiceNumber
	dir := filepath.Join(h.cfg.ResultDir(h.cfg.Turnkey.Results.ProcessResult), "20261122", "1030")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A result file beyond the cap: sparse, so the test writes nothing,
	// and the daemon must not read it either.
	huge := filepath.Join(dir, "a-huge-ProcessResult.xml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxResultFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// A broken one with a name of 240 bytes: its copy aside must still fit.
	long := filepath.Join(dir, "b"+strings.Repeat("長", 76)+"-ProcessResult.xml")
	if err := os.WriteFile(long, []byte("<ProcessResult><MessageInfo>"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := 0
	if os.Getuid() != 0 { // root reads whatever the mode says
		noRead := filepath.Join(dir, "c-ProcessResult.xml")
		if err := os.WriteFile(noRead, []byte("<ProcessResult/>"), 0o000); err != nil {
			t.Fatal(err)
		}
		unreadable = 1
	}
	good := `<ProcessResult xmlns="urn:GEINV:ProcessResult:4.1"><MessageInfo><MessageType>F0401</MessageType></MessageInfo>` +
		`<Result><Info><Code>E1003</Code><Description>B2C 發票重覆開立</Description><Parameter0>` + number +
		`</Parameter0><Parameter1>20261122</Parameter1></Info></Result></ProcessResult>`
	if err := os.WriteFile(filepath.Join(dir, "d-ProcessResult.xml"), []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	h.readResults()
	h.readResults()
	if d := h.state("P1", "issue"); d.State != ledger.StateRejected || d.ResultCode != "E1003" {
		t.Errorf("P1 is %s %s, want rejected E1003: the good ProcessResult behind the bad ones was not applied", d.State, d.ResultCode)
	}
	aside := filepath.Join(h.cfg.Path(h.cfg.Spool.Dir), "failed", "turnkey-results")
	texts, _ := filepath.Glob(filepath.Join(aside, "*.error.txt"))
	if len(texts) != 2+unreadable {
		t.Fatalf("error texts aside: %v, want %d", texts, 2+unreadable)
	}
	var all strings.Builder
	for _, p := range texts {
		data, _ := os.ReadFile(p)
		all.Write(data)
		if len(filepath.Base(p)) > 255 {
			t.Errorf("name aside too long: %s", p)
		}
	}
	if !strings.Contains(all.String(), "more than the 67108864 a result file may have") {
		t.Errorf("no error text says the huge file is too large:\n%s", all.String())
	}
	if copies, _ := filepath.Glob(filepath.Join(aside, "*a-huge-ProcessResult.xml")); len(copies) != 0 {
		t.Errorf("the huge file was copied aside: %v", copies)
	}
	body := h.scrape()
	want := `turnkeyd_turnkey_result_files_total{kind="process_result",status="unreadable"} ` + string(rune('2'+unreadable))
	if !strings.Contains(string(body), want+"\n") {
		t.Errorf("/metrics lacks %s (each bad file counted once over two polls)", want)
	}
	if strings.Contains(string(body), "turnkeyd_turnkey_result_errors_total 1") || strings.Contains(string(body), "turnkeyd_turnkey_result_errors_total 2") {
		t.Errorf("bad files counted as failed polls:\n%s", grepLines(string(body), "result_errors"))
	}
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// scrape returns the daemon's /metrics.
func (h *harness) scrape() []byte {
	h.t.Helper()
	resp, err := http.Get("http://" + h.addr + "/metrics")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return body
}
