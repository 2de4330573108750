package spool

// OpenCSV: a CSV v1 file read one document at a time. Whatever concerns
// the file as a whole (encoding, quoting, header, field counts, rows of one
// document scattered over the file, a cut last line) is decided first, in
// passes over the text that keep no rows; the documents are then built one
// row group at a time, so memory holds the text and one document, not the
// file's documents.

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/mig"
)

// Documents is a CSV v1 file that passed the file-level checks; Next
// returns its documents in file order.
type Documents struct {
	text, enc string
	hint      string // the Big5 hint for rows not valid UTF-8 ("" when none)
	cutLine   int    // the last line, cut (no line break after it); 0 when not
	split     map[int]*Rejection
	opt       ReadOptions
	now       time.Time // stamps blank dates (opt.Now in opt.Location); zero: none
	rules     *mig.Rules
	groups    *groupScanner
	index     int // of the next group
}

// OpenCSV checks the CSV v1 file data as a whole and returns its documents.
// A FileError (errors.As) means the file as a whole is unreadable, as for
// ReadCSV; other errors are the options'. The documents read data in place:
// it must not change until the last Next.
func OpenCSV(data []byte, name string, opt ReadOptions) (*Documents, error) {
	enc, err := normalEncoding(opt.Encoding)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	switch opt.Version {
	case "":
		opt.Version = mig.V41
	case mig.V41, mig.V31:
	default:
		return nil, fmt.Errorf("read %s: MIG version %q: turnkeyd builds 4.1 or 3.1", name, opt.Version)
	}
	d, ferr := openCSV(data, enc, opt)
	if ferr != nil {
		ferr.File = name
		return nil, ferr
	}
	return d, nil
}

func openCSV(data []byte, enc string, opt ReadOptions) (*Documents, *FileError) {
	if len(data) > MaxFileSize {
		return nil, &FileError{Line: 1, Column: 1, Msg: fmt.Sprintf("the file is larger than %d MiB: split it into several files", MaxFileSize>>20)}
	}
	text, enc, ferr := decode(data, enc)
	if ferr != nil {
		return nil, ferr
	}
	if i := strings.IndexByte(text, 0); i >= 0 {
		line, col := positionOf(text, i)
		return nil, &FileError{Line: line, Column: col,
			Msg: "the file holds a NUL byte: it is binary, or UTF-16 without a byte-order mark; export the data as CSV in UTF-8 or Big5"}
	}
	d := &Documents{text: text, enc: enc, hint: big5Hint(data, enc), opt: opt, rules: mig.DefaultRules()}
	if line, cut := cutLastLine(text); cut {
		d.cutLine = line
	}
	if !opt.Now.IsZero() {
		d.now = opt.Now
		if opt.Location != nil {
			d.now = d.now.In(opt.Location)
		}
	}
	var ferr2 *FileError
	if d.split, ferr2 = d.scattered(); ferr2 != nil {
		return nil, ferr2
	}
	if d.groups, ferr = newGroupScanner(text, enc); ferr != nil {
		return nil, ferr
	}
	return d, nil
}

// Next returns the next document; ok is false after the last.
func (d *Documents) Next() (req Request, ok bool) {
	g, ferr := d.groups.next()
	if ferr != nil {
		// The checks in OpenCSV read the same text to its end.
		panic(fmt.Sprintf("spool: the text changed between passes: %v", ferr))
	}
	if g == nil {
		return Request{}, false
	}
	if d.hint != "" {
		for _, r := range g.rows {
			if r.problem != nil && r.problem.Code == "CSV_ENCODING" && strings.Contains(r.problem.Msg, "not valid UTF-8") {
				r.problem.Msg += "; " + d.hint
			}
		}
	}
	b := &docBuilder{group: g, opt: d.opt, rules: d.rules}
	req = b.build(d.split[d.index])
	d.index++
	if !d.now.IsZero() {
		req.Stamp(d.now)
	}
	if line := d.cutLine; line > 0 && req.Line <= line && line <= req.EndLine {
		req.Doc = nil
		req.Reject = &Rejection{Code: "CSV_CUT_LINE", Line: line,
			Msg: "the file does not end with a line break, so its last line may have been cut while it was being written: " +
				"nothing of this document was issued; end every line with a line break and drop the document again " +
				"(and let turnkeyd take only complete files: spool.ready)"}
	}
	return req, true
}

