package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/daemon"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// TestCalendarEndToEnd runs the real binary and the simulator playing the
// platform's calendar over two whole periods on a fast clock (a day in
// calendarDay of wall time), with the daemon SIGKILLed in the middle of a
// run of each job (tracks, blank, winners, reconcile) at least once: the
// first run of each is held after its work, before its end is recorded
// (daemon.HoldEnv), and killed there, so the next run must finish its key
// without doing anything twice; and SIGKILLed again just after some of the
// jobs' ticks. It checks: the next
// periods' tracks imported once; every allocated number of each ended
// period used once or in an accepted E0402; no E0402 sent twice; the
// winners file equal to the simulator's list; jobs list with no late run.
func TestCalendarEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("the calendar end-to-end test takes about a minute")
	}
	const calendarDay = 400 * time.Millisecond
	bin := buildDaemon(t, false)
	dir := t.TempDir()
	runBin(t, bin, "init", "-dir", dir, "-seller-ban", crashSeller, "-seller-name", crashSellerName)
	config := filepath.Join(dir, "turnkeyd.yaml")
	cfgText, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	for old, repl := range map[string]string{
		`listen: "127.0.0.1:9464"`: `listen: ""`, `listen: "127.0.0.1:9465"`: `listen: ""`, "settle: 10s": "settle: 0s", "poll: 10s": "poll: 100ms",
		"lease: 2m0s": "lease: 12h", "retry: 10m0s": "retry: 1h", `schedule: "@hourly"`: `schedule: "0 */6 * * *"`,
	} {
		if !bytes.Contains(cfgText, []byte(old)) {
			t.Fatalf("the configuration turnkeyd init writes has no %q", old)
		}
		cfgText = bytes.Replace(cfgText, []byte(old), []byte(repl), 1)
	}
	if err := os.WriteFile(config, cfgText, 0o644); err != nil {
		t.Fatal(err)
	}
	tracks := filepath.Join(dir, "tracks.csv")
	if err := os.WriteFile(tracks, []byte(crashSeller+",07,,115/11 ~ 115/12,TK,00000000,00000999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runBin(t, bin, "tracks", "import", "-config", config, tracks)
	numbers := filepath.Join(dir, "numbers.json")
	if err := os.WriteFile(numbers, []byte(`{"code":"200","superPrizeNo":"00000003","spcPrizeNo":"",
		"firstPrizeNo1":"12340005","firstPrizeNo2":"99999999","sixthPrizeNo1":"011"}`), 0o644); err != nil {
		t.Fatal(err)
	}

	start := time.Date(2026, 12, 10, 0, 0, 0, 0, taipei)
	origin := time.Now()
	clock := daemon.FastClock{Start: start, Origin: origin, Factor: float64(24*time.Hour) / float64(calendarDay)}
	t.Setenv(daemon.ClockEnv, clock.String())
	realAt := func(fake time.Time) time.Time {
		return origin.Add(time.Duration(float64(fake.Sub(start)) / clock.Factor))
	}

	// Every job's first run is held after its work, before its end is
	// recorded, and the daemon SIGKILLed there: a kill in the middle of each
	// job at least once, whatever the timing (daemon.HoldEnv).
	holds := filepath.Join(dir, "holds")
	if err := os.MkdirAll(holds, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(daemon.HoldEnv, holds)
	var heldJobs []string

	simProc := startProc(t, "the simulator", filepath.Join(dir, "sim.log"), bin, "sim", "-config", config,
		"-interval", "50ms", "-calendar", "-winning-numbers", numbers)
	defer simProc.stop(t, syscall.SIGTERM, 30*time.Second)
	starts := 0
	startDaemon := func() *proc {
		starts++
		return startProc(t, "the daemon", filepath.Join(dir, fmt.Sprintf("daemon-%02d.log", starts)), bin, "run", "-config", config)
	}
	d := startDaemon()

	// Kills: just after the ticks of blank (5th, 02:00) and winners (06:00
	// of the day after the E0504 arrives), and between them.
	var kills []time.Time
	for _, s := range []string{"2027-01-05 02:00", "2027-01-29 06:00", "2027-03-05 02:00", "2027-03-29 06:00",
		"2026-12-21 00:00", "2027-02-10 03:30", "2027-02-21 00:00"} {
		fake, err := time.ParseInLocation("2006-01-02 15:04", s, taipei)
		if err != nil {
			t.Fatal(err)
		}
		kills = append(kills, realAt(fake.Add(time.Minute)))
	}
	slices.SortFunc(kills, func(a, b time.Time) int { return a.Compare(b) })
	end := realAt(time.Date(2027, 4, 3, 0, 0, 0, 0, taipei))
	stopOrders := realAt(time.Date(2027, 3, 20, 0, 0, 0, 0, taipei))
	in := filepath.Join(dir, "spool", "in")
	orders, killed := 0, 0
	for time.Now().Before(end) {
		if held, _ := filepath.Glob(filepath.Join(holds, "*.held")); len(held) > 0 {
			d.kill(t)
			killed++
			for _, h := range held {
				job := strings.TrimSuffix(filepath.Base(h), ".held")
				heldJobs = append(heldJobs, job)
				if err := os.WriteFile(filepath.Join(holds, job+".released"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
				os.Remove(h)
			}
			d = startDaemon()
		}
		if len(kills) > 0 && time.Now().After(kills[0]) {
			d.kill(t)
			killed++
			kills = kills[1:]
			d = startDaemon()
		}
		if time.Now().Before(stopOrders) {
			orders++
			name := fmt.Sprintf("o-%04d.csv", orders)
			body := fmt.Sprintf("order_id,item_description,item_quantity,item_unit_price\nA%d,咖啡,1,65\nB%d,茶,1,40\n", orders, orders)
			if err := os.WriteFile(filepath.Join(in, name+".tmp"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(in, name+".tmp"), filepath.Join(in, name)); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(calendarDay) // the ERP's pace: one file a day, not synchronisation
	}
	ctx := context.Background()
	var list bytes.Buffer // while the daemon runs: a stopped daemon's jobs fall behind
	if code := run(ctx, []string{"jobs", "list", "-config", config}, &list, &list); code != 0 || strings.Contains(list.String(), "LATE") {
		t.Errorf("jobs list (exit %d):\n%s", code, list.String())
	}
	d.stop(t, syscall.SIGTERM, 30*time.Second)
	t.Logf("%d order files, %d SIGKILLs, %d daemon starts; clock at %s", orders, killed, starts, clock.Now().Format(time.RFC3339))
	defer func() {
		if t.Failed() {
			logProblems(t, dir)
		}
	}()

	l, err := ledger.Open(ctx, filepath.Join(dir, "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	usage, err := l.TrackUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	perPeriod := map[string]int{}
	for _, u := range usage {
		perPeriod[u.Period]++
	}
	if perPeriod["11512"] != 1 || perPeriod["11602"] != 1 || perPeriod["11604"] != 1 {
		t.Errorf("track ranges per period %v: want the imported 11512 and the simulator's 11602 and 11604 once each", perPeriod)
	}
	blank, err := l.BlankRanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range usage {
		if u.Period == "11604" {
			continue
		}
		b, closed := blank[u.ID]
		if !closed {
			t.Errorf("track %s of ended period %s is not closed", u.Letters, u.Period)
			continue
		}
		if n := rangeCount(t, b); u.Used+n != u.Size() {
			t.Errorf("period %s: %d used + %d reported blank (%s) = %d, want the allocation %d", u.Period, u.Used, n, b, u.Used+n, u.Size())
		}
		docs, err := l.BlankDocuments(ctx, u.Period)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 || docs[0].State != ledger.StateAccepted {
			t.Errorf("E0402 of %s: %+v, want one, accepted", u.Period, docs)
		}
		sent, _ := filepath.Glob(filepath.Join(dir, "turnkey", "UpCast", "*", "E0402", "*", "*", "*", "E0402_*_"+u.Period+"_*.xml"))
		if len(sent) != 1 {
			t.Errorf("E0402 files of %s Turnkey took: %v, want exactly one", u.Period, sent)
		}
	}
	for _, period := range []string{"11512", "11602"} {
		listed := simWinners(t, filepath.Join(dir, "turnkey", "Unpack", "BAK", "E0504"), period)
		got := winnersFile(t, filepath.Join(dir, "spool", "out", "winners-"+period+".csv"))
		if len(listed) == 0 || !slices.Equal(got, listed) {
			t.Errorf("winners-%s.csv lists %v, the simulator's E0504 %v", period, got, listed)
		}
	}
	t.Logf("jobs list:\n%s", list.String())
	runs, err := l.JobRuns(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	abandoned := map[string]int{}
	for _, r := range runs {
		if r.Outcome == ledger.JobAbandoned {
			abandoned[r.Job+" "+r.Key]++
		}
	}
	t.Logf("runs cut short by a SIGKILL and finished by a later run: %v", abandoned)
	for _, job := range []string{"tracks", "blank", "winners", "reconcile"} {
		cut := false
		for k := range abandoned {
			cut = cut || strings.HasPrefix(k, job+" ")
		}
		if !slices.Contains(heldJobs, job) || !cut {
			t.Errorf("job %s was not killed in the middle of a run (held: %v; runs cut short: %v)", job, heldJobs, abandoned)
		}
	}
}

// logProblems logs the warnings, errors and calendar lines of every log.
func logProblems(t *testing.T, dir string) {
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	for _, f := range logs {
		data, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") || strings.Contains(line, "calendar") {
				t.Logf("%s: %s", filepath.Base(f), line)
			}
		}
	}
}

// rangeCount counts the numbers of "AB00000120-AB00000149 ..." ranges.
func rangeCount(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range strings.Fields(s) {
		a, b, _ := strings.Cut(r, "-")
		_, x, err1 := ledger.ParseNumber(a)
		_, y, err2 := ledger.ParseNumber(b)
		if err1 != nil || err2 != nil {
			t.Fatalf("range %q", r)
		}
		n += y - x + 1
	}
	return n
}

// simWinners returns the invoice numbers of the E0504 files of period.
func simWinners(t *testing.T, dir, period string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := mig.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if w, ok := doc.(*mig.WinnerList); ok && w.YearMonth == period {
			for _, p := range w.Prizes {
				out = append(out, p.InvoiceNumber)
			}
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// winnersFile returns the invoice numbers of a winners file whose rows
// name an order of ours.
func winnersFile(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return nil
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows[1:] {
		if r[1] == "" {
			t.Errorf("%s: winner %s is not ours", path, r[0])
		}
		out = append(out, r[0])
	}
	slices.Sort(out)
	return out
}
