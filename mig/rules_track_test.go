package mig

import (
	"fmt"
	"testing"
)

// blankItem returns the path of a field of the n-th (1-based) blank range.
func blankItem(n int, field string) string {
	return fmt.Sprintf("/BranchTrackBlank/Details/BranchTrackBlankItem[%d]/%s", n, field)
}

// blankRanges returns a valid E0402 (of version v) with ranges given as
// begin, end, begin, end, ….
func blankRanges(v Version, numbers ...string) *BlankTracks {
	return changed(blankE0402, func(d *BlankTracks) {
		d.Version, d.Ranges = v, nil
		for i := 0; i+1 < len(numbers); i += 2 {
			d.Ranges = append(d.Ranges, NumberRange{Begin: numbers[i], End: numbers[i+1]})
		}
	})
}

func TestRulesBlankTracks(t *testing.T) {
	begin := func(n int) string { return blankItem(n, "InvoiceBeginNo") }
	end := func(n int) string { return blankItem(n, "InvoiceEndNo") }
	runRuleCases(t, []ruleCase{
		{"booklet tail", blankRanges(V41, "12345623", "12345649"), nil},
		{"one number", blankRanges(V41, "12345649", "12345649"), nil},
		{"adjacent ranges", blankRanges(V41, "12345623", "12345649", "12345650", "12345699"), nil},
		{"3.1 two ranges", blankE0402V31(), nil},
		{"begin after end", blankRanges(V41, "12345649", "12345549"), []wantV{{"RANGE_ORDER", begin(1)}}},
		{"end not a booklet end", blankRanges(V41, "12345623", "12345648"), []wantV{{"RANGE_END_BOOKLET", end(1)}}},
		{"end 50", blankRanges(V31, "12345623", "12345650"), []wantV{{"RANGE_END_BOOKLET", end(1)}}},
		{"begin 7 digits", blankRanges(V41, "1234562", "12345649"), []wantV{{"RANGE_NUMBER_FORMAT", begin(1)}}},
		{"end full-width digit", blankRanges(V41, "12345623", "1234564９"), []wantV{{"RANGE_NUMBER_FORMAT", end(1)}}},
		{"with track letters", blankRanges(V41, "AB12345623", "AB12345649"),
			[]wantV{{"RANGE_NUMBER_FORMAT", begin(1)}, {"RANGE_NUMBER_FORMAT", end(1)}}},
		{"overlap", blankRanges(V41, "12345623", "12345649", "12345640", "12345699"), []wantV{{"RANGE_OVERLAP", begin(2)}}},
		{"same range twice", blankRanges(V41, "12345623", "12345649", "12345623", "12345649"), []wantV{{"RANGE_OVERLAP", begin(2)}}},
		{"overlap, later item first in number order", blankRanges(V41, "12345740", "12345799", "12345700", "12345749"),
			[]wantV{{"RANGE_OVERLAP", begin(2)}}},
		{"third range inside the first", blankRanges(V31, "12345600", "12345799", "12345900", "12345949", "12345750", "12345799"),
			[]wantV{{"RANGE_OVERLAP", begin(3)}}},
		{"two overlaps", blankRanges(V41, "12345600", "12345699", "12345650", "12345699", "12345680", "12345699"),
			[]wantV{{"RANGE_OVERLAP", begin(2)}, {"RANGE_OVERLAP", begin(3)}}},
		{"head office checksum", changed(blankE0402, func(d *BlankTracks) { d.HeadBAN = "12222539" }),
			[]wantV{{"BAN_CHECKSUM", "/BranchTrackBlank/Main/HeadBan"}}},
		{"branch 7 digits", changed(blankE0402, func(d *BlankTracks) { d.BranchBAN = "1045857" }),
			[]wantV{{"BAN_FORMAT", "/BranchTrackBlank/Main/BranchBan"}}},
	})
}

// TestRulesBookletEndsIsAParameter: without booklet ends any end passes.
func TestRulesBookletEndsIsAParameter(t *testing.T) {
	r := DefaultRules()
	r.BookletEnds = nil
	assertViolations(t, r.Check(blankRanges(V41, "12345623", "12345648")))
}

func TestRulesTrackAssignment(t *testing.T) {
	assign := func(begin, end, booklets string) *TrackAssignment {
		return changed(assignmentE0501, func(d *TrackAssignment) { d.Begin, d.End, d.Booklets = begin, end, amt(booklets) })
	}
	const root = "/InvoiceAssignNo/"
	runRuleCases(t, []ruleCase{
		{"one booklet from 50", assign("12345650", "12345699", "1"), nil},
		{"4.0 head", changed(assignmentE0501, func(d *TrackAssignment) { d.Version = V40 }), nil},
		{"3.1 head", changed(assignmentE0501, func(d *TrackAssignment) { d.Version = V31 }), nil},
		{"booklet count wrong", assign("12345600", "12345799", "3"), []wantV{{"BOOKLET_COUNT", root + "InvoiceBooklet"}}},
		{"begin not a booklet begin", assign("12345610", "12345799", "4"),
			[]wantV{{"RANGE_BEGIN_BOOKLET", root + "InvoiceBeginNo"}, {"BOOKLET_COUNT", root + "InvoiceBooklet"}}},
		{"end not a booklet end", assign("12345600", "12345798", "4"),
			[]wantV{{"RANGE_END_BOOKLET", root + "InvoiceEndNo"}, {"BOOKLET_COUNT", root + "InvoiceBooklet"}}},
		{"begin after end", assign("12345700", "12345649", "1"), []wantV{{"RANGE_ORDER", root + "InvoiceBeginNo"}}},
		{"BAN checksum", changed(assignmentE0501, func(d *TrackAssignment) { d.BAN = "28080624" }), []wantV{{"BAN_CHECKSUM", root + "Ban"}}},
		{"track one letter", changed(assignmentE0501, func(d *TrackAssignment) { d.Track = "C" }), []wantV{{"TRACK_FORMAT", root + "InvoiceTrack"}}},
	})
}

func TestRulesWinnerList(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"4.0 head", changed(winnersE0504, func(d *WinnerList) { d.Version = V40 }), nil},
		{"head office checksum", changed(winnersE0504, func(d *WinnerList) { d.HeadBAN = "12222539" }),
			[]wantV{{"BAN_CHECKSUM", "/Award/Main/HeadBan"}}},
	})
}
