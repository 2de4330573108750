package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/workload"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// The crash test's size. Environment variables change it:
//
//	TURNKEYD_CRASH_DOCS   documents (default 20000; 2000 with -short)
//	TURNKEYD_CRASH_KILLS  SIGKILLs (default 12; 3 with -short)
//	TURNKEYD_CRASH_SEED   the seed of files, kill moments and drops
//	TURNKEYD_CRASH_RACE   1: build the daemon with -race as well (slow)
const (
	crashSeller     = "04595252"
	crashSellerName = "當機測試股份有限公司"
)

// crashTracks are the seller's tracks: a small one that runs out during the
// test, so that numbering moves on to the next track, and a large one.
var crashTracks = []workload.Track{{Letters: "AA", Begin: 0, End: 2999}, {Letters: "AB", Begin: 1000, End: 999999}}

// TestCrashSafety runs the real binary on a spool of 20,000 documents, kills
// it with SIGKILL at random moments and at moments chosen to hit the middle
// of work (a file claimed, the ledger's WAL growing, XML files being staged,
// XML files being renamed into SRC), restarts it each time, stops it twice
// gracefully while busy (SIGTERM, SIGINT), and finally checks that:
//
//   - every CSV document has exactly one outcome in the result files, the
//     one the workload expects (accepted, duplicate, rejected);
//   - every accepted number is in exactly one XML file in SRC, with the
//     result file's random number and the document's buyer; no number is
//     used twice; no other file is in SRC;
//   - a duplicate repeats its original's number and random number;
//   - the used numbers of each track are begin..begin+n-1;
//   - the ledger passes Verify;
//   - every file seen in SRC at any pause is complete, valid MIG (turnkeyd's
//     validator, and the official XSDs through mig-oracle);
//   - in/ and work/ are empty, nothing failed, no temporary file is left in
//     SRC, and SIGTERM ends the idle daemon at once with exit code 0.
func TestCrashSafety(t *testing.T) {
	docs, kills := envInt(t, "TURNKEYD_CRASH_DOCS", 20000), envInt(t, "TURNKEYD_CRASH_KILLS", 12)
	if testing.Short() {
		docs, kills = envInt(t, "TURNKEYD_CRASH_DOCS", 2000), envInt(t, "TURNKEYD_CRASH_KILLS", 3)
	}
	crashRun(t, crashPlan{docs: docs, kills: kills})
}

// crashPlan is one crash test: its size and, for a variant, a change to the
// site before the first start and something done during run i (after its
// start and drop, before its kill).
type crashPlan struct {
	docs, kills int
	setup       func(s *site)
	during      func(s *site, i int, p *proc)
}

