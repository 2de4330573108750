// Package spool owns the ERP's drop folder: which files are ready, claiming
// them, reading CSV v1 into document requests, and answering each file with
// a result file (or, for a file that cannot be read, an error file).
//
// Layout under spool.dir:
//
//	in/      the ERP renames finished files NAME.csv here (write NAME.csv.tmp first)
//	work/    a file turnkeyd has claimed and is processing
//	done/    processed files
//	failed/  files that could not be read as CSV v1, each with NAME.error.txt
//	out/     answers: NAME.result.csv (and the status files)
package spool

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
)

// Folders are the spool's sub-folders.
var Folders = []string{"in", "work", "done", "failed", "out"}

// Folder is a spool folder tree.
type Folder struct {
	dir string
}

// NewFolder returns the spool rooted at dir.
func NewFolder(dir string) *Folder { return &Folder{dir: dir} }

// Dir returns the spool's root folder.
func (f *Folder) Dir() string { return f.dir }

// Path returns the path of name in the sub-folder sub ("in", "work", ...).
func (f *Folder) Path(sub, name string) string { return filepath.Join(f.dir, sub, name) }

// Ensure creates the sub-folders that are missing.
func (f *Folder) Ensure() error {
	for _, sub := range Folders {
		if err := os.MkdirAll(filepath.Join(f.dir, sub), 0o755); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
	}
	return nil
}

// IsFinalName reports whether name is a file the ERP has finished writing:
// NAME.csv (any case), not hidden, not a temporary name.
func IsFinalName(name string) bool {
	return !strings.HasPrefix(name, ".") && strings.EqualFold(filepath.Ext(name), ".csv")
}

// Ready lists the final names waiting in in/, in name order (the order in
// which they are processed).
func (f *Folder) Ready() ([]string, error) { return f.list("in") }

// InEntries sorts what in/ holds by what the intake does with it.
type InEntries struct {
	Ready   []string // regular files NAME.csv, in name order: processed
	Odd     []string // other entries named *.csv (links, folders, hidden names like ...csv): set aside in failed/
	Ignored []string // regular names that are neither CSV nor a file being written (NAME.txt): left, logged, counted
}

// ScanIn reads in/ once and sorts its entries. Names of files still being
// written (ending in .tmp, .part or .filepart, or starting with a dot
// without ending in .csv) and markers (NAME.csv.ok) are in no list.
func (f *Folder) ScanIn() (InEntries, error) {
	entries, err := os.ReadDir(filepath.Join(f.dir, "in"))
	if err != nil {
		return InEntries{}, fmt.Errorf("spool: %w", err)
	}
	var in InEntries
	for _, e := range entries {
		name := e.Name()
		lower := strings.ToLower(name)
		isCSV := strings.HasSuffix(lower, ".csv")
		switch {
		case isCSV && e.Type().IsRegular() && IsFinalName(name):
			in.Ready = append(in.Ready, name)
		case isCSV:
			in.Odd = append(in.Odd, name)
		case strings.HasPrefix(name, "."), strings.HasSuffix(lower, ".tmp"), strings.HasSuffix(lower, ".part"),
			strings.HasSuffix(lower, ".filepart"), strings.HasSuffix(lower, MarkerSuffix):
		default:
			in.Ignored = append(in.Ignored, name)
		}
	}
	slices.Sort(in.Ready)
	return in, nil
}

// MarkerSuffix ends the name of the marker file that says NAME.csv is
// complete (spool.ready: marker): NAME.csv.ok.
const MarkerSuffix = ".ok"

// OddText is the error text of an entry of in/ that is named like a CSV
// file but is not one turnkeyd may read.
func (f *Folder) OddText(name string) string {
	what := "a name starting with a dot, which marks a hidden or temporary file"
	if st, err := os.Lstat(f.Path("in", name)); err == nil {
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			what = "a symbolic link: turnkeyd reads only files the ERP wrote into in/ itself"
		case st.IsDir():
			what = "a folder"
		case !st.Mode().IsRegular():
			what = "not a regular file (" + st.Mode().Type().String() + ")"
		}
	}
	return fmt.Sprintf("in/%s was not processed: it is %s.\n\n"+
		"turnkeyd takes regular files named NAME.csv (write NAME.csv.tmp, then rename it to NAME.csv).\n"+
		"Nothing in it was read or issued.\n", name, what)
}

