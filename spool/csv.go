package spool

// ReadCSV: CSV v1 files (docs/csv.md) into document Requests. The file
// layer (encoding, quoting, header, field counts) is here and in
// csv_*.go; building documents from rows is in build*.go.

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/turnkeyd/turnkeyd/mig"
)

// ReadOptions says how to read a CSV v1 file and what to build.
type ReadOptions struct {
	// Encoding is auto (or ""), utf-8 or big5; see docs/csv.md.
	Encoding string
	// DefaultSeller is the seller of documents whose seller_ban is blank
	// (Identifier and Name, and whatever else its invoices should carry).
	DefaultSeller mig.Party
	// Version is the MIG version to build: mig.V41 (or "") or mig.V31.
	Version mig.Version
	// Now, when not zero, stamps the blank dates and times of the built
	// documents (Request.Stamp). Zero leaves them blank for the caller.
	Now time.Time
	// Location is the time zone of Now's calendar day (Asia/Taipei); nil
	// keeps Now's own.
	Location *time.Location
}

// MaxFileSize is the largest CSV file ReadCSV reads.
const MaxFileSize = 256 << 20

// FileError is a CSV file that cannot be read as CSV v1 at all; no document
// of it is built.
type FileError struct {
	File         string
	Line, Column int // 1-based; Column counts characters of the line
	Msg          string
}

// Error returns "orders.csv:3:17: what is wrong: what to do".
func (e *FileError) Error() string {
	if e.File == "" {
		return CutMessage(fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg))
	}
	return CutMessage(fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg))
}

// ReadCSV reads one CSV v1 file. A FileError (errors.As) means the file as
// a whole is unreadable; otherwise every document comes back as a Request,
// in file order, each either built or rejected. Other errors are the
// reader's or the options'. It holds every document of the file: the
// daemon reads big files with OpenCSV, one document at a time.
func ReadCSV(r io.Reader, name string, opt ReadOptions) ([]Request, error) {
	if _, err := normalEncoding(opt.Encoding); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	docs, err := OpenCSV(data, name, opt)
	if err != nil {
		return nil, err
	}
	var reqs []Request
	for req, ok := docs.Next(); ok; req, ok = docs.Next() {
		reqs = append(reqs, req)
	}
	return reqs, nil
}

// cutLastLine reports whether text ends in a row that is not blank and has
// no line break after it, and the line that row ends on. Such a row may
// have been cut by a writer still at work; it is never issued.
func cutLastLine(text string) (int, bool) {
	if text == "" || strings.HasSuffix(text, "\n") || strings.HasSuffix(text, "\r") {
		return 0, false
	}
	tail := text[strings.LastIndexAny(text, "\r\n")+1:]
	if strings.Trim(tail, " \t,\u3000") == "" {
		return 0, false
	}
	line := 1 + strings.Count(text, "\n") + strings.Count(text, "\r") - strings.Count(text, "\r\n")
	return line, true
}

// big5Hint says, for a file read as UTF-8 that reads cleanly as Big5, that
// it looks like Big5 and which setting reads it so.
func big5Hint(data []byte, used string) string {
	if used != EncodingUTF8 || utf8.Valid(data) {
		return ""
	}
	if _, bad := decodeBig5(data); bad > 0 {
		return ""
	}
	return "the file looks like Big5: set spool.encoding to big5 (or auto) in the configuration, or save the file as UTF-8"
}

// positionOf returns the line and character column of byte offset i.
func positionOf(text string, i int) (line, col int) {
	s := newScanner(text)
	for s.pos < i {
		s.next()
	}
	return s.line, s.col
}

// row is one non-blank record after the header: trimmed values by column.
type row struct {
	line, endLine int
	vals          [numColumns]string
	problem       *Rejection // a value that cannot be used at all (encoding, unnamed column)
}

func (r *row) val(c column) string { return r.vals[c] }

func checkFieldCount(rec record, want int) *FileError {
	got := len(rec.fields)
	if got == want {
		return nil
	}
	e := &FileError{Line: rec.endLine, Column: rec.endCol}
	if got > want {
		extra := rec.fields[want]
		e.Line, e.Column = extra.line, extra.col
	}
	e.Msg = fmt.Sprintf("this row has %d fields but the header has %d: quote values that hold a comma (\"1,5\"), and give every row one value per header column", got, want)
	if rec.line != e.Line {
		e.Msg = fmt.Sprintf("the row that starts on line %d has %d fields but the header has %d: quote values that hold a comma (\"1,5\"), and give every row one value per header column", rec.line, got, want)
	}
	return e
}

func newRow(rec record, h *header, enc string) *row {
	r := &row{line: rec.line, endLine: rec.endLine}
	for i, f := range rec.fields {
		name := h.names[i]
		if r.problem == nil {
			if why := badText(f.text, enc); why != "" {
				r.problem = &Rejection{Code: "CSV_ENCODING", Column: name, Line: f.line, Value: f.text,
					Msg: fmt.Sprintf("%s at %d:%d: %s", valueName(name, i), f.line, f.col, why)}
			}
		}
		v := strings.TrimSpace(f.text)
		if name == "" {
			if v != "" && r.problem == nil {
				r.problem = &Rejection{Code: "CSV_FORMAT", Line: f.line, Value: v,
					Msg: fmt.Sprintf("field %d at %d:%d has a value but its column has no name in the header: name the column or empty the value", i+1, f.line, f.col)}
			}
			continue
		}
		c := columnNamed(name)
		r.vals[c] = v
	}
	return r
}

func valueName(name string, i int) string {
	if name == "" {
		return fmt.Sprintf("field %d", i+1)
	}
	return name
}