func crashRun(t *testing.T, plan crashPlan) {
	docs, kills := plan.docs, plan.kills
	seed := uint64(envInt(t, "TURNKEYD_CRASH_SEED", int(time.Now().UnixNano()%1e9)))
	t.Logf("seed %d (TURNKEYD_CRASH_SEED=%d reproduces the files and kill moments)", seed, seed)
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, 2))
	oracle := oracleOrSkip(t)

	bin := buildDaemon(t, os.Getenv("TURNKEYD_CRASH_RACE") == "1")
	s := newSite(t, bin, crashTracks, "0s")
	if plan.setup != nil {
		plan.setup(s)
	}
	opt := workload.Realistic(seed, "CR", docs)
	// From a handful of documents to 1,200 (at 20,000 documents; scaled
	// with the size, so that any run has 40-60 files).
	scale := float64(docs) / 20000
	opt.Sizes = func(r *rand.Rand) int {
		switch x := r.IntN(10); {
		case x < 2:
			return 5 + r.IntN(60)
		case x < 9:
			return int(scale * float64(150+r.IntN(450)))
		default:
			return int(scale * float64(800+r.IntN(400)))
		}
	}
	files := workload.Generate(opt)
	t.Logf("workload: %d documents in %d files (generated in %s)", workload.Count(files), len(files), time.Since(start).Round(time.Millisecond))

	sampler := newSRCSampler(t, s, oracle)
	dropped := 0
	drop := func(n int) {
		for ; n > 0 && dropped < len(files); n-- {
			if _, err := workload.Drop(s.in, files[dropped]); err != nil {
				t.Fatal(err)
			}
			dropped++
		}
	}
	drop(len(files) * 2 / 5)

	// The kill moments, shuffled; the graceful stops come in between.
	kinds := make([]killKind, kills)
	for i := range kinds {
		kinds[i] = killKind(i) % numKillKinds
	}
	rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	graceful := map[int]syscall.Signal{kills / 3: syscall.SIGTERM, 2 * kills / 3: syscall.SIGINT}
	var hits, idle, stops int
	kindCount := map[string]int{}
	for i, kind := range kinds {
		p := s.start(t)
		// Files dropped while the daemon runs: a share of what is left.
		drop((len(files) - dropped) / (kills - i + 1))
		if sig, ok := graceful[i]; ok {
			// Signals are caught once the daemon says where to drop files.
			if !s.waitFor(10*time.Second, func() bool { return p.logged("drop CSV files into") }) {
				t.Fatalf("the daemon did not start:\n%s", p.tail())
			}
			busy := s.waitFor(5*time.Second, func() bool { return s.count(s.work) > 0 })
			took := p.stop(t, sig, drainGraceLimit)
			if n := s.count(s.work); n != 0 {
				t.Fatalf("%v: the daemon exited 0 after %s but left %d files in work/", sig, took, n)
			}
			stops++
			t.Logf("stop %d: %v while %s, exited 0 after %s with work/ empty", i, sig,
				map[bool]string{true: "a file was in work/", false: "idle"}[busy], took.Round(time.Millisecond))
			sampler.sample()
			p = s.start(t)
		}
		if plan.during != nil {
			plan.during(s, i, p)
		}
		began := time.Now()
		hit := s.killWhen(t, p, kind, rng)
		t.Logf("kill %d (%s): %s after the start, %s, %d/%d files dropped, %d answered",
			i+1, kind, time.Since(began).Round(time.Millisecond), map[bool]string{true: "busy", false: "idle"}[hit], dropped, len(files), s.answered(files))
		kindCount[kind.String()]++
		if hit {
			hits++
		} else {
			idle++
		}
		sampler.sample()
	}

	// The last run: drop the rest and let it finish.
	p := s.start(t)
	drop(len(files))
	finish := time.Now()
	s.waitDone(t, p, files, 4*time.Minute)
	took := p.stop(t, syscall.SIGTERM, 5*time.Second)
	t.Logf("finished %s after the last start; idle SIGTERM: exit 0 after %s", time.Since(finish).Round(time.Millisecond), took.Round(time.Millisecond))
	sampler.sample()
	waited := time.Now()
	oracleFiles := sampler.finish()
	t.Logf("waited %s for mig-oracle", time.Since(waited).Round(time.Millisecond))
	checked := time.Now()

	results := checkResults(t, s, files)
	checkSRC(t, s, results, sampler.invoices)
	checkLedger(t, s, results)
	checkLeftovers(t, s)
	checkLogs(t, s)
	t.Logf("final checks took %s", time.Since(checked).Round(time.Millisecond))
	t.Logf("summary: %d documents (%d accepted, %d duplicate, %d rejected) in %d files; %d SIGKILLs (%v; %d during work, %d idle), %d graceful stops while busy, %d starts; %d XML files checked by mig-oracle; %s in all",
		workload.Count(files), results.counts[workload.Accepted], results.counts[workload.Duplicate], results.counts[workload.Rejected],
		len(files), kills, kindCount, hits, idle, stops, s.starts, oracleFiles, time.Since(start).Round(time.Second))
}

// drainGraceLimit bounds a graceful stop while busy: the daemon's drain
// grace (30 s) and some.
const drainGraceLimit = 40 * time.Second

func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q is not a count", name, v)
	}
	return n
}

