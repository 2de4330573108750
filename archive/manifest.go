package archive

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
)

// A manifest lists one day's additions to the archive, one line per file:
//
//	turnkeyd archive manifest 1
//	previous <SHA-256 of the previous day's manifest file, or "none">
//	<path> TAB <SHA-256> TAB <size> TAB <message> TAB <number> TAB <time RFC 3339>
//
// It is named manifests/<yyyy-MM-dd>.tsv (the day in the daemon's time
// zone). Each manifest carries the hash of the one before it, so removing
// or changing a manifest breaks the chain at the next one.
const manifestMagic = "turnkeyd archive manifest 1"

// Entry is one archived file as its manifest lists it.
type Entry struct {
	Path    string // relative to the archive's folder, with slashes
	SHA256  string
	Size    int64
	Message string // F0401 ..., E0501, E0504, or "verdict"
	Number  string // the invoice or allowance number, track, or file name
	Time    time.Time
}

// manifest is one day's manifest as read.
type manifest struct {
	name     string // <yyyy-MM-dd>.tsv
	previous string // the hash it names of the manifest before it
	entries  []Entry
	sum      string // SHA-256 of the file
}

func manifestName(day time.Time) string { return day.Format("2006-01-02") + ".tsv" }

func validManifestName(name string) bool {
	day, ok := strings.CutSuffix(name, ".tsv")
	if !ok {
		return false
	}
	_, err := time.Parse("2006-01-02", day)
	return err == nil
}

func (m *manifest) encode() []byte {
	var b bytes.Buffer
	b.WriteString(manifestMagic + "\n")
	b.WriteString("previous " + m.previous + "\n")
	for _, e := range m.entries {
		fmt.Fprintf(&b, "%s\t%s\t%d\t%s\t%s\t%s\n", e.Path, e.SHA256, e.Size, e.Message, e.Number,
			e.Time.UTC().Format(time.RFC3339Nano))
	}
	return b.Bytes()
}

func parseManifest(name string, data []byte) (*manifest, error) {
	sum := sha256.Sum256(data)
	m := &manifest{name: name, sum: hex.EncodeToString(sum[:])}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		switch {
		case line == 1:
			if text != manifestMagic {
				return nil, fmt.Errorf("manifest %s:1: not a turnkeyd archive manifest", name)
			}
		case line == 2:
			prev, ok := strings.CutPrefix(text, "previous ")
			if !ok {
				return nil, fmt.Errorf("manifest %s:2: no previous-manifest line", name)
			}
			m.previous = prev
		default:
			e, err := parseEntry(text)
			if err != nil {
				return nil, fmt.Errorf("manifest %s:%d: %w", name, line, err)
			}
			m.entries = append(m.entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", name, err)
	}
	if line < 2 {
		return nil, fmt.Errorf("manifest %s: cut short (%d lines)", name, line)
	}
	return m, nil
}

func parseEntry(text string) (Entry, error) {
	f := strings.Split(text, "\t")
	if len(f) != 6 {
		return Entry{}, fmt.Errorf("%d fields, want 6", len(f))
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return Entry{}, fmt.Errorf("size %q is not a number", f[2])
	}
	at, err := time.Parse(time.RFC3339Nano, f[5])
	if err != nil {
		return Entry{}, fmt.Errorf("time %q: %w", f[5], err)
	}
	if len(f[1]) != 64 || f[0] == "" || path.IsAbs(f[0]) || strings.Contains(f[0], "..") {
		return Entry{}, fmt.Errorf("entry %q has no valid path or hash", f[0])
	}
	return Entry{Path: f[0], SHA256: f[1], Size: size, Message: f[3], Number: f[4], Time: at}, nil
}

// readManifests reads every manifest of fsys in day order; a file in the
// manifests folder with another name is returned in strays.
func readManifests(fsys fs.FS) (ms []*manifest, strays []string, err error) {
	des, err := fs.ReadDir(fsys, ManifestDir)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, fmt.Errorf("read manifests: %w", err)
	}
	for _, de := range des {
		p := path.Join(ManifestDir, de.Name())
		if de.IsDir() || !validManifestName(de.Name()) {
			strays = append(strays, p)
			continue
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, nil, fmt.Errorf("read manifest %s: %w", p, err)
		}
		m, err := parseManifest(de.Name(), data)
		if err != nil {
			return nil, nil, err
		}
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].name < ms[j].name })
	return ms, strays, nil
}

// manifestWriter appends entries to the current day's manifest, starting a
// new one (chained to the last) when the day changes.
type manifestWriter struct {
	dir     string // the archive's folder
	loc     *time.Location
	current *manifest // nil before the first manifest
	listed  map[string]string
}

func openManifests(dir string, loc *time.Location) (*manifestWriter, error) {
	ms, _, err := readManifests(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	w := &manifestWriter{dir: dir, loc: loc, listed: map[string]string{}}
	if len(ms) > 0 {
		w.current = ms[len(ms)-1]
		for _, e := range w.current.entries {
			w.listed[e.Path] = e.SHA256
		}
	}
	return w, nil
}

// add lists entries in the manifest of now's day, written durably before
// add returns. An entry its manifest lists already (a write redone after a
// crash) is not listed twice.
func (w *manifestWriter) add(entries []Entry, now time.Time) error {
	name := manifestName(now.In(w.loc))
	if w.current == nil || name > w.current.name {
		prev := "none"
		if w.current != nil {
			prev = w.current.sum
		}
		w.current = &manifest{name: name, previous: prev}
		w.listed = map[string]string{}
	}
	added := 0
	for _, e := range entries {
		if sum, ok := w.listed[e.Path]; ok && sum == e.SHA256 {
			continue
		}
		w.current.entries = append(w.current.entries, e)
		w.listed[e.Path] = e.SHA256
		added++
	}
	if added == 0 {
		return nil
	}
	data := w.current.encode()
	dir := filepath.Join(w.dir, ManifestDir)
	if err := mkdirDurable(w.dir, ManifestDir); err != nil {
		return err
	}
	if err := atomicfile.WriteAll(filepath.Join(w.dir, stagingDir), []atomicfile.File{{Dir: dir, Name: w.current.name, Data: data}}); err != nil {
		return fmt.Errorf("write manifest %s: %w", w.current.name, err)
	}
	sum := sha256.Sum256(data)
	w.current.sum = hex.EncodeToString(sum[:])
	return nil
}

// mkdirDurable creates root/rel and each missing folder on the way, and
// syncs the parent of each folder it created.
func mkdirDurable(root, rel string) error {
	p := root
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		next := filepath.Join(p, part)
		if _, err := os.Stat(next); err == nil {
			p = next
			continue
		}
		if err := os.Mkdir(next, 0o755); err != nil && !os.IsExist(err) {
			return fmt.Errorf("create archive folder %s: %w", next, err)
		}
		if err := atomicfile.SyncDir(p); err != nil {
			return err
		}
		p = next
	}
	return nil
}
