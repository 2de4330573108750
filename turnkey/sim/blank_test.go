package sim

import (
	"bytes"
	"testing"
)

// TestOverlappingBlankRangesRefused: an E0402 whose ranges overlap is
// refused as a whole (domain.md §5); a well-formed one is accepted.
func TestOverlappingBlankRangesRefused(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	e.dropDoc(t, "good.xml", blank())
	overlap := bytes.Replace(render(t, blank()), []byte("</Details>"),
		[]byte("<BranchTrackBlankItem><InvoiceBeginNo>12345640</InvoiceBeginNo><InvoiceEndNo>12345649</InvoiceEndNo></BranchTrackBlankItem></Details>"), 1)
	if bytes.Equal(overlap, render(t, blank())) {
		t.Fatal("the test could not add an overlapping range")
	}
	e.drop(t, e0402, "overlap.xml", overlap)
	step(t, s)
	st := s.State()
	if f, ok := st.File("good.xml"); !ok || f.Verdict != Accepted {
		t.Errorf("good E0402: %+v, want accepted", f)
	}
	if f, ok := st.File("overlap.xml"); !ok || f.Verdict != RefusedLocally || f.Code != "RANGE_OVERLAP" {
		t.Errorf("overlapping E0402: %+v, want refused (RANGE_OVERLAP)", f)
	}
}
