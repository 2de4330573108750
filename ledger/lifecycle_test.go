package ledger

import (
	"context"
	"errors"
	"testing"
	"time"
)

// doc is a history entry for the lifecycle table.
func doc(id int64, action, state string) Document {
	d := Document{ID: id, Action: action, State: state, OrderID: "o", InvoiceNumber: "TK00000001"}
	if action == ActionAllowance || action == ActionVoidAllowance {
		d.AllowanceNumber = "AL1"
	}
	return d
}

// TestLifecycleTable lists every step of an invoice number's lifecycle,
// allowed, waiting and refused.
func TestLifecycleTable(t *testing.T) {
	const (
		I, V, C, A, VA = ActionIssue, ActionVoid, ActionCancel, ActionAllowance, ActionVoidAllowance
		q, up, ok, no  = StateQueued, StateUploaded, StateAccepted, StateRejected
		w              = StateWaiting
	)
	tests := []struct {
		name    string
		history []Document
		action  string
		code    string // refused with this code
		waitFor int64  // accepted, waiting for this document
		reuse   bool
	}{
		// issue
		{"issue a new number", nil, I, "", 0, false},
		{"issue twice (pending)", []Document{doc(1, I, q)}, I, "NUMBER_ISSUED", 0, false},
		{"issue twice (accepted)", []Document{doc(1, I, ok)}, I, "NUMBER_ISSUED", 0, false},
		{"issue again after the platform refused it", []Document{doc(1, I, no)}, I, "", 0, true},
		{"issue after void", []Document{doc(1, I, ok), doc(2, V, ok)}, I, "INVOICE_VOIDED", 0, false},
		{"re-issue after an accepted cancel", []Document{doc(1, I, ok), doc(2, C, ok)}, I, "", 0, true},
		{"re-issue waits for the cancel", []Document{doc(1, I, ok), doc(2, C, up)}, I, "", 2, true},
		{"re-issue after a refused cancel", []Document{doc(1, I, ok), doc(2, C, no)}, I, "NUMBER_ISSUED", 0, false},
		{"third issue after a second cancel", []Document{doc(1, I, ok), doc(2, C, ok), doc(3, I, ok), doc(4, C, ok)}, I, "", 0, true},
		// void
		{"void an unknown number", nil, V, "UNKNOWN_INVOICE", 0, false},
		{"void a refused issue", []Document{doc(1, I, no)}, V, "UNKNOWN_INVOICE", 0, false},
		{"void an accepted invoice", []Document{doc(1, I, ok)}, V, "", 0, false},
		{"void waits for its issue", []Document{doc(1, I, q)}, V, "", 1, false},
		{"void twice", []Document{doc(1, I, ok), doc(2, V, q)}, V, "INVOICE_VOIDED", 0, false},
		{"void after a refused void", []Document{doc(1, I, ok), doc(2, V, no)}, V, "", 0, false},
		{"void a cancelled invoice", []Document{doc(1, I, ok), doc(2, C, ok)}, V, "INVOICE_CANCELLED", 0, false},
		{"void a re-issued invoice", []Document{doc(1, I, ok), doc(2, C, ok), doc(3, I, ok)}, V, "", 0, false},
		{"void with a live allowance", []Document{doc(1, I, ok), doc(2, A, ok)}, V, "INVOICE_HAS_ALLOWANCES", 0, false},
		{"void after the allowance is voided", []Document{doc(1, I, ok), doc(2, A, ok), doc(3, VA, ok)}, V, "", 0, false},
		{"void waits for the allowance void", []Document{doc(1, I, ok), doc(2, A, ok), doc(3, VA, up)}, V, "", 3, false},
		{"void with a refused allowance", []Document{doc(1, I, ok), doc(2, A, no)}, V, "", 0, false},
		// cancel
		{"cancel an unknown number", nil, C, "UNKNOWN_INVOICE", 0, false},
		{"cancel an accepted invoice", []Document{doc(1, I, ok)}, C, "", 0, false},
		{"cancel waits for its issue", []Document{doc(1, I, up)}, C, "", 1, false},
		{"cancel twice", []Document{doc(1, I, ok), doc(2, C, q)}, C, "INVOICE_CANCELLED", 0, false},
		{"cancel a voided invoice", []Document{doc(1, I, ok), doc(2, V, ok)}, C, "INVOICE_VOIDED", 0, false},
		{"cancel with a live allowance", []Document{doc(1, I, ok), doc(2, A, q)}, C, "INVOICE_HAS_ALLOWANCES", 0, false},
		{"cancel the re-issue", []Document{doc(1, I, ok), doc(2, C, ok), doc(3, I, w)}, C, "", 3, false},
		// allowance
		{"allowance of an unknown number", nil, A, "UNKNOWN_INVOICE", 0, false},
		{"allowance of an accepted invoice", []Document{doc(1, I, ok)}, A, "", 0, false},
		{"allowance waits for its invoice", []Document{doc(1, I, q)}, A, "", 1, false},
		{"allowance of a voided invoice", []Document{doc(1, I, ok), doc(2, V, ok)}, A, "INVOICE_VOIDED", 0, false},
		{"allowance of a cancelled invoice", []Document{doc(1, I, ok), doc(2, C, up)}, A, "INVOICE_CANCELLED", 0, false},
		{"second allowance", []Document{doc(1, I, ok), doc(2, A, ok)}, A, "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NextStep(tt.action, "TK00000001", tt.history)
			if v.Code != tt.code || v.WaitFor != tt.waitFor || v.Reuse != tt.reuse {
				t.Errorf("NextStep = %+v; want code %q, wait for %d, reuse %v", v, tt.code, tt.waitFor, tt.reuse)
			}
			if v.Refused() && v.Reason == "" {
				t.Error("a refusal without a reason")
			}
		})
	}
}

