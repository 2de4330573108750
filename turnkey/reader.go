package turnkey

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Reader reads Turnkey's side of the folder contract through the target,
// local or remote: the results component and recovery list and read
// Turnkey's folders only through it. Listings are per folder, never per
// document.
type Reader interface {
	// Waiting returns the names of the files in the upload folder dir,
	// which Turnkey has not taken yet; none when dir does not exist.
	Waiting(ctx context.Context, dir string) (map[string]bool, error)
	// Moved lists the files Turnkey moved out of the upload folder src
	// into the BAK and ERR folders beside it, name → path, looking only at
	// the dated sub-folders from the day before since onwards (Turnkey
	// names them in its own time zone; the day's margin covers any offset).
	Moved(ctx context.Context, src string, since time.Time) (map[string]string, error)
	// List returns the paths of the files under root, at any depth, in
	// name order, leaving out dot-files and *.tmp (files being written);
	// none when root does not exist.
	List(ctx context.Context, root string) ([]string, error)
	// ReadFile returns the content of the file at path.
	ReadFile(ctx context.Context, path string) ([]byte, error)
	// Stat describes the file at path without reading it (its size is
	// checked before a result file is read).
	Stat(ctx context.Context, path string) (fs.FileInfo, error)
}

var (
	_ Reader = (*LocalTarget)(nil)
	_ Reader = (*SFTPTarget)(nil)
)

// entry is one name in a folder listing.
type entry struct {
	name    string
	dir     bool
	regular bool
}

// lister lists one folder of a file system, local or remote, and joins
// paths the way that file system does.
type lister interface {
	readDir(ctx context.Context, dir string) ([]entry, error) // an error wrapping fs.ErrNotExist when dir is missing
	join(elem ...string) string
	dir(path string) string
}

func waiting(ctx context.Context, l lister, dir string) (map[string]bool, error) {
	entries, err := l.readDir(ctx, dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("upload folder %s: %w", dir, err)
	}
	names := make(map[string]bool, len(entries))
	for _, e := range entries {
		names[e.name] = true
	}
	return names, nil
}

func moved(ctx context.Context, l lister, src string, since time.Time) (map[string]string, error) {
	out := map[string]string{}
	first := since.AddDate(0, 0, -1).Format("20060102")
	for _, sub := range []string{"BAK", "ERR"} {
		root := l.join(l.dir(src), sub)
		days, err := l.readDir(ctx, root)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("Turnkey's %s folder %s: %w", sub, root, err)
		}
		for _, day := range days {
			if !day.dir || day.name < first {
				continue
			}
			err := walk(ctx, l, l.join(root, day.name), func(path string, e entry) {
				if e.regular {
					out[e.name] = path
				}
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func list(ctx context.Context, l lister, root string) ([]string, error) {
	var paths []string
	err := walk(ctx, l, root, func(path string, e entry) {
		if e.regular && !strings.HasPrefix(e.name, ".") && !strings.HasSuffix(e.name, ".tmp") {
			paths = append(paths, path)
		}
	})
	if errors.Is(err, fs.ErrNotExist) {
		if _, rerr := l.readDir(ctx, root); errors.Is(rerr, fs.ErrNotExist) {
			return nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	slices.Sort(paths)
	return paths, nil
}

// walk calls fn for every entry below root, depth first.
func walk(ctx context.Context, l lister, root string, fn func(path string, e entry)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err := l.readDir(ctx, root)
	if err != nil {
		return fmt.Errorf("folder %s: %w", root, err)
	}
	for _, e := range entries {
		p := l.join(root, e.name)
		fn(p, e)
		if e.dir {
			if err := walk(ctx, l, p, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// localFS is the local file system as a lister.
type localFS struct{}

func (localFS) readDir(_ context.Context, dir string) ([]entry, error) {
	des, err := os.ReadDir(dir)
	out := make([]entry, len(des))
	for i, d := range des {
		out[i] = entry{name: d.Name(), dir: d.IsDir(), regular: d.Type().IsRegular()}
	}
	return out, err
}

func (localFS) join(elem ...string) string { return filepath.Join(elem...) }
func (localFS) dir(p string) string        { return filepath.Dir(p) }

// Waiting implements Reader on the local file system.
func (t *LocalTarget) Waiting(ctx context.Context, dir string) (map[string]bool, error) {
	return waiting(ctx, localFS{}, dir)
}

// Moved implements Reader on the local file system.
func (t *LocalTarget) Moved(ctx context.Context, src string, since time.Time) (map[string]string, error) {
	return moved(ctx, localFS{}, src, since)
}

// List implements Reader on the local file system.
func (t *LocalTarget) List(ctx context.Context, root string) ([]string, error) {
	return list(ctx, localFS{}, root)
}

// ReadFile implements Reader on the local file system.
func (t *LocalTarget) ReadFile(_ context.Context, path string) ([]byte, error) {
	return os.ReadFile(path)
}

// Stat describes the local file at path; see Reader.
func (t *LocalTarget) Stat(_ context.Context, path string) (fs.FileInfo, error) {
	return os.Stat(path)
}

// Waiting returns the names of the files in the local upload folder dir;
// see Reader.
func Waiting(dir string) (map[string]bool, error) {
	return waiting(context.Background(), localFS{}, dir)
}

// Moved lists the files Turnkey moved out of the local upload folder src;
// see Reader.
func Moved(src string, since time.Time) (map[string]string, error) {
	return moved(context.Background(), localFS{}, src, since)
}
