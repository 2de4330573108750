package daemon

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/turnkeyd/turnkeyd/spool"
)

// complete reports whether in/name is complete by the configured
// spool.ready, and when it is not yet, how long until it may be (0: it
// waits for something else, its marker).
func (in *Intake) complete(name string) (ok bool, wait time.Duration, err error) {
	switch in.readyMode {
	case ReadyRename:
		_, err := os.Lstat(in.folder.Path("in", name))
		return err == nil, 0, err
	case ReadyMarker:
		if _, err := os.Lstat(in.folder.Path("in", name+spool.MarkerSuffix)); errors.Is(err, fs.ErrNotExist) {
			return false, 0, nil
		} else if err != nil {
			return false, 0, err
		}
		return true, 0, nil
	}
	wait, err = in.folder.Unsettled(name, in.settle, time.Now())
	return err == nil && wait == 0, wait, err
}

// claimed runs once in/name has moved to work/: the marker, its job done,
// is removed (a marker left behind by a crash is harmless: it only lets a
// later file of the same name be taken at once).
func (in *Intake) claimed(name string) {
	if in.readyMode == ReadyMarker {
		if err := os.Remove(in.folder.Path("in", name+spool.MarkerSuffix)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			in.log.Warn("marker not removed", "file", name, "err", err)
		}
	}
}

// refuseLarge sets work/name aside in failed/ without reading it when it
// is larger than a CSV file may be (spool.MaxFileSize): a 3 GB file used to
// be read whole before it was refused.
func (in *Intake) refuseLarge(name string) (bool, error) {
	st, err := os.Stat(in.folder.Path("work", name))
	if err != nil {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	if st.Size() <= spool.MaxFileSize {
		return false, nil
	}
	reason := &spool.FileError{File: name, Line: 1, Column: 1, Msg: fmt.Sprintf(
		"the file has %d bytes, more than the %d MiB a CSV file may have: it was not read; split it into several files",
		st.Size(), spool.MaxFileSize>>20)}
	in.log.Warn("file too large; moved to failed/ without reading it", "bytes", st.Size())
	if err := in.folder.Fail(name, reason, in.now()); err != nil {
		return false, err
	}
	in.metrics.files.WithLabelValues("failed").Inc()
	return true, nil
}