func TestLifecycleAllowanceVoids(t *testing.T) {
	tests := []struct {
		name    string
		history []Document
		code    string
		waitFor int64
	}{
		{"unknown allowance", nil, "UNKNOWN_ALLOWANCE", 0},
		{"refused allowance", []Document{doc(1, ActionAllowance, StateRejected)}, "UNKNOWN_ALLOWANCE", 0},
		{"accepted allowance", []Document{doc(1, ActionAllowance, StateAccepted)}, "", 0},
		{"pending allowance", []Document{doc(1, ActionAllowance, StateUploaded)}, "", 1},
		{"voided twice", []Document{doc(1, ActionAllowance, StateAccepted), doc(2, ActionVoidAllowance, StateQueued)}, "ALLOWANCE_VOIDED", 0},
		{"after a refused void", []Document{doc(1, ActionAllowance, StateAccepted), doc(2, ActionVoidAllowance, StateRejected)}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NextStep(ActionVoidAllowance, "AL1", tt.history)
			if v.Code != tt.code || v.WaitFor != tt.waitFor {
				t.Errorf("NextStep = %+v; want code %q, wait for %d", v, tt.code, tt.waitFor)
			}
		})
	}
}

// TestTransitionsCascade issues, then a void waiting for the issue; the
// issue's acceptance releases the void, a refusal refuses what waits.
func TestTransitionsCascade(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 99))
	var issueID, voidID, issue2, void2 int64
	intake(t, l, func(tx *IntakeTx) error {
		for i, order := range []string{"i1", "i2"} {
			num, _, err := tx.NextNumber(seller1, "07", period)
			if err != nil {
				return err
			}
			id, err := tx.Accept(issue(i*2+1, order, num))
			if err != nil {
				return err
			}
			hist, err := tx.History(seller1, num)
			if err != nil {
				return err
			}
			v := NextStep(ActionVoid, num, hist)
			if v.WaitFor != id {
				t.Errorf("void of a queued issue: %+v, want wait for %d", v, id)
			}
			vd := issue(i*2+2, order+"-void", num)
			vd.Action, vd.MsgType, vd.FileName, vd.WaitingFor = ActionVoid, "F0501", "F0501_"+order+".xml", v.WaitFor
			vid, err := tx.Accept(vd)
			if err != nil {
				return err
			}
			if i == 0 {
				issueID, voidID = id, vid
			} else {
				issue2, void2 = id, vid
			}
		}
		return nil
	})
	if d, _ := l.Document(ctx, voidID); d.State != StateWaiting || d.WaitingFor != issueID {
		t.Fatalf("void is %s waiting for %d, want waiting for %d", d.State, d.WaitingFor, issueID)
	}
	if ds, _ := l.UnwrittenDocuments(ctx, 10); len(ds) != 2 {
		t.Errorf("unwritten: %d documents, want the two issues (the voids wait)", len(ds))
	}
	changes, err := l.Apply(ctx, ResultFile{Kind: "summary_result", Path: "/r/1.xml", SHA256: "x", Status: ResultApplied},
		func(rt *ResultTx) error {
			if err := rt.Transition(issueID, StateUploaded, "turnkey-bak", "", "", "/bak/1.xml"); err != nil {
				return err
			}
			if err := rt.Transition(issueID, StateAccepted, "summary-result", "", "", ""); err != nil {
				return err
			}
			return rt.Transition(issue2, StateRejected, "process-result", "E1003", "發票重覆開立", "")
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 5 { // uploaded, accepted, void released, refused, void refused
		t.Errorf("%d changes, want 5: %+v", len(changes), changes)
	}
	if d, _ := l.Document(ctx, voidID); d.State != StateQueued {
		t.Errorf("released void is %s, want queued", d.State)
	}
	if d, _ := l.Document(ctx, void2); d.State != StateRejected || d.ResultCode != "PREDECESSOR_REJECTED" {
		t.Errorf("void of the refused issue: %s %s, want rejected PREDECESSOR_REJECTED", d.State, d.ResultCode)
	}
	if seen, _ := l.ResultSeen(ctx, "/r/1.xml", "x"); !seen {
		t.Error("the result file is not recorded")
	}
	// A verdict against a final state is a conflict, and changes nothing.
	_, err = l.Apply(ctx, ResultFile{}, func(rt *ResultTx) error {
		return rt.Transition(issueID, StateRejected, "summary-result", "X", "late refusal", "")
	})
	if !errors.Is(err, ErrStateConflict) {
		t.Errorf("refusing an accepted document: %v, want ErrStateConflict", err)
	}
	if d, _ := l.Document(ctx, issueID); d.State != StateAccepted || d.Location != "/bak/1.xml" {
		t.Errorf("issue is %s at %q, want accepted at /bak/1.xml", d.State, d.Location)
	}
	// The status events list every state change with its code.
	evs, err := l.StatusEvents(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, e := range evs {
		states = append(states, e.OrderID+":"+e.State+":"+e.Code)
	}
	want := []string{"i1:queued:", "i1-void:waiting:", "i2:queued:", "i2-void:waiting:", "i1:uploaded:", "i1:accepted:",
		"i1-void:queued:", "i2:rejected:E1003", "i2-void:rejected:PREDECESSOR_REJECTED"}
	if len(states) != len(want) {
		t.Fatalf("status events %v, want %v", states, want)
	}
	for i := range want {
		if states[i] != want[i] {
			t.Errorf("status event %d = %s, want %s", i, states[i], want[i])
		}
	}
}

// TestResendAfterRefusal: an order the platform refused may come again; it
// is not a duplicate and reuses its number.
func TestResendAfterRefusal(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 99))
	nums := assign(t, l, 1)
	first, _ := l.DocumentsByNumber(ctx, seller1, nums[0])
	if _, err := l.Apply(ctx, ResultFile{}, func(rt *ResultTx) error {
		return rt.Transition(first[0].ID, StateRejected, "process-result", "S9001", "refused", "")
	}); err != nil {
		t.Fatal(err)
	}
	intake(t, l, func(tx *IntakeTx) error {
		prev, err := tx.FindDocument(seller1, ActionIssue, first[0].OrderID)
		if err != nil || prev == nil || prev.State != StateRejected {
			t.Fatalf("FindDocument after refusal: %+v, %v", prev, err)
		}
		hist, err := tx.History(seller1, nums[0])
		if err != nil {
			return err
		}
		v := NextStep(ActionIssue, nums[0], hist)
		if v.Refused() || !v.Reuse {
			t.Fatalf("resend verdict %+v, want allowed with reuse", v)
		}
		d := issue(1, first[0].OrderID, nums[0])
		d.FileName, d.ReuseNumber = "F0401_resend.xml", true
		_, err = tx.Accept(d)
		return err
	})
	docs, _ := l.DocumentsByNumber(ctx, seller1, nums[0])
	if len(docs) != 2 || docs[1].State != StateQueued {
		t.Fatalf("documents of %s: %+v", nums[0], docs)
	}
	mustVerify(t, l)
	// Reusing a number the seller never used is refused.
	_, err := l.Intake(ctx, "bad.csv", "bad", 1, func(tx *IntakeTx) error {
		d := issue(1, "never", "AB00000050")
		d.ReuseNumber = true
		_, err := tx.Accept(d)
		return err
	})
	if !errors.Is(err, ErrNumberNotInTrack) {
		t.Errorf("reuse of an unused number: %v, want ErrNumberNotInTrack", err)
	}
}

