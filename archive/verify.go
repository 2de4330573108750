package archive

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"
)

// Kinds of problem Verify reports.
const (
	Missing  = "missing"  // a manifest lists the file; it is not there
	Changed  = "changed"  // the file's size or SHA-256 differs from its manifest's
	Unlisted = "unlisted" // the file is there; no manifest lists it
	Chain    = "chain"    // a manifest does not carry the hash of the one before it
)

// Problem is one finding of Verify.
type Problem struct {
	Kind   string
	Path   string // relative to the archive (or the zip)
	Detail string
}

func (p Problem) String() string {
	if p.Detail == "" {
		return fmt.Sprintf("%-8s %s", strings.ToUpper(p.Kind), p.Path)
	}
	return fmt.Sprintf("%-8s %s: %s", strings.ToUpper(p.Kind), p.Path, p.Detail)
}

// Report is what Verify found.
type Report struct {
	Period    string // "" for the whole archive
	Manifests int
	Listed    int // files the manifests list (in the period)
	Problems  []Problem

	listed map[string]Entry
}

// CrossCheck adds a problem for each file the ledger recorded as archived
// (path → SHA-256, in the report's period) that no manifest lists: files
// removed together with the manifest that listed them.
func (r *Report) CrossCheck(recorded map[string]string) {
	for p, sum := range recorded {
		if r.Period != "" && periodOfPath(p) != r.Period {
			continue
		}
		if e, ok := r.listed[p]; !ok || e.SHA256 != sum {
			r.Problems = append(r.Problems, Problem{Kind: Missing, Path: p,
				Detail: "the ledger recorded it archived; no manifest lists it with its SHA-256 (was a manifest removed?)"})
		}
	}
	sortProblems(r.Problems)
}

func sortProblems(ps []Problem) {
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		return a.Path < b.Path || a.Path == b.Path && a.Kind < b.Kind
	})
}

// OK reports whether nothing is missing, changed, unlisted or unchained.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verify re-reads the archive in fsys: every manifest and the chain of
// their hashes, every file the manifests list in period ("" for all), and
// every file there is, and reports each file missing, changed or unlisted
// and each break in the chain. Folders named in skip (export extras) are
// not archive content.
func Verify(fsys fs.FS, period string, skip ...string) (*Report, error) {
	ms, strays, err := readManifests(fsys)
	if err != nil {
		return nil, err
	}
	r := &Report{Period: period, Manifests: len(ms)}
	listed := map[string]Entry{}
	prev := "none"
	for _, m := range ms {
		if m.previous != prev {
			r.Problems = append(r.Problems, Problem{Kind: Chain, Path: path.Join(ManifestDir, m.name),
				Detail: fmt.Sprintf("names %s as the previous manifest's SHA-256; the previous manifest has %s", m.previous, prev)})
		}
		prev = m.sum
		for _, e := range m.entries {
			if period == "" || periodOfPath(e.Path) == period {
				listed[e.Path] = e
			}
		}
	}
	r.Listed = len(listed)
	for _, s := range strays {
		r.Problems = append(r.Problems, Problem{Kind: Unlisted, Path: s, Detail: "not a manifest"})
	}
	seen := map[string]bool{}
	err = fs.WalkDir(fsys, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if de.IsDir() {
			if !strings.Contains(p, "/") && (strings.HasPrefix(p, ".") || p == ManifestDir || contains(skip, p)) {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.Contains(p, "/") && contains(skip, p) {
			return nil
		}
		if period != "" && periodOfPath(p) != period {
			return nil
		}
		seen[p] = true
		e, ok := listed[p]
		if !ok {
			r.Problems = append(r.Problems, Problem{Kind: Unlisted, Path: p})
			return nil
		}
		sum, size, err := hashFile(fsys, p)
		if err != nil {
			return err
		}
		if sum != e.SHA256 || size != e.Size {
			r.Problems = append(r.Problems, Problem{Kind: Changed, Path: p,
				Detail: fmt.Sprintf("%d bytes, SHA-256 %s; listed with %d bytes, %s", size, sum, e.Size, e.SHA256)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify archive: %w", err)
	}
	for p, e := range listed {
		if !seen[p] {
			r.Problems = append(r.Problems, Problem{Kind: Missing, Path: p, Detail: "listed " + e.Time.Format(time.RFC3339)})
		}
	}
	sortProblems(r.Problems)
	r.listed = listed
	return r, nil
}

// VerifyDir verifies the archive in dir (see Verify) and, when recorded is
// not nil, cross-checks it with what the ledger recorded (CrossCheck); a
// verify of the whole archive that finds it intact is recorded for the
// metric turnkeyd_archive_verify_last_success_timestamp_seconds.
func VerifyDir(dir, period string, now time.Time, recorded map[string]string) (*Report, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("archive %s: %w", dir, err)
	}
	r, err := Verify(os.DirFS(dir), period)
	if err != nil {
		return nil, err
	}
	if recorded != nil {
		r.CrossCheck(recorded)
	}
	if r.OK() && period == "" {
		if err := recordVerified(dir, now); err != nil {
			return r, fmt.Errorf("record the verify in %s: %w", dir, err)
		}
	}
	return r, nil
}

// VerifyZip verifies an export (see Export) on its own: the manifests it
// carries, their chain, and the files of its period.
func VerifyZip(file string) (*Report, error) {
	z, err := zip.OpenReader(file)
	if err != nil {
		return nil, fmt.Errorf("open export %s: %w", file, err)
	}
	defer z.Close()
	period, ok := strings.CutPrefix(z.Comment, zipComment)
	if !ok || !ValidPeriod(period) {
		return nil, fmt.Errorf("%s is not an archive export of turnkeyd (its comment is %q)", file, z.Comment)
	}
	return Verify(z, period, summaryDir)
}

func hashFile(fsys fs.FS, p string) (string, int64, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
