package xsd

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// FuzzValidate feeds arbitrary documents to a fixed schema: validation
// must not panic, must be deterministic, and every error must name a rule
// and a path.
//
//	go test -run XXX -fuzz FuzzValidate ./mig/xsd/
func FuzzValidate(f *testing.F) {
	s := compileString(f, invoiceSchema)
	for _, seed := range []string{
		invoice("", goodMain, goodItem+goodItem, goodAmt),
		invoice(` version="x"`, `<InvoiceNumber>1</InvoiceNumber><Seller>S</Seller>`, goodItem+"text", ""),
		invoice("", goodMain+`<Remark>中文字元</Remark><Foo/>`, `<ProductItem><Quantity>1.23456789</Quantity></ProductItem>`, goodAmt+goodAmt),
		`<Invoice xmlns="urn:t" xmlns:p="urn:t" kind="A"><p:Main/><![CDATA[x]]><!--c--><?pi?></Invoice>`,
		`<Main xmlns="urn:x"/>`,
		`<a:Invoice xmlns:a="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Main" kind="A"/>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err1 := s.ValidateBytes(data)
		second, err2 := s.ValidateBytes(data)
		if (err1 == nil) != (err2 == nil) || !slices.Equal(first, second) {
			t.Fatalf("not deterministic: %v %v / %v %v", first, err1, second, err2)
		}
		for _, e := range first {
			if e.Rule == "" || !strings.HasPrefix(e.Path, "/") || e.Message == "" {
				t.Fatalf("incomplete error %#v", e)
			}
		}
	})
}

// FuzzPattern parses arbitrary patterns: no panic, and where the direct
// matcher is used it agrees with the Go regexp rendering.
func FuzzPattern(f *testing.F) {
	for _, p := range patterns {
		f.Add(p, "AB12345678")
	}
	f.Fuzz(func(t *testing.T, src, value string) {
		p, err := compilePattern(src)
		if err != nil {
			return
		}
		got := p.match(value)
		if p.fast == nil {
			return
		}
		alts, _ := parseRegex(src)
		re, err := regexp.Compile(`\A(?:` + goRegex(alts) + `)\z`)
		if err == nil && re.MatchString(value) != got {
			t.Fatalf("%q on %q: fast %v, regexp %v", src, value, got, !got)
		}
	})
}
