package daemon

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// HoldEnv names a folder that turns on the jobs' fault-injection hold, for
// the end-to-end tests only: the first run of each job whose work
// succeeded, its end not yet recorded, writes JOB.held there and waits until the
// process is stopped (the test SIGKILLs it); once JOB.released exists the
// job's runs are no longer held. Never set it on a real site.
const HoldEnv = "TURNKEYD_JOBS_HOLD"

// envHold returns the hold HoldEnv asks for, or nil.
func envHold(log *slog.Logger) func(ctx context.Context, job, key string) {
	dir := os.Getenv(HoldEnv)
	if dir == "" {
		return nil
	}
	log.Warn("job runs are held for a fault-injection test", "env", HoldEnv, "dir", dir)
	return func(ctx context.Context, job, key string) {
		if _, err := os.Stat(filepath.Join(dir, job+".released")); !errors.Is(err, fs.ErrNotExist) {
			return
		}
		if err := os.WriteFile(filepath.Join(dir, job+".held"), []byte(key+"\n"), 0o644); err != nil {
			log.Error("job hold not written", "job", job, "err", err)
			return
		}
		log.Warn("job run held after its work, before its end is recorded", "job", job, "key", key)
		<-ctx.Done()
	}
}
