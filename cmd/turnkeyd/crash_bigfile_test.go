package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/workload"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// TestCrashBigFile drops one file of 5,000 documents (five batches of the
// intake's 1,000) and kills the daemon with SIGKILL three times while XML
// files of the file's batches are being handed to Turnkey, restarting it
// each time. At least two kills must land with the file partly taken in
// (the ledger holds it partial: some batches committed, not all); the file
// must then be answered with one outcome per document, no number twice,
// the numbers of each track contiguous from its start, one XML file per
// accepted number in SRC (valid, by mig-oracle too), and nothing left over.
func TestCrashBigFile(t *testing.T) {
	const docs, kills = 5000, 3
	seed := uint64(envInt(t, "TURNKEYD_CRASH_SEED", int(time.Now().UnixNano()%1e9)))
	t.Logf("seed %d (TURNKEYD_CRASH_SEED=%d reproduces the file and kill moments)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	oracle := oracleOrSkip(t)
	bin := buildDaemon(t, os.Getenv("TURNKEYD_CRASH_RACE") == "1")
	s := newSite(t, bin, crashTracks, "0s")
	opt := workload.Realistic(seed, "BF", docs)
	opt.Sizes = func(*rand.Rand) int { return docs }
	files := workload.Generate(opt)
	if len(files) != 1 || workload.Count(files) != docs {
		t.Fatalf("workload: %d documents in %d files, want %d in one", workload.Count(files), len(files), docs)
	}
	sum := sha256.Sum256(files[0].Data)
	hash := hex.EncodeToString(sum[:])

	sampler := newSRCSampler(t, s, oracle)
	if _, err := workload.Drop(s.in, files[0]); err != nil {
		t.Fatal(err)
	}
	partial := 0
	for i := range kills {
		p := s.start(t)
		before := s.inSRC()
		step := 1 + rng.IntN(1200)
		if !s.waitFor(2*time.Minute, func() bool { return s.inSRC() >= before+step || s.idle(p) }) {
			t.Fatalf("kill %d: no progress in 2 minutes:\n%s", i+1, p.tail())
		}
		p.kill(t)
		through, ok := s.partialIntake(t, files[0].Name, hash)
		if ok {
			partial++
		}
		t.Logf("kill %d: %d XML files in SRC (%d before the start); the ledger holds the file partial: %v (through line %d)",
			i+1, s.inSRC(), before, ok, through)
		sampler.sample()
	}
	if partial < 2 {
		t.Fatalf("only %d of %d kills landed while the file was partly taken in; the test proves nothing about resuming", partial, kills)
	}

	p := s.start(t)
	s.waitDone(t, p, files, 4*time.Minute)
	p.stop(t, syscall.SIGTERM, 5*time.Second)
	sampler.sample()
	sampler.finish()
	results := checkResults(t, s, files)
	checkSRC(t, s, results, sampler.invoices)
	checkLedger(t, s, results)
	checkLeftovers(t, s)
	checkLogs(t, s)
}

// inSRC counts the files in the upload folders (0 before they exist).
func (s *site) inSRC() int {
	dirs, _ := filepath.Glob(filepath.Join(s.turnkey, "UpCast", "*", "*", "SRC"))
	n := 0
	for _, d := range dirs {
		n += s.count(d)
	}
	return n
}

// partialIntake reports whether the ledger (of a stopped daemon) holds the
// file partly taken in, and through which line.
func (s *site) partialIntake(t *testing.T, name, hash string) (int, bool) {
	t.Helper()
	ctx := context.Background()
	l, err := ledger.Open(ctx, s.ledger, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	in, err := l.FindIntake(ctx, name, hash)
	if err != nil {
		t.Fatal(err)
	}
	if in == nil || !in.Partial {
		return 0, false
	}
	return in.Through, true
}
