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
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/mig"
)

// inboundSeen is what the archive knows of a received file it archived.
type inboundSeen struct {
	size int64
	mod  time.Time
}

// Received lists and reads the folders Turnkey leaves received files in
// (E0501, E0504), on this machine or over SFTP; turnkey.Reader is one.
type Received interface {
	// List returns the paths of the files under root, at any depth, in
	// name order, without hidden and temporary files; none when root does
	// not exist.
	List(ctx context.Context, root string) ([]string, error)
	Stat(ctx context.Context, path string) (fs.FileInfo, error)
	ReadFile(ctx context.Context, path string) ([]byte, error)
}

// localReceived is Received on the local file system.
type localReceived struct{}

func (localReceived) List(_ context.Context, root string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		switch {
		case errors.Is(err, fs.ErrNotExist) && p == root:
			return fs.SkipAll
		case err != nil:
			return err
		case de.Type().IsRegular() && !strings.HasPrefix(de.Name(), ".") && !strings.HasSuffix(de.Name(), ".tmp"):
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	return paths, err
}

func (localReceived) Stat(_ context.Context, p string) (fs.FileInfo, error) { return os.Stat(p) }

func (localReceived) ReadFile(_ context.Context, p string) ([]byte, error) { return os.ReadFile(p) }

// archiveInbound archives the E0501 and E0504 files that appeared in
// their folders since the last pass. A file already archived with the same
// content is not archived again.
func (a *Archive) archiveInbound(ctx context.Context) (int, error) {
	rd := a.cfg.Received
	if rd == nil {
		rd = localReceived{}
	}
	types := make([]string, 0, len(a.cfg.Inbound))
	for t := range a.cfg.Inbound {
		types = append(types, t)
	}
	sort.Strings(types)
	n := 0
	for _, t := range types {
		root := a.cfg.Inbound[t]
		paths, err := rd.List(ctx, root)
		for _, p := range paths {
			if err != nil {
				break
			}
			if err = ctx.Err(); err != nil {
				break
			}
			var done bool
			done, err = a.archiveReceived(ctx, rd, t, p)
			if done {
				n++
			}
		}
		if err != nil {
			return n, fmt.Errorf("archive received %s files from %s: %w", t, root, err)
		}
	}
	return n, nil
}

// archiveReceived archives one received file unless it was archived before.
func (a *Archive) archiveReceived(ctx context.Context, rd Received, msg, p string) (bool, error) {
	info, err := rd.Stat(ctx, p)
	if err != nil {
		return false, err
	}
	if s, ok := a.inbound[p]; ok && s.size == info.Size() && s.mod.Equal(info.ModTime()) {
		return false, nil
	}
	data, err := rd.ReadFile(ctx, p)
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
