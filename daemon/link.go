package daemon

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/turnkeyd/turnkeyd/turnkey"
)

// linkRetry is how often recovery tries again while the Turnkey host is
// unreachable (the target's own backoff decides when it dials).
const linkRetry = time.Second

// untilLinkUp runs fn until it succeeds or fails for another reason than
// an unreachable Turnkey host, or ctx ends. Recovery must ask the host what
// it holds before anything is handed over; until it can, the daemon stays
// not ready (/readyz says why) instead of exiting.
func untilLinkUp(ctx context.Context, log *slog.Logger, fn func() error) error {
	for {
		err := fn()
		if !errors.Is(err, turnkey.ErrLinkDown) {
			return err
		}
		log.Warn("recovery waits for the Turnkey host", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(linkRetry):
		}
	}
}
