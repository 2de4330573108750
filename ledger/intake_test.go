package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestOutcomesOrderedByLine(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	in := intake(t, l, func(tx *IntakeTx) error {
		for _, line := range []int{30, 2, 17} {
			if err := tx.AddOutcome(Outcome{Line: line, OrderID: fmt.Sprint("o", line), Action: ActionIssue,
				Status: StatusRejected, Message: "bad"}); err != nil {
				return err
			}
		}
		_, err := tx.Accept(issue(9, "o9", "AB00000000"))
		return err
	})
	outs, err := l.Outcomes(context.Background(), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, o := range outs {
		lines = append(lines, o.Line)
		if o.IntakeID != in.ID {
			t.Errorf("outcome of line %d has intake %d, want %d", o.Line, o.IntakeID, in.ID)
		}
	}
	if fmt.Sprint(lines) != "[2 9 17 30]" {
		t.Errorf("lines %v, want [2 9 17 30]", lines)
	}
	if outs[1].Status != StatusAccepted || outs[1].InvoiceNumber != "AB00000000" || outs[1].RandomNumber != "1234" ||
		outs[1].InvoiceDate != date || outs[1].OrderID != "o9" || outs[1].Action != ActionIssue {
		t.Errorf("accepted outcome %+v", outs[1])
	}
}

func TestOutcomeMisuse(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	intake(t, l, func(tx *IntakeTx) error {
		tests := []struct {
			name string
			err  error
		}{
			{"accepted outcome by hand", tx.AddOutcome(Outcome{Line: 1, Status: StatusAccepted})},
			{"unknown status", tx.AddOutcome(Outcome{Line: 1, Status: "ok"})},
			{"no line", tx.AddOutcome(Outcome{Status: StatusRejected})},
			{"line taken", func() error {
				if err := tx.AddOutcome(Outcome{Line: 5, Status: StatusRejected}); err != nil {
					return err
				}
				return tx.AddOutcome(Outcome{Line: 5, Status: StatusRejected})
			}()},
			{"document on a line taken", func() error { _, err := tx.Accept(issue(5, "x", "AB00000000")); return err }()},
			{"unknown action", func() error {
				d := issue(6, "y", "AB00000000")
				d.Action = "refund"
				_, err := tx.Accept(d)
				return err
			}()},
		}
		for _, tc := range tests {
			if !errors.Is(tc.err, ErrInvalidDocument) {
				t.Errorf("%s: %v, want ErrInvalidDocument", tc.name, tc.err)
			}
		}
		return nil
	})
	if n := count(t, l.r, "SELECT count(*) FROM outcomes"); n != 1 {
		t.Errorf("%d outcomes, want 1", n)
	}
}

func TestDuplicates(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	first := intake(t, l, func(tx *IntakeTx) error {
		_, err := tx.Accept(issue(1, "o1", "AB00000000"))
		return err
	})
	intake(t, l, func(tx *IntakeTx) error {
		d, err := tx.FindDocument(seller1, ActionIssue, "o1")
		if err != nil || d == nil || d.IntakeID != first.ID || d.InvoiceNumber != "AB00000000" || string(d.Body) != `{"order":"o1"}` {
			t.Errorf("FindDocument from an earlier intake: %+v, %v", d, err)
		}
		if d, err := tx.FindDocument(seller1, ActionVoid, "o1"); d != nil || err != nil {
			t.Errorf("FindDocument of another action: %+v, %v, want nil", d, err)
		}
		if _, err := tx.Accept(issue(2, "o2", "AB00000001")); err != nil {
			return err
		}
		if d, err := tx.FindDocument(seller1, ActionIssue, "o2"); d == nil || err != nil {
			t.Errorf("FindDocument in the same intake: %+v, %v", d, err)
		}
		// Accept refuses a duplicate without spoiling the transaction.
		dup := issue(3, "o2", "AB00000002")
		dup.FileName = "other.xml"
		if _, err := tx.Accept(dup); !errors.Is(err, ErrDuplicate) {
			t.Errorf("Accept of a duplicate: %v, want ErrDuplicate", err)
		}
		twice := issue(4, "o4", "AB00000002")
		twice.FileName = "F0401_o2.xml"
		if _, err := tx.Accept(twice); !errors.Is(err, ErrInvalidDocument) || !strings.Contains(err.Error(), "file name F0401_o2.xml is taken") {
			t.Errorf("Accept with a file name of this intake: %v, want ErrInvalidDocument", err)
		}
		return tx.AddOutcome(Outcome{Line: 3, OrderID: "o2", Action: ActionIssue, Status: StatusDuplicate,
			InvoiceNumber: "AB00000001", Message: "already accepted"})
	})
	if got := assign(t, l, 1); got[0] != "AB00000002" {
		t.Errorf("next after the refused duplicate: %s, want AB00000002", got[0])
	}
	// A file name of an earlier intake is found when the batch is written,
	// and fails the whole intake.
	_, err := l.Intake(context.Background(), "clash.csv", "h", 1, func(tx *IntakeTx) error {
		d := issue(7, "o7", "AB00000003")
		d.FileName = "F0401_o1.xml"
		_, err := tx.Accept(d)
		return err
	})
	if !errors.Is(err, ErrTxDone) || !strings.Contains(err.Error(), "line 7: file name F0401_o1.xml is taken by document 1 of intake 1") {
		t.Errorf("Intake with a file name taken earlier: %v, want ErrTxDone naming line 7 and document 1", err)
	}
	mustVerify(t, l)
}

func TestFindIntake(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	take := func(sha string) (*Intake, error) {
		return l.Intake(ctx, "orders.csv", sha, 10, func(tx *IntakeTx) error {
			d, err := tx.FindDocument(seller1, ActionIssue, "o1")
			if err != nil || d != nil {
				return tx.AddOutcome(Outcome{Line: 1, OrderID: "o1", Action: ActionIssue, Status: StatusDuplicate})
			}
			_, err = tx.Accept(issue(1, "o1", "AB00000000"))
			return err
		})
	}
	find := func(sha string) *Intake {
		t.Helper()
		in, err := l.FindIntake(ctx, "orders.csv", sha)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	if in := find("h1"); in != nil {
		t.Fatalf("FindIntake before any intake: %+v", in)
	}
	in, err := take("h1")
	if err != nil {
		t.Fatal(err)
	}
	if got := find("h1"); got == nil || got.ID != in.ID || got.State != IntakeCommitted || got.Size != 10 {
		t.Errorf("committed: FindIntake %+v, want intake %d committed", got, in.ID)
	}
	if got := find("h2"); got != nil {
		t.Errorf("other content: FindIntake %+v, want nil", got)
	}
	if _, err := take("h1"); !errors.Is(err, ErrIntakeUnfinished) {
		t.Errorf("second intake of an unfinished file: %v, want ErrIntakeUnfinished", err)
	}
	if err := l.MarkDone(ctx, in.ID); !errors.Is(err, ErrIntakeState) {
		t.Errorf("MarkDone of a committed intake: %v, want ErrIntakeState", err)
	}
	for range 2 {
		if err := l.MarkAnswered(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := find("h1"); got == nil || got.State != IntakeAnswered || got.AnsweredAt.IsZero() {
		t.Errorf("answered: FindIntake %+v", got)
	}
	for range 2 {
		if err := l.MarkDone(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := find("h1"); got != nil {
		t.Errorf("done: FindIntake %+v, want nil", got)
	}
	if err := l.MarkAnswered(ctx, in.ID); !errors.Is(err, ErrIntakeState) {
		t.Errorf("MarkAnswered of a done intake: %v, want ErrIntakeState", err)
	}
	if err := l.MarkAnswered(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkAnswered of an unknown intake: %v, want ErrNotFound", err)
	}
	again, err := take("h1")
	if err != nil {
		t.Fatalf("the same file dropped again after done: %v", err)
	}
	outs, err := l.Outcomes(ctx, again.ID)
	if err != nil || len(outs) != 1 || outs[0].Status != StatusDuplicate {
		t.Errorf("outcomes of the re-drop %+v, %v, want one duplicate", outs, err)
	}
	got, err := l.IntakeByID(ctx, in.ID)
	if err != nil || got.State != IntakeDone || got.DoneAt.IsZero() || !got.CommittedAt.After(got.ReceivedAt) {
		t.Errorf("IntakeByID %+v, %v", got, err)
	}
	evs, err := l.Events(ctx, EventQuery{IntakeID: in.ID})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, e := range evs {
		if e.Kind == "intake" {
			states = append(states, e.FromState+">"+e.ToState)
		}
	}
	if fmt.Sprint(states) != "[>committed committed>answered answered>done]" {
		t.Errorf("intake events %v", states)
	}
}

func TestUnwrittenDocuments(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	assign(t, l, 5)
	docs, err := l.UnwrittenDocuments(ctx, 3)
	if err != nil || len(docs) != 3 || docs[0].ID != 1 || docs[2].ID != 3 {
		t.Fatalf("UnwrittenDocuments(3): %d docs, %v", len(docs), err)
	}
	if err := l.MarkWritten(ctx, []int64{1, 2, 999}); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "document 999") {
		t.Errorf("MarkWritten with an unknown id: %v, want ErrNotFound naming document 999", err)
	}
	if docs, _ := l.UnwrittenDocuments(ctx, 10); len(docs) != 5 {
		t.Errorf("a failed batch marked documents: %d unwritten, want 5", len(docs))
	}
	for range 2 {
		if err := l.MarkWritten(ctx, []int64{1, 2, 4}); err != nil {
			t.Fatal(err)
		}
	}
	docs, err = l.UnwrittenDocuments(ctx, 10)
	if err != nil || len(docs) != 2 || docs[0].ID != 3 || docs[1].ID != 5 {
		t.Errorf("UnwrittenDocuments after marking: %+v, %v, want 3 and 5", docs, err)
	}
	d, err := l.Document(ctx, 2)
	if err != nil || d.WrittenAt.IsZero() || !d.UpdatedAt.Equal(d.WrittenAt) || d.State != StateQueued {
		t.Errorf("Document(2): %+v, %v", d, err)
	}
	flight, err := l.InFlight(ctx)
	if err != nil || len(flight) != 3 {
		t.Fatalf("InFlight: %+v, %v, want documents 1, 2 and 4", flight, err)
	}
	for i, id := range []int64{1, 2, 4} {
		h := flight[i]
		if h.ID != id || h.TargetDir == "" || !strings.HasSuffix(h.FileName, ".xml") || h.WrittenAt.IsZero() {
			t.Errorf("InFlight[%d] = %+v, want document %d with its folder, file and time", i, h, id)
		}
	}
	if flight[1].WrittenAt != d.WrittenAt || flight[1].FileName != d.FileName || flight[1].TargetDir != d.TargetDir {
		t.Errorf("InFlight says %+v of document 2, Document says %s/%s at %s", flight[1], d.TargetDir, d.FileName, d.WrittenAt)
	}
	evs, err := l.Events(ctx, EventQuery{DocumentID: 2})
	if err != nil || len(evs) != 2 || evs[0].ToState != StateQueued || evs[0].Cause != "intake" ||
		!strings.HasPrefix(evs[0].Detail, "file orders-") || !strings.HasSuffix(evs[0].Detail, " line 2") ||
		evs[1].Kind != "written" || !strings.HasSuffix(evs[1].Detail, "F0401_A"+strings.TrimPrefix(d.OrderID, "A")+".xml") {
		t.Errorf("events of document 2: %+v, %v", evs, err)
	}
	if _, err := l.Document(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Document(999): %v, want ErrNotFound", err)
	}
}

func TestDocumentQueries(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	intake(t, l, func(tx *IntakeTx) error {
		if _, err := tx.Accept(issue(1, "o1", "AB00000000")); err != nil {
			return err
		}
		void := issue(4, "o1", "AB00000000")
		void.Action, void.MsgType, void.InvoiceType, void.FileName = ActionVoid, "F0501", "", "F0501_o1.xml"
		_, err := tx.Accept(void)
		return err
	})
	docs, err := l.DocumentsByNumber(ctx, "", "AB00000000")
	if err != nil || len(docs) != 2 || docs[0].Action != ActionIssue || docs[1].Action != ActionVoid {
		t.Errorf("DocumentsByNumber: %+v, %v, want the issue and the void", docs, err)
	}
	if docs, err := l.DocumentsByNumber(ctx, seller2, "AB00000000"); err != nil || len(docs) != 0 {
		t.Errorf("DocumentsByNumber of another seller: %+v, %v", docs, err)
	}
	counts, err := l.CountDocumentsByState(ctx)
	if err != nil || len(counts) != len(States) || counts[StateQueued] != 2 || counts[StateAccepted] != 0 {
		t.Errorf("CountDocumentsByState: %v, %v", counts, err)
	}
	if u := usage(t, l)[0]; u.Used != 1 {
		t.Errorf("a void used a number: %+v", u)
	}
	mustVerify(t, l)
}

// TestUnwrittenDocumentsPlan keeps the crash recovery query on the partial
// index of unwritten documents: through documents_by_state it would walk
// every queued document, most of a backlog waiting for Turnkey.
func TestUnwrittenDocumentsPlan(t *testing.T) {
	l := openTest(t)
	if got := queryPlan(t, l.r, `SELECT `+docColumns+` FROM documents `+unwrittenQuery, 10); !strings.Contains(got, "documents_unwritten") {
		t.Errorf("query plan %q does not use documents_unwritten", got)
	}
}

// TestEachOutcomePages: EachOutcome gives every outcome once, in line
// order, across pages.
func TestEachOutcomePages(t *testing.T) {
	l := openTest(t)
	ctx := context.Background()
	n := outcomePage*2 + 7
	in, err := l.Intake(ctx, "many.csv", "sum", 1, func(tx *IntakeTx) error {
		for line := 1; line <= n; line++ {
			if err := tx.AddOutcome(Outcome{Line: line * 2, OrderID: fmt.Sprint(line), Action: "issue", Status: StatusRejected, Message: "m"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, last := 0, 0
	if err := l.EachOutcome(ctx, in.ID, func(o Outcome) error {
		if o.Line <= last {
			t.Fatalf("line %d after %d", o.Line, last)
		}
		got, last = got+1, o.Line
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Errorf("%d outcomes, want %d", got, n)
	}
}
