package main

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/workload"
)

// BenchmarkOneBigFile runs the real binary on one CSV file of N documents
// (TURNKEYD_BENCH_ROWS, default 100,000; one row each, all accepted) and
// reports the daemon's peak RSS (VmHWM from /proc/PID/status) and the time
// from the drop to the answer with every XML file in SRC. Issue 8 §2's
// goal: under 150 MB for 1,000,000 rows. Run it once per invocation:
//
//	TURNKEYD_BENCH_ROWS=100000 go test ./cmd/turnkeyd -run '^$' -bench OneBigFile -benchtime 1x
func BenchmarkOneBigFile(b *testing.B) {
	n := envInt(b, "TURNKEYD_BENCH_ROWS", 100000)
	bin := buildDaemon(b, false)
	for b.Loop() {
		b.StopTimer()
		opt := workload.Realistic(uint64(time.Now().UnixNano()), "BG", n)
		opt.Rejected, opt.Duplicate = 0, 0
		opt.MultiLine = 0 // one row per document: rows = documents
		opt.Sizes = func(*rand.Rand) int { return n }
		files := workload.Generate(opt)
		size := 0
		for _, f := range files {
			size += len(f.Data)
		}
		s := newSite(b, bin, benchTracks, "0s")
		b.StartTimer()
		run := runEndToEnd(b, s, files, false)
		b.StopTimer()
		b.ReportMetric(float64(run.peakRSS)/(1<<20), "peak-RSS-MB")
		b.ReportMetric(run.elapsed.Seconds(), "s")
		b.Logf("%d documents in %d file(s) of %.1f MB: peak RSS %.1f MB, %s from the drop to the last XML file (%.0f docs/s)",
			workload.Count(files), len(files), float64(size)/(1<<20), float64(run.peakRSS)/(1<<20), run.elapsed.Round(time.Millisecond), run.docsPerSec)
		b.StartTimer()
	}
}
