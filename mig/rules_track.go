package mig

// Track rules: blank ranges (E0402, root BranchTrackBlank), the platform's
// track allocation (E0501, root InvoiceAssignNo) and the winner list head
// (E0504, root Award). A booklet (本) is 50 numbers, xx00–xx49 or xx50–xx99
// (domain.md §4.2, §5).

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// blankTrackRules is the rule table of E0402.
var blankTrackRules = []ruleRow[*BlankTracks]{
	{[]MessageType{E0402}, (*Rules).blankTrackMain},
	{[]MessageType{E0402}, (*Rules).blankTrackRanges},
}

// assignmentRules is the rule table of E0501.
var assignmentRules = []ruleRow[*TrackAssignment]{
	{[]MessageType{E0501}, (*Rules).assignmentMain},
	{[]MessageType{E0501}, (*Rules).assignmentRange},
}

// winnerListRules is the rule table of E0504.
var winnerListRules = []ruleRow[*WinnerList]{
	{[]MessageType{E0504}, (*Rules).winnerListMain},
}

func (r *Rules) blankTrackMain(b *BlankTracks, out *ruleReport) {
	p := rulePathOf(b.Head)
	r.checkBAN(out, p.main("HeadBan"), b.HeadBAN, headOfficeRole)
	r.checkBAN(out, p.main("BranchBan"), b.BranchBAN, branchRole)
	r.checkYearMonth(out, p.main("YearMonth"), b.YearMonth)
	r.checkTrack(out, p.main("InvoiceTrack"), b.Track)
}

// ruleRange is a well-formed, ordered range of item (0-based).
type ruleRange struct{ item, begin, end int }

// blankTrackRanges checks each range, then that no two ranges overlap.
// A blank range starts at the first unused number, so its begin may end in
// any digits, but it runs to the end of its booklet.
func (r *Rules) blankTrackRanges(b *BlankTracks, out *ruleReport) {
	p := rulePathOf(b.Head)
	var ranges []ruleRange
	for i, rg := range b.Ranges {
		beginPath := p.item("BranchTrackBlankItem", i, "InvoiceBeginNo")
		endPath := p.item("BranchTrackBlankItem", i, "InvoiceEndNo")
		if nr, ok := r.checkRange(out, beginPath, endPath, rg, i); ok {
			ranges = append(ranges, nr)
		}
	}
	r.checkOverlaps(out, ranges, func(i int) elemPath { return p.item("BranchTrackBlankItem", i, "InvoiceBeginNo") })
}

// checkRange checks the numbers of one range, its order and that it ends a
// booklet; it returns the range when its numbers are well formed and ordered.
func (r *Rules) checkRange(out *ruleReport, beginPath, endPath elemPath, rg NumberRange, item int) (ruleRange, bool) {
	begin, okB := r.checkTrackNumber(out, beginPath, rg.Begin, "InvoiceBeginNo")
	end, okE := r.checkTrackNumber(out, endPath, rg.End, "InvoiceEndNo")
	if okE && len(r.BookletEnds) > 0 && !slices.Contains(r.BookletEnds, rg.End[6:]) {
		out.add("RANGE_END_BOOKLET", endPath, rg.End,
			"InvoiceEndNo %s does not end a booklet (it must end in %s): a range runs to the last number of its booklet",
			rg.End, strings.Join(r.BookletEnds, " or "))
	}
	if !okB || !okE {
		return ruleRange{}, false
	}
	if begin > end {
		out.add("RANGE_ORDER", beginPath, rg.Begin, "InvoiceBeginNo %s is after InvoiceEndNo %s: swap them or fix the range", rg.Begin, rg.End)
		return ruleRange{}, false
	}
	return ruleRange{item: item, begin: begin, end: end}, true
}

// checkOverlaps reports each range that overlaps another, at the later item
// of the two, in item order.
func (r *Rules) checkOverlaps(out *ruleReport, ranges []ruleRange, beginPath func(item int) elemPath) {
	sort.SliceStable(ranges, func(i, j int) bool { return ranges[i].begin < ranges[j].begin })
	type overlap struct{ first, later ruleRange }
	var found []overlap
	var reach ruleRange // of the ranges so far, the one that ends last
	for i, cur := range ranges {
		if i > 0 && cur.begin <= reach.end {
			o := overlap{reach, cur}
			if o.later.item < o.first.item {
				o.first, o.later = o.later, o.first
			}
			found = append(found, o)
		}
		if i == 0 || cur.end > reach.end {
			reach = cur
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].later.item < found[j].later.item })
	for _, o := range found {
		out.add("RANGE_OVERLAP", beginPath(o.later.item), fmt.Sprintf("%08d", o.later.begin),
			"range %08d-%08d of item %d overlaps range %08d-%08d of item %d: report each blank number once",
			o.later.begin, o.later.end, o.later.item+1, o.first.begin, o.first.end, o.first.item+1)
	}
}

func (r *Rules) assignmentMain(a *TrackAssignment, out *ruleReport) {
	p := rulePathOf(a.Head)
	r.checkBAN(out, p.at("Ban"), a.BAN, businessRole)
	r.checkYearMonth(out, p.at("YearMonth"), a.YearMonth)
	r.checkTrack(out, p.at("InvoiceTrack"), a.Track)
}

// assignmentRange checks an allocated range: whole booklets, and
// InvoiceBooklet counting them.
func (r *Rules) assignmentRange(a *TrackAssignment, out *ruleReport) {
	p := rulePathOf(a.Head)
	beginPath := p.at("InvoiceBeginNo")
	rg, ok := r.checkRange(out, beginPath, p.at("InvoiceEndNo"), NumberRange{Begin: a.Begin, End: a.End}, 0)
	if len(a.Begin) == 8 && ruleASCIIDigits(a.Begin) && len(r.BookletBegins) > 0 && !slices.Contains(r.BookletBegins, a.Begin[6:]) {
		out.add("RANGE_BEGIN_BOOKLET", beginPath, a.Begin,
			"InvoiceBeginNo %s does not begin a booklet (it must end in %s)", a.Begin, strings.Join(r.BookletBegins, " or "))
	}
	if !ok || r.BookletSize < 1 {
		return
	}
	size := rg.end - rg.begin + 1
	want := decimal.FromInt(int64(size / r.BookletSize))
	switch {
	case size%r.BookletSize != 0:
		out.add("BOOKLET_COUNT", p.at("InvoiceBooklet"), a.Booklets.String(),
			"the range %s-%s of %d numbers is not whole booklets of %d, so InvoiceBooklet %s cannot count them: check the allocation with the platform",
			a.Begin, a.End, size, r.BookletSize, a.Booklets)
	case a.Booklets.Cmp(want) != 0:
		out.add("BOOKLET_COUNT", p.at("InvoiceBooklet"), a.Booklets.String(),
			"InvoiceBooklet %s does not count the range %s-%s: %d numbers are %s booklets of %d", a.Booklets, a.Begin, a.End, size, want, r.BookletSize)
	}
}

func (r *Rules) winnerListMain(w *WinnerList, out *ruleReport) {
	p := rulePathOf(w.Head)
	r.checkBAN(out, p.main("HeadBan"), w.HeadBAN, headOfficeRole)
	r.checkYearMonth(out, p.main("YearMonth"), w.YearMonth)
}