// raceEnabled reports whether this test binary was built with -race.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// buildDaemon builds turnkeyd into a temp folder, with -race if asked.
func buildDaemon(t testing.TB, race bool) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "turnkeyd")
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// oracleOrSkip returns the path of mig-oracle, "" when it or xmllint is
// missing (the check is then skipped with a message), or fails under CI.
func oracleOrSkip(t testing.TB) string {
	t.Helper()
	const path = "../../../shared/bin/mig-oracle"
	missing := ""
	if _, err := os.Stat(path); err != nil {
		missing = path + " not found (it lives in ../shared beside the project)"
	} else if _, err := exec.LookPath("xmllint"); err != nil {
		missing = "xmllint not installed (apt-get install -y libxml2-utils)"
	}
	if missing == "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	if os.Getenv("TURNKEYD_CI") != "" {
		t.Fatalf("official-schema check: %s", missing)
	}
	t.Logf("SKIPPING the official-schema check of SRC: %s", missing)
	return ""
}

// site is a turnkeyd installation in a temp folder: the configuration, the
// spool and a sandbox Turnkey folder.
type site struct {
	bin, dir, config         string
	in, work, out, failed    string
	turnkey, staging, ledger string
	starts                   int
}

func runBin(t testing.TB, bin string, args ...string) {
	t.Helper()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("turnkeyd %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// newSite writes a configuration with `turnkeyd init` (HTTP off, the given
// spool.settle) and imports tracks with `turnkeyd tracks import`.
func newSite(t testing.TB, bin string, tracks []workload.Track, settle string) *site {
	t.Helper()
	dir := t.TempDir()
	runBin(t, bin, "init", "-dir", dir, "-seller-ban", crashSeller, "-seller-name", crashSellerName)
	s := &site{bin: bin, dir: dir, config: filepath.Join(dir, "turnkeyd.yaml")}
	cfg, err := os.ReadFile(s.config)
	if err != nil {
		t.Fatal(err)
	}
	for old, repl := range map[string]string{`listen: "127.0.0.1:9464"`: `listen: ""`, `listen: "127.0.0.1:9465"`: `listen: ""`,
		"settle: 10s": "settle: " + settle} {
		if !bytes.Contains(cfg, []byte(old)) {
			t.Fatalf("the configuration turnkeyd init writes has no %q", old)
		}
		cfg = bytes.Replace(cfg, []byte(old), []byte(repl), 1)
	}
	if err := os.WriteFile(s.config, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	trackFile := filepath.Join(dir, "tracks.csv")
	if err := os.WriteFile(trackFile, workload.TrackCSV(crashSeller, time.Now().In(taipei), tracks), 0o644); err != nil {
		t.Fatal(err)
	}
	runBin(t, bin, "tracks", "import", "-config", s.config, trackFile)
	spoolDir := filepath.Join(dir, "spool")
	s.in, s.work, s.out, s.failed = filepath.Join(spoolDir, "in"), filepath.Join(spoolDir, "work"), filepath.Join(spoolDir, "out"), filepath.Join(spoolDir, "failed")
	s.turnkey = filepath.Join(dir, "turnkey")
	s.staging = filepath.Join(s.turnkey, ".turnkeyd-staging")
	s.ledger = filepath.Join(dir, "ledger.db")
	return s
}

var taipei = time.FixedZone("CST", 8*3600)

// srcDirs lists the upload folders (…/<MSG>/SRC).
func (s *site) srcDirs(t testing.TB) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(s.turnkey, "UpCast", "*", "*", "SRC"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no upload folders under %s: %v", s.turnkey, err)
	}
	return dirs
}

// count returns the number of entries of dir (0 when it is missing).
func (s *site) count(dir string) int {
	f, err := os.Open(dir)
	if err != nil {
		return 0
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	return len(names)
}

// idle reports whether the daemon has ended or has nothing left to do:
// in/ and work/ are empty (a file stays in work/ until its XML files and
// its result are written).
func (s *site) idle(p *proc) bool {
	return p.exited() || s.count(s.in) == 0 && s.count(s.work) == 0
}

// names returns the names in dir (none when it is missing).
func (s *site) names(dir string) map[string]bool {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// subset reports whether every name of a is in b.
func subset(a, b map[string]bool) bool {
	for n := range a {
		if !b[n] {
			return false
		}
	}
	return true
}

// waitFor polls cond every millisecond until it holds or timeout passes.
func (s *site) waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond) // polling, bounded by the deadline
	}
	return true
}

// start runs `turnkeyd run`, its output in daemon-N.log.
func (s *site) start(t testing.TB) *proc {
	t.Helper()
	s.starts++
	return startProc(t, "the daemon", filepath.Join(s.dir, fmt.Sprintf("daemon-%02d.log", s.starts)),
		s.bin, "run", "-config", s.config)
}

// killKind is how a kill moment is chosen.
type killKind int

const (
	killRandom  killKind = iota // a random delay after the start, 50 ms to 3 s
	killClaimed                 // a file is newly claimed (in work/)
	killWAL                     // the ledger's WAL has grown: a transaction writes or commits
	killStaging                 // XML files are being written and fsynced in the staging folder
	killRenamed                 // XML files are being renamed into an upload folder
	numKillKinds
)

func (k killKind) String() string {
	return [...]string{"random", "claimed", "wal", "staging", "renamed"}[k]
}

// killWhen waits for the moment kind says (at most 30 s) and kills the
// daemon. It reports whether the kill landed in work: a file in work/.
func (s *site) killWhen(t testing.TB, p *proc, kind killKind, rng *rand.Rand) bool {
	t.Helper()
	const limit = 30 * time.Second
	size := func(path string) int64 {
		st, err := os.Stat(path)
		if err != nil {
			return -1
		}
		return st.Size()
	}
	mtimes := func() string {
		var b strings.Builder
		for _, d := range s.srcDirs(t) {
			if st, err := os.Stat(d); err == nil {
				b.WriteString(st.ModTime().String())
			}
		}
		return b.String()
	}
	switch kind {
	case killRandom:
		d := time.Duration(50+rng.IntN(2950)) * time.Millisecond
		s.waitFor(d, func() bool { return p.exited() })
	case killClaimed:
		// A new claim, not a file left in work/ by the last kill.
		before := s.names(s.work)
		s.waitFor(limit, func() bool { return !subset(s.names(s.work), before) || s.idle(p) })
		delay := time.Duration(rng.IntN(30)) * time.Millisecond
		s.waitFor(delay, func() bool { return p.exited() })
	case killWAL:
		// Past the start's own checkpoint: wait for work, then for a change.
		s.waitFor(limit, func() bool { return s.count(s.work) > 0 || s.idle(p) })
		wal := s.ledger + "-wal"
		before := size(wal)
		s.waitFor(limit, func() bool { return size(wal) != before || s.idle(p) })
	case killStaging:
		// New temporary files, not those an earlier kill left.
		before := s.names(s.staging)
		s.waitFor(limit, func() bool { return !subset(s.names(s.staging), before) || s.idle(p) })
	case killRenamed:
		s.waitFor(limit, func() bool { return s.count(s.work) > 0 || s.idle(p) })
		before := mtimes()
		s.waitFor(limit, func() bool { return mtimes() != before || s.idle(p) })
	}
	busy := s.count(s.work) > 0
	p.kill(t)
	return busy
}

// waitDone waits until every file is answered and in/ and work/ are empty.
func (s *site) waitDone(t testing.TB, p *proc, files []workload.File, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if p.exited() {
			t.Fatalf("the daemon ended by itself (%v):\n%s", p.err, p.tail())
		}
		if s.count(s.in) == 0 && s.count(s.work) == 0 && s.answered(files) == len(files) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done after %s: %d in in/, %d in work/, %d results for %d files:\n%s",
				limit, s.count(s.in), s.count(s.work), s.answered(files), len(files), p.tail())
		}
		time.Sleep(20 * time.Millisecond) // polling, bounded by the deadline
	}
}

