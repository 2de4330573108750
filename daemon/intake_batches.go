package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/spool"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// intakeBatch is how many documents of one file a ledger transaction takes
// in. Each batch commits its numbers, documents and outcomes with the
// file's progress (the last line it covers), and its XML is handed to
// Turnkey before the next batch is built: the daemon holds one batch's
// rendered XML and the ledger one batch's bookkeeping, whatever the size
// of the file. A stop mid-file resumes after the last committed batch.
const intakeBatch = 1000

// takeIn records the documents of the claimed file name (its bytes data,
// its hash) in the ledger, intakeBatch at a time, and hands each batch to
// Turnkey. The file-level checks (spool.OpenCSV) come first, before any
// number is issued; its documents are then built one at a time, so that
// memory holds one batch of them. prev is the file's partial intake when an
// earlier attempt was cut short: the documents through prev.Through are in
// the ledger already and are skipped. It returns the file's intake: nil (and no error) when the
// file is not CSV v1 and was moved to failed/ with nothing issued; with an
// error, the intake as far as it was committed (nil if nothing was).
func (in *Intake) takeIn(ctx context.Context, log *slog.Logger, name, hash string, data []byte, prev *ledger.Intake) (*ledger.Intake, error) {
	opt := in.readOpt
	opt.Now = in.now()
	size := int64(len(data))
	docs, err := spool.OpenCSV(data, name, opt)
	var fe *spool.FileError
	if errors.As(err, &fe) && prev == nil {
		log.Warn("file is not CSV v1; moved to failed/", "err", err)
		if err := in.folder.Fail(name, err, in.now()); err != nil {
			return nil, err
		}
		in.metrics.files.WithLabelValues("failed").Inc()
		return nil, nil
	} else if err != nil {
		return prev, fmt.Errorf("read %s: %w", name, err)
	}
	intake, through := prev, 0
	if prev != nil {
		through = prev.Through
		log.Info("resuming a file cut short after its committed part", "intake", prev.ID, "through_line", through)
	}
	// The file is read one document ahead: a batch is the last when no
	// document follows it.
	req, more := docs.Next()
	for more && req.Line <= through {
		req, more = docs.Next()
	}
	batch := make([]spool.Request, 0, intakeBatch)
	linkDown := false
	for {
		batch = batch[:0]
		for more && len(batch) < intakeBatch {
			batch = append(batch, req)
			req, more = docs.Next()
		}
		if len(batch) > 0 {
			through = batch[len(batch)-1].Line
		}
		written := map[int64][]byte{}
		next, err := in.ledger.IntakePart(ctx, ledger.Part{Prev: intake, Name: name, SHA256: hash, Size: size,
			Through: through, Last: !more}, func(tx *ledger.IntakeTx) error {
			for i := range batch {
				if err := in.docs.apply(tx, &batch[i], written); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return intake, fmt.Errorf("record %s in the ledger: %w", name, err)
		}
		intake = next
		clear(batch) // the built documents of this batch are done with
		if !linkDown {
			if linkDown, err = in.handOver(ctx, log, written); err != nil {
				return intake, err
			}
		}
		if !intake.Partial {
			return intake, nil
		}
	}
}

// handOver flushes the documents not yet written, rendered first. An
// unreachable Turnkey host is not an error: the documents are queued in the
// ledger, the results poll hands them over once the link is back, and the
// ERP hears "queued" now; linkDown reports it.
func (in *Intake) handOver(ctx context.Context, log *slog.Logger, rendered map[int64][]byte) (linkDown bool, err error) {
	err = in.flush(ctx, rendered)
	if errors.Is(err, turnkey.ErrLinkDown) {
		log.Warn("Turnkey host unreachable; documents stay queued", "err", err)
		return true, nil
	}
	return false, err
}
