package ledger

import (
	"context"
	"testing"
	"time"
)

// TestVerdictGoesToItsSend: an order refused by the platform is sent again
// with the same number and date. A verdict whose message Turnkey packed
// before the resent document existed belongs to the first send; one packed
// later, or of unknown time, to the document still awaiting a verdict.
// FindFailed chooses alike among two documents refused as FAILED.
func TestVerdictGoesToItsSend(t *testing.T) {
	for _, firstCode := range []string{"S9001", CodeFailed} {
		t.Run(firstCode, func(t *testing.T) {
			l := openTest(t)
			ctx := context.Background()
			mustImport(t, l, trk(seller1, "07", period, "AB", 0, 99))
			nums := assign(t, l, 1)
			docs, _ := l.DocumentsByNumber(ctx, seller1, nums[0])
			first := docs[0]
			if err := l.MarkWritten(ctx, []int64{first.ID}); err != nil {
				t.Fatal(err)
			}
			verdict(t, l, func(rt *ResultTx) error {
				return rt.Transition(first.ID, StateRejected, "process-result", firstCode, "refused", "")
			})
			intake(t, l, func(tx *IntakeTx) error {
				r := issue(1, first.OrderID, nums[0])
				r.FileName, r.ReuseNumber = "F0401_resent.xml", true
				_, err := tx.Accept(r)
				return err
			})
			docs, _ = l.DocumentsByNumber(ctx, seller1, nums[0])
			if len(docs) != 2 {
				t.Fatalf("%d documents of %s, want the first send and the resend", len(docs), nums[0])
			}
			resent := docs[1]
			if err := l.MarkWritten(ctx, []int64{resent.ID}); err != nil {
				t.Fatal(err)
			}
			if !resent.CreatedAt.After(first.CreatedAt.Add(time.Millisecond)) {
				t.Fatalf("the resend was created at %v, the first send at %v: want them apart", resent.CreatedAt, first.CreatedAt)
			}
			beforeResend := resent.CreatedAt.Add(-time.Millisecond)
			for _, c := range []struct {
				name   string
				packed time.Time
				want   int64
			}{
				{"packed before the resend", beforeResend, first.ID},
				{"packed after the resend", resent.CreatedAt.Add(time.Second), resent.ID},
				{"packed in the resend's millisecond", resent.CreatedAt.Truncate(time.Millisecond), resent.ID},
				{"time unknown", time.Time{}, resent.ID},
			} {
				verdict(t, l, func(rt *ResultTx) error {
					d, err := rt.FindForResult("F0401", nums[0], date, c.packed)
					if err != nil {
						return err
					}
					if d == nil || d.ID != c.want {
						t.Errorf("FindForResult, %s: %+v, want document %d", c.name, d, c.want)
					}
					return nil
				})
			}
			// The resend refused by its own summary: a late ProcessResult
			// packed before it gives the first send its reason, not the resend.
			verdict(t, l, func(rt *ResultTx) error {
				return rt.Transition(resent.ID, StateRejected, "summary-result", CodeFailed, "failed", "")
			})
			wantFailed := resent.ID
			if firstCode == CodeFailed {
				wantFailed = first.ID
			}
			verdict(t, l, func(rt *ResultTx) error {
				d, err := rt.FindFailed("F0401", nums[0], date, beforeResend)
				if err != nil {
					return err
				}
				if d == nil || d.ID != wantFailed {
					t.Errorf("FindFailed, packed before the resend: %+v, want document %d", d, wantFailed)
				}
				d, err = rt.FindFailed("F0401", nums[0], date, time.Time{})
				if err != nil {
					return err
				}
				if d == nil || d.ID != resent.ID {
					t.Errorf("FindFailed, time unknown: %+v, want the latest, document %d", d, resent.ID)
				}
				return nil
			})
		})
	}
}

func verdict(tb testing.TB, l *Ledger, fn func(rt *ResultTx) error) {
	tb.Helper()
	if _, err := l.Apply(context.Background(), ResultFile{}, fn); err != nil {
		tb.Fatal(err)
	}
}
