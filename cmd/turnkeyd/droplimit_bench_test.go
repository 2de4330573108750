package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
)

// The yardstick of the end-to-end benchmark: the physical limit of dropping
// durable files into a folder of the file system the daemon's folders are
// on, the best of several ways to write them. Every way leaves each file
// complete and fsynced under its final name, with its folder fsynced,
// before it counts (the durability turnkeyd gives its XML files).

// dropWay is one way to drop files: it writes n files of data into dir and
// returns when all are durable.
type dropWay struct {
	name  string
	write func(dir string, n int, data []byte) error
}

// dropWays are the ways measured: one writer (write, fsync, rename each
// file), N parallel writers doing the same, and, where the platform has
// syncfs, writing a batch of 1,000 files and then one syncfs, the renames
// and one folder fsync.
func dropWays() []dropWay {
	ways := []dropWay{{"1 writer", fsyncEach(1)}}
	for _, n := range []int{2, 4, 8, 16} {
		ways = append(ways, dropWay{strconv.Itoa(n) + " writers", fsyncEach(n)})
	}
	if syncfsBatch != nil {
		ways = append(ways, dropWay{"syncfs per 1,000", syncfsBatch})
	}
	return ways
}

// fsyncEach returns the way that has writers goroutines each write, fsync
// and rename a file at a time, and fsyncs the folder at the end.
func fsyncEach(writers int) func(dir string, n int, data []byte) error {
	return func(dir string, n int, data []byte) error {
		next := make(chan int)
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range next {
					if errs[w] != nil {
						continue // drain, so that the sender never blocks
					}
					tmp, final := dropNames(dir, i)
					if errs[w] = atomicfile.WriteSynced(tmp, data); errs[w] == nil {
						errs[w] = os.Rename(tmp, final)
					}
				}
			})
		}
		for i := range n {
			next <- i
		}
		close(next)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		return atomicfile.SyncDir(dir)
	}
}

// dropNames returns the temporary and the final name of file i.
func dropNames(dir string, i int) (string, string) {
	name := strconv.Itoa(i) + ".xml"
	return filepath.Join(dir, "."+name+".tmp"), filepath.Join(dir, name)
}

// dropRun is files dropped in a time.
type dropRun struct {
	files int
	took  time.Duration
}

func (r dropRun) add(o dropRun) dropRun { return dropRun{r.files + o.files, r.took + o.took} }
func (r dropRun) rate() float64         { return float64(r.files) / r.took.Seconds() }

// measureDrop drops n files of size bytes the given way into a new folder
// beside the benchmark's others.
func measureDrop(b *testing.B, way dropWay, n, size int) dropRun {
	b.Helper()
	dir := b.TempDir()
	data := bytes.Repeat([]byte("x"), size)
	start := time.Now()
	if err := way.write(dir, n, data); err != nil {
		b.Fatalf("drop limit, %s: %v", way.name, err)
	}
	return dropRun{n, time.Since(start)}
}

// dropLimit is the yardstick: every way's rate and the best.
type dropLimit struct {
	ways  []dropWay
	runs  []dropRun
	best  int // index into ways
	files int // per way
}

// measureDropLimit measures every way with n files of size bytes, half
// before and half after run (which may be nil), so that the ways and
// whatever run measures see the same disk: this machine's fsync cost
// drifts by 2x within minutes.
func measureDropLimit(b *testing.B, n, size int, run func()) dropLimit {
	b.Helper()
	l := dropLimit{ways: dropWays(), files: n}
	l.runs = make([]dropRun, len(l.ways))
	for i, w := range l.ways {
		l.runs[i] = measureDrop(b, w, n/2, size)
	}
	if run != nil {
		run()
	}
	for i := len(l.ways) - 1; i >= 0; i-- {
		l.runs[i] = l.runs[i].add(measureDrop(b, l.ways[i], n-n/2, size))
	}
	for i, r := range l.runs {
		if r.rate() > l.runs[l.best].rate() {
			l.best = i
		}
	}
	return l
}

func (l dropLimit) rate() float64 { return l.runs[l.best].rate() }

// table prints every way's files/s and what docsPerSec (0: none) is of it.
func (l dropLimit) table(docsPerSec float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s %12s %8s\n", "drop limit", "files/s", "turnkeyd")
	for i, w := range l.ways {
		mark := ""
		if i == l.best {
			mark = "  <- best"
		}
		ratio := "-"
		if docsPerSec > 0 {
			ratio = fmt.Sprintf("%.0f %%", 100*docsPerSec/l.runs[i].rate())
		}
		fmt.Fprintf(&b, "%-18s %12.0f %8s%s\n", w.name, l.runs[i].rate(), ratio, mark)
	}
	return b.String()
}

// BenchmarkDropLimit measures the yardstick alone (TURNKEYD_BENCH_DOCS
// files of 1,412 bytes per way, default 10,000):
//
//	go test ./cmd/turnkeyd -run '^$' -bench DropLimit -benchtime 1x
func BenchmarkDropLimit(b *testing.B) {
	n := envInt(b, "TURNKEYD_BENCH_DOCS", 10000)
	for b.Loop() {
		l := measureDropLimit(b, n, 1412, nil)
		for i, w := range l.ways {
			b.ReportMetric(l.runs[i].rate(), strings.ReplaceAll(strings.ReplaceAll(w.name, " ", "-"), ",", "")+"-files/s")
		}
		b.ReportMetric(l.rate(), "best-files/s")
		printTable(fmt.Sprintf("BenchmarkDropLimit: %d files of 1,412 bytes per way (load average %s)", n, loadAverage()), l.table(0))
	}
}

// loadAverage returns the machine's load averages (1, 5 and 15 minutes), for
// the log of a benchmark: other work on the machine moves every figure.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// printTable prints a benchmark's table to standard output: the testing
// package cuts a benchmark's log after 10 lines.
func printTable(title, table string) {
	fmt.Printf("\n%s\n%s\n", title, table)
}
