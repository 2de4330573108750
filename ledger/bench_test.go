package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// BenchmarkIntake measures one intake of 1,000 issue documents, each checked
// for a duplicate, given the next number and accepted with a realistic body
// (an F0401 with three items as JSON); it reports the cost per document as
// ns/doc.
func BenchmarkIntake(b *testing.B) {
	const docs = 1000
	l, err := Open(context.Background(), filepath.Join(b.TempDir(), "ledger.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	mustImport(b, l, trk(seller1, "07", period, "AA", 0, 99999999))
	ctx, cancel := context.WithCancel(context.Background()) // as the daemon's is
	defer cancel()
	body := benchBody(b, "SO-1-0001", "AA00000001") // rendering is the caller's work
	b.ReportAllocs()
	file := 0
	for b.Loop() {
		file++
		name := fmt.Sprintf("bench-%d.csv", file)
		_, err := l.Intake(ctx, name, "h", 1, func(tx *IntakeTx) error {
			for i := range docs {
				order := fmt.Sprintf("SO-%d-%04d", file, i)
				if d, err := tx.FindDocument(seller1, ActionIssue, order); err != nil || d != nil {
					return fmt.Errorf("duplicate check: %v %v", d, err)
				}
				n, _, err := tx.NextNumber(seller1, "07", period)
				if err != nil {
					return err
				}
				d := issue(i+1, order, n)
				d.Body = body
				if _, err := tx.Accept(d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*docs), "ns/doc")
}

// benchBody is the JSON of an invoice like the daemon stores (about 2 KB).
func benchBody(tb testing.TB, order, number string) []byte {
	d := func(s string) decimal.Decimal { return decimal.MustParse(s) }
	inv := mig.Invoice{
		Head:   mig.Head{Type: mig.F0401, Version: "4.1"},
		Number: number, Date: date, Time: "14:03:59",
		Seller: mig.Party{Identifier: seller1, Name: "台灣範例股份有限公司", Address: "台北市中正區重慶南路一段122號",
			TelephoneNumber: "02-23456789", EmailAddress: "einvoice@example.com.tw"},
		Buyer:        mig.Party{Identifier: mig.Consumer, Name: "0000"},
		RelateNumber: order, InvoiceType: "07", DonateMark: "0", CarrierType: "3J0002",
		CarrierID1: "/ABC+123", CarrierID2: "/ABC+123", PrintMark: "N", RandomNumber: "1234",
		Items: []mig.InvoiceItem{
			{Description: "有機綠茶 500ml", Quantity: d("2"), Unit: "瓶", UnitPrice: d("35"), TaxType: "1", Amount: d("70"), SequenceNumber: "1"},
			{Description: "全麥吐司", Quantity: d("1"), Unit: "條", UnitPrice: d("65"), TaxType: "1", Amount: d("65"), SequenceNumber: "2"},
			{Description: "環保購物袋", Quantity: d("1"), Unit: "個", UnitPrice: d("2"), TaxType: "1", Amount: d("2"), SequenceNumber: "3"},
		},
		Amount: mig.InvoiceAmount{SalesAmount: d("137"), TaxType: "1", TaxRate: d("0.05"), TaxAmount: d("0"), TotalAmount: d("137")},
	}
	body, err := json.Marshal(inv)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

func TestBenchBodySize(t *testing.T) {
	if n := len(benchBody(t, "SO-1-0001", "AA00000001")); n < 1500 || n > 3000 {
		t.Errorf("benchmark body is %d bytes, want a realistic 1.5-3 KB", n)
	}
}
