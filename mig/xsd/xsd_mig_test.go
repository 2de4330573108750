package xsd

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/turnkeyd/turnkeyd/internal/testci"
)

// The official MIG schemas are test input only: they are read from the
// shared oracle set beside the project and never copied into it.
const officialXSD = "../../../shared/xsd"

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// officialDir returns the folder of one MIG version; without it the test
// skips, or fails under CI (testci.Missing).
func officialDir(t testing.TB, version string) string {
	t.Helper()
	dir := filepath.Join(officialXSD, version)
	if _, err := os.Stat(dir); err != nil {
		testci.Missing(t, "official MIG %s schemas not found at %s (the shared folder beside the project)", version, dir)
	}
	return dir
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestCompileOfficialSchemas(t *testing.T) {
	for _, version := range []string{"3.1", "3.2", "4.0", "4.1"} {
		dir := officialDir(t, version)
		files, err := filepath.Glob(filepath.Join(dir, "*.xsd"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			t.Run(version+"/"+filepath.Base(f), func(t *testing.T) {
				s, err := Compile(os.DirFS(dir), filepath.Base(f))
				if err != nil {
					t.Fatal(err)
				}
				if len(s.RootNames()) == 0 && !strings.HasPrefix(filepath.Base(f), "GenericType") {
					t.Errorf("no global elements")
				}
			})
		}
	}
}

// f0401Mutations are edits of testdata/F0401_valid.xml, each breaking (or
// deliberately not breaking) one rule.
var f0401Mutations = []struct{ name, old, new string }{
	{"valid", "", ""},
	{"invoice number pattern", "AB12345678", "ab12345678"},
	{"invoice number length", "AB12345678", "AB1234567"},
	{"quantity fraction digits", "<Quantity>1.5<", "<Quantity>1.23456789<"},
	{"quantity seven fraction digits", "<Quantity>1.5<", "<Quantity>1.1234567<"},
	{"quantity trailing zeros", "<Quantity>1.5<", "<Quantity>1.500000000000<"},
	{"quantity not a number", "<Quantity>1.5<", "<Quantity>abc<"},
	{"quantity empty", "<Quantity>1.5<", "<Quantity><"},
	{"quantity blanks", "<Quantity>1.5<", "<Quantity> 1.5 <"},
	{"quantity 21 digits", "<Quantity>1.5<", "<Quantity>123456789012345678901<"},
	{"time hour 25", "13:45:00", "25:00:00"},
	{"time end of day", "13:45:00", "24:00:00"},
	{"time with zone", "13:45:00", "13:45:00+08:00"},
	{"time blank", "13:45:00", "13:45:00 "},
	{"date pattern", "20250131", "2025-01-31"},
	{"tax type enumeration", "<TaxType>1</TaxType>\n    <TaxRate>", "<TaxType>5</TaxType>\n    <TaxRate>"},
	{"missing invoice time", "<InvoiceTime>13:45:00</InvoiceTime>", ""},
	{"seller after buyer", "<Seller>", "<Seller2>"},
	{"unknown element", "<PrintMark>N</PrintMark>", "<PrintMark>N</PrintMark><Foo/>"},
	{"print mark", "<PrintMark>N</PrintMark>", "<PrintMark>X</PrintMark>"},
	{"wrong namespace", "F0401:4.1", "F0401:4.0"},
	{"no namespace", ` xmlns="urn:GEINV:eInvoiceMessage:F0401:4.1"`, ""},
	{"attribute on root", "<Invoice ", `<Invoice id="1" `},
	{"schema location", "<Invoice ", `<Invoice xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:GEINV:eInvoiceMessage:F0401:4.1 F0401.xsd" `},
	{"text in main", "<Main>", "<Main>text"},
	{"negative sales amount", "<SalesAmount>3000<", "<SalesAmount>-1<"},
	{"negative zero sales amount", "<SalesAmount>3000<", "<SalesAmount>-0<"},
	{"tax amount with zero fraction", "<TaxAmount>150<", "<TaxAmount>150.0<"},
	{"tax amount with fraction", "<TaxAmount>150<", "<TaxAmount>150.5<"},
	{"short BAN", "<Identifier>12345678<", "<Identifier>1234567<"},
	{"BAN with letter", "<Identifier>12345678<", "<Identifier>1234567A<"},
	{"long name", "<Name>買方</Name>", "<Name>" + strings.Repeat("買", 61) + "</Name>"},
	{"name at max length", "<Name>買方</Name>", "<Name>" + strings.Repeat("買", 60) + "</Name>"},
	{"empty name", "<Name>買方</Name>", "<Name></Name>"},
	{"CDATA description", "<Description>商品 1 測試品名</Description>", "<Description><![CDATA[a<b]]></Description>"},
	{"prefixed", "<Invoice xmlns=", "<Invoice xmlns:f=\"urn:GEINV:eInvoiceMessage:F0401:4.1\" xmlns="},
}

func mutate(t testing.TB, doc, old, new string) string {
	t.Helper()
	if old == "" {
		return doc
	}
	if old == "<Seller>" { // move Buyer before Seller
		i, j := strings.Index(doc, "<Seller>"), strings.Index(doc, "<Buyer>")
		k := strings.Index(doc, "</Buyer>") + len("</Buyer>")
		return doc[:i] + doc[j:k] + doc[i:j] + doc[k:]
	}
	if !strings.Contains(doc, old) {
		t.Fatalf("mutation target %q not found", old)
	}
	return strings.Replace(doc, old, new, 1)
}

func TestXmllintF0401(t *testing.T) {
	dir := officialDir(t, "4.1")
	doc := readTestdata(t, "F0401_valid.xml")
	var instances []string
	for _, m := range f0401Mutations {
		instances = append(instances, mutate(t, doc, m.old, m.new))
	}
	// Drop all product items: Details then misses its required child.
	start, end := strings.Index(doc, "<ProductItem>"), strings.LastIndex(doc, "</ProductItem>")+len("</ProductItem>")
	instances = append(instances, doc[:start]+doc[end:])
	n := compareWithXmllint(t, "F0401 4.1", dir, "F0401.xsd", instances)
	t.Logf("%d F0401 instances agree with xmllint", n)
}

// TestF0401Errors pins the errors reported for a broken F0401 in a golden
// file; go test -run TestF0401Errors -update rewrites it.
func TestF0401Errors(t *testing.T) {
	dir := officialDir(t, "4.1")
	s, err := Compile(os.DirFS(dir), "F0401.xsd")
	if err != nil {
		t.Fatal(err)
	}
	errs, err := s.ValidateBytes([]byte(readTestdata(t, "F0401_broken.xml")))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Rule + "\t" + e.Path + "\t" + e.Value + "\t" + e.Message + "\n")
	}
	golden := filepath.Join("testdata", "F0401_broken.errors")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := readTestdata(t, "F0401_broken.errors"); b.String() != want {
		t.Errorf("errors differ from %s (run with -update after review):\ngot:\n%s\nwant:\n%s", golden, b.String(), want)
	}
}

