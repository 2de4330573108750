package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

const (
	testSeller = "04595252"
	testPeriod = "11512"
	testDate   = "20261115"
)

// testClock moves one millisecond per reading from a fixed start.
type testClock struct {
	base  time.Time
	ticks atomic.Int64
}

func (c *testClock) Now() time.Time {
	return c.base.Add(time.Duration(c.ticks.Add(1)) * time.Millisecond)
}

func newClock() *testClock { return &testClock{base: time.Date(2026, 11, 15, 9, 30, 0, 0, time.UTC)} }

// testLedger opens a ledger with a track of 100,000 numbers for testSeller.
func testLedger(tb testing.TB, now func() time.Time) *ledger.Ledger {
	tb.Helper()
	ctx := context.Background()
	l, err := ledger.Open(ctx, filepath.Join(tb.TempDir(), "ledger.db"), nil, ledger.WithClock(now))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	if err := l.UpsertSeller(ctx, testSeller, "台灣範例股份有限公司"); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := l.ImportTracks(ctx, []ledger.Track{{SellerBAN: testSeller, InvoiceType: "07", Period: testPeriod,
		Letters: "TK", Begin: 0, End: 99999, Source: "test"}}); err != nil {
		tb.Fatal(err)
	}
	return l
}

var intakeSeq atomic.Int64

// issueInvoices records n issued invoices as written to Turnkey, with the
// body and XML hash the daemon would record, and returns their ids.
func issueInvoices(tb testing.TB, l *ledger.Ledger, n int, product string) []int64 {
	tb.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("orders-%d.csv", intakeSeq.Add(1))
	var ids []int64
	_, err := l.Intake(ctx, name, "sha-"+name, 100, func(tx *ledger.IntakeTx) error {
		for i := range n {
			num, _, err := tx.NextNumber(testSeller, "07", testPeriod)
			if err != nil {
				return err
			}
			order := fmt.Sprintf("SO-%s-%d", name, i)
			body, sum := invoiceBody(tb, order, num, product)
			id, err := tx.Accept(&ledger.Document{Line: i + 1, SellerBAN: testSeller, Action: ledger.ActionIssue,
				OrderID: order, MsgType: "F0401", MIGVersion: "4.1", InvoiceType: "07", InvoiceNumber: num,
				InvoiceDate: testDate, RandomNumber: "1234", BuyerBAN: mig.Consumer,
				FileName: "F0401_" + testSeller + "_" + num + ".xml", TargetDir: "/turnkey/SRC", Body: body, XMLSHA256: sum})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := l.MarkWritten(ctx, ids); err != nil {
		tb.Fatal(err)
	}
	return ids
}

func invoiceBody(tb testing.TB, order, number, product string) ([]byte, string) {
	tb.Helper()
	d := decimal.MustParse
	inv := &mig.Invoice{
		Head:   mig.Head{Type: mig.F0401, Version: mig.V41},
		Number: number, Date: testDate, Time: "14:03:59",
		Seller:       mig.Party{Identifier: testSeller, Name: "台灣範例股份有限公司"},
		Buyer:        mig.Party{Identifier: mig.Consumer, Name: "0000"},
		RelateNumber: order, InvoiceType: "07", DonateMark: "0", PrintMark: "Y", RandomNumber: "1234",
		Items: []mig.InvoiceItem{{Description: product, Quantity: d("2"), Unit: "瓶", UnitPrice: d("35"), TaxType: "1",
			Amount: d("70"), SequenceNumber: "1"}},
		Amount: mig.InvoiceAmount{SalesAmount: d("70"), TaxType: "1", TaxRate: d("0.05"), TaxAmount: d("0"), TotalAmount: d("70")},
	}
	xml, err := mig.Render(inv)
	if err != nil {
		tb.Fatal(err)
	}
	body, err := json.Marshal(inv)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(xml)
	return body, hex.EncodeToString(sum[:])
}

// settle moves documents to state (accepted or rejected) as a verdict would.
func settle(tb testing.TB, l *ledger.Ledger, state, code string, ids ...int64) {
	tb.Helper()
	_, err := l.Apply(context.Background(), ledger.ResultFile{}, func(rt *ledger.ResultTx) error {
		for _, id := range ids {
			if err := rt.Transition(id, state, "test", code, "verdict of the test", ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func newTestArchive(tb testing.TB, l *ledger.Ledger, dir string, now func() time.Time) *Archive {
	tb.Helper()
	a, err := New(Config{Dir: dir, Ledger: l, Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}
