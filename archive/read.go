package archive

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig"
)

// Summarize returns the summary of a period as Export writes it.
func Summarize(dir, period string) ([]SummaryRow, error) {
	fsys, files, err := openPeriod(dir, period)
	if err != nil {
		return nil, err
	}
	sum := newSummary(period)
	for _, p := range files {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("read archived %s: %w", p, err)
		}
		if err := sum.add(fsys, p, data); err != nil {
			return nil, err
		}
	}
	return sum.rows(), nil
}

// ReadFile returns an archived file by its path relative to the archive.
func ReadFile(dir, rel string) ([]byte, error) {
	if !fs.ValidPath(rel) || strings.HasPrefix(rel, ".") {
		return nil, fmt.Errorf("%q is not a path inside the archive", rel)
	}
	return fs.ReadFile(os.DirFS(dir), rel)
}

// Prizes returns the winning invoices of a seller and period that the
// archived E0504 files list, by invoice number.
func Prizes(dir, seller, period string) (map[string]mig.PrizeInvoice, error) {
	out := map[string]mig.PrizeInvoice{}
	fsys := os.DirFS(dir)
	names, err := fs.Glob(fsys, path.Join(cleanName(seller), period, string(mig.E0504), "*"))
	if err != nil {
		return nil, err
	}
	for _, p := range names {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		d, err := mig.Parse(data)
		if err != nil {
			continue // filed under the period, yet unreadable: verify and the export show it
		}
		if w, ok := d.(*mig.WinnerList); ok {
			for _, pr := range w.Prizes {
				out[pr.Track+pr.InvoiceNumber] = pr
				out[pr.InvoiceNumber] = pr
			}
		}
	}
	return out, nil
}
