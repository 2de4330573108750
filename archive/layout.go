// Package archive owns what auditors read: every message turnkeyd handed to
// Turnkey, byte for byte as it was handed, with the platform's verdict, and
// every E0501 and E0504 received, laid out for a file browser as
// <seller BAN>/<period YYYMM>/<message>/<number>_<document>.xml; daily
// manifests chained by hash that make a change, a removal or an addition
// evident (Verify); and the export of a period as one zip that verifies on
// its own (Export). The archive catches up from the ledger: what is written
// to Turnkey but not archived yet is archived after a crash.
package archive

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// Folders of the archive that are not archived content.
const (
	ManifestDir = "manifests" // the daily manifests
	stagingDir  = ".staging"  // temporary files of atomic writes
	stateDir    = ".state"    // the archive's own bookkeeping (last verify)
	unsorted    = "unsorted"  // received files whose seller or period could not be read
)

// PeriodOf returns the VAT period (ROC year and even month, "11412") of a
// date written yyyyMMdd.
func PeriodOf(date string) (string, error) {
	if len(date) != 8 {
		return "", fmt.Errorf("date %q is not yyyyMMdd", date)
	}
	y, err1 := strconv.Atoi(date[:4])
	m, err2 := strconv.Atoi(date[4:6])
	if err1 != nil || err2 != nil || y <= 1911 || m < 1 || m > 12 {
		return "", fmt.Errorf("date %q is not yyyyMMdd", date)
	}
	return fmt.Sprintf("%03d%02d", y-1911, m+m%2), nil
}

// ValidPeriod reports whether p is a period as the archive names it: three
// digits of ROC year and an even month.
func ValidPeriod(p string) bool {
	if len(p) != 5 {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	m, _ := strconv.Atoi(p[3:])
	return m >= 2 && m <= 12 && m%2 == 0
}

// documentPeriod is the period a document is filed under: its invoice's
// (or allowance's) date, or for an E0402 the period it reports.
func documentPeriod(d *ledger.Document, md mig.Document) (string, error) {
	if b, ok := md.(*mig.BlankTracks); ok && ValidPeriod(b.YearMonth) {
		return b.YearMonth, nil
	}
	p, err := PeriodOf(d.InvoiceDate)
	if err != nil {
		return "", fmt.Errorf("document %d (%s %s): %w", d.ID, d.MsgType, d.OrderID, err)
	}
	return p, nil
}

// documentKey is the number a person looks for in a document's file name:
// the invoice number, the allowance number, or for an E0402 its track.
func documentKey(d *ledger.Document, md mig.Document) string {
	key := d.InvoiceNumber
	if d.AllowanceNumber != "" {
		key = d.AllowanceNumber
	}
	if b, ok := md.(*mig.BlankTracks); ok && key == "" {
		key = b.Track + "-" + b.InvoiceType
	}
	return cleanName(key)
}

// documentPath is where a document's XML is archived, relative to the
// archive's folder; its verdict goes beside it (verdictPath).
func documentPath(d *ledger.Document, period, key string) string {
	return path.Join(d.SellerBAN, period, d.MsgType, fmt.Sprintf("%s_%d.xml", key, d.ID))
}

func verdictPath(xmlPath string) string {
	return strings.TrimSuffix(xmlPath, ".xml") + ".verdict.json"
}

// cleanName keeps letters, digits, dashes and dots of s, so that a name
// from outside cannot leave its folder; "-" when nothing is left.
func cleanName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '.' || r == '_') {
			b.WriteRune(r)
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		return "-"
	}
	return out
}

// periodOfPath returns the period folder of an archived path, "" for a
// path outside <BAN>/<period>/.
func periodOfPath(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) < 3 || !ValidPeriod(parts[1]) {
		return ""
	}
	return parts[1]
}
