package ledger

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestIntakeParts takes in one file in three parts: each part commits its
// numbers and outcomes, the intake is partial (findable, not answerable)
// until the last, a part rolled back leaves the progress where it was, and
// a part whose Prev is stale is refused.
func TestIntakeParts(t *testing.T) {
	ctx := context.Background()
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	part := func(prev *Intake, lines []int, last bool) (*Intake, error) {
		return l.IntakePart(ctx, Part{Prev: prev, Name: "big.csv", SHA256: "sha-big", Size: 1000, Through: lines[len(lines)-1], Last: last},
			func(tx *IntakeTx) error {
				for _, line := range lines {
					num, _, err := tx.NextNumber(seller1, "07", period)
					if err != nil {
						return err
					}
					if _, err := tx.Accept(issue(line, fmt.Sprint("big-", line), num)); err != nil {
						return err
					}
				}
				return nil
			})
	}
	in, err := part(nil, []int{2, 3}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Partial || in.Through != 3 {
		t.Fatalf("after the first part: partial %v through %d, want partial through 3", in.Partial, in.Through)
	}
	if err := l.MarkAnswered(ctx, in.ID); !errors.Is(err, ErrIntakeState) {
		t.Fatalf("answering a partial intake: %v, want ErrIntakeState", err)
	}
	found, err := l.FindIntake(ctx, "big.csv", "sha-big")
	if err != nil || found == nil || found.ID != in.ID || !found.Partial || found.Through != 3 {
		t.Fatalf("FindIntake: %+v %v, want intake %d partial through 3", found, err, in.ID)
	}
	if _, err := l.Intake(ctx, "big.csv", "sha-big", 1000, func(*IntakeTx) error { return nil }); !errors.Is(err, ErrIntakeUnfinished) {
		t.Fatalf("a new intake of the partial file: %v, want ErrIntakeUnfinished", err)
	}

	// A part that fails rolls back: no number, no progress.
	boom := errors.New("boom")
	_, err = l.IntakePart(ctx, Part{Prev: found, Through: 9}, func(tx *IntakeTx) error {
		if _, _, err := tx.NextNumber(seller1, "07", period); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failed part: %v", err)
	}
	if found, _ = l.FindIntake(ctx, "big.csv", "sha-big"); found.Through != 3 {
		t.Fatalf("a rolled-back part moved the progress to line %d", found.Through)
	}

	in, err = part(found, []int{4, 6}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part(found, []int{7}, true); !errors.Is(err, ErrIntakeState) {
		t.Fatalf("a part continuing a stale intake (through 3, the ledger has 6): %v, want ErrIntakeState", err)
	}
	in, err = part(in, []int{7}, true)
	if err != nil {
		t.Fatal(err)
	}
	if in.Partial {
		t.Fatal("the last part left the intake partial")
	}
	outs, err := l.Outcomes(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range outs {
		got = append(got, fmt.Sprint(o.Line, ":", o.InvoiceNumber))
	}
	if want := "[2:AB00000000 3:AB00000001 4:AB00000002 6:AB00000003 7:AB00000004]"; fmt.Sprint(got) != want {
		t.Errorf("outcomes %v, want %s", got, want)
	}
	if err := l.MarkAnswered(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, l)
	if n := count(t, l.r, `SELECT count(*) FROM events WHERE intake_id = ? AND kind = 'intake' AND to_state IN ('partial', 'committed')`, in.ID); n != 3 {
		t.Errorf("%d intake events for three parts, want 3", n)
	}
}
