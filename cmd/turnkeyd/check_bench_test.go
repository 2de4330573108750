package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkCheck times `turnkeyd check -q` against xmllint on the same F0401
// files (TURNKEYD_BENCH_CHECK_FILES, default 10,000), both run alternately
// in the same benchmark, best of three each:
//
//	go test ./cmd/turnkeyd -run '^$' -bench Check -benchtime 1x
//
// The files are what the daemon writes: the real binary renders the
// workload of BenchmarkEndToEnd into SRC, and they are gathered into one
// folder. turnkeyd checks them with the business rules on; xmllint is given
// the MOF schema (../shared/xsd/4.1/F0401.xsd) and every file in one call,
// and checks the schema only.
//
// TURNKEYD_BENCH_CHECK_DIR names a folder to keep the files in: when it
// holds *.xml files they are checked as they are (no daemon run), so that
// repeated runs, or a profile, see the same files.
//
// Metrics:
//
//	check-ms    wall time of `turnkeyd check -q DIR`
//	xmllint-ms  wall time of `xmllint --noout --schema F0401.xsd FILE...`
//	speed-x     xmllint-ms / check-ms (the goal: ≥ 1.5)
func BenchmarkCheck(b *testing.B) {
	n := envInt(b, "TURNKEYD_BENCH_CHECK_FILES", 10000)
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("TURNKEYD_CI") != "" {
			b.Fatalf("xmllint is required in CI: %v", err)
		}
		b.Skipf("no xmllint (Debian package libxml2-utils): %v", err)
	}
	xsd, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "xsd", "4.1", "F0401.xsd"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(xsd); err != nil {
		b.Fatalf("the MOF schema beside the project: %v", err)
	}
	bin := buildDaemon(b, false)
	dir, names := os.Getenv("TURNKEYD_BENCH_CHECK_DIR"), []string(nil)
	if dir != "" {
		names, _ = filepath.Glob(filepath.Join(dir, "*.xml"))
		for i, p := range names {
			names[i] = filepath.Base(p)
		}
	}
	if len(names) == 0 {
		dir, names = checkFiles(b, bin, n, dir)
	}
	for b.Loop() {
		b.StopTimer()
		ours, theirs := time.Duration(1<<62), time.Duration(1<<62)
		var oursCPU, theirsCPU time.Duration // of the fastest run
		for range 3 {
			if wall, cpu := runTimed(b, dir, bin, "check", "-q", "."); wall < ours {
				ours, oursCPU = wall, cpu
			}
			if wall, cpu := runTimed(b, dir, xmllint, append([]string{"--noout", "--schema", xsd}, names...)...); wall < theirs {
				theirs, theirsCPU = wall, cpu
			}
		}
		b.ReportMetric(float64(ours.Milliseconds()), "check-ms")
		b.ReportMetric(float64(theirs.Milliseconds()), "xmllint-ms")
		b.ReportMetric(theirs.Seconds()/ours.Seconds(), "speed-x")
		printTable(fmt.Sprintf("BenchmarkCheck: %d F0401 files, wall time, best of 3 each (load average %s)", len(names), loadAverage()),
			fmt.Sprintf("%-36s %10s %8s %12s\n%-36s %10s %8s %12s\n%-36s %10s %7.2fx %12s\n", "", "wall", "speed", "CPU (u+s)",
				"xmllint --schema F0401.xsd", theirs.Round(time.Millisecond), "1.00x", theirsCPU.Round(time.Millisecond),
				"turnkeyd check -q (schema + rules)", ours.Round(time.Millisecond), theirs.Seconds()/ours.Seconds(), oursCPU.Round(time.Millisecond)))
		b.StartTimer()
	}
}

// checkFiles has the daemon render n documents and moves its XML files into
// dir (a new temporary folder when ""); it returns the folder and the
// files' names in it.
func checkFiles(b *testing.B, bin string, n int, dir string) (string, []string) {
	b.Helper()
	s := newSite(b, bin, benchTracks, "0s")
	runEndToEnd(b, s, benchFiles(n), false)
	if dir == "" {
		dir = b.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, src := range s.srcDirs(b) {
		entries, err := os.ReadDir(src)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range entries {
			if filepath.Ext(e.Name()) != ".xml" {
				continue
			}
			if err := os.Rename(filepath.Join(src, e.Name()), filepath.Join(dir, e.Name())); err != nil {
				b.Fatal(err)
			}
			names = append(names, e.Name())
		}
	}
	if len(names) != n {
		b.Fatalf("the daemon wrote %d XML files, want %d", len(names), n)
	}
	slices.Sort(names)
	return dir, names
}

// timeCmd runs a command in dir, which must succeed, and returns its wall
// time.
func timeCmd(b *testing.B, dir, name string, args ...string) time.Duration {
	b.Helper()
	wall, _ := runTimed(b, dir, name, args...)
	return wall
}

// runTimed runs a command in dir, which must succeed, and returns its wall
// time and its CPU time (user and system).
func runTimed(b *testing.B, dir, name string, args ...string) (time.Duration, time.Duration) {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		tail := out.Bytes()[max(0, out.Len()-2000):]
		b.Fatalf("%s: %v\n%s", filepath.Base(name), err, tail)
	}
	return took, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}
