package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

const (
	seller1 = "04595252"
	seller2 = "10458570"
	period  = "11512" // Nov-Dec 2026
	date    = "20261115"
)

// testClock is a clock that moves one millisecond per reading.
type testClock struct {
	base  time.Time
	ticks atomic.Int64
}

func newClock() *testClock {
	return &testClock{base: time.Date(2026, 11, 15, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))}
}

func (c *testClock) Now() time.Time {
	return c.base.Add(time.Duration(c.ticks.Add(1)) * time.Millisecond)
}

// openTest opens a fresh ledger in a temporary folder.
func openTest(tb testing.TB, opts ...Option) *Ledger {
	tb.Helper()
	return openAt(tb, filepath.Join(tb.TempDir(), "ledger.db"), opts...)
}

func openAt(tb testing.TB, path string, opts ...Option) *Ledger {
	tb.Helper()
	opts = append([]Option{WithClock(newClock().Now)}, opts...)
	l, err := Open(context.Background(), path, testLogger(tb), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := l.Close(); err != nil {
			tb.Error(err)
		}
	})
	return l
}

func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(string(p))
	return len(p), nil
}

func trk(seller, typ, per, letters string, begin, end int) Track {
	return Track{SellerBAN: seller, InvoiceType: typ, Period: per, Letters: letters, Begin: begin, End: end, Source: "test"}
}

func mustImport(tb testing.TB, l *Ledger, tracks ...Track) {
	tb.Helper()
	if _, _, err := l.ImportTracks(context.Background(), tracks); err != nil {
		tb.Fatal(err)
	}
}

// issue is an issue document of seller1, type 07, dated in period, with the
// given number.
func issue(line int, orderID, number string) *Document {
	return &Document{
		Line: line, SellerBAN: seller1, Action: ActionIssue, OrderID: orderID, MsgType: "F0401", MIGVersion: "4.1",
		InvoiceType: "07", InvoiceNumber: number, InvoiceDate: date, RandomNumber: "1234", BuyerBAN: "0000000000",
		FileName: "F0401_" + orderID + ".xml", TargetDir: "/turnkey/UpCast/B2SSTORAGE/F0401/SRC",
		Body: []byte(`{"order":"` + orderID + `"}`),
	}
}

// intake runs fn in an intake of a file with a unique name.
func intake(tb testing.TB, l *Ledger, fn func(tx *IntakeTx) error) *Intake {
	tb.Helper()
	name := fmt.Sprintf("orders-%d.csv", fileSeq.Add(1))
	in, err := l.Intake(context.Background(), name, "sha-"+name, 100, fn)
	if err != nil {
		tb.Fatal(err)
	}
	return in
}

var fileSeq atomic.Int64

// assign accepts n issue documents with assigned numbers and returns them.
func assign(tb testing.TB, l *Ledger, n int) []string {
	tb.Helper()
	var got []string
	intake(tb, l, func(tx *IntakeTx) error {
		for i := range n {
			num, _, err := tx.NextNumber(seller1, "07", period)
			if err != nil {
				return err
			}
			if _, err := tx.Accept(issue(i+1, fmt.Sprintf("A%d-%d", fileSeq.Load(), i), num)); err != nil {
				return err
			}
			got = append(got, num)
		}
		return nil
	})
	return got
}

func mustVerify(tb testing.TB, l *Ledger) {
	tb.Helper()
	if err := l.Verify(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

func count(tb testing.TB, db *sql.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func usage(tb testing.TB, l *Ledger) []TrackUsage {
	tb.Helper()
	u, err := l.TrackUsage(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
