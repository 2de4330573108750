package ledger

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

func TestImportTracksIdempotent(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	rows := []Track{
		trk(seller1, "07", period, "AB", 0, 49),
		trk(seller1, "07", period, "AB", 100, 199),
		trk(seller2, "08", period, "CD", 99999950, 99999999),
	}
	added, unchanged, err := l.ImportTracks(ctx, rows)
	if err != nil || added != 3 || unchanged != 0 {
		t.Fatalf("first import: added %d unchanged %d err %v, want 3 0 nil", added, unchanged, err)
	}
	rows = append(rows, trk(seller1, "07", period, "AB", 50, 99))
	added, unchanged, err = l.ImportTracks(ctx, rows)
	if err != nil || added != 1 || unchanged != 3 {
		t.Fatalf("re-import: added %d unchanged %d err %v, want 1 3 nil", added, unchanged, err)
	}
	u := usage(t, l)
	if len(u) != 4 {
		t.Fatalf("%d tracks, want 4", len(u))
	}
	if n := count(t, l.r, "SELECT count(*) FROM sellers"); n != 2 {
		t.Errorf("%d sellers, want 2", n)
	}
	if n := count(t, l.r, "SELECT count(*) FROM events WHERE kind = 'track'"); n != 4 {
		t.Errorf("%d track events, want 4", n)
	}
}

func TestImportTracksRejects(t *testing.T) {
	good := trk(seller1, "07", period, "AB", 0, 49)
	tests := []struct {
		name string
		bad  Track
		want string
	}{
		{"seller", trk("1234567", "07", period, "AB", 50, 99), `seller BAN "1234567" is not 8 digits`},
		{"invoice type", trk(seller1, "09", period, "AB", 50, 99), `invoice type "09" is not 07 or 08`},
		{"odd month", trk(seller1, "07", "11511", "AB", 50, 99), `period "11511" is not a ROC year and an even month`},
		{"month 14", trk(seller1, "07", "11514", "AB", 50, 99), `period "11514"`},
		{"period length", trk(seller1, "07", "2026-12", "AB", 50, 99), `period "2026-12"`},
		{"lower-case letters", trk(seller1, "07", period, "ab", 50, 99), `track letters "ab" are not two letters A-Z`},
		{"three letters", trk(seller1, "07", period, "ABC", 50, 99), `track letters "ABC"`},
		{"begin ending", trk(seller1, "07", period, "AB", 51, 100), "begin 00000051 does not end in 00 or 50"},
		{"end ending", trk(seller1, "07", period, "AB", 50, 98), "end 00000098 does not end in 49 or 99"},
		{"end before begin", trk(seller1, "07", period, "AB", 100, 49), "end 00000049 is before begin 00000100"},
		{"beyond 99999999", trk(seller1, "07", period, "AB", 99999950, 100000049), "beyond 00000000-99999999"},
		{"negative", trk(seller1, "07", period, "AB", -50, 49), "beyond 00000000-99999999"},
		{"overlap in the batch", trk(seller1, "07", period, "AB", 0, 99), "overlaps the recorded range AB00000000-AB00000049"},
		{"overlap other seller", trk(seller2, "07", period, "AB", 0, 49), "overlaps the recorded range AB00000000-AB00000049 (seller 04595252"},
		{"overlap other type", trk(seller1, "08", period, "AB", 0, 49), "overlaps"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := openTest(t)
			_, _, err := l.ImportTracks(context.Background(), []Track{good, tc.bad})
			if !errors.Is(err, ErrInvalidTrack) {
				t.Fatalf("ImportTracks: %v, want ErrInvalidTrack", err)
			}
			if !strings.Contains(err.Error(), "track row 2 (") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to name row 2 and say %q", err, tc.want)
			}
			if n := count(t, l.r, "SELECT count(*) FROM tracks"); n != 0 {
				t.Errorf("%d tracks imported, want none", n)
			}
			if n := count(t, l.r, "SELECT count(*) FROM sellers"); n != 0 {
				t.Errorf("%d sellers created, want none", n)
			}
		})
	}
}

func TestImportTracksOverlapAcrossImports(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l, trk(seller1, "07", period, "AB", 100, 199))
	tests := []struct {
		name string
		row  Track
		ok   bool
	}{
		{"inside", trk(seller1, "07", period, "AB", 150, 199), false},
		{"covering", trk(seller1, "07", period, "AB", 0, 299), false},
		{"touching the start", trk(seller2, "07", period, "AB", 50, 149), false},
		{"same begin, longer", trk(seller1, "07", period, "AB", 100, 249), false},
		{"adjacent below", trk(seller1, "07", period, "AB", 50, 99), true},
		{"adjacent above", trk(seller2, "07", period, "AB", 200, 249), true},
		{"same range, other period", trk(seller2, "07", "11602", "AB", 100, 199), true},
		{"same range, other letters", trk(seller2, "07", period, "AC", 100, 199), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := l.ImportTracks(ctx, []Track{tc.row})
			if tc.ok && err != nil {
				t.Fatalf("ImportTracks: %v", err)
			}
			if !tc.ok && (!errors.Is(err, ErrInvalidTrack) || !strings.Contains(err.Error(), "track row 1") ||
				!strings.Contains(err.Error(), "overlaps the recorded range AB00000100-AB00000199")) {
				t.Fatalf("ImportTracks: %v, want row 1 rejected as overlapping AB00000100-AB00000199", err)
			}
		})
	}
}

