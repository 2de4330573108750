package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestNextNumberAcrossTracks(t *testing.T) {
	l := openTest(t)
	// Imported out of order: numbers come by letters, then begin.
	mustImport(t, l, trk(seller1, "07", period, "AC", 0, 49), trk(seller1, "07", period, "AB", 50, 99),
		trk(seller1, "07", period, "AB", 0, 49))
	got := assign(t, l, 150)
	want := []string{"AB00000000", "AB00000049", "AB00000050", "AB00000099", "AC00000000", "AC00000049"}
	for i, n := range []int{0, 49, 50, 99, 100, 149} {
		if got[n] != want[i] {
			t.Errorf("number %d is %s, want %s", n, got[n], want[i])
		}
	}
	intake(t, l, func(tx *IntakeTx) error {
		_, _, err := tx.NextNumber(seller1, "07", period)
		if !errors.Is(err, ErrTrackExhausted) ||
			!strings.Contains(err.Error(), "AB00000000-AB00000049, AB00000050-AB00000099, AC00000000-AC00000049") {
			t.Errorf("NextNumber: %v, want ErrTrackExhausted listing the ranges", err)
		}
		return nil
	})
	for _, u := range usage(t, l) {
		if u.NextNumber != "" || u.Remaining != 0 || u.Next != u.End+1 {
			t.Errorf("track %s: %+v, want exhausted", u.Track, u)
		}
	}
	mustVerify(t, l)
}

func TestNextNumberSkipsGivenNumbers(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	intake(t, l, func(tx *IntakeTx) error {
		for i, n := range []string{"AB00000001", "AB00000002", "AB00000005"} {
			if _, err := tx.Accept(issue(i+1, "POS"+n, n)); err != nil {
				return err
			}
		}
		return nil
	})
	if got := assign(t, l, 4); !slices.Equal(got, []string{"AB00000000", "AB00000003", "AB00000004", "AB00000006"}) {
		t.Errorf("assigned %v, want 0, 3, 4, 6", got)
	}
	if u := usage(t, l)[0]; u.Next != 7 || u.Used != 7 {
		t.Errorf("usage %+v, want next 7 with 7 used", u)
	}
	mustVerify(t, l)
}

func TestNumberErrors(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49), trk(seller1, "08", period, "AC", 0, 49),
		trk(seller2, "07", period, "AD", 0, 49), trk(seller1, "07", "11510", "AE", 0, 49))
	assign(t, l, 1) // AB00000000
	withType := func(d *Document, typ string) *Document { d.InvoiceType = typ; return d }
	withDate := func(d *Document, date string) *Document { d.InvoiceDate = date; return d }
	tests := []struct {
		name    string
		doc     *Document
		want    error
		message string
	}{
		{"used", issue(1, "o1", "AB00000000"), ErrNumberUsed, "AB00000000 is already used"},
		{"other seller's track", issue(1, "o2", "AD00000001"), ErrNumberNotInTrack, "(AB00000000-AB00000049)"},
		{"other invoice type's track", issue(1, "o3", "AC00000001"), ErrNumberNotInTrack, "invoice type 07"},
		{"right track, type 08", withType(issue(1, "o4", "AB00000001"), "08"), ErrNumberNotInTrack, "(AC00000000-AC00000049)"},
		{"other period", withDate(issue(1, "o5", "AB00000001"), "20261015"), ErrNumberNotInTrack, "period 11510 (AE00000000-AE00000049)"},
		{"no track for the period", withDate(issue(1, "o6", "AB00000001"), "20270101"), ErrNumberNotInTrack, "no track is imported for seller 04595252, invoice type 07, period 11602"},
		{"beyond the track", issue(1, "o7", "AB00000050"), ErrNumberNotInTrack, "outside the tracks"},
		{"not a number", issue(1, "o8", "AB0000001"), ErrInvalidDocument, `invoice number "AB0000001"`},
		{"no date", withDate(issue(1, "o9", "AB00000001"), ""), ErrInvalidDocument, "invoice date"},
		{"no type", withType(issue(1, "o10", "AB00000001"), ""), ErrInvalidDocument, "invoice type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			intake(t, l, func(tx *IntakeTx) error {
				_, err := tx.Accept(tc.doc)
				if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.message) {
					t.Errorf("Accept: %v, want %v saying %q", err, tc.want, tc.message)
				}
				// Nothing was written: the transaction goes on.
				return tx.AddOutcome(Outcome{Line: 1, OrderID: tc.doc.OrderID, Action: ActionIssue, Status: StatusRejected, Message: err.Error()})
			})
		})
	}
	intake(t, l, func(tx *IntakeTx) error {
		_, _, err := tx.NextNumber(seller2, "08", period)
		if !errors.Is(err, ErrNoTrack) || !strings.Contains(err.Error(), "seller 10458570, invoice type 08, period 11512") ||
			!strings.Contains(err.Error(), "E0501") {
			t.Errorf("NextNumber: %v, want ErrNoTrack naming the seller, type and period and the E0501", err)
		}
		for _, c := range []struct{ seller, typ, per, want string }{
			{seller1, "07", period, "AB00000001"}, {seller1, "08", period, "AC00000000"},
			{seller2, "07", period, "AD00000000"}, {seller1, "07", "11510", "AE00000000"},
		} {
			if n, tr, err := tx.NextNumber(c.seller, c.typ, c.per); err != nil || n != c.want || tr.Letters != c.want[:2] {
				t.Errorf("NextNumber(%s, %s, %s) = %s, %v, %v; want %s", c.seller, c.typ, c.per, n, tr, err, c.want)
			}
		}
		return nil
	})
	if n := count(t, l.r, "SELECT count(*) FROM documents"); n != 1 {
		t.Errorf("%d documents, want 1", n)
	}
	mustVerify(t, l)
}

