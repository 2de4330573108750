package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/archive/archivetest"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

func TestArchiveLayoutBytesAndVerdicts(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	l := testLedger(t, clock.Now)
	ids := issueInvoices(t, l, 3, "綠茶")
	dir := t.TempDir()
	a := newTestArchive(t, l, dir, clock.Now)
	if n, err := a.CatchUp(ctx); err != nil || n != 3 {
		t.Fatalf("first pass wrote %d files (%v), want 3 XML files", n, err)
	}
	for _, id := range ids {
		d, err := l.Document(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		rel := filepath.Join(testSeller, testPeriod, "F0401", d.InvoiceNumber+"_"+itoa(id)+".xml")
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatalf("document %d not archived at %s: %v", id, rel, err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != d.XMLSHA256 {
			t.Errorf("%s: archived bytes have another hash than the ledger recorded", rel)
		}
		if _, err := mig.Parse(data); err != nil {
			t.Errorf("%s: %v", rel, err)
		}
	}
	// Verdicts come when they settle, and only once.
	if n, err := a.CatchUp(ctx); err != nil || n != 0 {
		t.Fatalf("pass with nothing due wrote %d files (%v)", n, err)
	}
	settle(t, l, ledger.StateAccepted, "", ids[0])
	settle(t, l, ledger.StateRejected, "S1001", ids[1])
	if n, err := a.CatchUp(ctx); err != nil || n != 2 {
		t.Fatalf("pass after verdicts wrote %d files (%v), want 2 verdicts", n, err)
	}
	d1, _ := l.Document(ctx, ids[1])
	var v Verdict
	data, err := os.ReadFile(filepath.Join(dir, testSeller, testPeriod, "F0401", d1.InvoiceNumber+"_"+itoa(ids[1])+".verdict.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &v); err != nil || v.State != ledger.StateRejected || v.Code != "S1001" {
		t.Errorf("verdict %+v (%v), want rejected S1001", v, err)
	}
	if n, err := a.CatchUp(ctx); err != nil || n != 0 {
		t.Fatalf("pass with nothing due wrote %d files (%v)", n, err)
	}
	r, err := Verify(os.DirFS(dir), "")
	if err != nil || !r.OK() || r.Listed != 5 {
		t.Fatalf("verify: %+v %v, want 5 files listed and no problem", r, err)
	}
}

// A crash after the files were written but before the ledger recorded them
// is caught up by the next start: nothing lost, nothing listed twice.
func TestArchiveCatchesUpAfterCrash(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	l := testLedger(t, clock.Now)
	ids := issueInvoices(t, l, 5, "綠茶")
	dir := t.TempDir()
	a := newTestArchive(t, l, dir, clock.Now)
	due, err := l.ArchiveDue(ctx, 0, 10)
	if err != nil || len(due) != 5 {
		t.Fatalf("due %d, %v", len(due), err)
	}
	// The first pass's files and manifest, without the ledger's record.
	if err := a.open(); err != nil {
		t.Fatal(err)
	}
	for i := range due[:3] {
		files, entries, _, err := a.prepare(&due[i], clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := a.write(files); err != nil {
			t.Fatal(err)
		}
		if err := a.manifest.add(entries, clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	b := newTestArchive(t, l, dir, clock.Now) // the restart
	if n, err := b.CatchUp(ctx); err != nil || n != len(ids) {
		t.Fatalf("catch-up wrote %d files (%v), want %d", n, err, len(ids))
	}
	if due, _ := l.ArchiveDue(ctx, 0, 10); len(due) != 0 {
		t.Errorf("%d documents still due after the catch-up", len(due))
	}
	r, err := Verify(os.DirFS(dir), testPeriod)
	if err != nil || !r.OK() || r.Listed != len(ids) {
		t.Fatalf("verify: %+v %v", r, err)
	}
	ms, _, _ := readManifests(os.DirFS(dir))
	if n := len(ms[0].entries); n != len(ids) {
		t.Errorf("manifest lists %d entries, want %d (none twice)", n, len(ids))
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Run verifies the whole archive when no verify ran within VerifyEvery.
func TestRunVerifiesWeekly(t *testing.T) {
	clock := newClock()
	l := testLedger(t, clock.Now)
	issueInvoices(t, l, 2, "綠茶")
	dir := t.TempDir()
	trigger := make(chan time.Time)
	a, err := New(Config{Dir: dir, Ledger: l, Now: clock.Now, Trigger: trigger, VerifyEvery: 7 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if last, _ := LastVerified(dir); !last.IsZero() {
			if want := clock.Base.Unix(); last.Unix() < want {
				t.Errorf("verified at %s, want the archive's clock (%s)", last, clock.Base)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not verify the archive")
		}
		select {
		case trigger <- time.Now():
		case <-time.After(10 * time.Millisecond):
		}
	}
	r, err := Verify(os.DirFS(dir), "")
	if err != nil || !r.OK() || r.Listed != 2 {
		t.Errorf("verify %+v %v", r, err)
	}
}

// A document whose XML no longer has its recorded hash is not archived
// (other bytes than those handed over must not enter the archive); it stays
// due and does not hold up the documents after it.
func TestArchiveRefusesOtherBytes(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	l := testLedger(t, clock.Now)
	var bad int64
	_, err := l.Intake(ctx, "bad.csv", "sha-bad", 1, func(tx *ledger.IntakeTx) error {
		num, _, err := tx.NextNumber(testSeller, "07", testPeriod)
		if err != nil {
			return err
		}
		body, _ := archivetest.InvoiceBody(t, "SO-bad", num, "茶")
		bad, err = tx.Accept(&ledger.Document{Line: 1, SellerBAN: testSeller, Action: ledger.ActionIssue, OrderID: "SO-bad",
			MsgType: "F0401", MIGVersion: "4.1", InvoiceType: "07", InvoiceNumber: num, InvoiceDate: testDate,
			BuyerBAN: mig.Consumer, FileName: "bad.xml", TargetDir: "/turnkey/SRC", Body: body,
			XMLSHA256: strings.Repeat("0", 64)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.MarkWritten(ctx, []int64{bad}); err != nil {
		t.Fatal(err)
	}
	good := issueInvoices(t, l, batch+3, "綠茶") // more than a batch after it
	a := newTestArchive(t, l, t.TempDir(), clock.Now)
	if n, err := a.CatchUp(ctx); err != nil || n != len(good) {
		t.Fatalf("archived %d (%v), want the %d good documents", n, err, len(good))
	}
	due, err := l.ArchiveDue(ctx, 0, 10)
	if err != nil || len(due) != 1 || due[0].ID != bad {
		t.Errorf("due after the pass: %d documents (%v), want only the one with other bytes", len(due), err)
	}
	if _, err := l.ArchivedOf(ctx, bad); err == nil {
		t.Error("a document with other bytes than those recorded was archived")
	}
}