func TestTrackUsage(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l,
		trk(seller2, "07", period, "AA", 0, 49),
		trk(seller1, "08", period, "AC", 0, 49),
		trk(seller1, "07", period, "AB", 50, 99),
		trk(seller1, "07", period, "AB", 0, 49),
		trk(seller1, "07", "11510", "ZZ", 0, 49),
	)
	assign(t, l, 3)
	u := usage(t, l)
	var order []string
	for _, x := range u {
		order = append(order, x.SellerBAN+" "+x.Period+" "+x.InvoiceType+" "+x.rangeText())
	}
	want := []string{
		"04595252 11510 07 ZZ00000000-ZZ00000049",
		"04595252 11512 07 AB00000000-AB00000049",
		"04595252 11512 07 AB00000050-AB00000099",
		"04595252 11512 08 AC00000000-AC00000049",
		"10458570 11512 07 AA00000000-AA00000049",
	}
	if strings.Join(order, "\n") != strings.Join(want, "\n") {
		t.Errorf("order:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	if err := l.SkipNumber(ctx, u[1].ID, "AB00000010", "torn"); err != nil {
		t.Fatal(err)
	}
	ab := usage(t, l)[1]
	if ab.Used != 3 || ab.Skipped != 1 || ab.Remaining != 46 || ab.NextNumber != "AB00000003" || ab.Next != 3 {
		t.Errorf("usage %+v, want 3 used, 1 skipped, 46 remaining, next AB00000003", ab)
	}
}

func TestSkipNumber(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	assign(t, l, 2) // AB00000000, AB00000001
	tests := []struct {
		name, number, reason string
		want                 error
		wantNext             int
	}{
		{"reason required", "AB00000002", "  ", nil, 2},
		{"used", "AB00000001", "r", ErrNumberUsed, 2},
		{"other letters", "AC00000002", "r", ErrNumberNotInTrack, 2},
		{"beyond the end", "AB00000050", "r", ErrNumberNotInTrack, 2},
		{"ahead", "AB00000004", "paper jam", nil, 2},
		{"ahead again", "AB00000004", "paper jam", ErrNumberUsed, 2},
		{"next, moving past the ahead one", "AB00000003", "x", nil, 2},
		{"the frontier", "AB00000002", "lost", nil, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := l.SkipNumber(ctx, 1, tc.number, tc.reason)
			switch {
			case tc.name == "reason required":
				if err == nil || !strings.Contains(err.Error(), "reason is required") {
					t.Errorf("SkipNumber: %v, want a reason required", err)
				}
			case tc.want == nil && err != nil:
				t.Errorf("SkipNumber: %v", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Errorf("SkipNumber: %v, want %v", err, tc.want)
			}
			if next := usage(t, l)[0].Next; next != tc.wantNext {
				t.Errorf("next %d, want %d", next, tc.wantNext)
			}
		})
	}
	if err := l.SkipNumber(ctx, 99, "AB00000009", "r"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown track: %v, want ErrNotFound", err)
	}
	if got := assign(t, l, 1); got[0] != "AB00000005" {
		t.Errorf("after skips got %s, want AB00000005", got[0])
	}
	mustVerify(t, l)
}

func TestTrackFromAssignment(t *testing.T) {
	a := mig.TrackAssignment{BAN: seller1, InvoiceType: "07", YearMonth: period, Track: "AB",
		Begin: "00000100", End: "00000199", Booklets: decimal.New(2, 0)}
	tr, err := TrackFromAssignment(a, "E0501-1.xml")
	if err != nil {
		t.Fatal(err)
	}
	want := Track{SellerBAN: seller1, InvoiceType: "07", Period: period, Letters: "AB", Begin: 100, End: 199, Source: "E0501-1.xml"}
	if tr != want {
		t.Errorf("got %+v, want %+v", tr, want)
	}
	a.Booklets = decimal.New(3, 0)
	if _, err := TrackFromAssignment(a, ""); err == nil || !strings.Contains(err.Error(), "InvoiceBooklet 3") {
		t.Errorf("booklet mismatch: %v", err)
	}
	a.Begin = "1OO"
	if _, err := TrackFromAssignment(a, ""); err == nil || !strings.Contains(err.Error(), "InvoiceBeginNo") {
		t.Errorf("bad begin: %v", err)
	}
}