// BenchmarkValidate validates a parsed F0401 with five product items
// against the official 4.1 schema.
func BenchmarkValidate(b *testing.B) {
	dir := officialDir(b, "4.1")
	s, err := Compile(os.DirFS(dir), "F0401.xsd")
	if err != nil {
		b.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromString(readTestdata(b, "F0401_valid.xml")); err != nil {
		b.Fatal(err)
	}
	root := doc.Root()
	b.ReportAllocs()
	for b.Loop() {
		if errs := s.Validate(root); errs != nil {
			b.Fatal(errs)
		}
	}
}

// BenchmarkValidateBytes includes parsing the document.
func BenchmarkValidateBytes(b *testing.B) {
	dir := officialDir(b, "4.1")
	s, err := Compile(os.DirFS(dir), "F0401.xsd")
	if err != nil {
		b.Fatal(err)
	}
	data := []byte(readTestdata(b, "F0401_valid.xml"))
	b.ReportAllocs()
	for b.Loop() {
		if errs, err := s.ValidateBytes(data); err != nil || errs != nil {
			b.Fatal(errs, err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	fsys := os.DirFS(officialDir(b, "4.1"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(fsys, "F0401.xsd"); err != nil {
			b.Fatal(err)
		}
	}
}

// e0401 renders a BranchTrack (E0401, all groups) with the given Main
// children and one BranchTrackItem with the given booklet count.
func e0401(main, booklet string) string {
	return `<BranchTrack xmlns="urn:GEINV:eInvoiceMessage:E0401:4.1"><Details><BranchTrackItem>` +
		`<InvoiceEndNo>00000049</InvoiceEndNo><InvoiceBeginNo>00000000</InvoiceBeginNo><InvoiceBooklet>` + booklet +
		`</InvoiceBooklet></BranchTrackItem></Details><Main>` + main + `</Main></BranchTrack>`
}

func TestXmllintE0401(t *testing.T) {
	dir := officialDir(t, "4.1")
	main := `<HeadBan>12345678</HeadBan><BranchBan>87654321</BranchBan><InvoiceType>07</InvoiceType>` +
		`<YearMonth>11402</YearMonth><InvoiceTrack>AB</InvoiceTrack><InvoiceBeginNo>00000000</InvoiceBeginNo><InvoiceEndNo>00000049</InvoiceEndNo>`
	var instances []string
	for _, m := range []struct{ old, new string }{
		{"", ""}, {"11402", "11403"}, {"11402", "1140|"}, {"11402", "11412"}, {"11402", "11410"}, {"11402", "１１４０２"},
		{"<InvoiceType>07</InvoiceType>", ""}, {"<InvoiceTrack>AB</InvoiceTrack>", "<InvoiceTrack>AB</InvoiceTrack><InvoiceTrack>AB</InvoiceTrack>"},
		{"<HeadBan>12345678</HeadBan><BranchBan>87654321</BranchBan>", "<BranchBan>87654321</BranchBan><HeadBan>12345678</HeadBan>"},
		{"<InvoiceType>07</InvoiceType>", "<InvoiceType>09</InvoiceType>"}, {"<HeadBan>12345678</HeadBan>", "<HeadBan>123456789012</HeadBan>"},
	} {
		instances = append(instances, e0401(mutate(t, main, m.old, m.new), "1"))
	}
	for _, booklet := range []string{"0", "-1", "9999999999", "10000000000", " 5", "+5", "5.0", "0005", "-0"} {
		instances = append(instances, e0401(main, booklet))
	}
	instances = append(instances, strings.Replace(e0401(main, "1"), "<Details>", "<Details><BranchTrackItem/>", 1))
	n := compareWithXmllint(t, "E0401 4.1", dir, "E0401.xsd", instances)
	t.Logf("%d E0401 instances agree with xmllint", n)
}

// TestXmllintEnvelope wraps F0401 invoices in an InvoiceEnvelope, whose
// InvoicePack holds any element of another namespace (lax).
func TestXmllintEnvelope(t *testing.T) {
	dir := officialDir(t, "4.1")
	invoice := readTestdata(t, "F0401_valid.xml")
	invoice = invoice[strings.Index(invoice, "<Invoice"):]
	envelope := func(attrs, pack string) string {
		return `<InvoiceEnvelope xmlns="urn:GEINV:InvoiceEnvelope:4.1"><From><PartyId>12345678</PartyId></From>` +
			`<FromVAC><RoutingId>12345678</RoutingId></FromVAC><To><PartyId>00000000</PartyId><Description>MOF</Description></To>` +
			`<ToVAC><RoutingId>00000000</RoutingId></ToVAC><InvoicePack` + attrs + `>` + pack + `</InvoicePack></InvoiceEnvelope>`
	}
	var instances []string
	for _, c := range []struct{ attrs, pack string }{
		{` messageType="F0401" count="1" version="4.1"`, invoice},
		{` messageType="F0401" count="2"`, invoice + invoice},
		{` messageType="F9999"`, invoice},
		{` count="0"`, invoice},
		{` count=" 1 "`, invoice},
		{` other="x"`, invoice},
		{"", ""},
		{"", `<Foo xmlns="urn:GEINV:InvoiceEnvelope:4.1"/>`},
		{"", `<Foo xmlns=""/>`},
		{"", strings.Replace(invoice, "AB12345678", "broken", 1)},
	} {
		instances = append(instances, envelope(c.attrs, c.pack))
	}
	n := compareWithXmllint(t, "InvoiceEnvelope 4.1", dir, "InvoiceEnvelope.xsd", instances)
	t.Logf("%d InvoiceEnvelope instances agree with xmllint", n)
}
