package daemon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/spool"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// Intake is the spool component: it takes CSV files from the spool, turns
// every document into a validated MIG file for Turnkey, and answers each
// file. The order of steps is what makes a crash at any moment harmless:
//
//  1. claim: rename in/NAME to work/NAME;
//  2. one ledger transaction records the file, every document (with its
//     number) and every outcome, or nothing;
//  3. the XML files are written to Turnkey's folders and marked written;
//  4. out/NAME.result.csv is written from the ledger, the file moves to
//     done/.
//
// After a restart, files left in work/ are finished first: a file the ledger
// already holds is not read again (its documents and numbers stand), and
// documents whose XML was not yet written are written, unless Turnkey
// already took them.
type Intake struct {
	folder    *spool.Folder
	ledger    *ledger.Ledger
	target    turnkey.Target
	validator *mig.Validator
	docs      *documentBuilder
	metrics   *intakeMetrics
	log       *slog.Logger
	readOpt   spool.ReadOptions
	settle    time.Duration
	now       func() time.Time
	status    *statusWriter
	flushMu   sync.Mutex // one hand-over to Turnkey at a time (intake and results both flush)

	// ready is closed once recovery is done and the intake takes new files.
	ready chan struct{}
}

// drainGrace is how long a file in progress may take to finish after a
// shutdown signal; past it, its transaction rolls back and the file is
// processed again after the restart.
const drainGrace = 30 * time.Second

// Run processes files whenever wake fires, until ctx ends; the file in
// progress then finishes (within drainGrace).
func (in *Intake) Run(ctx context.Context, wake chan struct{}) error {
	work, cancel := drainContext(ctx, drainGrace)
	defer cancel()
	if err := in.recover(work); err != nil {
		return fmt.Errorf("spool recovery: %w", err)
	}
	close(in.ready)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		}
		if err := in.drain(ctx, work, wake); err != nil {
			// A failure is retried at the next wake-up (rescan); the file
			// stays where it is and nothing is lost.
			in.log.Error("spool intake failed; retrying at the next scan", "err", err)
			in.metrics.errors.Inc()
		}
	}
}

// drainContext returns a context that ends drainGrace after parent ends.
func drainContext(parent context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(parent, func() {
		t := time.AfterFunc(grace, cancel)
		context.AfterFunc(ctx, func() { t.Stop() })
	})
	return ctx, func() { stop(); cancel() }
}

// Ready is closed once recovery is done.
func (in *Intake) Ready() <-chan struct{} { return in.ready }

// recover finishes what a crash interrupted: temporary files of writes cut
// short, documents accepted but not written, and files left in work/.
func (in *Intake) recover(ctx context.Context) error {
	if err := untilLinkUp(ctx, in.log, func() error { return in.target.Clean(ctx) }); err != nil {
		return err
	}
	if err := in.folder.Clean(); err != nil {
		return err
	}
	if err := untilLinkUp(ctx, in.log, func() error { return in.flush(ctx, nil) }); err != nil {
		return err
	}
	names, err := in.folder.InWork()
	if err != nil {
		return err
	}
	for _, name := range names {
		in.log.Info("finishing a file interrupted by a stop", "file", name)
		if err := in.process(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// drain processes every ready file, in name order, until none is left or
// ctx ends. A file still changing is left for a wake-up once it settled.
func (in *Intake) drain(ctx, work context.Context, wake chan struct{}) error {
	for ctx.Err() == nil {
		names, err := in.folder.Ready()
		if err != nil {
			return err
		}
		claimed := 0
		for _, name := range names {
			if ctx.Err() != nil {
				return nil
			}
			wait, err := in.folder.Unsettled(name, in.settle, time.Now())
			if errors.Is(err, os.ErrNotExist) {
				continue
			} else if err != nil {
				return err
			}
			if wait > 0 {
				time.AfterFunc(wait, func() {
					select {
					case wake <- struct{}{}:
					default:
					}
				})
				continue
			}
			claimed++
			if err := in.folder.Claim(name); err != nil {
				if errors.Is(err, spool.ErrGone) {
					continue
				}
				return err
			}
			if err := in.process(work, name); err != nil {
				return err
			}
		}
		if claimed == 0 {
			return nil
		}
	}
	return nil
}

// process takes one claimed file (work/NAME) through to done/ or failed/.
func (in *Intake) process(ctx context.Context, name string) error {
	start := time.Now() // for durations: monotonic, unlike the injectable calendar clock
	log := in.log.With("file", name)
	data, err := os.ReadFile(in.folder.Path("work", name))
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	intake, err := in.ledger.FindIntake(ctx, name, hash)
	if err != nil {
		return err
	}
	var written map[int64][]byte
	if intake == nil {
		opt := in.readOpt
		opt.Now = in.now()
		reqs, err := spool.ReadCSV(bytes.NewReader(data), name, opt)
		var fe *spool.FileError
		if errors.As(err, &fe) {
			log.Warn("file is not CSV v1; moved to failed/", "err", err)
			in.metrics.files.WithLabelValues("failed").Inc()
			return in.folder.Fail(name, err, in.now())
		} else if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		written = map[int64][]byte{}
		intake, err = in.ledger.Intake(ctx, name, hash, int64(len(data)), func(tx *ledger.IntakeTx) error {
			for i := range reqs {
				if err := in.docs.apply(tx, &reqs[i], written); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("record %s in the ledger: %w", name, err)
		}
	} else {
		log.Info("file already in the ledger; finishing it without reading it again", "intake", intake.ID)
	}
	if err := in.flush(ctx, written); errors.Is(err, turnkey.ErrLinkDown) {
		// The documents are queued in the ledger; the results poll hands
		// them over once the link is back. The ERP hears "queued" now.
		log.Warn("Turnkey host unreachable; documents stay queued", "err", err)
	} else if err != nil {
		return err
	}
	return in.answer(ctx, intake, start)
}

// answer writes the result file from the ledger and retires the file.
func (in *Intake) answer(ctx context.Context, intake *ledger.Intake, start time.Time) error {
	outcomes, err := in.ledger.Outcomes(ctx, intake.ID)
	if err != nil {
		return err
	}
	rows := make([]spool.ResultRow, len(outcomes))
	counts := map[string]int{}
	for i, o := range outcomes {
		rows[i] = spool.ResultRow{Line: o.Line, OrderID: o.OrderID, Action: o.Action, Status: o.Status,
			InvoiceNumber: o.InvoiceNumber, InvoiceDate: o.InvoiceDate, RandomNumber: o.RandomNumber, Message: o.Message}
		counts[o.Status]++
	}
	if err := in.folder.WriteResult(intake.Name, rows); err != nil {
		return err
	}
	if err := in.ledger.MarkAnswered(ctx, intake.ID); err != nil {
		return err
	}
	if err := in.folder.Done(intake.Name, in.now()); err != nil {
		return err
	}
	if err := in.ledger.MarkDone(ctx, intake.ID); err != nil {
		return err
	}
	for status, n := range counts {
		in.metrics.documents.WithLabelValues(status).Add(float64(n))
	}
	if err := in.status.flush(ctx); err != nil {
		in.log.Error("status file not written; retrying with the next change", "err", err)
	}
	in.metrics.files.WithLabelValues("done").Inc()
	in.metrics.duration.Observe(time.Since(start).Seconds())
	in.metrics.lastSuccess.SetToCurrentTime()
	in.log.Info("file processed", "file", intake.Name, "accepted", counts[ledger.StatusAccepted],
		"duplicate", counts[ledger.StatusDuplicate], "rejected", counts[ledger.StatusRejected],
		"seconds", time.Since(start).Seconds())
	return nil
}
