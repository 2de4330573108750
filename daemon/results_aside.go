package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// maxResultFileSize is the largest result file read. Real ProcessResult
// and SummaryResult files are kilobytes to a few megabytes; a bigger one
// is set aside unread rather than held in memory whole.
const maxResultFileSize = 64 << 20

// asideNameMax is how much of a result file's name the copy aside keeps:
// with the hash prefix and ".error.txt" the name stays well under the
// 255 bytes a file name may have, however long Turnkey's name was.
const asideNameMax = 160

// asideKey is what a result file set aside without being read looked
// like; the same file is not reported again until it changes.
type asideKey struct {
	size    int64
	modTime time.Time
}

// readResultFile reads a result file, or sets it aside (an error text in
// the aside folder, counted and logged once) when it cannot be read or is
// larger than the cap; ok is false for a file set aside.
func (r *Results) readResultFile(ctx context.Context, kind, path string) (data []byte, ok bool, err error) {
	info, err := r.folders.Stat(ctx, path)
	if err != nil {
		return nil, false, r.setAsideUnread(kind, path, nil, err)
	}
	limit := r.maxSize
	if limit <= 0 {
		limit = maxResultFileSize
	}
	if info.Size() > limit {
		return nil, false, r.setAsideUnread(kind, path, info, fmt.Errorf("the file has %d bytes, more than the %d a result file may have; it was not read", info.Size(), limit))
	}
	if data, err = r.folders.ReadFile(ctx, path); err != nil {
		return nil, false, r.setAsideUnread(kind, path, info, err)
	}
	delete(r.unread, path)
	return data, true, nil
}

// setAsideUnread reports a result file that was not read: an error text
// aside, the unreadable count, one log line. The file is tried again at
// every poll (a permission may be fixed) but reported again only once it
// changes.
func (r *Results) setAsideUnread(kind, path string, info fs.FileInfo, cause error) error {
	var key asideKey
	if info != nil {
		key = asideKey{size: info.Size(), modTime: info.ModTime()}
	}
	if old, ok := r.unread[path]; ok && old == key {
		return nil
	}
	sum := sha256.Sum256([]byte(path))
	name := asideName(hex.EncodeToString(sum[:]), path)
	text := fmt.Sprintf("%s could not be read as a %s and was not applied:\n\n%v\n\n"+
		"The file stays where Turnkey put it and is tried again at every poll; fix the cause "+
		"(permissions, a cut download) or move it away once its verdicts are known otherwise.\n", path, kind, cause)
	if err := r.writeAside(atomicfile.File{Dir: r.aside, Name: name + ".error.txt", Data: []byte(text)}); err != nil {
		return fmt.Errorf("set aside the unreadable %s %s: %w", kind, path, err)
	}
	if r.unread == nil {
		r.unread = map[string]asideKey{}
	}
	r.unread[path] = key
	r.metrics.files.WithLabelValues(kind, ledger.ResultUnreadable).Inc()
	r.log.Error("result file not read; set aside, the others go on", "kind", kind, "file", path,
		"error_file", filepath.Join(r.aside, name+".error.txt"), "err", cause)
	return nil
}

// unreadable keeps a result file that cannot be parsed: a copy and an
// error file in the aside folder, and a ledger record so it is not read
// again.
func (r *Results) unreadable(ctx context.Context, file ledger.ResultFile, data []byte, cause error) error {
	name := asideName(file.SHA256, file.Path)
	text := fmt.Sprintf("%s could not be read as a %s and was not applied:\n\n%v\n\nThe original stays where Turnkey put it; this is a copy.\n",
		file.Path, file.Kind, cause)
	if err := r.writeAside(atomicfile.File{Dir: r.aside, Name: name, Data: data},
		atomicfile.File{Dir: r.aside, Name: name + ".error.txt", Data: []byte(text)}); err != nil {
		return fmt.Errorf("set aside the unreadable %s %s: %w", file.Kind, file.Path, err)
	}
	file.Status, file.Error = ledger.ResultUnreadable, cause.Error()
	if _, err := r.ledger.Apply(ctx, file, nil); err != nil {
		return err
	}
	r.metrics.files.WithLabelValues(file.Kind, file.Status).Inc()
	r.log.Error("unreadable result file kept aside", "kind", file.Kind, "file", file.Path, "copy", filepath.Join(r.aside, name), "err", cause)
	return nil
}

func (r *Results) writeAside(files ...atomicfile.File) error {
	if err := os.MkdirAll(r.aside, 0o755); err != nil {
		return err
	}
	return atomicfile.WriteAll(r.aside, files)
}

// asideName is the name of a result file's copy aside: a hash prefix and
// the file's name, cut to asideNameMax bytes on a character boundary.
func asideName(hash, path string) string {
	base := filepath.Base(path)
	if len(base) > asideNameMax {
		cut := asideNameMax
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = base[:cut]
	}
	return hash[:12] + "-" + base
}
