package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// flushBatch is how many files are handed to Turnkey per durable batch.
const flushBatch = 256

// flush writes the XML of every accepted document not yet written. The
// bytes rendered in the transaction just committed are used as they are.
// Any other unwritten document may have been handed over already by an
// attempt that was cut short (a crash, a full disk): if Turnkey holds its
// file (in SRC, BAK or ERR) it is only marked written, never written twice;
// otherwise its XML is rendered again from the ledger and checked against
// the hash recorded with it.
func (in *Intake) flush(ctx context.Context, rendered map[int64][]byte) error {
	in.flushMu.Lock()
	defer in.flushMu.Unlock()
	// One listing per folder for the whole flush, not per batch: after a
	// crash with 290k files in SRC, a listing per batch of 256 kept the
	// daemon from being ready for minutes.
	handed := handedFiles{target: in.target}
	for {
		docs, err := in.ledger.UnwrittenDocuments(ctx, flushBatch)
		if err != nil || len(docs) == 0 {
			return err
		}
		var files []turnkey.File
		ids := make([]int64, 0, len(docs))
		handed.from(oldestUnrendered(docs, rendered))
		others, err := in.ledger.OthersMaybeInSRC(ctx, docs)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if held, err := handed.heldBack(others[d.ID]); err != nil {
				return err
			} else if held {
				continue // its number's earlier file still waits in SRC: a later flush
			}
			data, fresh := rendered[d.ID]
			if !fresh {
				there, err := handed.has(ctx, d.TargetDir, d.FileName)
				if err != nil {
					return err
				}
				if there {
					ids = append(ids, d.ID)
					continue
				}
				if data, err = in.docs.rerender(&d); err != nil {
					return err
				}
			}
			files = append(files, turnkey.File{Dir: d.TargetDir, Name: d.FileName, Data: data})
			ids = append(ids, d.ID)
		}
		if len(ids) == 0 {
			return nil // every document left is held back
		}
		if err := in.target.Put(ctx, files); err != nil {
			return fmt.Errorf("hand %d files to Turnkey: %w", len(files), err)
		}
		if err := in.ledger.MarkWritten(ctx, ids); err != nil {
			return err
		}
		for _, id := range ids {
			delete(rendered, id)
		}
	}
}

// oldestUnrendered returns the creation time of the oldest of docs that has
// no fresh rendering: no file of this batch can have been handed earlier.
func oldestUnrendered(docs []ledger.Document, rendered map[int64][]byte) time.Time {
	var oldest time.Time
	for _, d := range docs {
		if _, fresh := rendered[d.ID]; !fresh && (oldest.IsZero() || d.CreatedAt.Before(oldest)) {
			oldest = d.CreatedAt
		}
	}
	return oldest
}

// handedFiles asks the target once per folder which files it holds already
// (handed since a time). The listings serve every batch of a flush: the
// files this flush hands over are marked written and never asked about.
type handedFiles struct {
	target turnkey.Target
	since  time.Time
	dirs   map[string]map[string]bool
	src    map[string]map[string]bool // upload folder → the files in it
}

// heldBack reports whether one of others (documents of the same number
// as the one about to be written) still has its file in Turnkey's upload
// folder (e.g. refused by the platform, then sent again before Turnkey took
// the old file): one number has at most one file in Turnkey's hands, so
// the document waits until that file is gone.
func (h *handedFiles) heldBack(others []ledger.Handoff) (bool, error) {
	for _, o := range others {
		names, ok := h.src[o.TargetDir]
		if !ok {
			var err error
			if names, err = turnkey.Waiting(o.TargetDir); err != nil {
				return false, err
			}
			if h.src == nil {
				h.src = map[string]map[string]bool{}
			}
			h.src[o.TargetDir] = names
		}
		if names[o.FileName] {
			return true, nil
		}
	}
	return false, nil
}

// from makes the listings cover files handed since t: a listing that
// started later is dropped and made again. Zero t (every document of the
// batch freshly rendered) changes nothing.
func (h *handedFiles) from(t time.Time) {
	if t.IsZero() || (!h.since.IsZero() && !t.Before(h.since)) {
		return
	}
	h.since, h.dirs = t, nil
}

func (h *handedFiles) has(ctx context.Context, dir, name string) (bool, error) {
	names, ok := h.dirs[dir]
	if !ok {
		var err error
		if names, err = h.target.Handed(ctx, dir, h.since); err != nil {
			return false, fmt.Errorf("look for files handed to Turnkey before a stop: %w", err)
		}
		if h.dirs == nil {
			h.dirs = map[string]map[string]bool{}
		}
		h.dirs[dir] = names
	}
	return names[name], nil
}
