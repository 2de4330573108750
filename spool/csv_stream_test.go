package spool

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestOpenCSVChecksWholeFileFirst: a file-level error on the last line of a
// long file is reported by OpenCSV, before any document is returned.
func TestOpenCSVChecksWholeFileFirst(t *testing.T) {
	var b strings.Builder
	b.WriteString(minimalHeader)
	for i := range 3000 {
		fmt.Fprintf(&b, "A%d,咖啡,1,100\n", i)
	}
	b.WriteString("LAST,咖啡,1\n") // a field short
	_, err := OpenCSV([]byte(b.String()), "big.csv", ReadOptions{})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 3002 || !strings.Contains(fe.Msg, "this row has 3 fields but the header has 4") {
		t.Fatalf("OpenCSV: %v, want the FileError of line 3002", err)
	}
}

// TestOpenCSVScatteredFarApart: an order whose rows are split by thousands
// of other documents is rejected at both places, as ReadCSV does, when the
// file is read one document at a time; the others are built.
func TestOpenCSVScatteredFarApart(t *testing.T) {
	var b strings.Builder
	b.WriteString(minimalHeader)
	b.WriteString("X1,咖啡,1,100\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "A%d,咖啡,1,100\n", i)
	}
	b.WriteString("X1,茶,1,50\n")
	docs, err := OpenCSV([]byte(b.String()), "far.csv", ReadOptions{DefaultSeller: testSeller, Now: testNow.UTC(), Location: testNow.Location()})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for req, ok := docs.Next(); ok; req, ok = docs.Next() {
		n++
		switch {
		case req.OrderID == "X1" && req.Line == 2:
			if req.Reject == nil || req.Reject.Code != "CSV_NOT_CONSECUTIVE" || !strings.Contains(req.Reject.Msg, "appears again at lines 2003") {
				t.Errorf("first X1: %v", req.Reject)
			}
		case req.OrderID == "X1":
			if req.Reject == nil || req.Reject.Code != "CSV_NOT_CONSECUTIVE" || !strings.Contains(req.Reject.Msg, "already appeared at lines 2") {
				t.Errorf("second X1 (line %d): %v", req.Line, req.Reject)
			}
		case req.Reject != nil:
			t.Errorf("%s line %d rejected: %v", req.OrderID, req.Line, req.Reject)
		}
	}
	if n != 2002 {
		t.Errorf("%d documents, want 2002", n)
	}
}
