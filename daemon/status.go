package daemon

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// statusHeader is the header row of a status file.
var statusHeader = []string{"time", "order_id", "action", "invoice_number", "state", "code", "message"}

// statusWriter tells the ERP every document state change: it appends them
// to spool/out/status-<yyyyMMdd>.csv (the day of the change, in the
// configured time zone), append-only, each line once and durably, so an
// ERP can tail the file. The ledger's events are the source: the writer
// records in the ledger which events an append covers before it writes,
// and after a crash it cuts the file back to where that append began and
// writes it again, so no line is lost or doubled.
type statusWriter struct {
	ledger *ledger.Ledger
	dir    string // spool/out
	loc    *time.Location
	mu     sync.Mutex
}

// statusBatch is how many events one append covers at most.
const statusBatch = 2000

// flush appends every state change not yet written.
func (s *statusWriter) flush(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.ledger.StatusCursor(ctx)
	if err != nil {
		return err
	}
	if cur.PendingFile != "" {
		// A crash interrupted an append: cut it back and write it again.
		evs, err := s.ledger.StatusEvents(ctx, cur.EventID, int(cur.PendingUntil-cur.EventID))
		if err != nil {
			return err
		}
		for len(evs) > 0 && evs[len(evs)-1].ID > cur.PendingUntil {
			evs = evs[:len(evs)-1]
		}
		if err := s.append(cur.PendingFile, cur.PendingSize, evs); err != nil {
			return err
		}
		if err := s.ledger.EndStatusAppend(ctx); err != nil {
			return err
		}
		cur.EventID = cur.PendingUntil
	}
	for {
		evs, err := s.ledger.StatusEvents(ctx, cur.EventID, statusBatch)
		if err != nil || len(evs) == 0 {
			return err
		}
		// One append per day's file.
		day := s.fileFor(evs[0].At)
		n := 1
		for n < len(evs) && s.fileFor(evs[n].At) == day {
			n++
		}
		evs = evs[:n]
		size, err := fileSize(filepath.Join(s.dir, day))
		if err != nil {
			return err
		}
		until := evs[n-1].ID
		if err := s.ledger.BeginStatusAppend(ctx, day, size, until); err != nil {
			return err
		}
		if err := s.append(day, size, evs); err != nil {
			return err
		}
		if err := s.ledger.EndStatusAppend(ctx); err != nil {
			return err
		}
		cur.EventID = until
	}
}

func (s *statusWriter) fileFor(t time.Time) string {
	return "status-" + t.In(s.loc).Format("20060102") + ".csv"
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// append cuts name back to size (what it had before this append) and
// writes evs after it, with the header if the file is new, then syncs.
func (s *statusWriter) append(name string, size int64, evs []ledger.StatusEvent) error {
	path := filepath.Join(s.dir, name)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if size == 0 {
		w.Write(statusHeader)
	}
	for _, e := range evs {
		w.Write([]string{e.At.In(s.loc).Format(time.RFC3339), e.OrderID, e.Action, e.InvoiceNumber, e.State, e.Code, oneLine(e.Message)})
	}
	w.Flush()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("status file: %w", err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("status file %s: %w", name, err)
	}
	if _, err := f.WriteAt(b.Bytes(), size); err != nil {
		return fmt.Errorf("status file %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("status file %s: %w", name, err)
	}
	if size == 0 {
		return atomicfile.SyncDir(s.dir)
	}
	return nil
}