func TestRollbackConsumesNothing(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	assign(t, l, 2)
	before := usage(t, l)
	boom := errors.New("boom")
	_, err := l.Intake(context.Background(), "bad.csv", "h", 1, func(tx *IntakeTx) error {
		for i := range 5 {
			n, _, err := tx.NextNumber(seller1, "07", period)
			if err != nil {
				return err
			}
			if _, err := tx.Accept(issue(i+1, fmt.Sprintf("rb%d", i), n)); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "intake bad.csv") {
		t.Fatalf("Intake: %v, want boom naming the file", err)
	}
	if after := usage(t, l); !slices.Equal(before, after) {
		t.Errorf("usage after rollback %+v, want %+v", after, before)
	}
	for _, q := range []string{"SELECT count(*) FROM intake_files WHERE name = 'bad.csv'",
		"SELECT count(*) FROM outcomes o JOIN intake_files i ON i.id = o.intake_id WHERE i.name = 'bad.csv'",
		"SELECT count(*) FROM documents WHERE order_id LIKE 'rb%'"} {
		if n := count(t, l.r, q); n != 0 {
			t.Errorf("%s = %d, want 0", q, n)
		}
	}
	if got := assign(t, l, 1); got[0] != "AB00000002" {
		t.Errorf("after rollback got %s, want AB00000002", got[0])
	}
	mustVerify(t, l)
}

func TestRejectedNumberGoesToNextDocument(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	in := intake(t, l, func(tx *IntakeTx) error {
		n1, _, err := tx.NextNumber(seller1, "07", period)
		if err != nil {
			return err
		}
		// The XML with n1 fails validation: record the rejection only.
		if err := tx.AddOutcome(Outcome{Line: 1, OrderID: "bad", Action: ActionIssue, Status: StatusRejected,
			Message: "line 1: TotalAmount: missing"}); err != nil {
			return err
		}
		n2, _, err := tx.NextNumber(seller1, "07", period)
		if err != nil {
			return err
		}
		if n1 != n2 || n2 != "AB00000000" {
			t.Errorf("after a rejection got %s, want %s again", n2, n1)
		}
		_, err = tx.Accept(issue(3, "good", n2))
		return err
	})
	outs, err := l.Outcomes(context.Background(), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 2 || outs[0].Status != StatusRejected || outs[0].InvoiceNumber != "" ||
		outs[1].Status != StatusAccepted || outs[1].InvoiceNumber != "AB00000000" {
		t.Errorf("outcomes %+v, want line 1 rejected without a number, line 3 accepted with AB00000000", outs)
	}
	mustVerify(t, l)
}

func TestConcurrentIntakesNeverShareANumber(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 999))
	const workers, files, docs = 2, 8, 40
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for f := range files {
				name := fmt.Sprintf("w%d-f%d.csv", w, f)
				_, err := l.Intake(context.Background(), name, "h", 1, func(tx *IntakeTx) error {
					for i := range docs {
						n, _, err := tx.NextNumber(seller1, "07", period)
						if err != nil {
							return err
						}
						if _, err := tx.Accept(issue(i+1, fmt.Sprintf("%s-%d", name, i), n)); err != nil {
							return err
						}
						mu.Lock()
						seen[n]++
						mu.Unlock()
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != workers*files*docs {
		t.Errorf("%d distinct numbers, want %d", len(seen), workers*files*docs)
	}
	for n, c := range seen {
		if c != 1 {
			t.Errorf("%s handed out %d times", n, c)
		}
	}
	if u := usage(t, l)[0]; u.Next != workers*files*docs {
		t.Errorf("next %d, want %d", u.Next, workers*files*docs)
	}
	mustVerify(t, l)
}

func TestIntakeTxUnusableAfterFailure(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	var kept *IntakeTx
	intake(t, l, func(tx *IntakeTx) error { kept = tx; return nil })
	if _, _, err := kept.NextNumber(seller1, "07", period); !errors.Is(err, ErrTxDone) {
		t.Errorf("NextNumber after Intake: %v, want ErrTxDone", err)
	}
	// A failure part-way poisons the transaction: Intake rolls back even if
	// fn ignores the error.
	_, err := l.Intake(context.Background(), "poison.csv", "h", 1, func(tx *IntakeTx) error {
		if _, err := tx.Accept(issue(1, "p1", "AB00000000")); err != nil {
			return err
		}
		tx.stmts.findDoc.Close() // the duplicate check of the next document fails
		if _, err := tx.Accept(issue(2, "p2", "AB00000001")); err == nil {
			t.Error("Accept succeeded with a closed statement")
		}
		if _, _, err := tx.NextNumber(seller1, "07", period); !errors.Is(err, ErrTxDone) {
			t.Errorf("NextNumber after a failure: %v, want ErrTxDone", err)
		}
		return nil
	})
	if !errors.Is(err, ErrTxDone) {
		t.Errorf("Intake: %v, want ErrTxDone", err)
	}
	if n := count(t, l.r, "SELECT count(*) FROM documents"); n != 0 {
		t.Errorf("%d documents, want 0", n)
	}
}

func TestIntakeAbort(t *testing.T) {
	tests := []struct {
		name string
		run  func(l *Ledger) error
		want error
	}{
		{"panic", func(l *Ledger) (err error) {
			defer func() {
				if recover() == nil {
					err = errors.New("no panic")
				}
			}()
			l.Intake(context.Background(), "panic.csv", "h", 1, func(tx *IntakeTx) error {
				if _, err := tx.Accept(issue(1, "p1", "AB00000000")); err != nil {
					return err
				}
				panic("renderer bug")
			})
			return nil
		}, nil},
		{"cancelled context", func(l *Ledger) error {
			ctx, cancel := context.WithCancel(context.Background())
			_, err := l.Intake(ctx, "cancel.csv", "h", 1, func(tx *IntakeTx) error {
				if _, err := tx.Accept(issue(1, "c1", "AB00000000")); err != nil {
					return err
				}
				cancel()
				_, _, err := tx.NextNumber(seller1, "07", period)
				if !errors.Is(err, context.Canceled) {
					t.Errorf("NextNumber after cancel: %v, want context.Canceled", err)
				}
				return nil
			})
			return err
		}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := openTest(t)
			mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
			if err := tc.run(l); !errors.Is(err, tc.want) {
				t.Fatalf("Intake: %v, want %v", err, tc.want)
			}
			for _, table := range []string{"documents", "intake_files", "invoice_numbers", "outcomes"} {
				if n := count(t, l.r, "SELECT count(*) FROM "+table); n != 0 {
					t.Errorf("%d rows in %s after the abort, want 0", n, table)
				}
			}
			// The writer connection is free and outside any transaction.
			if got := assign(t, l, 1); got[0] != "AB00000000" {
				t.Errorf("after the abort got %s, want AB00000000", got[0])
			}
			mustVerify(t, l)
		})
	}
}
