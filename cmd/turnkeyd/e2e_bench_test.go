package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/turnkeyd/turnkeyd/daemon"
	"github.com/turnkeyd/turnkeyd/internal/workload"
)

// BenchmarkEndToEnd runs the real binary on N documents (TURNKEYD_BENCH_DOCS,
// default 50,000) from CSV drop to durable XML in SRC and, in the same run,
// measures this machine's limit for dropping durable files of the same size
// into a folder of the same file system (droplimit_bench_test.go). Run it
// once per invocation:
//
//	go test ./cmd/turnkeyd -run '^$' -bench EndToEnd -benchtime 1x
//
// The workload: files of 500 documents (a third with 2-5 lines, a fifth to
// businesses, no rejections or repeats, so that every document is one XML
// file), all dropped at once (NAME.csv.tmp, then a rename into in/) into a
// daemon that is already running with spool.settle 0 (the files are renamed
// in, so there is nothing to wait for) and HTTP off.
//
// Metrics:
//
//	docs/s         documents from the first drop to the last XML file in SRC
//	p50-ms p99-ms  drop-to-file latency: from the rename of a document's CSV
//	               file into in/ to the moment its XML file appears under its
//	               final name in SRC (fsnotify; the rename follows the file's
//	               fsync, so a final name is a durable file)
//	peak-RSS-MB    VmHWM of the daemon at the end
//	limit-files/s  the drop limit: the best of one writer, 2, 4, 8 and 16
//	               writers (write, fsync, rename each file) and, on Linux,
//	               batches of 1,000 made durable by one syncfs; each way
//	               drops TURNKEYD_BENCH_LIMIT_FILES files (default 10,000,
//	               at most N) of the XML files' average size, half before
//	               and half after the daemon's run
//	ratio-%        docs/s as a share of limit-files/s (the goal: ≥ 90)
//	ratio1-%       docs/s as a share of one writer's files/s: the yardstick
//	               before 2026-12-04, kept to compare with older figures
//	sftp-docs/s    the same run with turnkey.dir on a real sshd on this machine
//	sftp-%         sftp-docs/s as a share of docs/s (the SFTP goal: ≥ 50)
//
// TURNKEYD_BENCH_INPROCESS=1 runs the daemon inside the test process instead
// (daemon.RunConfig), so that -cpuprofile and -memprofile cover it; its RSS
// is then the test process's.
func BenchmarkEndToEnd(b *testing.B) {
	n := envInt(b, "TURNKEYD_BENCH_DOCS", 50000)
	limitFiles := min(n, envInt(b, "TURNKEYD_BENCH_LIMIT_FILES", 10000))
	inProcess := os.Getenv("TURNKEYD_BENCH_INPROCESS") == "1"
	bin := buildDaemon(b, false)
	for b.Loop() {
		b.StopTimer()
		// A pilot of one file gives the XML size for the drop limit.
		pilot := runEndToEnd(b, newSite(b, bin, benchTracks, "0s"), benchFiles(500), false)
		s := newSite(b, bin, benchTracks, "0s")
		files := benchFiles(n)
		var run e2eRun
		limit := measureDropLimit(b, limitFiles, pilot.avgSize, func() {
			b.StartTimer()
			run = runEndToEnd(b, s, files, inProcess)
			b.StopTimer()
		})
		one := limit.runs[0].rate()
		remote := runEndToEnd(b, sftpSite(b, bin), benchFiles(n), false)
		reportSFTP(b, run, remote)
		b.ReportMetric(run.docsPerSec, "docs/s")
		b.ReportMetric(run.p50.Seconds()*1000, "p50-ms")
		b.ReportMetric(run.p99.Seconds()*1000, "p99-ms")
		b.ReportMetric(run.fileP50.Seconds()*1000, "file-ms")
		b.ReportMetric(float64(run.peakRSS)/(1<<20), "peak-RSS-MB")
		b.ReportMetric(limit.rate(), "limit-files/s")
		b.ReportMetric(100*run.docsPerSec/limit.rate(), "ratio-%")
		b.ReportMetric(100*run.docsPerSec/one, "ratio1-%")
		b.Logf("%d documents in %d files of 500, XML files of %d bytes on average (pilot: %d): %.0f docs/s in %s (first drop to last XML file; dropping took %s)",
			n, len(files), run.avgSize, pilot.avgSize, run.docsPerSec, run.elapsed.Round(time.Millisecond), run.dropping.Round(time.Millisecond))
		b.Logf("drop-to-file latency p50 %s p99 %s max %s; one 500-document file takes %s (median gap between files' last XML); peak RSS %.1f MB%s",
			run.p50.Round(time.Millisecond), run.p99.Round(time.Millisecond), run.max.Round(time.Millisecond), run.fileP50.Round(time.Millisecond),
			float64(run.peakRSS)/(1<<20), map[bool]string{true: " (the test process: in-process run)", false: ""}[inProcess])
		if run.user > 0 {
			b.Logf("daemon CPU time: %s user + %s system over %s (%.0f %% of one core)", run.user.Round(time.Millisecond), run.sys.Round(time.Millisecond),
				run.elapsed.Round(time.Millisecond), 100*(run.user+run.sys).Seconds()/run.elapsed.Seconds())
		}
		b.Logf("turnkeyd at %.0f %% of the drop limit (%.0f files/s, %s)", 100*run.docsPerSec/limit.rate(), limit.rate(), limit.ways[limit.best].name)
		printTable(fmt.Sprintf("BenchmarkEndToEnd: %d documents at %.0f docs/s against the drop limit (%d files of %d bytes per way, half before the run, half after; load average %s)",
			n, run.docsPerSec, limitFiles, pilot.avgSize, loadAverage()), limit.table(run.docsPerSec))
		b.StartTimer()
	}
}