// InWork lists the files in work/: after a crash, files claimed but not
// finished. They are finished before anything new is claimed.
func (f *Folder) InWork() ([]string, error) { return f.list("work") }

func (f *Folder) list(sub string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(f.dir, sub))
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && IsFinalName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// Unsettled reports how much longer in/name must stay unchanged before it
// is claimed: 0 when its last change is at least settle before now. A
// writer that renames a finished file into in/ is never held up for long;
// one that copies into place is waited for.
func (f *Folder) Unsettled(name string, settle time.Duration, now time.Time) (time.Duration, error) {
	if settle <= 0 {
		return 0, nil
	}
	st, err := os.Stat(f.Path("in", name))
	if err != nil {
		return 0, err
	}
	if age := now.Sub(st.ModTime()); age < settle {
		return settle - max(age, 0), nil
	}
	return 0, nil
}

// ErrGone reports a file that left in/ before it could be claimed.
var ErrGone = errors.New("file is no longer in in/")

// ErrBusy reports a file whose name is still in work/: the earlier file of
// that name waits for its answer, and the new one waits in in/ until then.
var ErrBusy = errors.New("a file of the same name is still being processed in work/")

// Claim moves in/name to work/name. A file of the same name still in work/
// is an error: it must be finished first.
func (f *Folder) Claim(name string) error {
	dst := f.Path("work", name)
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("claim %s: %w", name, ErrBusy)
	}
	if err := atomicfile.Move(f.Path("in", name), dst); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("claim %s: %w", name, ErrGone)
		}
		return fmt.Errorf("claim %s: %w", name, err)
	}
	return nil
}