// answered returns how many of files have their result file in out/.
func (s *site) answered(files []workload.File) int {
	n := 0
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(s.out, f.Name+".result.csv")); err == nil {
			n++
		}
	}
	return n
}

// srcSampler checks every file that appears in SRC while the daemon is
// stopped: a final name, complete XML, valid MIG by turnkeyd's validator.
// It hard-links the files into batches for mig-oracle, which runs in the
// background on each batch folder (the files never change once in SRC).
type srcSampler struct {
	t         testing.TB
	s         *site
	validator *mig.Validator
	oracle    string
	seen      map[string]bool         // path → checked
	invoices  map[string]*mig.Invoice // path → the invoice it holds
	shards    int
	slots     chan struct{} // one per core: mig-oracle runs at once
	wg        sync.WaitGroup
	mu        sync.Mutex
	failures  []string
	checked   int
}

func newSRCSampler(t testing.TB, s *site, oracle string) *srcSampler {
	v, err := mig.DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	return &srcSampler{t: t, s: s, validator: v, oracle: oracle, seen: map[string]bool{}, invoices: map[string]*mig.Invoice{}, slots: make(chan struct{}, runtime.NumCPU())}
}

// oracleShard is how many files one mig-oracle run checks; shards run on
// every core in the background.
const oracleShard = 500

