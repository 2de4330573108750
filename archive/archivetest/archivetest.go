// Package archivetest records documents in a real ledger as the daemon
// would (rendered XML, its hash, written to Turnkey, verdicts), for the
// tests of the archive and its web view.
package archivetest

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

// The seller, period and date of the documents recorded.
const (
	Seller = "04595252"
	Period = "11512"
	Date   = "20261115"
)

// Clock moves one millisecond per reading from a fixed start.
type Clock struct {
	Base  time.Time
	ticks atomic.Int64
}

// Now returns the next reading.
func (c *Clock) Now() time.Time {
	return c.Base.Add(time.Duration(c.ticks.Add(1)) * time.Millisecond)
}

// NewClock returns a clock at 2026-11-15 09:30 UTC.
func NewClock() *Clock { return &Clock{Base: time.Date(2026, 11, 15, 9, 30, 0, 0, time.UTC)} }

// Ledger opens a ledger with a track of 100,000 numbers for Seller.
func Ledger(tb testing.TB, now func() time.Time, opts ...ledger.Option) *ledger.Ledger {
	tb.Helper()
	ctx := context.Background()
	l, err := ledger.Open(ctx, filepath.Join(tb.TempDir(), "ledger.db"), nil, append([]ledger.Option{ledger.WithClock(now)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	if err := l.UpsertSeller(ctx, Seller, "台灣範例股份有限公司"); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := l.ImportTracks(ctx, []ledger.Track{{SellerBAN: Seller, InvoiceType: "07", Period: Period,
		Letters: "TK", Begin: 0, End: 99999, Source: "test"}}); err != nil {
		tb.Fatal(err)
	}
	return l
}

// IntakeSeq numbers the intake files of a test binary.
var IntakeSeq atomic.Int64

// IssueInvoices records n issued invoices as written to Turnkey, with the
// body and XML hash the daemon would record, and returns their ids.
func IssueInvoices(tb testing.TB, l *ledger.Ledger, n int, product string) []int64 {
	tb.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("orders-%d.csv", IntakeSeq.Add(1))
	var ids []int64
	_, err := l.Intake(ctx, name, "sha-"+name, 100, func(tx *ledger.IntakeTx) error {
		for i := range n {
			num, _, err := tx.NextNumber(Seller, "07", Period)
			if err != nil {
				return err
			}
			order := fmt.Sprintf("SO-%s-%d", name, i)
			body, sum := InvoiceBody(tb, order, num, product)
			id, err := tx.Accept(&ledger.Document{Line: i + 1, SellerBAN: Seller, Action: ledger.ActionIssue,
				OrderID: order, MsgType: "F0401", MIGVersion: "4.1", InvoiceType: "07", InvoiceNumber: num,
				InvoiceDate: Date, RandomNumber: "1234", BuyerBAN: mig.Consumer,
				FileName: "F0401_" + Seller + "_" + num + ".xml", TargetDir: "/turnkey/SRC", Body: body, XMLSHA256: sum})
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

// InvoiceBody returns the JSON body and XML hash of an invoice of one item.
func InvoiceBody(tb testing.TB, order, number, product string) ([]byte, string) {
	tb.Helper()
	d := decimal.MustParse
	inv := &mig.Invoice{
		Head:   mig.Head{Type: mig.F0401, Version: mig.V41},
		Number: number, Date: Date, Time: "14:03:59",
		Seller:       mig.Party{Identifier: Seller, Name: "台灣範例股份有限公司"},
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

// Settle moves documents to state (accepted or rejected) as a verdict would.
func Settle(tb testing.TB, l *ledger.Ledger, state, code string, ids ...int64) {
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
