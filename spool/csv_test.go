package spool

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/mig"
)

const minimalHeader = "order_id,item_description,item_quantity,item_unit_price\n"

func TestReadCSVFileErrors(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		line, col int
		msg       string
	}{
		{"unknown column suggests the close name", "order_id,buyer_bna,item_description\n", 1, 10, `unknown column "buyer_bna": did you mean buyer_ban?`},
		{"unknown column with spaces", "order_id, Item Description \n", 1, 10, "did you mean item_description?"},
		{"unknown column without a close name lists all", "order_id,colour\n", 1, 10, "the columns of CSV v1 are action, order_id,"},
		{"another separator", "order_id;item_description;item_quantity\n", 1, 1, "seems to use another separator"},
		{"missing order_id", "item_description,item_quantity\nx,1\n", 1, 1, "no order_id column"},
		{"duplicate column", "order_id,item_quantity,ORDER_ID\n", 1, 24, "column order_id appears twice in the header (also at 1:1)"},
		{"bare quote counts characters, not bytes", "item_description,order_id,item_quantity\n咖啡豆,A1,2\"\n", 2, 9, `a quote (") inside an unquoted value`},
		{"unterminated quoted field", minimalHeader + "A1,\"咖啡豆,1,100\nA2,x,1,100\n", 2, 4, "unterminated quoted field"},
		{"text after the closing quote", minimalHeader + "A1,\"咖啡\"豆,1,100\n", 2, 8, "text after the closing quote"},
		{"too many fields", minimalHeader + "A1,咖啡,1,100,5\n", 2, 13, "this row has 5 fields but the header has 4"},
		{"too few fields", minimalHeader + "A1,咖啡,1\n", 2, 8, "this row has 3 fields but the header has 4"},
		{"field count of a row spanning lines", minimalHeader + "A1,\"咖\n啡\",1\n", 3, 5, "the row that starts on line 2 has 3 fields"},
		{"UTF-16 byte-order mark", "\xFF\xFEo\x00r\x00", 1, 1, "the file is UTF-16LE"},
		{"UTF-32 byte-order mark", "\x00\x00\xFE\xFF", 1, 1, "the file is UTF-32BE"},
		{"NUL byte", minimalHeader + "A1,x\x00y,1,1\n", 2, 5, "NUL byte"},
		{"UTF-16 without a byte-order mark", "o\x00r\x00d\x00", 1, 2, "NUL byte"},
		{"empty file", "", 1, 1, "no header row"},
		{"blank lines only", "\n  \n,,,\n", 4, 1, "no header row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqs, err := ReadCSV(strings.NewReader(tt.data), "orders.csv", testOptions(mig.V41))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%d requests), want a FileError", err, len(reqs))
			}
			if fe.Line != tt.line || fe.Column != tt.col || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("got %d:%d %s\nwant %d:%d …%s…", fe.Line, fe.Column, fe.Msg, tt.line, tt.col, tt.msg)
			}
			if prefix := "orders.csv:"; !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want it to start with %q", err, prefix)
			}
		})
	}
}

func TestReadCSVNoDocuments(t *testing.T) {
	for name, data := range map[string]string{
		"header only":                    minimalHeader,
		"header without a final newline": strings.TrimSuffix(minimalHeader, "\n"),
		"blank and empty rows":           "\r\n" + minimalHeader + "\r\n,,,\r\n  , ,,\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			reqs, err := ReadCSV(strings.NewReader(data), "orders.csv", testOptions(mig.V41))
			if err != nil || len(reqs) != 0 {
				t.Errorf("ReadCSV = %d requests, %v; want none and no error", len(reqs), err)
			}
		})
	}
}

// TestReadCSVLines checks the lines of documents around quoted values that
// span lines, blank lines and the line ends of every platform.
func TestReadCSVLines(t *testing.T) {
	data := "\r\n" + minimalHeader + "A1,\"two\r\nlines\",1,1\r\n\r\nA2,x,1,1\rA3,y,1,1\n"
	reqs := readText(t, data, mig.V41)
	var got []string
	for _, r := range reqs {
		got = append(got, fmt.Sprintf("%s:%d-%d", r.OrderID, r.Line, r.EndLine))
	}
	if g, want := strings.Join(got, " "), "A1:3-4 A2:6-6 A3:7-7"; g != want {
		t.Errorf("lines = %s, want %s", g, want)
	}
	wantStr(t, "value with a line break", doc[*mig.Invoice](t, reqs[0]).Items[0].Description, "two\nlines")
}

func TestReadOptionsRefused(t *testing.T) {
	for name, opt := range map[string]ReadOptions{
		"encoding": {Encoding: "latin1"},
		"version":  {Version: mig.V32},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(minimalHeader), "orders.csv", opt)
			var fe *FileError
			if err == nil || errors.As(err, &fe) {
				t.Errorf("err = %v, want an options error that is not a FileError", err)
			}
		})
	}
}

// TestCutLastLineIsNeverIssued: a file that ends without a line break in
// the middle of a row (a writer still at work) never issues that row's
// document; the rest of the file goes on.
func TestCutLastLineIsNeverIssued(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		cut        string // the order whose document is rejected, or ""
	}{
		{"cut amount", minimalHeader + "A1,咖啡,1,100\nA2,顧問,1,10", "A2"},
		{"cut row of a two-line document", minimalHeader + "A1,咖啡,1,100\nA2,顧問,1,1050\nA2,茶,1,5", "A2"},
		{"complete", minimalHeader + "A1,咖啡,1,100\nA2,顧問,1,1050\n", ""},
		{"complete with CRLF", minimalHeader + "A1,咖啡,1,100\r\nA2,顧問,1,1050\r\n", ""},
		{"trailing blank row", minimalHeader + "A1,咖啡,1,100\nA2,顧問,1,1050\n,,,", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reqs, err := ReadCSV(strings.NewReader(tt.data), "cut.csv", testOptions(mig.V41))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range reqs {
				cut := r.Reject != nil && r.Reject.Code == "CSV_CUT_LINE"
				if cut != (r.OrderID == tt.cut) || (r.OrderID != tt.cut && r.Reject != nil) {
					t.Errorf("%s: reject %v, want cut=%v", r.OrderID, r.Reject, r.OrderID == tt.cut)
				}
				if cut && r.Doc != nil {
					t.Errorf("%s: a cut document still has a document to issue", r.OrderID)
				}
			}
		})
	}
}

// TestLongValuesAreCutInMessages: a 10 MB field is not echoed whole.
func TestLongValuesAreCutInMessages(t *testing.T) {
	huge := strings.Repeat("咖", 10<<20/3)
	for _, data := range []string{
		minimalHeader + "A1," + huge + ",1,100\n", // CSV_LENGTH of item_description
		minimalHeader + "A1,咖啡,1," + huge + "\n",  // CSV_FORMAT of a price
		"order_id," + huge + "\nA1,x\n",           // an unknown column: a file error
	} {
		reqs, err := ReadCSV(strings.NewReader(data), "big.csv", testOptions(mig.V41))
		msg := ""
		if err != nil {
			msg = err.Error()
		} else if len(reqs) == 1 && reqs[0].Reject != nil {
			msg = reqs[0].Reject.Error()
		} else {
			t.Fatalf("no rejection: %+v", reqs)
		}
		if len(msg) > 2100 || !strings.Contains(msg, "in all)") {
			t.Errorf("message of %d bytes, want it cut and saying so: %.300s", len(msg), msg)
		}
	}
}