// benchTracks is one track large enough for any benchmark.
var benchTracks = []workload.Track{{Letters: "BE", Begin: 0, End: 9999999}}

// benchFiles is the benchmark's workload: n documents in files of 500, every
// one accepted.
func benchFiles(n int) []workload.File { return benchFilesNamed("BE", n) }

// benchFilesNamed is benchFiles with another order and file name prefix,
// for a second workload into the same ledger.
func benchFilesNamed(prefix string, n int) []workload.File {
	opt := workload.Realistic(uint64(time.Now().UnixNano()), prefix, n)
	opt.Rejected, opt.Duplicate = 0, 0
	opt.Sizes = func(*rand.Rand) int { return 500 }
	return workload.Generate(opt)
}

// e2eRun is what one end-to-end run measured.
type e2eRun struct {
	docsPerSec         float64
	elapsed, dropping  time.Duration
	p50, p99, max      time.Duration
	fileP50            time.Duration // median time between the last XML files of consecutive CSV files
	peakRSS            int64         // bytes
	avgSize            int
	overflows, missing int
	user, sys          time.Duration // the daemon's CPU time (not in-process)
}

// runEndToEnd starts the daemon, drops every file at once, waits until every
// document's XML file is in SRC and every file is answered, and stops it.
func runEndToEnd(b *testing.B, s *site, files []workload.File, inProcess bool) e2eRun {
	b.Helper()
	seen := newSRCWatch(b, s.srcDirs(b))
	defer seen.close()

	var p *proc
	var stop func()
	if inProcess {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- daemon.RunConfig(ctx, s.config, os.Stderr) }()
		stop = func() {
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
	} else {
		p = s.start(b)
		if !s.waitFor(30*time.Second, func() bool { return p.logged("drop CSV files into") }) {
			b.Fatalf("the daemon did not start:\n%s", p.tail())
		}
		stop = func() { p.stop(b, syscall.SIGTERM, 10*time.Second) }
	}
	// Wait for the daemon's first (empty) scan to be over: a marker file.
	marker := workload.File{Name: "0000-ready.csv", Data: []byte("order_id\n")}
	if _, err := workload.Drop(s.in, marker); err != nil {
		b.Fatal(err)
	}
	if !s.waitFor(30*time.Second, func() bool { return s.answered([]workload.File{marker}) == 1 }) {
		b.Fatal("the daemon did not answer the marker file")
	}

	dropped := make(map[string]time.Time, len(files))
	first := time.Now()
	for _, f := range files {
		at, err := workload.Drop(s.in, f)
		if err != nil {
			b.Fatal(err)
		}
		dropped[f.Name] = at
	}
	droppedAll := time.Now()
	want := workload.Count(files)
	deadline := time.Now().Add(30 * time.Minute)
	for seen.count() < want || s.answered(files) < len(files) || s.count(s.in) > 0 || s.count(s.work) > 0 {
		if p != nil && p.exited() {
			b.Fatalf("the daemon ended by itself (%v):\n%s", p.err, p.tail())
		}
		if time.Now().After(deadline) {
			b.Fatalf("not done after 30 minutes: %d of %d XML files", seen.count(), want)
		}
		time.Sleep(50 * time.Millisecond) // polling, bounded by the deadline
	}
	run := e2eRun{dropping: droppedAll.Sub(first)}
	if p != nil {
		run.peakRSS = vmHWM(b, p.cmd.Process.Pid)
	} else {
		run.peakRSS = vmHWM(b, os.Getpid())
	}
	stop()
	if p != nil {
		run.user, run.sys = p.cmd.ProcessState.UserTime(), p.cmd.ProcessState.SystemTime()
	}
	times, overflows := seen.result(b)
	run.overflows = overflows

	// Map each XML file to its document through the result files.
	numberOf := map[string]string{} // "file:line" → number
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(s.out, f.Name+".result.csv"))
		if err != nil {
			b.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			b.Fatal(err)
		}
		for _, rec := range recs[1:] {
			if rec[3] != workload.Accepted {
				b.Fatalf("%s line %s: %s %s", f.Name, rec[0], rec[3], rec[7])
			}
			numberOf[f.Name+":"+rec[0]] = rec[4]
		}
	}
	fileOf := map[string]time.Time{} // number → when its XML appeared
	var last time.Time
	var size int64
	for path, at := range times {
		m := xmlName.FindStringSubmatch(filepath.Base(path))
		if m == nil {
			b.Fatalf("unexpected file %s", path)
		}
		fileOf[m[1]] = at
		if at.After(last) {
			last = at
		}
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size += st.Size()
	}
	run.avgSize = int(size / int64(len(times)))
	var lat, gaps []time.Duration
	var prevLast time.Time
	for i, f := range files {
		var fileLast time.Time
		for _, d := range f.Docs {
			at, ok := fileOf[numberOf[f.Name+":"+strconv.Itoa(d.Line)]]
			if !ok {
				b.Fatalf("%s line %d: no XML file seen", f.Name, d.Line)
			}
			lat = append(lat, at.Sub(dropped[f.Name]))
			if at.After(fileLast) {
				fileLast = at
			}
		}
		if i > 0 {
			gaps = append(gaps, fileLast.Sub(prevLast))
		}
		prevLast = fileLast
	}
	if len(gaps) > 0 {
		slices.Sort(gaps)
		run.fileP50 = gaps[len(gaps)/2]
	}
	slices.Sort(lat)
	run.p50, run.p99, run.max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	run.elapsed = last.Sub(first)
	run.docsPerSec = float64(len(lat)) / run.elapsed.Seconds()
	if overflows > 0 {
		b.Logf("fsnotify overflowed %d times: the files it missed were timed by the next listing (later than they appeared)", overflows)
	}
	return run
}

