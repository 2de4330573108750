package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/mig"
)

// inboundSeen is what the archive knows of a received file it archived.
type inboundSeen struct {
	size int64
	mod  time.Time
}

// archiveInbound archives the E0501 and E0504 files that appeared in
// their folders since the last pass. A file already archived with the same
// content is not archived again.
func (a *Archive) archiveInbound(ctx context.Context) (int, error) {
	types := make([]string, 0, len(a.cfg.Inbound))
	for t := range a.cfg.Inbound {
		types = append(types, t)
	}
	sort.Strings(types)
	n := 0
	for _, t := range types {
		root := a.cfg.Inbound[t]
		err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if de.IsDir() || !de.Type().IsRegular() {
				return nil
			}
			done, err := a.archiveReceived(t, p, de)
			if done {
				n++
			}
			return err
		})
		if err != nil {
			return n, fmt.Errorf("archive received %s files from %s: %w", t, root, err)
		}
	}
	return n, nil
}

// archiveReceived archives one received file unless it was archived before.
func (a *Archive) archiveReceived(msg, p string, de fs.DirEntry) (bool, error) {
	info, err := de.Info()
	if err != nil {
		return false, err
	}
	if s, ok := a.inbound[p]; ok && s.size == info.Size() && s.mod.Equal(info.ModTime()) {
		return false, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	rel, number := receivedPath(msg, filepath.Base(p), data)
	existing, err := os.ReadFile(filepath.Join(a.cfg.Dir, filepath.FromSlash(rel)))
	if err == nil && sha256.Sum256(existing) != sum {
		rel = rel[:len(rel)-len(path.Ext(rel))] + "_" + hash[:12] + path.Ext(rel)
		existing, err = os.ReadFile(filepath.Join(a.cfg.Dir, filepath.FromSlash(rel)))
	}
	wrote := false
	if err != nil || sha256.Sum256(existing) != sum {
		if err := a.write([]atomicfile.File{a.file(rel, data)}); err != nil {
			return false, err
		}
		wrote = true
		a.metrics.files.Inc()
	}
	// Listed even when the file was there: a crash may have come between.
	if err := a.manifest.add([]Entry{{Path: rel, SHA256: hash, Size: int64(len(data)), Message: msg, Number: number,
		Time: a.cfg.Now()}}, a.cfg.Now()); err != nil {
		return wrote, err
	}
	a.inbound[p] = inboundSeen{size: info.Size(), mod: info.ModTime()}
	return wrote, nil
}

// receivedPath files a received message under its seller and period when
// it can be read, else under unsorted/<message>/.
func receivedPath(msg, name string, data []byte) (rel, number string) {
	name = cleanName(name)
	ban, period := "", ""
	switch msg {
	case string(mig.E0501):
		if as, err := mig.ParseTrackAssignments(data); err == nil && len(as) > 0 {
			ban, period, number = as[0].BAN, as[0].YearMonth, as[0].Track
		}
	case string(mig.E0504):
		if d, err := mig.Parse(data); err == nil {
			if w, ok := d.(*mig.WinnerList); ok {
				ban, period, number = w.HeadBAN, w.YearMonth, w.AwardListType
			}
		}
	}
	if len(ban) != 8 || !ValidPeriod(period) {
		return path.Join(unsorted, cleanName(msg), name), number
	}
	return path.Join(cleanName(ban), period, cleanName(msg), name), number
}
