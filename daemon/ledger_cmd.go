package daemon

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/spool"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// BackupLedger writes a consistent copy of the ledger to out while the
// daemon may run (`turnkeyd ledger backup`); the copy carries the
// ledger's id, so it can replace a lost ledger.
func BackupLedger(ctx context.Context, cfg *Config, out string, w io.Writer) error {
	path := cfg.Path(cfg.Ledger.Path)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("ledger %s: %w", path, err)
	}
	l, err := ledger.Open(ctx, path, nil)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.Backup(ctx, out); err != nil {
		return err
	}
	fmt.Fprintf(w, "ledger %s copied to %s\n", path, out)
	return nil
}

// RebuildLedger makes a new ledger where one was lost (`turnkeyd ledger
// rebuild`): it takes the id the folders' markers name, imports the
// tracks of trackFiles, and marks every number found in Turnkey's
// folders (SRC, BAK, ERR) and in the spool's answers as used, so that
// none is issued again. The documents' history is not recovered: verdicts
// Turnkey brings for them later are reported as unknown.
func RebuildLedger(ctx context.Context, cfg *Config, trackFiles []string, w io.Writer) error {
	locks, err := lockFolders(cfg)
	if err != nil {
		return err
	}
	defer locks.release()
	path := cfg.Path(cfg.Ledger.Path)
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("ledger %s exists: rebuild makes a new one only where none is; move it aside first (keep it: it may still be needed)", path)
	}
	tracks, err := readTrackFiles(trackFiles)
	if err != nil {
		return err
	}
	markers, err := readMarkers(cfg)
	if err != nil {
		return err
	}
	id := ""
	for p, m := range markers {
		if m != "" && id != "" && m != id {
			return fmt.Errorf("the markers disagree (%s names ledger %s, another %s): the spool and Turnkey's folder were written by different ledgers; fix the configuration first", p, m, id)
		}
		if m != "" {
			id = m
		}
	}
	if id == "" {
		if id, err = newLedgerID(); err != nil {
			return err
		}
	}
	found, err := foundNumbers(ctx, cfg)
	if err != nil {
		return err
	}
	l, err := ledger.Open(ctx, path, nil)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.SetIdentity(ctx, id); err != nil {
		return err
	}
	if err := l.UpsertSeller(ctx, cfg.Seller.BAN, cfg.Seller.Name); err != nil {
		return err
	}
	added, _, err := l.ImportTracks(ctx, tracks)
	if err != nil {
		return err
	}
	marked, err := l.MarkFound(ctx, found)
	if err != nil {
		return err
	}
	if err := writeMarkers(markers, id); err != nil {
		return err
	}
	fmt.Fprintf(w, "rebuilt ledger %s (id %s): %d track ranges, %d numbers found in Turnkey's folders and the spool's answers marked as used\n",
		path, id, added, marked)
	return nil
}

// markFoundOnNewLedger marks the numbers found in the folders as used when
// the ledger has no document yet (tracks import on a new ledger).
func markFoundOnNewLedger(ctx context.Context, cfg *Config, l *ledger.Ledger, w io.Writer) error {
	if n, err := l.DocumentCount(ctx); err != nil || n > 0 {
		return err
	}
	found, err := foundNumbers(ctx, cfg)
	if err != nil || len(found) == 0 {
		return err
	}
	marked, err := l.MarkFound(ctx, found)
	if err != nil {
		return err
	}
	if marked > 0 {
		fmt.Fprintf(w, "the ledger is new: %d numbers found in Turnkey's folders and the spool's answers marked as used\n", marked)
	}
	return nil
}

// handedName is the name turnkeyd gives a document's XML:
// <MSG>_<seller>_<number>_<intake>-<line>.xml.
var handedName = regexp.MustCompile(`^[A-Z][0-9]{4}_[0-9]{8}_([A-Z]{2}[0-9]{8})_[0-9]+-[0-9]+\.xml$`)

// foundNumbers lists the invoice numbers present outside the ledger: in
// the names of the XML files in Turnkey's upload folders and the BAK and
// ERR folders beside them, and in the spool's answers (out/*.result.csv).
// It maps each to where it was seen.
func foundNumbers(ctx context.Context, cfg *Config) (map[string]string, error) {
	found := map[string]string{}
	var roots []string
	for _, h := range cfg.UploadHeads() {
		dir := filepath.Dir
		if turnkey.IsSFTP(cfg.Turnkey.Dir) {
			dir = path.Dir // the host's paths
		}
		if root := dir(cfg.UploadDir(h)); !slices.Contains(roots, root) {
			roots = append(roots, root)
		}
	}
	// Turnkey's folders are listed through the target: on this machine or,
	// with turnkey.dir sftp://, on the Turnkey host.
	target, _, err := newTarget(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	if c, ok := target.(io.Closer); ok {
		defer c.Close()
	}
	for _, root := range roots {
		files, err := target.List(ctx, root)
		if err != nil {
			return nil, fmt.Errorf("look for handed files in %s: %w", root, err)
		}
		for _, p := range files {
			if m := handedName.FindStringSubmatch(path.Base(filepath.ToSlash(p))); m != nil {
				found[m[1]] = p
			}
		}
	}
	answers, err := filepath.Glob(filepath.Join(cfg.Path(cfg.Spool.Dir), "out", "*.result.csv"))
	if err != nil {
		return nil, err
	}
	for _, p := range answers {
		if err := answerNumbers(p, found); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// answerNumbers adds the invoice numbers of one answer file.
func answerNumbers(path string, found map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("answer %s: %w", path, err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		return nil // not an answer turnkeyd wrote: nothing to learn
	}
	col := slices.Index(rows[0], "invoice_number")
	if col < 0 || !slices.Equal(rows[0], spool.ResultHeader) {
		return nil
	}
	for _, row := range rows[1:] {
		if col < len(row) && strings.TrimSpace(row[col]) != "" {
			found[strings.TrimSpace(row[col])] = path
		}
	}
	return nil
}

// readTrackFiles parses track allocation files (E0501 XML or the
// platform's CSV).
func readTrackFiles(files []string) ([]ledger.Track, error) {
	var tracks []ledger.Track
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		ts, err := ParseTrackFile(filepath.Base(f), data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		tracks = append(tracks, ts...)
	}
	return tracks, nil
}
