package ledger

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// numberModel is what the ledger should hold: the taken (used or skipped)
// numbers, and the tracks in assignment order per invoice type.
type numberModel struct {
	tracks map[string][]Track // by invoice type, ordered by letters and begin
	used   map[string]bool
	skip   map[string]bool
	orders []string // accepted issue order ids
}

func (m *numberModel) clone() *numberModel {
	c := *m
	c.used, c.skip, c.orders = maps.Clone(m.used), maps.Clone(m.skip), slices.Clone(m.orders)
	return &c
}

func (m *numberModel) lowestFree(typ string) string {
	for _, t := range m.tracks[typ] {
		for n := t.Begin; n <= t.End; n++ {
			if s := FormatNumber(t.Letters, n); !m.used[s] && !m.skip[s] {
				return s
			}
		}
	}
	return ""
}

// TestContiguityProperty runs random sequences of assigned, rejected,
// POS-given and duplicate documents, rolled-back intakes and operator skips
// over several tracks, and checks the ledger against a model: every assigned
// number is the lowest free one, and each track's used and skipped numbers
// cover begin..next-1 exactly.
func TestContiguityProperty(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			runProperty(t, rand.New(rand.NewPCG(seed, seed*7919)), 30)
		})
	}
}

func runProperty(t *testing.T, rng *rand.Rand, intakes int) {
	l := openTest(t)
	ctx := context.Background()
	ab, aa, ac := trk(seller1, "07", period, "AB", 0, 99), trk(seller1, "07", period, "AA", 50, 149), trk(seller1, "08", period, "AC", 0, 49)
	mustImport(t, l, ab, aa, ac)
	m := &numberModel{tracks: map[string][]Track{"07": {aa, ab}, "08": {ac}}, used: map[string]bool{}, skip: map[string]bool{}}
	for i := range intakes {
		next := m.clone()
		rollback := rng.IntN(5) == 0
		_, err := l.Intake(ctx, fmt.Sprintf("p%d.csv", i), "h", 1, func(tx *IntakeTx) error {
			for line := 1; line <= 1+rng.IntN(25); line++ {
				if err := randomDocument(t, rng, tx, next, i, line); err != nil {
					return err
				}
			}
			if rollback {
				return errRollback
			}
			return nil
		})
		switch {
		case rollback && !errors.Is(err, errRollback):
			t.Fatalf("intake %d: %v, want the rollback", i, err)
		case !rollback && err != nil:
			t.Fatalf("intake %d: %v", i, err)
		case !rollback:
			m = next
		}
		if rng.IntN(4) == 0 {
			randomSkip(t, rng, l, m)
		}
		compareModel(t, l, m)
	}
	mustVerify(t, l)
}

var errRollback = errors.New("rollback")

func randomDocument(t *testing.T, rng *rand.Rand, tx *IntakeTx, m *numberModel, file, line int) error {
	typ := []string{"07", "07", "08"}[rng.IntN(3)]
	order := fmt.Sprintf("f%d-l%d", file, line)
	reject := func(msg string) error {
		return tx.AddOutcome(Outcome{Line: line, OrderID: order, Action: ActionIssue, Status: StatusRejected, Message: msg})
	}
	var number string
	switch op := rng.IntN(20); {
	case op < 4 && len(m.orders) > 0: // a duplicate
		order = m.orders[rng.IntN(len(m.orders))]
		if d, err := tx.FindDocument(seller1, ActionIssue, order); err != nil || d == nil {
			t.Fatalf("FindDocument(%s): %+v, %v", order, d, err)
		}
		return tx.AddOutcome(Outcome{Line: line, OrderID: order, Action: ActionIssue, Status: StatusDuplicate})
	case op < 9: // a POS-given number, maybe taken, maybe outside the tracks
		ts := m.tracks[typ]
		tr := ts[rng.IntN(len(ts))]
		number = FormatNumber(tr.Letters, tr.Begin+rng.IntN(tr.Size()+3))
	default: // an assigned number, valid or not
		n, _, err := tx.NextNumber(seller1, typ, period)
		if want := m.lowestFree(typ); n != want || (want == "") != errors.Is(err, ErrTrackExhausted) {
			t.Fatalf("NextNumber(%s) = %q, %v; want %q", typ, n, err, want)
		}
		if n == "" || rng.IntN(4) == 0 {
			return reject("invalid XML")
		}
		number = n
	}
	d := issue(line, order, number)
	d.InvoiceType, d.FileName = typ, order+".xml"
	_, err := tx.Accept(d)
	taken := m.used[number] || m.skip[number]
	switch {
	case err == nil && !taken:
		m.used[number] = true
		m.orders = append(m.orders, order)
		return nil
	case errors.Is(err, ErrNumberUsed) && taken, errors.Is(err, ErrNumberNotInTrack):
		return reject(err.Error())
	}
	t.Fatalf("Accept(%s, %s): %v (taken in the model: %v)", typ, number, err, taken)
	return nil
}

func randomSkip(t *testing.T, rng *rand.Rand, l *Ledger, m *numberModel) {
	u := usage(t, l)
	tr := u[rng.IntN(len(u))]
	number := FormatNumber(tr.Letters, tr.Begin+rng.IntN(tr.Size()))
	err := l.SkipNumber(context.Background(), tr.ID, number, "property test")
	switch taken := m.used[number] || m.skip[number]; {
	case err == nil && !taken:
		m.skip[number] = true
	case taken && errors.Is(err, ErrNumberUsed):
	default:
		t.Fatalf("SkipNumber(%s): %v (taken in the model: %v)", number, err, taken)
	}
}

// compareModel checks the ledger's numbers and frontiers against the model.
func compareModel(t *testing.T, l *Ledger, m *numberModel) {
	t.Helper()
	ctx := context.Background()
	used, skip := map[string]bool{}, map[string]bool{}
	for _, c := range []struct {
		query string
		into  map[string]bool
	}{{"SELECT number FROM invoice_numbers", used}, {"SELECT number FROM skipped_numbers", skip}} {
		rows, err := l.r.QueryContext(ctx, c.query)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			c.into[s] = true
		}
		rows.Close()
	}
	if !maps.Equal(used, m.used) || !maps.Equal(skip, m.skip) {
		t.Fatalf("ledger used %v skipped %v; model used %v skipped %v",
			slices.Sorted(maps.Keys(used)), slices.Sorted(maps.Keys(skip)),
			slices.Sorted(maps.Keys(m.used)), slices.Sorted(maps.Keys(m.skip)))
	}
	for _, u := range usage(t, l) {
		for n := u.Begin; n <= u.End; n++ {
			s := FormatNumber(u.Letters, n)
			if taken := used[s] || skip[s]; n < u.Next && !taken || n == u.Next && taken {
				t.Fatalf("track %s: next %d but %s taken: %v", u.Track, u.Next, s, taken)
			}
		}
	}
}
