package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// voidInvoice records an accepted void of the invoice of document id.
func voidInvoice(tb testing.TB, l *ledger.Ledger, id int64) int64 {
	tb.Helper()
	ctx := context.Background()
	inv, err := l.Document(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	v := &mig.InvoiceVoid{Head: mig.Head{Type: mig.F0501, Version: mig.V41}, InvoiceNumber: inv.InvoiceNumber,
		InvoiceDate: testDate, BuyerID: mig.Consumer, SellerID: testSeller, VoidDate: "20261120", VoidTime: "10:00:00", Reason: "退貨"}
	xml, err := mig.Render(v)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := json.Marshal(v)
	sum := sha256.Sum256(xml)
	name := fmt.Sprintf("voids-%d.csv", intakeSeq.Add(1))
	var vid int64
	_, err = l.Intake(ctx, name, "sha-"+name, 10, func(tx *ledger.IntakeTx) error {
		vid, err = tx.Accept(&ledger.Document{Line: 1, SellerBAN: testSeller, Action: ledger.ActionVoid, OrderID: inv.OrderID,
			MsgType: "F0501", MIGVersion: "4.1", InvoiceNumber: inv.InvoiceNumber, InvoiceDate: testDate, BuyerBAN: mig.Consumer,
			FileName: "F0501_" + inv.InvoiceNumber + ".xml", TargetDir: "/turnkey/SRC", Body: body, XMLSHA256: hex.EncodeToString(sum[:])})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := l.MarkWritten(ctx, []int64{vid}); err != nil {
		tb.Fatal(err)
	}
	return vid
}

func TestExportSummaryAndVerify(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	l := testLedger(t, clock.Now)
	ids := issueInvoices(t, l, 5, "綠茶")
	settle(t, l, ledger.StateAccepted, "", ids[0], ids[1], ids[2])
	settle(t, l, ledger.StateRejected, "S1001", ids[3])
	vid := voidInvoice(t, l, ids[0])
	settle(t, l, ledger.StateAccepted, "", vid)
	dir := t.TempDir()
	if _, err := newTestArchive(t, l, dir, clock.Now).CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(t.TempDir(), "11512.zip")
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Export(dir, testPeriod, f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"F0401": {testSeller, testPeriod, "F0401", "issued 開立", "5", "3", "1", "1", "210", "0", "0", "0", "210", "0", "0"},
		"F0501": {testSeller, testPeriod, "F0501", "voided 作廢", "1", "1", "0", "0", "70", "0", "0", "0", "70", "0", "0"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d summary rows, want %d: %v", len(rows), len(want), rows)
	}
	for _, r := range rows {
		if got := fmt.Sprint(r.Record()); got != fmt.Sprint(want[r.Message]) {
			t.Errorf("%s row %s, want %s", r.Message, got, fmt.Sprint(want[r.Message]))
		}
	}
	r, err := VerifyZip(zipPath)
	if err != nil || !r.OK() || r.Listed != 5+1+5 {
		t.Fatalf("verify zip: %+v %v, want 6 XML and 5 verdicts listed and no problem", r, err)
	}
	// The summary in the zip is the one returned.
	z, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	sf, err := z.Open("summary/" + testPeriod + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(sf).ReadAll()
	sf.Close()
	if err != nil || len(recs) != 3 || fmt.Sprint(recs[1]) != fmt.Sprint(want["F0401"]) {
		t.Errorf("summary CSV %v %v", recs, err)
	}
	// A zip with one file changed no longer verifies.
	tampered := filepath.Join(t.TempDir(), "tampered.zip")
	rewriteZip(t, z, tampered, func(name string, data []byte) []byte {
		if filepath.Ext(name) == ".xml" && bytes.Contains(data, []byte("<TotalAmount>70</TotalAmount>")) {
			return bytes.Replace(data, []byte("<TotalAmount>70</TotalAmount>"), []byte("<TotalAmount>7</TotalAmount>"), 1)
		}
		return data
	})
	z.Close()
	r, err = VerifyZip(tampered)
	if err != nil || r.OK() || r.Problems[0].Kind != Changed {
		t.Errorf("tampered zip: %+v %v, want a changed file", r, err)
	}
}

// rewriteZip copies z to path, passing every file through edit, once for
// the first file edit changes.
func rewriteZip(tb testing.TB, z *zip.ReadCloser, path string, edit func(string, []byte) []byte) {
	tb.Helper()
	out, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	w := zip.NewWriter(out)
	done := false
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if !done {
			if edited := edit(f.Name, data); !bytes.Equal(edited, data) {
				data, done = edited, true
			}
		}
		fw, _ := w.Create(f.Name)
		fw.Write(data)
	}
	w.SetComment(z.Comment)
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
}
