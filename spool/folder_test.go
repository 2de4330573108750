package spool

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func newTestFolder(t testing.TB) *Folder {
	t.Helper()
	f := NewFolder(t.TempDir())
	if err := f.Ensure(); err != nil {
		t.Fatal(err)
	}
	return f
}

func drop(t testing.TB, f *Folder, sub, name, text string) {
	t.Helper()
	if err := os.WriteFile(f.Path(sub, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadyListsOnlyFinalNamesInOrder(t *testing.T) {
	f := newTestFolder(t)
	for _, n := range []string{"b.csv", "a.CSV", "c.csv.tmp", ".d.csv", "e.txt"} {
		drop(t, f, "in", n, "x")
	}
	if err := os.Mkdir(f.Path("in", "dir.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := f.Ready()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.CSV", "b.csv"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Ready() = %v, want %v", got, want)
	}
}

func TestClaimDoneKeepsEveryFile(t *testing.T) {
	f := newTestFolder(t)
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for round := 0; round < 3; round++ {
		drop(t, f, "in", "orders.csv", "round"+string(rune('0'+round)))
		if err := f.Claim("orders.csv"); err != nil {
			t.Fatal(err)
		}
		if err := f.Done("orders.csv", now); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(f.Path("done", ""))
	if len(entries) != 3 {
		t.Fatalf("done/ has %d files, want 3 (none overwritten)", len(entries))
	}
	if ready, _ := f.Ready(); len(ready) != 0 {
		t.Errorf("in/ still lists %v", ready)
	}
}

func TestClaimRefusesWhileSameNameInWork(t *testing.T) {
	f := newTestFolder(t)
	drop(t, f, "work", "x.csv", "old")
	drop(t, f, "in", "x.csv", "new")
	if err := f.Claim("x.csv"); err == nil || !strings.Contains(err.Error(), "still being processed") {
		t.Fatalf("Claim = %v, want a still-being-processed error", err)
	}
	if b, _ := os.ReadFile(f.Path("work", "x.csv")); string(b) != "old" {
		t.Errorf("work/x.csv was replaced: %q", b)
	}
}

func TestClaimGone(t *testing.T) {
	f := newTestFolder(t)
	if err := f.Claim("nope.csv"); !errors.Is(err, ErrGone) {
		t.Errorf("Claim of a missing file = %v, want ErrGone", err)
	}
}

func TestFailWritesErrorFile(t *testing.T) {
	f := newTestFolder(t)
	drop(t, f, "in", "bad.csv", "\"unterminated")
	if err := f.Claim("bad.csv"); err != nil {
		t.Fatal(err)
	}
	if err := f.Fail("bad.csv", errors.New("bad.csv:1:1: unterminated quoted field"), time.Now()); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(f.Path("failed", "bad.csv.error.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bad.csv:1:1: unterminated quoted field", "docs/csv.md", "not processed"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("error file lacks %q:\n%s", want, text)
		}
	}
	if _, err := os.Stat(f.Path("failed", "bad.csv")); err != nil {
		t.Errorf("the failed file itself must be kept: %v", err)
	}
}

func TestWriteResult(t *testing.T) {
	f := newTestFolder(t)
	rows := []ResultRow{
		{Line: 2, OrderID: "A-1", Action: "issue", Status: "accepted", InvoiceNumber: "AB12345678", InvoiceDate: "20261122", RandomNumber: "0427"},
		{Line: 4, OrderID: "A-2", Action: "issue", Status: "rejected", Message: `BAN_CHECKSUM buyer_ban 12345678: checksum fails, "check it"`},
	}
	if name, err := f.WriteResult("orders.csv", time.Now(), rows); err != nil || name != "orders.csv.result.csv" {
		t.Fatalf("WriteResult = %q, %v", name, err)
	}
	got, err := os.ReadFile(filepath.Join(f.Dir(), "out", "orders.csv.result.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := "line,order_id,action,status,invoice_number,invoice_date,random_number,message\r\n" +
		"2,A-1,issue,accepted,AB12345678,2026-11-22,0427,\r\n" +
		"4,A-2,issue,rejected,,,,\"BAN_CHECKSUM buyer_ban 12345678: checksum fails, \"\"check it\"\"\"\r\n"
	if string(got) != want {
		t.Errorf("result file:\n%s\nwant:\n%s", got, want)
	}
}

func TestCleanRemovesTempsOfCutShortAnswers(t *testing.T) {
	f := newTestFolder(t)
	drop(t, f, "out", ".orders.result.csv.812-3.tmp", "line,order_id") // a result write cut short
	drop(t, f, "failed", ".bad.csv.error.txt.812-4.tmp", "bad.csv could")
	keep := [][2]string{{"out", "orders.result.csv"}, {"out", "status-20261203.csv"}, {"in", ".x.csv.1-2.tmp"}, {"failed", "bad.csv"}}
	for _, k := range keep {
		drop(t, f, k[0], k[1], "x")
	}
	if err := f.Clean(); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"out", "failed"} {
		entries, _ := os.ReadDir(f.Path(sub, ""))
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("%s/%s is left after Clean", sub, e.Name())
			}
		}
	}
	for _, k := range keep {
		if _, err := os.Lstat(f.Path(k[0], k[1])); err != nil {
			t.Errorf("Clean removed %s/%s, which is not its own temporary file: %v", k[0], k[1], err)
		}
	}
}

// TestWriteResultKeepsEveryAnswer: a second file of the same name gets an
// answer of its own; writing the same answer again (after a stop) does not
// make a second file.
func TestWriteResultKeepsEveryAnswer(t *testing.T) {
	f := newTestFolder(t)
	first := []ResultRow{{Line: 2, OrderID: "A-1", Action: "issue", Status: "accepted", InvoiceNumber: "AB12345678"}}
	second := []ResultRow{{Line: 2, OrderID: "A-1", Action: "issue", Status: "duplicate", InvoiceNumber: "AB12345678"}}
	at := time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		rows []ResultRow
		want string
	}{
		{first, "01-sales.csv.result.csv"},
		{second, "01-sales.csv.20261122T023000.result.csv"},
		{second, "01-sales.csv.20261122T023000.result.csv"}, // the same answer again
		{first[:0], "01-sales.csv.20261122T023000-1.result.csv"},
	} {
		got, err := f.WriteResult("01-sales.csv", at, tt.rows)
		if err != nil || got != tt.want {
			t.Errorf("WriteResult = %q, %v; want %q", got, err, tt.want)
		}
	}
	entries, _ := os.ReadDir(f.Path("out", ""))
	if len(entries) != 3 {
		t.Errorf("out/ holds %d files, want 3 answers", len(entries))
	}
	data, _ := os.ReadFile(f.Path("out", "01-sales.csv.result.csv"))
	if !strings.Contains(string(data), "accepted") {
		t.Errorf("the first answer was replaced:\n%s", data)
	}
}

// TestLongNamesGetAnswers: a name of up to 255 bytes gets a result file, an
// error file and a done/ name within the file system's limit.
func TestLongNamesGetAnswers(t *testing.T) {
	f := newTestFolder(t)
	now := time.Now()
	for _, name := range []string{strings.Repeat("x", 240) + ".csv", strings.Repeat("y", 251) + ".csv", strings.Repeat("發", 83) + ".csv"} {
		res, err := f.WriteResult(name, now, nil)
		if err != nil || len(res) > 255 {
			t.Errorf("%d-byte name: result %q, %v", len(name), res, err)
		}
		for round := 0; round < 2; round++ {
			drop(t, f, "in", name, "x")
			if err := f.Claim(name); err != nil {
				t.Fatal(err)
			}
			if err := f.Fail(name, errors.New("bad"), now); err != nil {
				t.Errorf("%d-byte name, round %d: %v", len(name), round, err)
			}
		}
		if _, err := os.Stat(f.Path("failed", ErrorName(name))); err != nil {
			t.Errorf("%d-byte name: no error file: %v", len(name), err)
		}
	}
}

func TestScanInSortsEntries(t *testing.T) {
	f := newTestFolder(t)
	for _, n := range []string{"b.csv", "a.CSV", "c.csv.tmp", "...csv", "e.txt", "g.csv.ok", ".h.swp", "i.part"} {
		drop(t, f, "in", n, "x")
	}
	os.Mkdir(f.Path("in", "dir.csv"), 0o755)
	os.Symlink(f.Path("in", "b.csv"), f.Path("in", "link.csv"))
	got, err := f.ScanIn()
	if err != nil {
		t.Fatal(err)
	}
	want := InEntries{Ready: []string{"a.CSV", "b.csv"}, Odd: []string{"...csv", "dir.csv", "link.csv"}, Ignored: []string{"e.txt"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ScanIn() = %+v, want %+v", got, want)
	}
}