// sample checks the files that appeared in SRC since the last sample.
func (ss *srcSampler) sample() {
	t := ss.t
	t.Helper()
	var shard string
	inShard := 0
	for _, dir := range ss.s.srcDirs(t) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			if ss.seen[path] {
				continue
			}
			ss.seen[path] = true
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".xml") {
				t.Fatalf("%s in an upload folder: only final .xml files may appear there", path)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := completeXML(data)
			if err != nil {
				t.Fatalf("%s is not complete XML: %v", path, err)
			}
			inv, ok := doc.(*mig.Invoice)
			if !ok {
				t.Fatalf("%s is a %T, want an invoice", path, doc)
			}
			ss.invoices[path] = inv
			if _, vs, err := ss.validator.Check(data); err != nil || len(vs) > 0 {
				t.Fatalf("%s is not valid MIG: %v %v", path, err, vs)
			}
			ss.checked++
			if ss.oracle == "" {
				continue
			}
			if inShard == 0 {
				shard = filepath.Join(ss.s.dir, "oracle", strconv.Itoa(ss.shards))
				ss.shards++
				if err := os.MkdirAll(shard, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			// A hard link: the very file in SRC, which never changes once there.
			if err := os.Link(path, filepath.Join(shard, e.Name())); err != nil {
				t.Fatal(err)
			}
			if inShard++; inShard == oracleShard {
				ss.runOracle(shard)
				inShard = 0
			}
		}
	}
	if inShard > 0 {
		ss.runOracle(shard)
	}
}

// runOracle runs mig-oracle on a shard folder in the background.
func (ss *srcSampler) runOracle(dir string) {
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		ss.slots <- struct{}{}
		defer func() { <-ss.slots }()
		out, err := exec.Command(ss.oracle, "-q", dir).CombinedOutput()
		if err != nil {
			ss.mu.Lock()
			ss.failures = append(ss.failures, fmt.Sprintf("mig-oracle %s: %v\n%s", dir, err, out))
			ss.mu.Unlock()
		}
	}()
}

// finish waits for mig-oracle and returns how many files it checked.
func (ss *srcSampler) finish() int {
	ss.t.Helper()
	ss.wg.Wait()
	for _, f := range ss.failures {
		ss.t.Error(f)
	}
	if ss.oracle == "" {
		return 0
	}
	return ss.checked
}

// completeXML reads data to its end as a MIG message: one root element,
// closed, with nothing but white space after it.
func completeXML(data []byte) (mig.Document, error) {
	doc, err := mig.Parse(data)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimRight(data, " \t\r\n")
	if !bytes.HasSuffix(trimmed, []byte(">")) {
		return nil, errors.New("does not end with a tag")
	}
	return doc, nil
}

// resultRow is one row of a result file.
type resultRow struct {
	line                                  int
	order, action, status, number, random string
	date, message                         string
}

// results are every result row, keyed by document.
type results struct {
	byDoc  map[*workload.Doc]resultRow
	counts map[string]int
}

