package workload

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/daemon"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/spool"
)

// TestGenerate reads every generated file with the daemon's CSV reader and
// checks that documents, lines and the CSV-level rejections are what the
// workload says, and that duplicates repeat accepted orders of earlier files.
func TestGenerate(t *testing.T) {
	opt := Realistic(7, "T", 3000)
	opt.Rejected, opt.Duplicate = 0.05, 0.2
	opt.Sizes = func(r *rand.Rand) int { return 50 + r.IntN(400) }
	files := Generate(opt)
	if got := Count(files); got != 3000 {
		t.Fatalf("%d documents, want 3000", got)
	}
	seen := map[string]string{} // order → file
	wants := map[string]int{}
	for _, f := range files {
		reqs, err := spool.ReadCSV(bytes.NewReader(f.Data), f.Name, spool.ReadOptions{
			DefaultSeller: mig.Party{Identifier: "04595252", Name: "賣方"}, Now: time.Now()})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if len(reqs) != len(f.Docs) {
			t.Fatalf("%s: %d requests, %d documents", f.Name, len(reqs), len(f.Docs))
		}
		for i, req := range reqs {
			d := f.Docs[i]
			wants[d.Want]++
			if req.Line != d.Line || req.OrderID != d.OrderID || req.EndLine-req.Line+1 != d.Lines {
				t.Fatalf("%s: request %d is line %d-%d %s, document line %d (%d lines) %s",
					f.Name, i, req.Line, req.EndLine, req.OrderID, d.Line, d.Lines, d.OrderID)
			}
			switch {
			case d.Want == Duplicate:
				if d.Original == nil || d.Original.Want != Accepted || seen[d.OrderID] == "" || seen[d.OrderID] == f.Name {
					t.Errorf("%s line %d: duplicate of %+v, first seen in %q", f.Name, d.Line, d.Original, seen[d.OrderID])
				}
				if req.Reject != nil {
					t.Errorf("%s line %d: a repeated order is rejected by the reader: %v", f.Name, d.Line, req.Reject)
				}
			case d.Want == Rejected && req.Reject == nil:
				// A bad BAN is caught by the CSV layer too.
				t.Errorf("%s line %d: want rejected, the reader accepts it", f.Name, d.Line)
			case d.Want == Accepted && req.Reject != nil:
				t.Errorf("%s line %d: want accepted, the reader rejects it: %v", f.Name, d.Line, req.Reject)
			}
			if d.Want != Duplicate {
				if seen[d.OrderID] != "" {
					t.Errorf("order %s repeated without being a duplicate", d.OrderID)
				}
				seen[d.OrderID] = f.Name
			}
		}
	}
	for _, w := range []string{Accepted, Duplicate, Rejected} {
		if wants[w] == 0 {
			t.Errorf("no %s documents", w)
		}
	}
	t.Logf("%d files, outcomes %v", len(files), wants)
}

// TestTrackCSV checks that the track download parses and covers this period
// and the next.
func TestTrackCSV(t *testing.T) {
	for _, now := range []time.Time{time.Date(2026, 8, 31, 12, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)} {
		data := TrackCSV("04595252", now, []Track{{"AA", 0, 49}, {"AB", 100, 9999}})
		tracks, err := daemon.ParseTrackFile("t.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		var periods []string
		for _, tr := range tracks {
			periods = append(periods, tr.Period+tr.Letters)
		}
		want := map[int]string{8: "11508AA 11508AB 11510AA 11510AB", 12: "11512AA 11512AB 11602AA 11602AB"}[int(now.Month())]
		if got := strings.Join(periods, " "); got != want {
			t.Errorf("%s: periods %s, want %s", now, got, want)
		}
	}
}