// srcWatch records when each file first appears under its final name in
// the upload folders: fsnotify events, and a listing after an overflow.
type srcWatch struct {
	w         *fsnotify.Watcher
	dirs      []string
	mu        sync.Mutex
	times     map[string]time.Time
	overflows int
	done      chan struct{}
}

func newSRCWatch(b *testing.B, dirs []string) *srcWatch {
	b.Helper()
	w, err := fsnotify.NewBufferedWatcher(1 << 16)
	if err != nil {
		b.Fatal(err)
	}
	sw := &srcWatch{w: w, dirs: dirs, times: map[string]time.Time{}, done: make(chan struct{})}
	for _, d := range dirs {
		if err := w.Add(d); err != nil {
			b.Fatal(err)
		}
	}
	go sw.loop()
	return sw
}

func (sw *srcWatch) loop() {
	defer close(sw.done)
	for {
		select {
		case ev, ok := <-sw.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) && !strings.HasPrefix(filepath.Base(ev.Name), ".") {
				at := time.Now()
				sw.mu.Lock()
				if _, ok := sw.times[ev.Name]; !ok {
					sw.times[ev.Name] = at
				}
				sw.mu.Unlock()
			}
		case err, ok := <-sw.w.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				sw.mu.Lock()
				sw.overflows++
				sw.mu.Unlock()
				sw.list()
			}
		}
	}
}

// list records every file of the folders not seen yet, at the time now.
func (sw *srcWatch) list() {
	now := time.Now()
	for _, d := range sw.dirs {
		entries, _ := os.ReadDir(d)
		sw.mu.Lock()
		for _, e := range entries {
			p := filepath.Join(d, e.Name())
			if _, ok := sw.times[p]; !ok && !strings.HasPrefix(e.Name(), ".") {
				sw.times[p] = now
			}
		}
		sw.mu.Unlock()
	}
}

func (sw *srcWatch) count() int {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	return len(sw.times)
}

// result returns the times and the overflows, after a last listing that
// must find nothing new.
func (sw *srcWatch) result(b *testing.B) (map[string]time.Time, int) {
	b.Helper()
	before := sw.count()
	sw.list()
	if after := sw.count(); after != before {
		b.Fatalf("%d files in SRC were not seen by fsnotify", after-before)
	}
	sw.mu.Lock()
	defer sw.mu.Unlock()
	return maps.Clone(sw.times), sw.overflows
}

func (sw *srcWatch) close() {
	sw.w.Close()
	<-sw.done
}

// vmHWM returns the peak resident set size of process pid.
func vmHWM(b *testing.B, pid int) int64 {
	b.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Logf("peak RSS unknown: %v", err)
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Logf("peak RSS unknown: no VmHWM in /proc/%d/status", pid)
	return 0
}