// Clean removes the temporary files that result and error files cut short
// by a stop left in out/ and failed/ (dot-names ending in .tmp, never read
// by an ERP that follows docs/csv.md). Call it at start, before processing.
func (f *Folder) Clean() error {
	var errs []error
	for _, sub := range []string{"out", "failed"} {
		if _, err := atomicfile.RemoveTemps(filepath.Join(f.dir, sub)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Done moves work/name to done/. A file of the same name processed earlier
// is kept: the new one gets a time suffix.
func (f *Folder) Done(name string, now time.Time) error {
	return f.retire(name, "done", now)
}

// Fail writes failed/NAME.error.txt with what is wrong and what to do, then
// moves work/name to failed/.
func (f *Folder) Fail(name string, reason error, now time.Time) error {
	text := fmt.Sprintf("%s could not be read as CSV v1 and was not processed; no document in it was issued.\n\n%v\n\n"+
		"Fix the file and drop it into in/ again (write NAME.csv.tmp, then rename it to NAME.csv).\n"+
		"The format is described in docs/csv.md.\n", name, reason)
	return f.SetAside("work", name, text, now)
}

// SetAside moves sub/name (a file, a folder or a link) to failed/ under a
// free name, after writing text beside it as failed/NAME.error.txt.
func (f *Folder) SetAside(sub, name, text string, now time.Time) error {
	dst := f.freeName("failed", name, now)
	if err := atomicfile.Write(filepath.Join(f.dir, "failed"), fitName(dst, ".error.txt"), []byte(text)); err != nil {
		return fmt.Errorf("set %s aside in failed/: %w", name, err)
	}
	if err := atomicfile.Move(f.Path(sub, name), f.Path("failed", dst)); err != nil {
		return fmt.Errorf("set %s aside in failed/: %w", name, err)
	}
	return nil
}

// ErrorName returns the name of the error file SetAside writes for a file
// set aside as failed/name.
func ErrorName(name string) string { return fitName(name, ".error.txt") }

func (f *Folder) retire(name, sub string, now time.Time) error {
	if err := atomicfile.Move(f.Path("work", name), f.Path(sub, f.freeName(sub, name, now))); err != nil {
		return fmt.Errorf("move %s to %s/: %w", name, sub, err)
	}
	return nil
}

// freeName returns name, or name with a time suffix before the extension if
// sub already holds a file of that name.
func (f *Folder) freeName(sub, name string, now time.Time) string {
	if _, err := os.Lstat(f.Path(sub, name)); errors.Is(err, fs.ErrNotExist) {
		return name
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 0; ; i++ {
		suffix := "." + now.UTC().Format("20060102T150405")
		if i > 0 {
			suffix += "-" + strconv.Itoa(i)
		}
		cand := fitName(base, suffix+ext)
		if _, err := os.Lstat(f.Path(sub, cand)); errors.Is(err, fs.ErrNotExist) {
			return cand
		}
	}
}

// ResultHeader is the header row of a result file.
var ResultHeader = []string{"line", "order_id", "action", "status", "invoice_number", "invoice_date", "random_number", "message"}

// ResultRow is one document's outcome in a result file.
type ResultRow struct {
	Line          int
	OrderID       string
	Action        string
	Status        string // accepted, duplicate, rejected
	InvoiceNumber string
	InvoiceDate   string // yyyyMMdd as in the ledger; written as YYYY-MM-DD
	RandomNumber  string
	Message       string
}

// ResultName returns the result file name of the CSV file name (cut to
// fit the file system's limit for very long names; see fitName).
func ResultName(name string) string { return fitName(name, ".result.csv") }

// WriteResult writes the answer to the CSV file name into out/ atomically
// and returns its name: UTF-8, a header row, then one row per document in
// line order. See WriteResultFrom.
func (f *Folder) WriteResult(name string, received time.Time, rows []ResultRow) (string, error) {
	return f.WriteResultFrom(name, received, func(emit func(ResultRow) error) error {
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteResultFrom writes the answer from the rows each emits, streamed to
// disk (an answer of a million rows is never held in memory). An answer
// never replaces another: the answer is NAME.result.csv, or, when out/
// holds a different answer of that name (an earlier file of the same
// name), NAME.<received>.result.csv with the time the file was received
// (UTC, yyyyMMddTHHmmss, then -1, -2, ...). An answer of the same content
// already there is the answer, so writing it again after a stop gives no
// second file.
func (f *Folder) WriteResultFrom(name string, received time.Time, each func(emit func(ResultRow) error) error) (string, error) {
	out := filepath.Join(f.dir, "out")
	st, err := atomicfile.Create(out, ResultName(name))
	if err != nil {
		return "", fmt.Errorf("result for %s: %w", name, err)
	}
	defer st.Abort()
	sum := sha256.New()
	counter := &countWriter{}
	buf := bufio.NewWriterSize(io.MultiWriter(st, sum, counter), 64<<10)
	w := csv.NewWriter(buf)
	w.UseCRLF = true
	_ = w.Write(ResultHeader)
	err = each(func(r ResultRow) error {
		return w.Write([]string{strconv.Itoa(r.Line), r.OrderID, r.Action, r.Status, r.InvoiceNumber,
			isoDate(r.InvoiceDate), r.RandomNumber, r.Message})
	})
	if err == nil {
		w.Flush()
		err = w.Error()
	}
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		return "", fmt.Errorf("result for %s: %w", name, err)
	}
	for i := 0; ; i++ {
		cand := ResultName(name)
		if i > 0 {
			suffix := "." + received.UTC().Format("20060102T150405")
			if i > 1 {
				suffix += "-" + strconv.Itoa(i-1)
			}
			cand = fitName(name, suffix+".result.csv")
		}
		info, err := os.Lstat(filepath.Join(out, cand))
		if err == nil {
			if info.Mode().IsRegular() && info.Size() == counter.n && sameSum(filepath.Join(out, cand), sum.Sum(nil)) {
				return cand, nil // this answer, written before a stop
			}
			continue // another file's answer, or something in the way
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("result for %s: %w", name, err)
		}
		if err := st.Commit(cand); err != nil {
			return "", fmt.Errorf("result for %s: %w", name, err)
		}
		return cand, nil
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// sameSum reports whether the file at path has the SHA-256 sum.
func sameSum(path string, sum []byte) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return bytes.Equal(h.Sum(nil), sum)
}

func isoDate(d string) string {
	if len(d) != 8 {
		return d
	}
	return d[:4] + "-" + d[4:6] + "-" + d[6:]
}
