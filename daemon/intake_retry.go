package daemon

import (
	"errors"
	"io/fs"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/spool"
)

// A claimed file always reaches an answer. When a step fails, the file
// stays in work/ and is tried again with a growing pause (retryBase, twice
// as long each time, at most retryMax) while the cause may pass: a full
// disk, a read-only folder, a busy ledger. A file the ledger does not hold
// yet (nothing issued) whose failure cannot pass (a file turnkeyd may not
// read, a name the file system refuses), or that failed retryLimit times,
// is set aside in failed/ with an error text instead. A file whose
// documents are in the ledger is never set aside: its numbers are issued
// and it is retried until its answer is written.
const (
	retryBase  = time.Second
	retryMax   = 5 * time.Minute
	retryLimit = 12 // about 20 minutes of attempts
)

// fileTries remembers, for every claimed file, when it was claimed and its
// failed attempts.
type fileTries struct {
	mu    sync.Mutex
	files map[string]*fileTry
}

type fileTry struct {
	claimed  time.Time // when this daemon claimed the file (or found it in work/)
	attempts int       // failed attempts so far
	next     time.Time // not before
}

// claim records that name is in work/ from now (unless known already).
func (f *fileTries) claim(name string, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files == nil {
		f.files = map[string]*fileTry{}
	}
	if _, ok := f.files[name]; !ok {
		f.files[name] = &fileTry{claimed: now}
	}
}

// due reports how long name must wait before its next attempt (0: now).
func (f *fileTries) due(name string, now time.Time) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t, ok := f.files[name]; ok && t.next.After(now) {
		return t.next.Sub(now)
	}
	return 0
}

// failed records a failed attempt and returns how many there were and the
// pause before the next.
func (f *fileTries) failed(name string, now time.Time) (int, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.files[name]
	if !ok {
		t = &fileTry{claimed: now}
		if f.files == nil {
			f.files = map[string]*fileTry{}
		}
		f.files[name] = t
	}
	t.attempts++
	wait := retryBase << min(t.attempts-1, 20)
	wait = min(wait, retryMax)
	t.next = now.Add(wait)
	return t.attempts, wait
}

// answered forgets name: it left work/.
func (f *fileTries) answered(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.files, name)
}

// oldest returns when the longest-waiting claimed file was claimed (zero
// when none is).
func (f *fileTries) oldest() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	var oldest time.Time
	for _, t := range f.files {
		if oldest.IsZero() || t.claimed.Before(oldest) {
			oldest = t.claimed
		}
	}
	return oldest
}

// mayPass reports whether err is of a kind that goes away without anyone
// touching the file: space, a read-only or lost mount, a busy ledger.
func mayPass(err error) bool {
	for _, e := range []error{syscall.ENOSPC, syscall.EROFS, syscall.EDQUOT, syscall.EIO, syscall.EAGAIN, syscall.EBUSY} {
		if errors.Is(err, e) {
			return true
		}
	}
	msg := err.Error()
	for _, s := range []string{"SQLITE_BUSY", "database is locked", "SQLITE_FULL", "disk is full",
		"SQLITE_READONLY", "readonly database", "SQLITE_IOERR", "disk I/O error"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// cannotPass reports whether err says the file itself can never be read
// or answered as it is: retrying would only repeat it.
func cannotPass(err error) bool {
	for _, e := range []error{fs.ErrPermission, syscall.ENAMETOOLONG, syscall.EISDIR, syscall.ELOOP, syscall.EFBIG} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// registerMetrics registers what the intake reports beyond newIntakeMetrics:
// how long the oldest claimed file has waited for its answer.
func (in *Intake) registerMetrics(reg prometheus.Registerer) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "turnkeyd_spool_ignored_files",
		Help: "Files in in/ that turnkeyd does not take: not named *.csv (and not a file being written or a marker).",
	}, func() float64 {
		entries, _ := in.folder.ScanIn()
		return float64(len(entries.Ignored))
	}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "turnkeyd_spool_oldest_claimed_age_seconds",
		Help: "Seconds since the oldest file in work/ was claimed without being answered yet; 0 when none waits.",
	}, func() float64 {
		if t := in.tries.oldest(); !t.IsZero() {
			return time.Since(t).Seconds()
		}
		return 0
	}))
}

// setAsideOdd moves the entries of in/ named like CSV files that are not
// (links, folders, hidden names) to failed/ with an error text, and logs
// each other non-CSV name once.
func (in *Intake) setAsideOdd(entries spool.InEntries) {
	for _, name := range entries.Odd {
		text := in.folder.OddText(name)
		if err := in.folder.SetAside("in", name, text, in.now()); err != nil {
			in.log.Error("odd entry in in/ not set aside; retrying at the next scan", "file", name, "err", err)
			in.metrics.errors.Inc()
			continue
		}
		in.log.Warn("odd entry in in/ set aside in failed/", "file", name, "why", firstLine(text))
		in.metrics.files.WithLabelValues("failed").Inc()
	}
	if in.ignored == nil {
		in.ignored = map[string]bool{}
	}
	seen := map[string]bool{}
	for _, name := range entries.Ignored {
		seen[name] = true
		if !in.ignored[name] {
			in.log.Warn("file in in/ is not named *.csv and is not taken; rename it NAME.csv to have it processed", "file", name)
		}
	}
	in.ignored = seen
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
