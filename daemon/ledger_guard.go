package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// markerName is the file, in the spool and in Turnkey's work folder, that
// names the ledger which wrote there: a ledger lost, replaced by an empty
// one or by another site's is noticed before it issues numbers again.
const markerName = ".turnkeyd-ledger-id"

// ledgerFaultHelp is what to do about a ledger the daemon refuses.
const ledgerFaultHelp = "keep the file as it is, then restore the last backup (`turnkeyd ledger backup` makes them) " +
	"or rebuild a ledger from Turnkey's folders and the spool (`turnkeyd ledger rebuild -config FILE -tracks TRACKS`); docs/operations.md, Faults"

// markerPaths are the marker files of cfg's folders: the spool's, and
// Turnkey's work folder's where that is a folder of this machine. Over
// SFTP only the spool's is kept (the host's folder is not written outside
// its upload folders).
func markerPaths(cfg *Config) []string {
	paths := []string{filepath.Join(cfg.Path(cfg.Spool.Dir), markerName)}
	if !turnkey.IsSFTP(cfg.Turnkey.Dir) {
		paths = append(paths, filepath.Join(cfg.Path(cfg.Turnkey.Dir), markerName))
	}
	return paths
}

// readMarkers returns the ledger id each marker names ("" where there is
// no marker yet).
func readMarkers(cfg *Config) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range markerPaths(cfg) {
		data, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out[p] = ""
		case err != nil:
			return nil, fmt.Errorf("ledger marker: %w", err)
		default:
			out[p] = strings.TrimSpace(string(data))
		}
	}
	return out, nil
}

// refuseMissingLedger refuses to create a new ledger where the folders
// were written with one: called before the ledger is opened (and so
// created), so nothing is in the way of a restore.
func refuseMissingLedger(cfg *Config) error {
	path := cfg.Path(cfg.Ledger.Path)
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	markers, err := readMarkers(cfg)
	if err != nil {
		return err
	}
	for p, id := range markers {
		if id != "" {
			return fmt.Errorf("ledger %s does not exist, but %s says ledger %s wrote to these folders: "+
				"a new, empty ledger would issue numbers again; %s", path, p, id, ledgerFaultHelp)
		}
	}
	return nil
}

// checkLedger is the start-up check of the ledger: SQLite's quick_check,
// ledger.Verify, and its identity against the markers in the spool and in
// Turnkey's folder. A ledger without an id gets one; missing markers are
// written. Any disagreement refuses the start.
func checkLedger(ctx context.Context, cfg *Config, l *ledger.Ledger) error {
	if err := l.QuickCheck(ctx); err != nil {
		return fmt.Errorf("ledger %s is damaged: %w; %s", l.Path(), err, ledgerFaultHelp)
	}
	if err := l.Verify(ctx); err != nil {
		return fmt.Errorf("ledger %s failed its check at start: %w; %s", l.Path(), err, ledgerFaultHelp)
	}
	id, err := l.Identity(ctx)
	if err != nil {
		return err
	}
	markers, err := readMarkers(cfg)
	if err != nil {
		return err
	}
	for p, m := range markers {
		switch {
		case m == "":
		case id == "":
			return fmt.Errorf("ledger %s is not the ledger that wrote to these folders (%s names ledger %s; this one has no id: new or replaced); %s",
				l.Path(), p, m, ledgerFaultHelp)
		case m != id:
			return fmt.Errorf("ledger %s (id %s) is not the ledger that wrote to these folders (%s names ledger %s); %s",
				l.Path(), id, p, m, ledgerFaultHelp)
		}
	}
	if id == "" {
		if id, err = newLedgerID(); err != nil {
			return err
		}
		if err := l.SetIdentity(ctx, id); err != nil {
			return err
		}
	}
	return writeMarkers(markers, id)
}

// writeMarkers writes the markers that do not exist yet.
func writeMarkers(markers map[string]string, id string) error {
	for p, m := range markers {
		if m != "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Dir(p), filepath.Base(p), []byte(id+"\n")); err != nil {
			return fmt.Errorf("ledger marker: %w", err)
		}
	}
	return nil
}

func newLedgerID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
