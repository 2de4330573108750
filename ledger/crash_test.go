package ledger

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash test re-runs this test binary as a child that commits intakes in
// a loop until it is killed.
const (
	crashEnvPath = "TURNKEYD_LEDGER_CRASH_PATH"
	crashEnvRun  = "TURNKEYD_LEDGER_CRASH_RUN"
)

// TestCrashDurability kills a child process with SIGKILL at random points
// while it commits intakes, then reopens the ledger and checks that it is
// intact, that every intake the child saw committed is there and complete,
// and that the used numbers are contiguous.
func TestCrashDurability(t *testing.T) {
	if path := os.Getenv(crashEnvPath); path != "" {
		crashChild(t, path, os.Getenv(crashEnvRun))
		return
	}
	path := filepath.Join(t.TempDir(), "ledger.db")
	l := openAt(t, path)
	mustImport(t, l, trk(seller1, "07", period, "AA", 0, 99), trk(seller1, "07", period, "AB", 0, 9999999))
	l.Close()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	reported := map[string]bool{}
	for run := range 6 {
		names := crashRun(t, path, run, 1+rng.IntN(8))
		for _, n := range names {
			reported[n] = true
		}
		checkAfterCrash(t, path, reported)
	}
}

// crashRun starts a child, waits until it has reported commits intakes, kills
// it and returns the names it reported.
func crashRun(t *testing.T, path string, run, commits int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDurability$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnvPath+"="+path, crashEnvRun+"="+strconv.Itoa(run))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var names []string
	sc := bufio.NewScanner(out)
	for len(names) < commits && sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			names = append(names, name)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() { // commits reported before the kill landed
		if name, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			names = append(names, name)
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("run %d: child ended by itself (%v) before the kill", run, err)
	}
	if len(names) < commits {
		t.Fatalf("run %d: child reported %d commits, want %d", run, len(names), commits)
	}
	t.Logf("run %d: killed after %d reported commits", run, len(names))
	return names
}

// checkAfterCrash reopens the ledger and checks it.
func checkAfterCrash(t *testing.T, path string, reported map[string]bool) {
	t.Helper()
	l, err := Open(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	mustVerify(t, l)
	rows, err := l.r.Query(`SELECT i.name, (SELECT count(*) FROM outcomes o WHERE o.intake_id = i.id),
		(SELECT count(*) FROM outcomes o WHERE o.intake_id = i.id AND o.status = 'accepted'),
		(SELECT count(*) FROM documents d WHERE d.intake_id = i.id) FROM intake_files i`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	found := map[string]bool{}
	for rows.Next() {
		var name string
		var outcomes, accepted, docs int
		if err := rows.Scan(&name, &outcomes, &accepted, &docs); err != nil {
			t.Fatal(err)
		}
		found[name] = true
		var run, i, lines int
		if _, err := fmt.Sscanf(name, "crash-r%d-i%d-n%d.csv", &run, &i, &lines); err != nil {
			t.Fatalf("intake %q: %v", name, err)
		}
		if outcomes != lines || docs != accepted || docs == 0 {
			t.Errorf("intake %s: %d outcomes (want %d), %d documents for %d accepted", name, outcomes, lines, docs, accepted)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range reported {
		if !found[name] {
			t.Errorf("intake %s was reported committed but is not in the ledger", name)
		}
	}
}

// crashChild commits intakes until it is killed; it reports each commit on
// stdout. It stops by itself after a bounded number of intakes.
func crashChild(t *testing.T, path, run string) {
	l, err := Open(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := strconv.Atoi(run)
	rng := rand.New(rand.NewPCG(uint64(r), uint64(time.Now().UnixNano())))
	for i := range 5000 {
		lines := 1 + rng.IntN(80)
		name := fmt.Sprintf("crash-r%s-i%d-n%d.csv", run, i, lines)
		if _, err := l.Intake(context.Background(), name, "h", 1, func(tx *IntakeTx) error {
			return crashIntake(tx, rng, name, lines)
		}); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "committed %s\n", name)
	}
}

// crashIntake assigns numbers to most lines, rejects some and takes a few
// given numbers far ahead; the first line is always accepted.
func crashIntake(tx *IntakeTx, rng *rand.Rand, name string, lines int) error {
	for line := 1; line <= lines; line++ {
		n, _, err := tx.NextNumber(seller1, "07", period)
		if err != nil {
			return err
		}
		switch op := rng.IntN(20); {
		case line > 1 && op == 0:
			if err := tx.AddOutcome(Outcome{Line: line, OrderID: "x", Action: ActionIssue, Status: StatusRejected}); err != nil {
				return err
			}
			continue
		case line > 1 && op == 1:
			n = FormatNumber("AB", 5000000+rng.IntN(1000000))
		}
		d := issue(line, fmt.Sprintf("%s-%d", name, line), n)
		d.Body = make([]byte, 1500)
		if _, err := tx.Accept(d); err != nil {
			if !strings.Contains(err.Error(), "already used") {
				return err
			}
			if err := tx.AddOutcome(Outcome{Line: line, OrderID: d.OrderID, Action: ActionIssue, Status: StatusRejected}); err != nil {
				return err
			}
		}
	}
	return nil
}
