package turnkey

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
)

// File is one message file for Turnkey: Data written as Dir/Name, where Dir
// is an upload folder (…/<MSG>/SRC).
type File struct {
	Dir  string
	Name string
	Data []byte
}

// Target is where message files are handed to Turnkey. Every
// implementation is atomic (a file appears complete under its final name or
// not at all) and durable once Put returns.
type Target interface {
	// Put hands files over. On error some files may have been placed,
	// each complete; Put may be called again with the same files.
	Put(ctx context.Context, files []File) error
	// Handed returns the names of the files already handed over in dir
	// that may have been handed at or after since: those still in dir and
	// those Turnkey moved to the message's BAK or ERR folder since then.
	// Recovery uses it, one listing per folder, so that a file is never
	// uploaded twice.
	Handed(ctx context.Context, dir string, since time.Time) (map[string]bool, error)
	// Clean removes what an earlier run cut short left behind in the
	// target's own staging area. It is called once, before recovery.
	Clean(ctx context.Context) error
	// Ready reports whether the target can take files now.
	Ready(ctx context.Context) error
}

var _ Target = (*LocalTarget)(nil)

// LocalTarget puts files into Turnkey's folders on a local (or mounted)
// file system, staged in a folder beside them on the same file system.
type LocalTarget struct {
	root    string // Turnkey's work folder
	staging string
}

// NewLocalTarget returns a target for Turnkey's work folder root. Files are
// staged in root/.turnkeyd-staging, on the same file system as the upload
// folders, so the final rename is atomic.
func NewLocalTarget(root string) *LocalTarget {
	return &LocalTarget{root: root, staging: filepath.Join(root, ".turnkeyd-staging")}
}

// Put writes, fsyncs and renames every file into place and syncs each
// folder once. Missing upload folders are created (and their parents
// synced). A different file already under a name is never replaced: Put
// fails with an error matching fs.ErrExist; the same file is left as it is.
func (t *LocalTarget) Put(ctx context.Context, files []File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	made := map[string]bool{}
	batch := make([]atomicfile.File, len(files))
	for i, f := range files {
		if !made[f.Dir] {
			// A folder created now (first use, or SRC deleted under us) is
			// made durable with its parent before files are renamed into it.
			if err := atomicfile.MkdirAllSynced(f.Dir); err != nil {
				return fmt.Errorf("upload folder: %w", err)
			}
			made[f.Dir] = true
		}
		// A file of that name in Turnkey's hands is never replaced.
		batch[i] = atomicfile.File{Dir: f.Dir, Name: f.Name, Data: f.Data, Exclusive: true}
	}
	return atomicfile.WriteAll(t.staging, batch)
}

// Handed lists dir and the BAK and ERR folders beside it
// (<MSG>/BAK/<yyyyMMdd>/<HH-HH>/name and the same under ERR), from the day
// before since onwards.
func (t *LocalTarget) Handed(ctx context.Context, dir string, since time.Time) (map[string]bool, error) {
	return handed(ctx, localFS{}, dir, since)
}

// handed is Handed on any file system.
func handed(ctx context.Context, l lister, dir string, since time.Time) (map[string]bool, error) {
	names, err := waiting(ctx, l, dir)
	if err != nil {
		return nil, err
	}
	moved, err := moved(ctx, l, dir, since)
	if err != nil {
		return nil, err
	}
	for name := range moved {
		names[name] = true
	}
	return names, nil
}

// Clean removes the temporary files a killed run left in the staging
// folder. Nothing there was ever visible to Turnkey: a staged file becomes
// a message only by its rename into SRC, and the documents they were for
// are still unwritten in the ledger, so recovery writes them again.
func (t *LocalTarget) Clean(context.Context) error {
	_, err := atomicfile.RemoveTemps(t.staging)
	return err
}

// Ready checks that Turnkey's work folder exists and is a folder.
func (t *LocalTarget) Ready(context.Context) error {
	st, err := os.Stat(t.root)
	if err != nil {
		return fmt.Errorf("turnkey.dir %s: %w: is Turnkey installed there?", t.root, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("turnkey.dir %s is not a folder", t.root)
	}
	return nil
}

// Instrumented measures any Target alike: files and bytes put, errors and
// the time a Put takes, labelled by transport.
type Instrumented struct {
	Target
	transport string
	files     *prometheus.CounterVec
	bytes     *prometheus.CounterVec
	errors    *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	lastOK    *prometheus.GaugeVec
}

// Instrument wraps t with metrics registered in reg.
func Instrument(t Target, transport string, reg prometheus.Registerer) *Instrumented {
	labels := []string{"transport"}
	in := &Instrumented{
		Target:    t,
		transport: transport,
		files: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_files_written_total", Help: "Message files handed to Turnkey's upload folders.",
		}, labels),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_written_bytes_total", Help: "Bytes of message files handed to Turnkey.",
		}, labels),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_upload_errors_total",
			Help: "Failed attempts to hand files to Turnkey (they are retried), by cause: link (host unreachable, dropped or stalled), host_key, auth, permission, other.",
		}, []string{"transport", "cause"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "turnkeyd_turnkey_put_duration_seconds", Help: "Time to hand one batch of files to Turnkey durably.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 8),
		}, labels),
		lastOK: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "turnkeyd_turnkey_last_put_success_timestamp_seconds", Help: "When files were last handed to Turnkey successfully.",
		}, labels),
	}
	reg.MustRegister(in.files, in.bytes, in.errors, in.duration, in.lastOK)
	// Counters exist from the start at 0: a dashboard shows "no errors"
	// rather than no data, and increase() sees the first one.
	for _, c := range []*prometheus.CounterVec{in.files, in.bytes} {
		c.WithLabelValues(transport)
	}
	for _, cause := range causes {
		in.errors.WithLabelValues(transport, cause)
	}
	registerLinkMetrics(t, transport, reg)
	return in
}

// Put measures the wrapped Put.
func (in *Instrumented) Put(ctx context.Context, files []File) error {
	start := time.Now()
	err := in.Target.Put(ctx, files)
	in.duration.WithLabelValues(in.transport).Observe(time.Since(start).Seconds())
	if err != nil {
		in.errors.WithLabelValues(in.transport, Cause(err)).Inc()
		return err
	}
	n := 0
	for _, f := range files {
		n += len(f.Data)
	}
	in.files.WithLabelValues(in.transport).Add(float64(len(files)))
	in.bytes.WithLabelValues(in.transport).Add(float64(n))
	in.lastOK.WithLabelValues(in.transport).SetToCurrentTime()
	return nil
}
