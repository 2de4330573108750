package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/turnkeyd/turnkeyd/internal/lockfile"
)

// folderLocks are the exclusive locks of one configuration's ledger and
// spool, held by the daemon while it runs and by CLI commands that write,
// so that two processes never work the same folders.
type folderLocks []*lockfile.Lock

// lockName is the lock file in the spool folder; the ledger's is the
// ledger's path + ".lock".
const lockName = "turnkeyd.lock"

// lockFolders takes the locks of cfg's ledger and spool, or says which
// process holds them and what to do.
func lockFolders(cfg *Config) (folderLocks, error) {
	ledgerPath := cfg.Path(cfg.Ledger.Path)
	spoolDir := cfg.Path(cfg.Spool.Dir)
	var locks folderLocks
	for _, p := range []string{ledgerPath + ".lock", filepath.Join(spoolDir, lockName)} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			locks.release()
			return nil, fmt.Errorf("lock the ledger and spool: %w", err)
		}
		l, err := lockfile.Acquire(p)
		if err != nil {
			locks.release()
			var held *lockfile.HeldError
			if errors.As(err, &held) {
				return nil, fmt.Errorf("another turnkeyd uses ledger %s and spool %s: %w; "+
					"only one process may write them at a time: stop that one first (or wait for it to finish)",
					ledgerPath, spoolDir, err)
			}
			return nil, err
		}
		locks = append(locks, l)
	}
	return locks, nil
}

// release gives every lock up.
func (ls folderLocks) release() {
	for _, l := range ls {
		l.Release()
	}
}