func TestStatusCursor(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	c, err := l.StatusCursor(ctx)
	if err != nil || c != (StatusCursor{}) {
		t.Fatalf("fresh cursor %+v, %v", c, err)
	}
	if err := l.BeginStatusAppend(ctx, "status-20261122.csv", 120, 7); err != nil {
		t.Fatal(err)
	}
	if c, _ := l.StatusCursor(ctx); c.PendingFile != "status-20261122.csv" || c.PendingSize != 120 || c.PendingUntil != 7 || c.EventID != 0 {
		t.Errorf("pending cursor %+v", c)
	}
	if err := l.EndStatusAppend(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := l.StatusCursor(ctx); c != (StatusCursor{EventID: 7}) {
		t.Errorf("cursor after the append %+v", c)
	}
}

// TestFindForResultSkipsWaiting: a re-issue waiting for its cancel shares
// the number and message type of the first issue; the verdict on the first
// issue must not land on it.
func TestFindForResultSkipsWaiting(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 99))
	nums := assign(t, l, 1)
	first, _ := l.DocumentsByNumber(ctx, seller1, nums[0])
	if err := l.MarkWritten(ctx, []int64{first[0].ID}); err != nil {
		t.Fatal(err)
	}
	intake(t, l, func(tx *IntakeTx) error {
		c := issue(1, "c1", nums[0])
		c.Action, c.MsgType, c.FileName, c.WaitingFor = ActionCancel, "F0701", "F0701_c1.xml", first[0].ID
		cid, err := tx.Accept(c)
		if err != nil {
			return err
		}
		r := issue(2, "r1", nums[0])
		r.FileName, r.WaitingFor, r.ReuseNumber = "F0401_r1.xml", cid, true
		_, err = tx.Accept(r)
		return err
	})
	_, err := l.Apply(ctx, ResultFile{}, func(rt *ResultTx) error {
		d, err := rt.FindForResult("F0401", nums[0], date, time.Time{})
		if err != nil {
			return err
		}
		if d == nil || d.ID != first[0].ID {
			t.Errorf("FindForResult = %+v, want the first issue %d", d, first[0].ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
