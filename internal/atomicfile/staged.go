package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Staged is a file written as a stream under a temporary name in its
// folder; Commit gives it its final name there, atomically and durably.
// For files too large to hold in memory, where Write takes the bytes.
type Staged struct {
	f        *os.File
	dir, tmp string
}

// Create starts a file that will be named in dir; name (the intended
// final name) only shapes the temporary name, which RemoveTemps cleans up
// after a crash.
func Create(dir, name string) (*Staged, error) {
	tmp := filepath.Join(dir, tempName(name))
	if err := injected(tmp); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return &Staged{f: f, dir: dir, tmp: tmp}, nil
}

// Write appends p to the file.
func (s *Staged) Write(p []byte) (int, error) { return s.f.Write(p) }

// Commit fsyncs the file, renames it to dir/name and fsyncs dir.
func (s *Staged) Commit(name string) error {
	err := s.f.Sync()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	if err == nil {
		err = os.Rename(s.tmp, filepath.Join(s.dir, name))
	}
	if err != nil {
		os.Remove(s.tmp)
		return fmt.Errorf("write %s: %w", filepath.Join(s.dir, name), err)
	}
	return SyncDir(s.dir)
}

// Abort removes the temporary file; after Commit it does nothing.
func (s *Staged) Abort() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
		os.Remove(s.tmp)
	}
}