// checkResults reads every result file and checks that each document has
// exactly one row with the expected outcome, and that duplicates repeat
// their original's number.
func checkResults(t testing.TB, s *site, files []workload.File) *results {
	t.Helper()
	res := &results{byDoc: map[*workload.Doc]resultRow{}, counts: map[string]int{}}
	byNumber := map[string]*workload.Doc{}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(s.out, f.Name+".result.csv"))
		if err != nil {
			t.Fatalf("result of %s: %v", f.Name, err)
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(recs) == 0 {
			t.Fatalf("result of %s: %v", f.Name, err)
		}
		rows := recs[1:]
		if len(rows) != len(f.Docs) {
			t.Fatalf("%s: %d result rows for %d documents", f.Name, len(rows), len(f.Docs))
		}
		for i, rec := range rows {
			d := f.Docs[i]
			line, _ := strconv.Atoi(rec[0])
			r := resultRow{line: line, order: rec[1], action: rec[2], status: rec[3], number: rec[4], date: rec[5], random: rec[6], message: rec[7]}
			if r.line != d.Line || r.order != d.OrderID || r.action != "issue" {
				t.Fatalf("%s row %d: line %d order %s action %s, want line %d order %s issue", f.Name, i+1, r.line, r.order, r.action, d.Line, d.OrderID)
			}
			if r.status != d.Want {
				t.Errorf("%s line %d (%s): %s %s, want %s", f.Name, d.Line, d.OrderID, r.status, r.message, d.Want)
			}
			res.byDoc[d] = r
			res.counts[r.status]++
			if r.status != workload.Accepted {
				continue
			}
			if !regexp.MustCompile(`^[A-Z]{2}\d{8}$`).MatchString(r.number) || !regexp.MustCompile(`^\d{4}$`).MatchString(r.random) {
				t.Errorf("%s line %d: accepted with number %q, random number %q", f.Name, d.Line, r.number, r.random)
			}
			if prev := byNumber[r.number]; prev != nil {
				t.Errorf("number %s given to %s line %d and %s line %d", r.number, prev.File, prev.Line, f.Name, d.Line)
			}
			byNumber[r.number] = d
		}
	}
	for d, r := range res.byDoc {
		if d.Want != workload.Duplicate {
			continue
		}
		orig := res.byDoc[d.Original]
		if r.number != orig.number || r.random != orig.random || r.number == "" {
			t.Errorf("%s line %d repeats %s: number %s random %s, the original has %s %s",
				d.File, d.Line, d.OrderID, r.number, r.random, orig.number, orig.random)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return res
}

var xmlName = regexp.MustCompile(`^F0401_` + crashSeller + `_([A-Z]{2}\d{8})_(\d+)-(\d+)\.xml$`)

// checkSRC checks that the upload folders hold exactly one file per
// accepted document, carrying its number, random number, buyer and date.
// invoices are the files the sampler read (every file: the last sample came
// after the daemon stopped).
func checkSRC(t testing.TB, s *site, res *results, invoices map[string]*mig.Invoice) {
	t.Helper()
	files := map[string]string{} // number → path
	for _, dir := range s.srcDirs(t) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			m := xmlName.FindStringSubmatch(e.Name())
			if m == nil || filepath.Base(filepath.Dir(dir)) != "F0401" {
				t.Errorf("unexpected file %s", path)
				continue
			}
			if invoices[path] == nil {
				t.Fatalf("%s was not read by the sampler", path)
			}
			if prev, ok := files[m[1]]; ok {
				t.Errorf("number %s is in two files: %s and %s", m[1], prev, path)
			}
			files[m[1]] = path
		}
	}
	accepted := 0
	for d, r := range res.byDoc {
		if r.status != workload.Accepted {
			continue
		}
		accepted++
		path, ok := files[r.number]
		if !ok {
			t.Errorf("%s line %d: accepted as %s, but no XML file in SRC has it", d.File, d.Line, r.number)
			continue
		}
		if m := xmlName.FindStringSubmatch(filepath.Base(path)); m[3] != strconv.Itoa(d.Line) {
			t.Errorf("%s is named for line %s; %s is line %d of %s", path, m[3], r.number, d.Line, d.File)
		}
		inv := invoices[path]
		buyer := d.Buyer
		if buyer == "" {
			buyer = "0000000000"
		}
		if inv.Number != r.number || inv.RandomNumber != r.random || inv.Buyer.Identifier != buyer ||
			strings.ReplaceAll(r.date, "-", "") != string(inv.Date) {
			t.Errorf("%s: number %s random %s buyer %s date %s; the result file says %s %s %s %s for %s line %d",
				path, inv.Number, inv.RandomNumber, inv.Buyer.Identifier, inv.Date, r.number, r.random, buyer, r.date, d.File, d.Line)
		}
	}
	if len(files) != accepted {
		t.Errorf("%d files in SRC for %d accepted documents", len(files), accepted)
	}
}

