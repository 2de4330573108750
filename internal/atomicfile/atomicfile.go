// Package atomicfile owns the one way turnkeyd hands a file to another
// process through a folder: write under a temporary name in a staging folder
// on the same file system, fsync, rename to the final name, fsync the folder.
// A reader that only picks up final names never sees a partial file, and a
// file that was renamed survives a crash or power loss.
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// File is one file to hand over: Data written as Dir/Name.
type File struct {
	Dir  string // the destination folder
	Name string // the final name inside Dir
	Data []byte
	// Exclusive refuses to replace a file already at Dir/Name (the write
	// fails with an error matching fs.ErrExist): for handoffs where an
	// existing file belongs to someone else or to an earlier handoff.
	Exclusive bool
}

var seq atomic.Uint64

// Write writes data as dir/name atomically, staging it in dir itself under a
// dot-name ending in ".tmp" that pickers of final names ignore.
func Write(dir, name string, data []byte) error {
	return WriteAll(dir, []File{{Dir: dir, Name: name, Data: data}})
}

// writers is how many files WriteAll writes and fsyncs at once: fsyncs of
// different files overlap in the device's queue, which is where the time
// of a durable handoff goes.
var writers = 8 // a variable so the benchmarks can compare with 1

// WriteAll writes files atomically and durably, staged in staging (a folder
// on the same file system as every destination): each file is written and
// fsynced (several at once), then renamed into place in order, then each
// destination folder and the staging folder are fsynced once. On error,
// files already renamed stay (each is complete); the rest are removed from
// staging.
func WriteAll(staging string, files []File) error {
	if len(files) == 0 {
		return nil
	}
	if err := os.MkdirAll(staging, 0o755); err != nil {
		return fmt.Errorf("create staging folder: %w", err)
	}
	temps := make([]string, len(files))
	defer func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}()
	if err := writeTemps(staging, files, temps); err != nil {
		return err
	}
	dirs := map[string]bool{staging: true}
	for i, f := range files {
		rename := os.Rename
		if f.Exclusive {
			rename = RenameNoReplace
		}
		err := rename(temps[i], filepath.Join(f.Dir, f.Name))
		if err != nil && f.Exclusive && errors.Is(err, fs.ErrExist) && holds(filepath.Join(f.Dir, f.Name), f.Data) {
			err = os.Remove(temps[i]) // placed by an earlier attempt: done
		}
		if err != nil {
			return fmt.Errorf("move %s into place: %w", filepath.Join(f.Dir, f.Name), err)
		}
		temps[i] = ""
		dirs[f.Dir] = true
	}
	for d := range dirs {
		if err := SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// holds reports whether the file at path has exactly data.
func holds(path string, data []byte) bool {
	got, err := os.ReadFile(path)
	return err == nil && bytes.Equal(got, data)
}

// writeTemps writes every file to its temporary name in staging, with up
// to writers at once; temps[i] is set for each file written.
func writeTemps(staging string, files []File, temps []string) error {
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(writers, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := files[i]
				tmp := filepath.Join(staging, tempName(f.Name))
				if err := WriteSynced(tmp, f.Data); err != nil {
					os.Remove(tmp)
					errs[i] = fmt.Errorf("write %s: %w", filepath.Join(f.Dir, f.Name), err)
					continue
				}
				temps[i] = tmp
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// tempName is the staging name of a file: a dot-name with the writer's
// process id and a sequence number, ending in ".tmp". A long name is cut to
// its first tempPrefix bytes (at a character boundary), so that the temporary
// name stays within a file system's limit (255 bytes) for any final name
// that fits it; the sequence number keeps temporary names unique.
func tempName(name string) string {
	return "." + cutName(name, tempPrefix) + "." + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(seq.Add(1), 10) + ".tmp"
}

// tempPrefix is how much of a final name its temporary name keeps.
const tempPrefix = 128

// cutName returns at most n bytes of name, never splitting a UTF-8
// character.
func cutName(name string, n int) string {
	if len(name) <= n {
		return name
	}
	for n > 0 && !utf8.RuneStart(name[n]) {
		n--
	}
	return name[:n]
}

// isTemp reports whether name has the form tempName gives, from any process.
func isTemp(name string) bool {
	rest, ok := strings.CutSuffix(name, ".tmp")
	if !ok || !strings.HasPrefix(rest, ".") {
		return false
	}
	i := strings.LastIndexByte(rest, '.')
	pid, n, ok := strings.Cut(rest[i+1:], "-")
	return i > 0 && ok && digits(pid) && digits(n)
}

func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// RemoveTemps removes the temporary files that writes cut short (a kill, a
// power loss) left in dir, and returns how many it removed. Such a file
// never became visible under its final name, so nothing is lost; call it
// only while nothing writes through dir, e.g. at start-up.
func RemoveTemps(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("remove temporary files: %w", err)
	}
	removed := 0
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTemp(e.Name()) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("remove temporary files in %s: %w", dir, err)
	}
	return removed, nil
}

// WriteSynced creates path (it must not exist), writes data and fsyncs the
// file: the first step of every handoff, and the raw limit benchmarks
// measure against.
func WriteSynced(path string, data []byte) error {
	if err := injected(path); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// SyncDir fsyncs a folder so that renames and creations in it are durable.
// File systems that cannot sync a folder (some Windows setups) are not an
// error: there the rename itself is what the OS offers.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !isUnsupported(err) {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// Move renames src to dst and makes both folders durable.
func Move(src, dst string) error {
	if err := os.Rename(src, dst); err != nil {
		return err
	}
	if err := SyncDir(filepath.Dir(dst)); err != nil {
		return err
	}
	if filepath.Dir(src) != filepath.Dir(dst) {
		return SyncDir(filepath.Dir(src))
	}
	return nil
}
