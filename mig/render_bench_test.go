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

// BenchmarkRender: go test ./mig -run x -bench 'Render|Parse' -benchmem
func BenchmarkRender(b *testing.B) {
	v := benchInvoice(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(v); err != nil {
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

// validInvoice5 is a valid F0401 with exactly 5 items (the first generated
// one), so the whole check runs and passes as it does in the daemon.
func validInvoice5(b *testing.B) *Invoice {
	b.Helper()
	for seed := uint64(0); seed < 10000; seed++ {
		inv := randomDocument(newRand(seed), Head{Type: F0401, Version: V41}).(*Invoice)
		if len(inv.Items) == 5 {
			return inv
		}
	}
	b.Fatal("no 5-item invoice generated")
	return nil
}

// BenchmarkRenderValidate is the daemon's gate for one F0401 with 5 items:
// render with the schema stage checking as it writes, business rules, the
// output copied out for the caller. Goal:
// 30,000 documents/s on one core (docs/PERFORMANCE.md).
//
//	go test ./mig -run '^$' -bench RenderValidate -benchmem -cpu 1
func BenchmarkRenderValidate(b *testing.B) {
	v, err := DefaultValidator()
	if err != nil {
		b.Fatal(err)
	}
	inv := validInvoice5(b)
	b.ReportAllocs()
	for b.Loop() {
		out, violations, err := v.Render(inv)
		if err != nil || len(violations) > 0 || len(out) == 0 {
			b.Fatalf("%v %v", err, violations)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkRules is the business-rule stage alone.
func BenchmarkRules(b *testing.B) {
	r := DefaultRules()
	inv := validInvoice5(b)
	b.ReportAllocs()
	for b.Loop() {
		if v := r.Check(inv); len(v) > 0 {
			b.Fatal(v)
		}
	}
}
