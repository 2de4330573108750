package spool

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/turnkeyd/turnkeyd/mig"
)

// FuzzReadCSV reads arbitrary bytes as CSV v1 in every encoding and
// version: no panic, a FileError with a position, or requests each with
// either a document that renders once completed or a rejection.
func FuzzReadCSV(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "csv", "*.csv"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/csv: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
	}
	f.Add([]byte(minimalHeader+"A1,\"x\"\"y\",1,1\nA1,z,2,3\n"), uint8(5))
	f.Add([]byte("order_id,item_description\n\xA4\xA4\xFA\x40,\x80\"\n"), uint8(2))
	encodings := []string{EncodingAuto, EncodingUTF8, EncodingBig5}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opt := testOptions(mig.V41)
		opt.Encoding = encodings[int(mode)%len(encodings)]
		if mode&4 != 0 {
			opt.Version = mig.V31
		}
		reqs, err := ReadCSV(bytes.NewReader(data), "fuzz.csv", opt)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FileError", err)
			}
			if fe.Line < 1 || fe.Column < 1 || fe.Msg == "" {
				t.Fatalf("FileError without a position or message: %#v", fe)
			}
			return
		}
		for i := range reqs {
			r := &reqs[i]
			if (r.Doc == nil) == (r.Reject == nil) {
				t.Fatalf("line %d: Doc %v and Reject %v: want exactly one", r.Line, r.Doc, r.Reject)
			}
			if r.Line < 1 || r.EndLine < r.Line {
				t.Fatalf("lines %d-%d", r.Line, r.EndLine)
			}
			r.ColumnForPath("/Invoice/Details/ProductItem[2]/Amount")
			if r.Reject != nil {
				if r.Reject.Code == "" || r.Reject.Msg == "" {
					t.Fatalf("rejection without code or message: %#v", r.Reject)
				}
				continue
			}
			fill(r)
			if _, err := mig.Render(r.Doc); err != nil {
				t.Fatalf("line %d: a built document does not render: %v", r.Line, err)
			}
		}
	})
}
