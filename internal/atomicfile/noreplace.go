package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// RenameNoReplace renames src to dst unless dst exists: then it fails with
// an error matching fs.ErrExist and both stay as they were. Where the
// system has no such rename (an old kernel, a file system without it), a
// hard link then a removal of src does the same; without hard links
// either, a check then a rename (not atomic against another writer).
func RenameNoReplace(src, dst string) error {
	err := renameNoReplace(src, dst)
	if !errors.Is(err, errNoReplaceUnsupported) {
		return err
	}
	if err := os.Link(src, dst); err == nil {
		return os.Remove(src)
	} else if errors.Is(err, fs.ErrExist) {
		return &os.LinkError{Op: "rename", Old: src, New: dst, Err: fs.ErrExist}
	}
	if _, err := os.Lstat(dst); err == nil {
		return &os.LinkError{Op: "rename", Old: src, New: dst, Err: fs.ErrExist}
	}
	return os.Rename(src, dst)
}

var errNoReplaceUnsupported = errors.New("rename without replace not supported here")

// MkdirAllSynced creates dir and any missing parents, and fsyncs the
// parent of every folder it created, so that the new folders survive a
// power loss as the files later renamed into them do.
func MkdirAllSynced(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range missing {
		if err := SyncDir(filepath.Dir(d)); err != nil {
			return fmt.Errorf("new folder %s: %w", d, err)
		}
	}
	return nil
}
