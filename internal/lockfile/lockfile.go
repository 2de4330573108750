// Package lockfile is the exclusive lock that keeps two turnkeyd processes
// off the same ledger and spool: an operating-system lock on a small file
// (flock on Unix, LockFileEx on Windows) that holds the holder's pid. The
// system drops the lock when the holder dies, even by SIGKILL, so a lock
// file left behind never blocks a start.
package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// Lock is a held lock; Release gives it up.
type Lock struct {
	f    *os.File
	path string
}

// HeldError says that another process holds the lock at Path.
type HeldError struct {
	Path string
	PID  int // 0 when the holder's pid could not be read
}

func (e *HeldError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "process " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("%s is held by %s", e.Path, holder)
}

// ErrHeld matches every HeldError (errors.Is).
var ErrHeld = errors.New("lock held by another process")

// Is lets errors.Is(err, ErrHeld) match a HeldError.
func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// Acquire takes the lock at path without waiting: it creates the file if
// needed, locks it, and writes this process's pid into it. When another
// process holds it, the error is a *HeldError naming that process's pid.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := lock(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, &HeldError{Path: path, PID: readPID(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt(pid, 0)
		if err == nil {
			err = f.Sync()
		}
	}
	if err != nil {
		unlock(f)
		f.Close()
		return nil, fmt.Errorf("lock %s: write pid: %w", path, err)
	}
	return &Lock{f: f, path: path}, nil
}

// Path is the lock file's path.
func (l *Lock) Path() string { return l.path }

// Release gives the lock up. The file stays: removing it would race with
// a process that just opened it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// readPID reads the holder's pid from the lock file, 0 if it cannot.
func readPID(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(data)))
	if err != nil {
		return 0
	}
	return pid
}