// scattered reads the whole text once for its file-level errors and the
// order ids of its documents, and returns the rejections of documents whose
// rows are not consecutive (see scatteredRuns). Only a hash of each order id
// is kept; the few that repeat are read again exactly.
func (d *Documents) scattered() (map[int]*Rejection, *FileError) {
	seed := maphash.MakeSeed()
	key := func(g *group) (string, uint64) {
		id := g.rows[0].val(colOrderID)
		return id, maphash.String(seed, id+"\x00"+g.action)
	}
	gs, ferr := newGroupScanner(d.text, d.enc)
	if ferr != nil {
		return nil, ferr
	}
	var hashes []uint64
	for {
		g, ferr := gs.next()
		if ferr != nil {
			return nil, ferr
		}
		if g == nil {
			break
		}
		if id, h := key(g); id != "" {
			hashes = append(hashes, h)
		}
	}
	slices.Sort(hashes)
	repeated := map[uint64]bool{}
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			repeated[hashes[i]] = true
		}
	}
	hashes = nil
	if len(repeated) == 0 {
		return nil, nil
	}
	var runs []groupRun
	gs, _ = newGroupScanner(d.text, d.enc)
	for i := 0; ; i++ {
		g, _ := gs.next()
		if g == nil {
			break
		}
		if id, h := key(g); id != "" && repeated[h] {
			runs = append(runs, runOf(i, g))
		}
	}
	return scatteredRuns(runs), nil
}

// groupScanner reads the rows of a text after its header and returns them
// grouped by document (see group.joins).
type groupScanner struct {
	s       *scanner
	h       *header
	enc     string
	pending *row // read, and the first of the next group
}

// newGroupScanner reads up to and including the header.
func newGroupScanner(text, enc string) (*groupScanner, *FileError) {
	s := newScanner(text)
	for {
		rec, ok, ferr := s.record()
		switch {
		case ferr != nil:
			return nil, ferr
		case !ok:
			return nil, &FileError{Line: max(s.line, 1), Column: 1,
				Msg: "the file has no header row: its first non-blank line must name the columns (order_id, item_description, …; see docs/csv.md)"}
		case rec.blank():
			continue
		}
		h, ferr := parseHeader(rec)
		if ferr != nil {
			return nil, ferr
		}
		return &groupScanner{s: s, h: h, enc: enc}, nil
	}
}

// row returns the next non-blank row, nil at the end.
func (gs *groupScanner) row() (*row, *FileError) {
	for {
		rec, ok, ferr := gs.s.record()
		switch {
		case ferr != nil:
			return nil, ferr
		case !ok:
			return nil, nil
		case rec.blank():
			continue
		}
		if ferr := checkFieldCount(rec, len(gs.h.names)); ferr != nil {
			return nil, ferr
		}
		return newRow(rec, gs.h, gs.enc), nil
	}
}

// next returns the rows of the next document, nil at the end.
func (gs *groupScanner) next() (*group, *FileError) {
	var g *group
	for {
		r := gs.pending
		gs.pending = nil
		if r == nil {
			var ferr *FileError
			if r, ferr = gs.row(); ferr != nil {
				return nil, ferr
			} else if r == nil {
				return g, nil
			}
		}
		if g == nil {
			g = newGroup(r)
			continue
		}
		if !g.joins(r) {
			gs.pending = r
			return g, nil
		}
		g.rows = append(g.rows, r)
	}
}
