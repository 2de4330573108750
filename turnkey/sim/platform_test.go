package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

type upload struct {
	name string
	doc  mig.Document
}

// at returns inv issued at another time of day: the same number, other
// content (so not an identical message).
func at(inv *mig.Invoice, tm mig.TimeOfDay) *mig.Invoice {
	inv.Time = tm
	return inv
}

func TestPlatformChecks(t *testing.T) {
	const no, day, next = "AB12345678", mig.Date("20260115"), mig.Date("20260116")
	inv := func() *mig.Invoice { return invoice(no, day) }
	void := func() *mig.InvoiceVoid { return voidOf(no, day, next) }
	cancel := func() *mig.InvoiceCancel { return cancelOf(no, day, day) }
	other := func() *mig.Invoice {
		d := invoice(no, day)
		d.Seller = mig.Party{Identifier: "10458570", Name: "別家公司"}
		return d
	}
	otherBlank := blank()
	otherBlank.HeadBAN = "10458570"
	tests := []struct {
		name  string
		steps [][]upload
		want  map[string]string // file → code, "" for stored
		check func(t *testing.T, st State)
	}{
		{"issue", [][]upload{{{"a.xml", inv()}}}, map[string]string{"a.xml": ""}, nil},
		{"duplicate issue", [][]upload{{{"a.xml", inv()}}, {{"b.xml", at(inv(), "11:00:00")}}},
			map[string]string{"a.xml": "", "b.xml": CodeDuplicateIssue}, nil},
		{"identical message again", [][]upload{{{"a.xml", inv()}}, {{"b.xml", inv()}}},
			map[string]string{"a.xml": "", "b.xml": CodeDuplicateMessage}, nil},
		{"identical message in one step", [][]upload{{{"a.xml", inv()}, {"b.xml", inv()}}},
			map[string]string{"a.xml": "", "b.xml": CodeDuplicateMessage}, nil},
		{"refused message again is judged again", [][]upload{{{"a.xml", void()}}, {{"b.xml", void()}}},
			map[string]string{"a.xml": CodeVoidUnknown, "b.xml": CodeVoidUnknown}, nil},
		{"issue and void in one step", [][]upload{{{"a.xml", inv()}, {"b.xml", void()}}},
			map[string]string{"a.xml": "", "b.xml": ""}, func(t *testing.T, st State) {
				if v, _ := st.Invoice(seller, no); v.Status != Voided || v.ChangedAt != next {
					t.Errorf("invoice %+v, want voided on %s", v, next)
				}
			}},
		{"issue after void", [][]upload{{{"a.xml", inv()}}, {{"b.xml", void()}}, {{"c.xml", at(inv(), "12:00:00")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeDuplicateIssue}, nil},
		{"void unknown", [][]upload{{{"a.xml", void()}}}, map[string]string{"a.xml": CodeVoidUnknown}, nil},
		{"void voided", [][]upload{{{"a.xml", inv()}}, {{"b.xml", void()}}, {{"c.xml", voidOf(no, day, "20260117")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeVoidVoided}, nil},
		{"void with another invoice date", [][]upload{{{"a.xml", inv()}}, {{"b.xml", voidOf(no, "20260114", next)}}},
			map[string]string{"a.xml": "", "b.xml": CodeDateMismatch}, nil},
		{"cancel unknown", [][]upload{{{"a.xml", cancel()}}}, map[string]string{"a.xml": CodeCancelUnknown}, nil},
		{"cancel voided", [][]upload{{{"a.xml", inv()}}, {{"b.xml", void()}}, {{"c.xml", cancel()}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeCancelVoided}, nil},
		{"cancel cancelled", [][]upload{{{"a.xml", inv()}}, {{"b.xml", cancel()}}, {{"c.xml", cancelOf(no, day, next)}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeCancelUnknown}, nil},
		{"re-issue after cancel", [][]upload{{{"a.xml", inv()}}, {{"b.xml", cancel()}}, {{"c.xml", at(inv(), "19:00:00")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": ""}, func(t *testing.T, st State) {
				if v, _ := st.Invoice(seller, no); v.Status != Reissued || v.Issues != 2 || v.Time != "19:00:00" {
					t.Errorf("invoice %+v, want reissued, 2 issues", v)
				}
			}},
		{"void after cancel", [][]upload{{{"a.xml", inv()}}, {{"b.xml", cancel()}}, {{"c.xml", void()}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeVoidUnknown}, nil},
		{"allowance", [][]upload{{{"a.xml", inv()}}, {{"b.xml", allowance("AL1", no, day, "100", "5")}}},
			map[string]string{"a.xml": "", "b.xml": ""}, func(t *testing.T, st State) {
				v, _ := st.Invoice(seller, no)
				a, _ := st.Allowance(seller, "AL1")
				if !v.Allowed.Equal(amt("105")) || !slices.Equal(v.Allowances, []string{"AL1"}) || a.Status != Issued {
					t.Errorf("invoice %+v, allowance %+v", v, a)
				}
			}},
		{"allowance of an unknown invoice", [][]upload{{{"a.xml", allowance("AL1", no, day, "100", "5")}}},
			map[string]string{"a.xml": CodeAllowanceUnknown}, nil},
		{"allowance of a voided invoice", [][]upload{{{"a.xml", inv()}}, {{"b.xml", void()}}, {{"c.xml", allowance("AL1", no, day, "100", "5")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeAllowanceVoided}, nil},
		{"allowance of a cancelled invoice", [][]upload{{{"a.xml", inv()}}, {{"b.xml", cancel()}}, {{"c.xml", allowance("AL1", no, day, "100", "5")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeAllowanceUnknown}, nil},
		{"allowance beyond the invoice", [][]upload{{{"a.xml", inv()}}, {{"b.xml", allowance("AL1", no, day, "100", "5")}}, {{"c.xml", allowance("AL2", no, day, "100", "5")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeAllowanceExceeds}, nil},
		{"allowance of the whole invoice", [][]upload{{{"a.xml", inv()}}, {{"b.xml", allowance("AL1", no, day, "195", "10")}}},
			map[string]string{"a.xml": "", "b.xml": ""}, nil},
		{"allowance again after its void", [][]upload{{{"a.xml", inv()}}, {{"b.xml", allowance("AL1", no, day, "190", "10")}},
			{{"c.xml", allowanceVoidOf("AL1", "20260120")}}, {{"d.xml", allowance("AL2", no, day, "190", "10")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": "", "d.xml": ""}, func(t *testing.T, st State) {
				if a, _ := st.Allowance(seller, "AL1"); a.Status != Voided {
					t.Errorf("AL1 %+v", a)
				}
				if v, _ := st.Invoice(seller, no); !v.Allowed.Equal(amt("200")) {
					t.Errorf("allowed %s, want 200", v.Allowed)
				}
			}},
		{"allowance number again", [][]upload{{{"a.xml", inv()}}, {{"b.xml", allowance("AL1", no, day, "10", "1")}}, {{"c.xml", allowance("AL1", no, day, "20", "1")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeAllowanceDuplicate}, nil},
		{"allowance with another invoice date", [][]upload{{{"a.xml", inv()}}, {{"b.xml", allowance("AL1", no, "20260114", "100", "5")}}},
			map[string]string{"a.xml": "", "b.xml": CodeDateMismatch}, nil},
		{"void of an unknown allowance", [][]upload{{{"a.xml", allowanceVoidOf("AL1", "20260120")}}},
			map[string]string{"a.xml": CodeAllowanceVoidUnknown}, nil},
		{"void of a voided allowance", [][]upload{{{"a.xml", inv()}}, {{"b.xml", allowance("AL1", no, day, "100", "5")}},
			{{"c.xml", allowanceVoidOf("AL1", "20260120")}}, {{"d.xml", at2(allowanceVoidOf("AL1", "20260120"))}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": "", "d.xml": CodeAllowanceVoidVoided}, nil},
		{"void of an allowance with another date", [][]upload{{{"a.xml", inv()}}, {{"b.xml", allowance("AL1", no, day, "100", "5")}},
			{{"c.xml", allowanceVoidOf("AL1", "20260119")}}},
			map[string]string{"a.xml": "", "b.xml": "", "c.xml": CodeDateMismatch}, nil},
		{"wrong seller", [][]upload{{{"a.xml", other()}}}, map[string]string{"a.xml": CodeWrongSeller}, nil},
		{"blank tracks", [][]upload{{{"a.xml", blank()}}}, map[string]string{"a.xml": ""}, nil},
		{"blank tracks of a wrong seller", [][]upload{{{"a.xml", otherBlank}}}, map[string]string{"a.xml": CodeWrongSeller}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			s := e.sim(t, Options{})
			for _, uploads := range tt.steps {
				for _, u := range uploads {
					e.dropDoc(t, u.name, u.doc)
				}
				step(t, s)
				e.clock.advance(61e9) // a new result folder per step
			}
			st := s.State()
			for name, code := range tt.want {
				f, ok := st.File(name)
				want := Accepted
				if code != "" {
					want = Refused
				}
				if !ok || f.Verdict != want || f.Code != code || (code != "" && f.Reason != Descriptions[code]) {
					t.Errorf("%s: %+v, want %s %s", name, f, want, code)
				}
			}
			checkResults(t, e, st)
			if tt.check != nil {
				tt.check(t, st)
			}
		})
	}
}

// at2 changes a void allowance's time, so that it is not an identical message.
func at2(v *mig.AllowanceVoid) *mig.AllowanceVoid {
	v.VoidTime = "12:00:00"
	return v
}

// checkResults requires the result files to say what the state says: a
// ProcessResult per refused file (code, message type, Parameter0/1) and
// every judged file in a summary's Good or Failed list.
func checkResults(t *testing.T, e *env, st State) {
	t.Helper()
	rs := readResults(t, e)
	good, failed := rs.listed()
	var wantGood, wantFailed, wantProcess, gotProcess []string
	for _, f := range st.Files {
		ref := string(f.Head.Type) + " " + f.Ref.Number + " " + f.Ref.Date
		switch {
		case f.Verdict == Refused:
			wantProcess = append(wantProcess, fmt.Sprintf("%s %s %s %s", f.Head.Type, f.Code, f.Params[0], f.Params[1]))
			if f.Head.Type != mig.E0402 {
				wantFailed = append(wantFailed, ref)
			}
		case f.Verdict == Accepted && f.Head.Type != mig.E0402:
			wantGood = append(wantGood, ref)
		}
	}
	for _, r := range rs.process {
		if len(r.Results) != 1 {
			t.Errorf("ProcessResult with %d Info", len(r.Results))
			continue
		}
		info := r.Results[0]
		if info.Description == "" || !strings.HasPrefix(r.MessageID, "4.1-"+r.MessageType+"-") {
			t.Errorf("ProcessResult %+v", r)
		}
		if r.MessageType != "E0402" && (info.Ref() == turnkey.InvoiceRef{} || info.Parameters[2] == "") {
			t.Errorf("ProcessResult without a reference: %+v", r)
		}
		gotProcess = append(gotProcess, fmt.Sprintf("%s %s %s %s", r.MessageType, info.Code, info.Parameters[0], info.Parameters[1]))
	}
	for _, pair := range [][2][]string{{good, wantGood}, {failed, wantFailed}, {gotProcess, wantProcess}} {
		slices.Sort(pair[0])
		slices.Sort(pair[1])
		if !slices.Equal(pair[0], pair[1]) {
			t.Errorf("results list %q, want %q", pair[0], pair[1])
		}
	}
}

func TestSummaryPerMessageType(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	e.dropDoc(t, "1.xml", invoice("AB12345678", "20260115"))
	e.dropDoc(t, "2.xml", invoice("AB12345679", "20260115"))
	e.dropDoc(t, "3.xml", voidOf("AB12345678", "20260115", "20260116"))
	e.dropDoc(t, "4.xml", voidOf("AB12345600", "20260115", "20260116"))
	e.dropDoc(t, "5.xml", blank())
	step(t, s)
	rs := readResults(t, e)
	if len(rs.summaries) != 1 {
		t.Fatalf("summaries %v, want one per step and seller", rs.summaryFiles)
	}
	var got []string
	ids := map[string]bool{}
	for _, m := range rs.summaries[0].Messages {
		got = append(got, fmt.Sprintf("%s %d=%d+%d lists %d/%d/%d", m.MessageType, m.Total.Count, m.Good.Count, m.Failed.Count,
			len(m.Total.Invoices), len(m.Good.Invoices), len(m.Failed.Invoices)))
		ids[m.ID] = true
	}
	want := []string{"E0402 1=1+0 lists 0/0/0", "F0401 2=2+0 lists 2/2/0", "F0501 2=1+1 lists 2/1/1"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("messages %q, want %q", got, want)
	}
	if len(ids) != 3 {
		t.Errorf("message ids %v are not one per envelope", ids)
	}
	// The void's summary entry is dated with the void date.
	_, failed := rs.listed()
	if !slices.Equal(failed, []string{"F0501 AB12345600 20260116"}) {
		t.Errorf("failed %q", failed)
	}
	if len(rs.process) != 1 || rs.process[0].MessageID == "" {
		t.Errorf("process results %+v", rs.process)
	}
}

func TestEnvelopesHoldAtMost1000(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	var recs []*fileRecord
	for range envelopeSize + 1 {
		recs = append(recs, &fileRecord{File: File{Head: f0401, Seller: seller, Verdict: Pending}})
	}
	recs = append(recs, &fileRecord{File: File{Head: f0401, Seller: "10458570", Verdict: Pending}})
	s.pack(recs, start)
	count := map[string]int{}
	for _, r := range recs {
		count[r.MessageID]++
	}
	if len(count) != 3 || count[recs[0].MessageID] != envelopeSize || count[recs[envelopeSize].MessageID] != 1 {
		t.Errorf("envelopes %v", count)
	}
	if id := recs[0].MessageID; !strings.HasPrefix(id, "4.1-F0401-20260115-102030123-") || len(id) != len("4.1-F0401-20260115-102030123-")+36 {
		t.Errorf("envelope id %q", id)
	}
}

func TestInjectedRefusals(t *testing.T) {
	run := func(t *testing.T, seed uint64, share float64, n int) (refused []string, s *Sim, e *env) {
		e = newEnv(t)
		s = e.sim(t, Options{Seed: seed, RefuseShare: share})
		for i := range n {
			e.dropDoc(t, fmt.Sprintf("%03d.xml", i), invoice(fmt.Sprintf("AB%08d", 12345600+i), "20260115"))
		}
		step(t, s)
		for _, f := range s.State().Files {
			if f.Verdict == Refused {
				if f.Code != CodeInjected || f.Reason != "模擬平台拒絕" {
					t.Errorf("%s: %s %s", f.Name, f.Code, f.Reason)
				}
				refused = append(refused, f.Name)
			}
		}
		return refused, s, e
	}
	first, s, e := run(t, 7, 0.3, 40)
	if len(first) < 4 || len(first) > 20 {
		t.Errorf("refused %d of 40 at share 0.3", len(first))
	}
	if rs := readResults(t, e); len(rs.process) != len(first) {
		t.Errorf("%d ProcessResult files for %d refusals", len(rs.process), len(first))
	}
	again, _, _ := run(t, 7, 0.3, 40)
	if !slices.Equal(first, again) {
		t.Errorf("same seed, other refusals: %v vs %v", first, again)
	}
	other, _, _ := run(t, 8, 0.3, 40)
	if slices.Equal(first, other) {
		t.Errorf("seeds 7 and 8 refuse the same files %v", first)
	}
	// Mid-run changes apply from the next verdict.
	s.SetRefuseShare(0)
	for i := range 10 {
		e.dropDoc(t, fmt.Sprintf("z%02d.xml", i), invoice(fmt.Sprintf("CD%08d", 12345600+i), "20260115"))
	}
	step(t, s)
	for _, f := range s.State().Files[40:] {
		if f.Verdict != Accepted {
			t.Errorf("share 0: %s %s", f.Name, f.Verdict)
		}
	}
	s.SetRefuseShare(7) // clamped to 1
	e.dropDoc(t, "last.xml", invoice("EF12345600", "20260115"))
	step(t, s)
	if f, _ := s.State().File("last.xml"); f.Verdict != Refused {
		t.Errorf("share 1: %+v", f)
	}

	t.Run("own code", func(t *testing.T) {
		e := newEnv(t)
		s := e.sim(t, Options{RefuseShare: 1, RefuseCode: "S9999", RefuseDescription: "測試拒絕"})
		e.dropDoc(t, "a.xml", invoice("AB12345678", "20260115"))
		step(t, s)
		rs := readResults(t, e)
		if len(rs.process) != 1 || rs.process[0].Results[0].Code != "S9999" || rs.process[0].Results[0].Description != "測試拒絕" {
			t.Errorf("process results %+v", rs.process)
		}
	})
	t.Run("only good messages", func(t *testing.T) {
		e := newEnv(t)
		s := e.sim(t, Options{RefuseShare: 1})
		e.dropDoc(t, "a.xml", voidOf("AB12345678", "20260115", "20260116"))
		step(t, s)
		if f, _ := s.State().File("a.xml"); f.Code != CodeVoidUnknown {
			t.Errorf("a platform check comes before an injected refusal: %+v", f)
		}
	})
}

func TestResultFileNamesUnique(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{RefuseShare: 1})
	for i := range 5 {
		e.dropDoc(t, fmt.Sprintf("%d.xml", i), invoice(fmt.Sprintf("AB%08d", 12345600+i), "20260115"))
		step(t, s) // the clock stands still: same millisecond
	}
	rs := readResults(t, e)
	names := map[string]bool{}
	for _, f := range append(rs.processFiles, rs.summaryFiles...) {
		base := f[strings.LastIndex(f, "/")+1:]
		if names[base] || !strings.HasPrefix(base, "20260115102030123-") {
			t.Errorf("file name %s repeated or not <yyyyMMddHHmmssSSS>-…", base)
		}
		names[base] = true
	}
	if len(names) != 10 {
		t.Errorf("%d result files, want 10", len(names))
	}
}
