package mig

import (
	"strconv"
	"testing"
)

// benchInvoice is the budget's document: an F0401 to a business buyer with
// 5 items (testdata/render/f0401-business with its lines repeatedElements).
func benchInvoice(b *testing.B) *Invoice {
	b.Helper()
	v := goldenDocument(b, "f0401-business").(*Invoice)
	for i := len(v.Items); i < 5; i++ {
		it := v.Items[i%2]
		it.SequenceNumber = strconv.Itoa(i + 1)
		v.Items = append(v.Items, it)
	}
	return v
}

// BenchmarkRender: go test ./mig -run x -bench 'Render|Tree|Parse' -benchmem
func BenchmarkRender(b *testing.B) {
	v := benchInvoice(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTree(b *testing.B) {
	v := benchInvoice(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Tree(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	out, err := Render(benchInvoice(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(out); err != nil {
			b.Fatal(err)
		}
	}
}
