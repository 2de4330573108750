package daemon

import (
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
//  2. the file's documents are taken in by batches (intakeBatch): one
//     ledger transaction records a batch's documents (with their numbers)
//     and outcomes and the file's progress, or nothing; then
//  3. the batch's XML files are written to Turnkey's folders and marked
//     written, and the next batch follows;
//  4. out/NAME.result.csv is written from the ledger, the file moves to
//     done/.
//
// After a restart, files left in work/ are finished first: a file the ledger
// holds wholly is not read again (its documents and numbers stand), a file
// it holds in part is taken in from after its last committed batch, and
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
	readyMode string // spool.ready: rename, settle or marker
	now       func() time.Time
	status    *statusWriter
	tries     fileTries
	ignored   map[string]bool // non-CSV names in in/ already logged
	flushMu   sync.Mutex      // one hand-over to Turnkey at a time (intake and results both flush)

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
// short, documents accepted but not written, and files left in work/. Only
// a spool or Turnkey folder that cannot be cleaned stops the start; a file
// that cannot be finished now is retried while running (see attempt).
func (in *Intake) recover(ctx context.Context) error {
	if err := untilLinkUp(ctx, in.log, func() error { return in.target.Clean(ctx) }); err != nil {
		return err
	}
	if err := in.folder.Clean(); err != nil {
		return err
	}
	if err := untilLinkUp(ctx, in.log, func() error { return in.flush(ctx, nil) }); err != nil {
		// The same hand-over is tried again with every file and every
		// poll of Turnkey's results.
		in.log.Error("documents not handed to Turnkey at start; retrying while running", "err", err)
		in.metrics.errors.Inc()
	}
	names, err := in.folder.InWork()
	if err != nil {
		return err
	}
	for _, name := range names {
		in.log.Info("finishing a file interrupted by a stop", "file", name)
		in.tries.claim(name, time.Now())
		in.attempt(ctx, name)
	}
	return nil
}

// drain processes every claimed file that is due for another attempt,
// then every ready file, in name order, until none is left or ctx ends. A
// file still changing is left for a wake-up once it settled.
func (in *Intake) drain(ctx, work context.Context, wake chan struct{}) error {
	for ctx.Err() == nil {
		progress := 0
		claimed, err := in.folder.InWork()
		if err != nil {
			return err
		}
		for _, name := range claimed {
			if ctx.Err() != nil {
				return nil
			}
			if wait := in.tries.due(name, time.Now()); wait > 0 {
				wakeAfter(wait, wake)
				continue
			}
			if in.attempt(work, name) {
				progress++
			}
		}
		entries, err := in.folder.ScanIn()
		if err != nil {
			return err
		}
		in.setAsideOdd(entries)
		for _, name := range entries.Ready {
			if ctx.Err() != nil {
				return nil
			}
			complete, wait, err := in.complete(name)
			if errors.Is(err, os.ErrNotExist) {
				continue
			} else if err != nil {
				return err
			}
			if wait > 0 {
				wakeAfter(wait, wake)
			}
			if !complete {
				continue
			}
			if err := in.folder.Claim(name); err != nil {
				if errors.Is(err, spool.ErrGone) || errors.Is(err, spool.ErrBusy) {
					continue // a file of the same name still waits for its answer
				}
				return err
			}
			in.claimed(name)
			in.tries.claim(name, time.Now())
			progress++
			in.attempt(work, name)
		}
		if progress == 0 {
			return nil
		}
	}
	return nil
}

// wakeAfter wakes the intake once d has passed.
func wakeAfter(d time.Duration, wake chan struct{}) {
	time.AfterFunc(d, func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	})
}

// attempt processes the claimed file name once and reports whether it
// left work/. A failure is retried later (see retryBase), or the file is
// set aside in failed/ when retrying cannot help and nothing of it is
// issued.
func (in *Intake) attempt(ctx context.Context, name string) bool {
	committed, err := in.process(ctx, name)
	if err == nil {
		in.tries.answered(name)
		return true
	}
	if ctx.Err() != nil {
		return false // stopping: the next start finishes it
	}
	in.metrics.errors.Inc()
	attempts, wait := in.tries.failed(name, time.Now())
	if !committed && (cannotPass(err) || (!mayPass(err) && attempts >= retryLimit)) {
		in.log.Error("file cannot be processed; set aside in failed/", "file", name, "attempts", attempts, "err", err)
		text := fmt.Sprintf("%s was not processed; no document in it was issued.\n\n%v\n\n"+
			"turnkeyd tried %d times. Fix the cause (for example the file's permissions)\n"+
			"and drop the file into in/ again (write NAME.csv.tmp, then rename it to NAME.csv).\n", name, err, attempts)
		if ferr := in.folder.SetAside("work", name, text, in.now()); ferr != nil {
			in.log.Error("file not set aside; retrying", "file", name, "err", ferr, "retry_in", wait)
			return false
		}
		in.tries.answered(name)
		in.metrics.files.WithLabelValues("failed").Inc()
		return true
	}
	in.log.Error("spool intake failed; the file stays in work/ and is retried", "file", name, "attempts", attempts,
		"retry_in", wait.String(), "issued", committed, "err", err)
	return false
}

// process takes one claimed file (work/NAME) through to done/ or failed/.
// committed reports whether the file's documents are in the ledger (so
// that it must be answered, whatever fails after).
func (in *Intake) process(ctx context.Context, name string) (committed bool, err error) {
	start := time.Now() // for durations: monotonic, unlike the injectable calendar clock
	log := in.log.With("file", name)
	if refused, err := in.refuseLarge(name); refused || err != nil {
		return false, err
	}
	data, err := os.ReadFile(in.folder.Path("work", name))
	if err != nil {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	intake, err := in.ledger.FindIntake(ctx, name, hash)
	if err != nil {
		return false, err
	}
	if intake == nil || intake.Partial {
		prev := intake
		intake, err = in.takeIn(ctx, log, name, hash, data, prev)
		if err != nil {
			return intake != nil, err
		}
		if intake == nil {
			return false, nil // not CSV v1: answered in failed/
		}
	} else {
		log.Info("file already in the ledger; finishing it without reading it again", "intake", intake.ID)
		if _, err := in.handOver(ctx, log, nil); err != nil {
			return true, err
		}
	}
	return true, in.answer(ctx, intake, start)
}

// answer writes the result file from the ledger and retires the file.
func (in *Intake) answer(ctx context.Context, intake *ledger.Intake, start time.Time) error {
	var counts map[string]int
	answer, err := in.folder.WriteResultFrom(intake.Name, intake.ReceivedAt, func(emit func(spool.ResultRow) error) error {
		counts = map[string]int{} // from the start again if the write is retried
		return in.ledger.EachOutcome(ctx, intake.ID, func(o ledger.Outcome) error {
			counts[o.Status]++
			return emit(spool.ResultRow{Line: o.Line, OrderID: o.OrderID, Action: o.Action, Status: o.Status,
				InvoiceNumber: o.InvoiceNumber, InvoiceDate: o.InvoiceDate, RandomNumber: o.RandomNumber, Message: o.Message})
		})
	})
	if err != nil {
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
	in.log.Info("file processed", "file", intake.Name, "answer", answer, "accepted", counts[ledger.StatusAccepted],
		"duplicate", counts[ledger.StatusDuplicate], "rejected", counts[ledger.StatusRejected],
		"seconds", time.Since(start).Seconds())
	return nil
}
