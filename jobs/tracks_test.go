package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

const seller = "04595252"

// parseE0501 reads an E0501 as the daemon's tracks import does.
func parseE0501(name string, data []byte) ([]ledger.Track, error) {
	as, err := mig.ParseTrackAssignments(data)
	if err != nil {
		return nil, err
	}
	var ts []ledger.Track
	for _, a := range as {
		t, err := ledger.TrackFromAssignment(*a, name)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// newSim is the simulator writing E0501 files into dir.
func newSim(tb testing.TB, dir string) *sim.Sim {
	tb.Helper()
	tk := filepath.Join(tb.TempDir(), "turnkey")
	s, err := sim.New(sim.Config{TurnkeyDir: tk, E0501Dir: dir, ProcessResultDir: filepath.Join(tk, "ProcessResult"),
		SummaryResultDir: filepath.Join(tk, "SummaryResult")}, sim.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestTracksJobImportsEachFileOnce(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock(at(t, "2026-12-20 10:00"))
	l := tempLedger(t, c)
	dir := filepath.Join(t.TempDir(), "E0501")
	s := newSim(t, dir)
	reg := prometheus.NewRegistry()
	job := &Tracks{Ledger: l, Dir: dir, Parse: parseE0501, Log: slog.New(slog.DiscardHandler)}
	job.Register(reg)

	if out, err := job.Run(ctx, "k1"); err != nil || !strings.HasPrefix(out, "0 E0501 files") {
		t.Fatalf("no folder yet: %q, %v", out, err)
	}
	for _, tr := range []string{"AB", "AC"} {
		if _, err := s.EmitE0501(seller, "07", "11602", tr, 0, 249); err != nil {
			t.Fatal(err)
		}
	}
	out, err := job.Run(ctx, "k2")
	if err != nil || !strings.HasPrefix(out, "2 E0501 files imported (2 new track ranges), 0 refused") {
		t.Fatalf("first run: %q, %v", out, err)
	}
	if out, err := job.Run(ctx, "k3"); err != nil || !strings.HasPrefix(out, "0 E0501 files") {
		t.Errorf("second run: %q, %v; want nothing read again", out, err)
	}
	if ok, err := l.HasTracks(ctx, seller, "11602"); err != nil || !ok {
		t.Errorf("tracks of 11602: %v %v", ok, err)
	}

	// an overlapping allocation and a file that is not E0501: both refused,
	// nothing of them imported, and not read again.
	if _, err := s.EmitE0501(seller, "07", "11602", "AB", 200, 299); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "20261220", "1100", "junk-E0501.xml")
	if err := os.MkdirAll(filepath.Dir(junk), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(junk, []byte("<nope/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = job.Run(ctx, "k4")
	if !errors.Is(err, ledger.ErrInvalidTrack) || !strings.Contains(err.Error(), "overlaps") || !strings.Contains(err.Error(), "junk-E0501.xml") {
		t.Errorf("refusals: %v; want the overlap and the unreadable file named", err)
	}
	usage, err := l.TrackUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(usage) != 2 {
		t.Errorf("%d track ranges, want 2: a refused file imports nothing", len(usage))
	}
	if out, err := job.Run(ctx, "k5"); err != nil || !strings.HasPrefix(out, "0 E0501 files") {
		t.Errorf("after refusals: %q, %v; want refused files not read again", out, err)
	}
	want := `
# HELP turnkeyd_job_track_files_total E0501 files read by the tracks job, by status: applied (imported) or unreadable (refused, nothing imported).
# TYPE turnkeyd_job_track_files_total counter
turnkeyd_job_track_files_total{status="applied"} 2
turnkeyd_job_track_files_total{status="unreadable"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "turnkeyd_job_track_files_total"); err != nil {
		t.Error(err)
	}
}

func TestNextPeriodCheck(t *testing.T) {
	ctx := context.Background()
	const other = "10458570"
	c := newFakeClock(at(t, "2026-12-24 23:59"))
	l := tempLedger(t, c)
	if _, _, err := l.ImportTracks(ctx, []ledger.Track{{SellerBAN: seller, InvoiceType: "07", Period: "11602",
		Letters: "AB", Begin: 0, End: 49}}); err != nil {
		t.Fatal(err)
	}
	check := &NextPeriodCheck{Ledger: l, Sellers: []string{seller, other}, Now: c.Now, Loc: taipei}
	reg := prometheus.NewRegistry()
	check.Register(reg, slog.New(slog.DiscardHandler))
	gauge := func() string {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, m := range mfs[0].GetMetric() {
			fmt.Fprintf(&b, "%s=%v ", m.GetLabel()[0].GetValue(), m.GetGauge().GetValue())
		}
		return b.String()
	}
	for _, tc := range []struct{ now, want string }{
		{"2026-12-24 23:59", "04595252=0 10458570=0 "}, // before the 25th: not yet
		{"2026-12-25 00:00", "04595252=0 10458570=1 "}, // the other seller has no 11602 track
		{"2027-01-02 00:00", "04595252=0 10458570=0 "}, // odd month: off
	} {
		c.Set(at(t, tc.now))
		if got := gauge(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.now, got, tc.want)
		}
	}
}