// checkLedger runs the ledger's Verify and checks that the numbers used of
// each track are begin..begin+n-1, n being what the result files hold.
func checkLedger(t testing.TB, s *site, res *results) {
	t.Helper()
	ctx := context.Background()
	l, err := ledger.Open(ctx, s.ledger, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Verify(ctx); err != nil {
		t.Error(err)
	}
	usage, err := l.TrackUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Numbers by track: period and letters (letters repeat across periods).
	used := map[string][]int{}
	for _, r := range res.byDoc {
		if r.status != workload.Accepted {
			continue
		}
		period, err := ledger.PeriodOfDate(strings.ReplaceAll(r.date, "-", ""))
		if err != nil {
			t.Fatal(err)
		}
		letters, n, err := ledger.ParseNumber(r.number)
		if err != nil {
			t.Fatal(err)
		}
		used[period+letters] = append(used[period+letters], n)
	}
	total := 0
	for _, u := range usage {
		nums := used[u.Period+u.Letters]
		slices.Sort(nums)
		total += len(nums)
		if u.Used != len(nums) || u.Skipped != 0 || u.Next != u.Begin+len(nums) {
			t.Errorf("track %s: ledger says %d used, %d skipped, next %d; the result files hold %d numbers", u.Track, u.Used, u.Skipped, u.Next, len(nums))
		}
		for i, n := range nums {
			if n != u.Begin+i {
				t.Errorf("track %s: numbers used are not contiguous from its start: the %d-th is %s", u.Track, i+1, ledger.FormatNumber(u.Letters, n))
				break
			}
		}
		if len(nums) > 0 {
			t.Logf("track %s: %d numbers used, %s-%s", u.Track, len(nums), ledger.FormatNumber(u.Letters, nums[0]), ledger.FormatNumber(u.Letters, nums[len(nums)-1]))
		}
	}
	if total != res.counts[workload.Accepted] {
		t.Errorf("%d accepted numbers, %d in tracks", res.counts[workload.Accepted], total)
	}
}

// checkLeftovers checks that nothing is left behind: in/, work/ and failed/
// empty, no temporary file in an upload folder or in staging.
func checkLeftovers(t testing.TB, s *site) {
	t.Helper()
	for _, dir := range []string{s.in, s.work, s.failed} {
		if n := s.count(dir); n != 0 {
			t.Errorf("%s holds %d files, want none", dir, n)
		}
	}
	var stale []string
	err := filepath.WalkDir(s.turnkey, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
		case path == filepath.Join(s.turnkey, ".turnkeyd-ledger-id"): // the ledger's marker (docs/operations.md, Faults)
		case filepath.Dir(path) == s.staging:
			stale = append(stale, d.Name())
		case strings.HasPrefix(d.Name(), ".") || !strings.HasSuffix(d.Name(), ".xml"):
			t.Errorf("a temporary or foreign file is left in Turnkey's folders: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		msg := fmt.Sprintf("%d temporary files of batches cut short by a kill are left in %s (e.g. %s): nothing removes them after a restart",
			len(stale), s.staging, stale[0])
		if strictStaging {
			t.Error(msg)
		} else {
			t.Log("KNOWN DEFECT: " + msg)
		}
	}
}

// checkLogs fails on a panic or, with TURNKEYD_CRASH_RACE=1, a data race
// reported in any of the daemon's logs (a killed daemon has no exit code to
// tell them).
func checkLogs(t testing.TB, s *site) {
	t.Helper()
	logs, err := filepath.Glob(filepath.Join(s.dir, "daemon-*.log"))
	if err != nil || len(logs) != s.starts {
		t.Fatalf("%d daemon logs for %d starts: %v", len(logs), s.starts, err)
	}
	for _, path := range logs {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"WARNING: DATA RACE", "panic:", "fatal error:"} {
			if i := bytes.Index(data, []byte(bad)); i >= 0 {
				t.Errorf("%s reports %q:\n%s", path, bad, data[i:min(len(data), i+3000)])
			}
		}
	}
}

// strictStaging makes stale files in Turnkey's staging folder an error. They
// are harmless to Turnkey (it never reads staging) but pile up with every
// crash during a batch; set it once the daemon clears staging at start.
const strictStaging = true
