package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/daemon"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// The checks of the lifecycle tests (lifecycle_e2e_test.go): the ledger, the
// status files, the simulated platform and the command line agree.

// checkLedger opens the ledger and requires, per order and action, the
// documents' states in final (oldest first) and nothing else. It also runs
// the ledger's own invariant check, and requires every result file to have
// been applied cleanly and once. It returns the documents and the status
// events.
func (s *lcSite) checkLedger(final map[lcKey][]string) ([]ledger.Document, []ledger.StatusEvent) {
	t := s.t
	t.Helper()
	ctx := context.Background()
	l, err := ledger.Open(ctx, filepath.Join(s.dir, "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Verify(ctx); err != nil {
		t.Error(err)
	}
	docs, err := l.DocumentsByState(ctx, "", time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[lcKey][]string{}
	for _, d := range docs {
		k := lcKey{d.OrderID, d.Action}
		got[k] = append(got[k], d.State)
		if d.SellerBAN != lcSeller {
			t.Errorf("document %d (%s) has seller %s", d.ID, k, d.SellerBAN)
		}
	}
	for k, w := range final {
		if !slices.Equal(got[k], w) {
			t.Errorf("ledger: %s has documents in states %v, want %v", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := final[k]; !ok {
			t.Errorf("ledger: unexpected documents %s in states %v", k, g)
		}
	}
	// Codes and numbers of the documents sent twice.
	byKey := map[lcKey][]ledger.Document{}
	for _, d := range docs {
		byKey[lcKey{d.OrderID, d.Action}] = append(byKey[lcKey{d.OrderID, d.Action}], d)
	}
	for k, code := range map[lcKey]string{{"R-1", "issue"}: lcInjected, {"R-2", "issue"}: lcInjected, {"R-3", "issue"}: lcInjected,
		{"R-3", "void"}: "PREDECESSOR_REJECTED", {"C-3", "void"}: lcInjected, {"B-1-AL", "allowance"}: lcInjected} {
		ds := byKey[k]
		if len(ds) != 2 {
			continue // reported above
		}
		if ds[0].ResultCode != code {
			t.Errorf("ledger: the refused %s has code %q, want %s", k, ds[0].ResultCode, code)
		}
		if ds[0].InvoiceNumber != ds[1].InvoiceNumber || ds[0].AllowanceNumber != ds[1].AllowanceNumber {
			t.Errorf("ledger: %s was first %s %s, then %s %s: a resent order keeps its number", k, ds[0].InvoiceNumber,
				ds[0].AllowanceNumber, ds[1].InvoiceNumber, ds[1].AllowanceNumber)
		}
	}
	counts, err := l.CountResultFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	for ks, n := range counts {
		if ks[1] != ledger.ResultApplied {
			t.Errorf("ledger: %d %s files are %s", n, ks[0], ks[1])
		}
		applied += n
	}
	written := 0
	for _, kind := range []string{"ProcessResult", "SummaryResult"} {
		filepath.WalkDir(filepath.Join(s.tk, "Unpack", "BAK", kind), func(path string, e os.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() {
				written++
			}
			return err
		})
	}
	if applied != written {
		t.Errorf("ledger: %d result files recorded, the simulator wrote %d", applied, written)
	}
	events, err := l.StatusEvents(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return docs, events
}

// checkStatusFiles requires the status files to be exactly the ledger's
// state changes, each once and in order, each document's lines to follow a
// valid lifecycle path, and its last one to be the document's state.
func (s *lcSite) checkStatusFiles(docs []ledger.Document, events []ledger.StatusEvent) []lcLine {
	t := s.t
	t.Helper()
	lines, err := s.readStatus(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != len(events) {
		t.Errorf("the status files have %d lines, the ledger %d state changes", len(lines), len(events))
	}
	for i := range min(len(lines), len(events)) {
		l, e := lines[i], events[i]
		if l.order != e.OrderID || l.action != e.Action || l.number != e.InvoiceNumber || l.state != e.State || l.code != e.Code {
			t.Errorf("status line %d is %s %s %s %s %q, the ledger's change %d is %s %s %s %s %q", i+1, l.order, l.action, l.number,
				l.state, l.code, e.ID, e.OrderID, e.Action, e.InvoiceNumber, e.State, e.Code)
			break
		}
	}
	seen := map[string]bool{}
	for _, l := range lines {
		line := strings.Join([]string{l.at, l.order, l.action, l.number, l.state, l.code, l.message}, ",")
		if seen[line] {
			t.Errorf("the status files have a line twice: %s", line)
		}
		seen[line] = true
	}
	instances := lcCheckPaths(t, lines)
	byKey := map[lcKey][]ledger.Document{}
	for _, d := range docs {
		byKey[lcKey{d.OrderID, d.Action}] = append(byKey[lcKey{d.OrderID, d.Action}], d)
	}
	for k, ds := range byKey {
		paths := instances[k]
		if len(paths) != len(ds) {
			t.Errorf("the status files show %d documents %s, the ledger %d", len(paths), k, len(ds))
			continue
		}
		for i, d := range ds {
			if last := paths[i][len(paths[i])-1]; last != d.State {
				t.Errorf("the status files end document %d (%s) in %s, the ledger has %s", d.ID, k, last, d.State)
			}
		}
	}
	return lines
}

// lcCheckPaths requires each document's status lines to be a lifecycle
// path: queued or waiting first; waiting → queued | rejected; queued →
// uploaded | accepted | rejected; uploaded → accepted | rejected; nothing
// after accepted; after rejected only a new document of the order (sent
// again). It returns the paths per order and action.
func lcCheckPaths(t *testing.T, lines []lcLine) map[lcKey][][]string {
	t.Helper()
	next := map[string][]string{
		"":                   {ledger.StateQueued, ledger.StateWaiting},
		ledger.StateWaiting:  {ledger.StateQueued, ledger.StateRejected},
		ledger.StateQueued:   {ledger.StateUploaded, ledger.StateAccepted, ledger.StateRejected},
		ledger.StateUploaded: {ledger.StateAccepted, ledger.StateRejected},
		ledger.StateRejected: {ledger.StateQueued, ledger.StateWaiting}, // sent again: a new document
		ledger.StateAccepted: nil,
	}
	paths := map[lcKey][][]string{}
	last := map[lcKey]string{}
	for _, l := range lines {
		k := l.key()
		if last[k] == ledger.StateRejected && l.state == ledger.StateRejected {
			// The platform's reason (a ProcessResult) arriving after a
			// SummaryResult listed the document as FAILED: same document.
			if l.code == "" || l.code == ledger.CodeFailed {
				t.Errorf("status: %s repeats rejected without a new code (%s)", k, l.message)
			}
			continue
		}
		if !slices.Contains(next[last[k]], l.state) {
			t.Errorf("status: %s goes from %q to %q (%s)", k, last[k], l.state, l.message)
		}
		if last[k] == "" || last[k] == ledger.StateRejected {
			paths[k] = append(paths[k], nil)
		}
		p := paths[k]
		p[len(p)-1] = append(p[len(p)-1], l.state)
		last[k] = l.state
	}
	return paths
}

// lcCheckReleasedAfter requires the last document of waiter to have waited
// and gone out (queued) only after the last acceptance of pred.
func lcCheckReleasedAfter(t *testing.T, lines []lcLine, waiter, pred lcKey) {
	t.Helper()
	accepted, waited, released := -1, -1, -1
	for i, l := range lines {
		switch {
		case l.key() == pred && l.state == ledger.StateAccepted:
			accepted = i
		case l.key() == waiter && l.state == ledger.StateWaiting:
			waited, released = i, -1
		case l.key() == waiter && l.state == ledger.StateQueued:
			released = i
		}
	}
	if waited < 0 || released < waited || accepted < 0 || released < accepted {
		t.Errorf("status: %s should wait and go out after %s was accepted: waiting at line %d, queued at %d, %s accepted at %d",
			waiter, pred, waited, released, pred, accepted)
	}
}

// checkSim loads the simulated platform's state and requires it to agree
// with the ledger: each invoice number's status and issue count follow from
// the ledger's accepted documents, each allowance's too, and each XML file
// the ledger wrote was picked up once, with the ledger's verdict.
func (s *lcSite) checkSim(docs []ledger.Document) {
	t := s.t
	t.Helper()
	st := s.simState()
	voidedAllowance := map[string]bool{}
	for _, d := range docs {
		if d.Action == ledger.ActionVoidAllowance && d.State == ledger.StateAccepted {
			voidedAllowance[d.AllowanceNumber] = true
		}
	}
	type invoice struct {
		status     sim.Status
		issues     int
		allowances []string
		live       int // allowances not voided
	}
	invoices := map[string]*invoice{}
	allowances := map[string]sim.Status{}
	written := 0
	for _, d := range docs {
		if d.WrittenAt.IsZero() {
			if f, ok := st.File(d.FileName); ok {
				t.Errorf("sim: picked up %s of document %d (%s %s), which the ledger never wrote: %+v", d.FileName, d.ID, d.OrderID, d.Action, f)
			}
		} else {
			written++
			s.checkSimFile(st, d)
		}
		if d.State != ledger.StateAccepted {
			continue
		}
		inv := invoices[d.InvoiceNumber]
		if inv == nil && d.Action != ledger.ActionIssue {
			t.Errorf("ledger: %s %s of %s was accepted, the issue of %s never", d.Action, d.OrderID, d.InvoiceNumber, d.InvoiceNumber)
			continue
		}
		switch d.Action {
		case ledger.ActionIssue:
			if inv == nil {
				inv = &invoice{status: sim.Issued}
				invoices[d.InvoiceNumber] = inv
			} else {
				inv.status = sim.Reissued
			}
			inv.issues++
		case ledger.ActionVoid:
			inv.status = sim.Voided
		case ledger.ActionCancel:
			inv.status = sim.Cancelled
		case ledger.ActionAllowance:
			inv.allowances = append(inv.allowances, d.AllowanceNumber)
			allowances[d.AllowanceNumber] = sim.Issued
			if !voidedAllowance[d.AllowanceNumber] {
				inv.live++
			}
		case ledger.ActionVoidAllowance:
			allowances[d.AllowanceNumber] = sim.Voided
		}
	}
	if len(st.Files) != written {
		t.Errorf("sim: %d files picked up, the ledger wrote %d", len(st.Files), written)
	}
	for _, f := range st.Files {
		if f.Verdict != sim.Accepted && f.Verdict != sim.Refused {
			t.Errorf("sim: %s has verdict %s (%s)", f.Name, f.Verdict, f.Code)
		}
	}
	if len(st.Invoices) != len(invoices) {
		t.Errorf("sim: the platform has %d invoices, the ledger %d accepted invoice numbers", len(st.Invoices), len(invoices))
	}
	for _, got := range st.Invoices {
		w := invoices[got.Number]
		switch {
		case got.Seller != lcSeller:
			t.Errorf("sim: invoice %s of seller %s", got.Number, got.Seller)
		case w == nil:
			t.Errorf("sim: the platform has invoice %s (%s), the ledger no accepted issue of it", got.Number, got.Status)
		case got.Status != w.status || got.Issues != w.issues || !slices.Equal(got.Allowances, w.allowances):
			t.Errorf("sim: invoice %s is %s, issued %d times, allowances %v; the ledger says %s, %d, %v",
				got.Number, got.Status, got.Issues, got.Allowances, w.status, w.issues, w.allowances)
		case got.Allowed.IsZero() != (w.live == 0):
			t.Errorf("sim: invoice %s has %s allowed, with %d live allowances in the ledger", got.Number, got.Allowed, w.live)
		}
	}
	if len(st.Allowances) != len(allowances) {
		t.Errorf("sim: the platform has %d allowances, the ledger %d", len(st.Allowances), len(allowances))
	}
	for _, a := range st.Allowances {
		if a.Status != allowances[a.Number] {
			t.Errorf("sim: allowance %s is %s, the ledger says %q", a.Number, a.Status, allowances[a.Number])
		}
	}
}

// simState loads the simulated platform's state from its state file.
func (s *lcSite) simState() sim.State {
	s.t.Helper()
	cfg, err := daemon.LoadConfig(s.config)
	if err != nil {
		s.t.Fatal(err)
	}
	sm, err := sim.New(daemon.SimConfig(cfg), sim.Options{})
	if err != nil {
		s.t.Fatal(err)
	}
	return sm.State()
}

// checkSimFile requires the simulator's record of a written document's file
// to agree with the ledger: where it went, and the verdict with its code.
func (s *lcSite) checkSimFile(st sim.State, d ledger.Document) {
	t := s.t
	t.Helper()
	f, ok := st.File(d.FileName)
	n := 0
	for _, g := range st.Files {
		if g.Name == d.FileName {
			n++
		}
	}
	switch {
	case !ok:
		t.Errorf("sim: never picked up %s (document %d, %s %s, %s)", d.FileName, d.ID, d.OrderID, d.Action, d.State)
	case n != 1:
		t.Errorf("sim: picked up %s %d times", d.FileName, n)
	case f.Path != d.Location:
		t.Errorf("sim: moved %s to %s, the ledger says %s", d.FileName, f.Path, d.Location)
	case d.State == ledger.StateAccepted && f.Verdict != sim.Accepted,
		d.State == ledger.StateRejected && (f.Verdict != sim.Refused || f.Code != d.ResultCode):
		t.Errorf("sim: %s has verdict %s %s, the ledger %s %s", d.FileName, f.Verdict, f.Code, d.State, d.ResultCode)
	}
}

// lcShowHead is the first line of a document in `turnkeyd invoice show`.
var lcShowHead = regexp.MustCompile(`^[A-Z]\d{4} ([A-Z_]+)  order (\S+)  seller \d+  buyer \d+  ([A-Z]+)$`)

// lcCheckShow requires `invoice show` to list the documents want
// ("ACTION ORDER STATE"), in that order.
func lcCheckShow(t *testing.T, show, what string, want []string) {
	t.Helper()
	var got []string
	for _, line := range strings.Split(show, "\n") {
		if m := lcShowHead.FindStringSubmatch(line); m != nil {
			got = append(got, m[1]+" "+m[2]+" "+m[3])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("invoice show %s lists %q, want %q:\n%s", what, got, want, show)
	}
}

// lcCheckRejectedList requires `invoice list -state rejected` to list
// exactly want ("action order code").
func lcCheckRejectedList(t *testing.T, list string, want map[string]bool) {
	t.Helper()
	got := map[string]bool{}
	rows := strings.Split(strings.TrimSpace(list), "\n")
	for _, row := range rows[1 : len(rows)-1] { // the header, the count
		f := strings.Fields(row) // date time state type action number order code message…
		if len(f) < 8 || f[2] != ledger.StateRejected {
			t.Errorf("invoice list -state rejected: unexpected row %q", row)
			continue
		}
		got[f[4]+" "+f[6]+" "+f[7]] = true
	}
	if !maps.Equal(got, want) || rows[len(rows)-1] != fmt.Sprintf("%d documents", len(want)) {
		t.Errorf("invoice list -state rejected lists %v, want %v:\n%s", got, want, list)
	}
}

// checkSpoolEmpty requires in/ and work/ to be empty and nothing in
// failed/: every file was taken and answered.
func (s *lcSite) checkSpoolEmpty() {
	s.t.Helper()
	for _, sub := range []string{"in", "work", "failed"} {
		entries, err := os.ReadDir(filepath.Join(s.spool, sub))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			s.t.Fatal(err)
		}
		if len(entries) > 0 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			s.t.Errorf("spool/%s holds %v", sub, names)
		}
	}
}
