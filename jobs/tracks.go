package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// Tracks is the tracks job: every E0501 (track allocation) Turnkey leaves
// in its download folder is imported once, whole or not at all.
type Tracks struct {
	Ledger *ledger.Ledger
	Dir    string // Turnkey's E0501 download folder (Unpack BAK/E0501)
	// Folder reads Dir: local, or over SFTP with the Turnkey target; the
	// local file system when nil.
	Folder Folder
	// Parse reads an E0501 file (bare or enveloped, MIG 3.x or 4.x).
	Parse func(name string, data []byte) ([]ledger.Track, error)
	Log   *slog.Logger
	files *prometheus.CounterVec
}

// KindE0501 is the kind of E0501 files in the ledger's result files.
const KindE0501 = "e0501"

// Register adds the job's metrics to reg.
func (t *Tracks) Register(reg prometheus.Registerer) {
	t.files = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "turnkeyd_job_track_files_total",
		Help: "E0501 files read by the tracks job, by status: applied (imported) or unreadable (refused, nothing imported).",
	}, []string{"status"})
	reg.MustRegister(t.files)
	t.files.WithLabelValues(ledger.ResultApplied)
	t.files.WithLabelValues(ledger.ResultUnreadable)
}

// Run imports the E0501 files not imported yet. A refused file is named in
// the error (the run fails, so it is seen) and is not read again.
func (t *Tracks) Run(ctx context.Context, _ string) (string, error) {
	paths, err := folderOr(t.Folder).List(ctx, t.Dir)
	if err != nil {
		return "", err
	}
	var imported, ranges int
	var refused []error
	for _, p := range paths {
		n, done, err := t.file(ctx, p)
		switch {
		case errors.Is(err, errRefused):
			refused = append(refused, err)
			t.count(ledger.ResultUnreadable)
		case err != nil:
			return "", err
		case done:
			imported++
			ranges += n
			t.count(ledger.ResultApplied)
		}
	}
	out := fmt.Sprintf("%d E0501 files imported (%d new track ranges), %d refused", imported, ranges, len(refused))
	if len(refused) > 0 {
		return out, fmt.Errorf("%s: %w (fix the allocation with the platform or import a corrected file with `turnkeyd tracks import`)",
			out, errors.Join(refused...))
	}
	return out, nil
}

var errRefused = errors.New("refused")

// file imports one file unless it was read before; done reports that it
// was read now.
func (t *Tracks) file(ctx context.Context, path string) (added int, done bool, err error) {
	data, err := folderOr(t.Folder).ReadFile(ctx, path)
	if err != nil {
		return 0, false, err
	}
	sum := sha256.Sum256(data)
	rf := ledger.ResultFile{Kind: KindE0501, Path: path, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	if seen, err := t.Ledger.ResultSeen(ctx, path, rf.SHA256); err != nil || seen {
		return 0, false, err
	}
	tracks, perr := t.Parse(filepath.Base(path), data)
	if perr != nil {
		rf.Status, rf.Error = ledger.ResultUnreadable, perr.Error()
		if _, err := t.Ledger.Apply(ctx, rf, nil); err != nil {
			return 0, false, err
		}
		t.Log.Error("E0501 file unreadable, nothing imported", "file", path, "err", perr)
		return 0, false, fmt.Errorf("%w: %s: %w", errRefused, path, perr)
	}
	added, unchanged, err := t.Ledger.ImportTrackFile(ctx, rf, tracks)
	if errors.Is(err, ledger.ErrInvalidTrack) {
		t.Log.Error("E0501 file refused, nothing imported", "file", path, "err", err)
		return 0, false, fmt.Errorf("%w: %w", errRefused, err)
	}
	if err != nil {
		return 0, false, err
	}
	t.Log.Info("E0501 file imported", "file", path, "new", added, "unchanged", unchanged)
	return added, true, nil
}

// listFiles returns the files below root in name order, leaving out
// hidden and temporary ones; a missing root has none.
func listFiles(root string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == root {
				return fs.SkipAll
			}
			return err
		}
		if name := e.Name(); e.Type().IsRegular() && !strings.HasPrefix(name, ".") && !strings.HasSuffix(name, ".tmp") {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("folder %s: %w", root, err)
	}
	slices.Sort(paths)
	return paths, nil
}

func (t *Tracks) count(status string) {
	if t.files != nil {
		t.files.WithLabelValues(status).Inc()
	}
}

// NextPeriodCheck watches that every configured seller has tracks for the
// coming period from a day of each even month on (the platform allocates
// on the 20th).
type NextPeriodCheck struct {
	Ledger  *ledger.Ledger
	Sellers []string
	Day     int // from this day of an even month; 25 when 0
	Now     func() time.Time
	Loc     *time.Location
}

// Missing returns the sellers that lack tracks for the next period, when
// the check is on (from Day of an even month); otherwise none.
func (c *NextPeriodCheck) Missing(ctx context.Context) ([]string, error) {
	now := c.Now().In(c.Loc)
	day := c.Day
	if day == 0 {
		day = 25
	}
	if now.Month()%2 != 0 || now.Day() < day {
		return nil, nil
	}
	next := NextPeriod(now)
	var missing []string
	for _, s := range c.Sellers {
		ok, err := c.Ledger.HasTracks(ctx, s, next)
		if err != nil {
			return nil, err
		}
		if !ok {
			missing = append(missing, s)
		}
	}
	return missing, nil
}

// Register adds turnkeyd_job_next_period_tracks_missing{seller}: 1 while
// the check is on and the seller has no track for the next period.
func (c *NextPeriodCheck) Register(reg prometheus.Registerer, log *slog.Logger) {
	reg.MustRegister(NewGaugeFuncVec("turnkeyd_job_next_period_tracks_missing",
		"1 when, from the configured day of an even month, the seller has no track for the coming period: import its E0501.",
		"seller", c.Sellers, func(s string) float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			missing, err := c.Missing(ctx)
			if err != nil {
				log.Warn("next-period track check failed", "err", err)
				return 0
			}
			if slices.Contains(missing, s) {
				return 1
			}
			return 0
		}))
}
