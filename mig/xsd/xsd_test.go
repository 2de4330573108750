package xsd

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/beevik/etree"
)

// compileString compiles a one-file schema.
func compileString(t testing.TB, schema string) *Schema {
	t.Helper()
	s, err := Compile(fstest.MapFS{"s.xsd": {Data: []byte(schema)}}, "s.xsd")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ruleAt is the part of an Error the tests pin down.
type ruleAt struct{ Rule, Path, Value string }

func rulesOf(errs []Error) []ruleAt {
	out := []ruleAt{}
	for _, e := range errs {
		out = append(out, ruleAt{e.Rule, e.Path, e.Value})
	}
	return out
}

// invoiceSchema is a small invoice-like schema used by the API tests.
const invoiceSchema = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">
  <xs:element name="Invoice">
    <xs:complexType><xs:sequence>
      <xs:element name="Main" type="Main"/>
      <xs:element name="Details"><xs:complexType><xs:sequence>
        <xs:element name="ProductItem" maxOccurs="9999"><xs:complexType><xs:sequence>
          <xs:element name="Description" type="xs:string"/>
          <xs:element name="Quantity" type="Amount"/>
        </xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="Amount" type="Amount"/>
    </xs:sequence>
    <xs:attribute name="version" type="xs:int"/>
    <xs:attribute name="kind" use="required"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="A"/></xs:restriction></xs:simpleType></xs:attribute>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="Main"><xs:sequence>
    <xs:element name="InvoiceNumber"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{2}\d{8}"/></xs:restriction></xs:simpleType></xs:element>
    <xs:element name="InvoiceTime" type="xs:time"/>
    <xs:element name="Seller" type="xs:string"/>
    <xs:element name="Remark" minOccurs="0"><xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="3"/></xs:restriction></xs:simpleType></xs:element>
  </xs:sequence></xs:complexType>
  <xs:simpleType name="Amount"><xs:restriction base="xs:decimal"><xs:totalDigits value="20"/><xs:fractionDigits value="7"/><xs:minInclusive value="0"/></xs:restriction></xs:simpleType>
</xs:schema>`

// invoice renders an instance of invoiceSchema around main and items.
func invoice(attrs, main, items, amount string) string {
	return `<Invoice xmlns="urn:t" kind="A"` + attrs + `><Main>` + main + `</Main><Details>` + items + `</Details>` + amount + `</Invoice>`
}

const (
	goodMain = `<InvoiceNumber>AB12345678</InvoiceNumber><InvoiceTime>12:00:00</InvoiceTime><Seller>S</Seller>`
	goodItem = `<ProductItem><Description>d</Description><Quantity>1</Quantity></ProductItem>`
	goodAmt  = `<Amount>1</Amount>`
)

func TestValidateReportsRuleAndPath(t *testing.T) {
	s := compileString(t, invoiceSchema)
	item := func(q string) string {
		return `<ProductItem><Description>d</Description><Quantity>` + q + `</Quantity></ProductItem>`
	}
	tests := []struct {
		name string
		doc  string
		want []ruleAt
	}{
		{"valid", invoice("", goodMain, goodItem+goodItem, goodAmt), []ruleAt{}},
		{"missing element", invoice("", goodMain, goodItem, ""), []ruleAt{{"missing", "/Invoice/Amount", ""}}},
		{"missing in the middle", invoice("", `<InvoiceNumber>AB12345678</InvoiceNumber><Seller>S</Seller>`, goodItem, goodAmt),
			[]ruleAt{{"missing", "/Invoice/Main/InvoiceTime", ""}}},
		{"out of order", invoice("", `<InvoiceNumber>AB12345678</InvoiceNumber><Seller>S</Seller><InvoiceTime>12:00:00</InvoiceTime>`, goodItem, goodAmt),
			[]ruleAt{{"unexpected", "/Invoice/Main/Seller", "Seller"}, {"missing", "/Invoice/Main/Seller", ""}}},
		{"unknown element", invoice("", goodMain+`<Foo/>`, goodItem, goodAmt), []ruleAt{{"unexpected", "/Invoice/Main/Foo", "Foo"}}},
		{"too many", invoice("", goodMain, goodItem, goodAmt+goodAmt), []ruleAt{{"unexpected", "/Invoice/Amount[2]", "Amount"}}},
		{"no items", invoice("", goodMain, "", goodAmt), []ruleAt{{"missing", "/Invoice/Details/ProductItem[1]", ""}}},
		{"repeated element path", invoice("", goodMain, goodItem+goodItem+item("1.23456789"), goodAmt),
			[]ruleAt{{"fractionDigits", "/Invoice/Details/ProductItem[3]/Quantity", "1.23456789"}}},
		{"single item is indexed", invoice("", goodMain, item("-1"), goodAmt),
			[]ruleAt{{"minInclusive", "/Invoice/Details/ProductItem[1]/Quantity", "-1"}}},
		{"type", invoice("", goodMain, item("abc"), goodAmt), []ruleAt{{"type", "/Invoice/Details/ProductItem[1]/Quantity", "abc"}}},
		{"empty decimal", invoice("", goodMain, item(""), goodAmt), []ruleAt{{"type", "/Invoice/Details/ProductItem[1]/Quantity", ""}}},
		{"pattern", invoice("", strings.Replace(goodMain, "AB", "ab", 1), goodItem, goodAmt),
			[]ruleAt{{"pattern", "/Invoice/Main/InvoiceNumber", "ab12345678"}}},
		{"time", invoice("", strings.Replace(goodMain, "12:00:00", "25:00:00", 1), goodItem, goodAmt),
			[]ruleAt{{"type", "/Invoice/Main/InvoiceTime", "25:00:00"}}},
		{"maxLength counts characters", invoice("", goodMain+`<Remark>中文字元</Remark>`, goodItem, goodAmt),
			[]ruleAt{{"maxLength", "/Invoice/Main/Remark", "中文字元"}}},
		{"text", invoice("", goodMain, "x"+goodItem, goodAmt), []ruleAt{{"text", "/Invoice/Details", "x"}}},
		{"child of a simple element", invoice("", goodMain, `<ProductItem><Description><b/></Description><Quantity>1</Quantity></ProductItem>`, goodAmt),
			[]ruleAt{{"unexpected", "/Invoice/Details/ProductItem[1]/Description/b", "b"}}},
		{"undeclared attribute", invoice(` foo="1"`, goodMain, goodItem, goodAmt), []ruleAt{{"attribute", "/Invoice", "foo"}}},
		{"attribute type", invoice(` version="x"`, goodMain, goodItem, goodAmt), []ruleAt{{"type", "/Invoice/@version", "x"}}},
		{"schema location allowed", invoice(` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:t s.xsd"`, goodMain, goodItem, goodAmt), []ruleAt{}},
		{"xsi:nil not allowed", invoice(` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"`, goodMain, goodItem, goodAmt),
			[]ruleAt{{"attribute", "/Invoice", "xsi:nil"}}},
		{"required attribute", strings.Replace(invoice("", goodMain, goodItem, goodAmt), ` kind="A"`, "", 1),
			[]ruleAt{{"attribute", "/Invoice/@kind", ""}}},
		{"attribute enumeration", strings.Replace(invoice("", goodMain, goodItem, goodAmt), ` kind="A"`, ` kind="B"`, 1),
			[]ruleAt{{"enumeration", "/Invoice/@kind", "B"}}},
		{"wrong namespace", strings.Replace(invoice("", goodMain, goodItem, goodAmt), "<Amount>", `<Amount xmlns="urn:x">`, 1),
			[]ruleAt{{"unexpected", "/Invoice/Amount", "Amount"}, {"missing", "/Invoice/Amount", ""}}},
		{"root", `<Main xmlns="urn:t"/>`, []ruleAt{{"root", "/Main", "Main"}}},
		{"root namespace", strings.Replace(invoice("", goodMain, goodItem, goodAmt), "urn:t", "urn:x", 1), []ruleAt{{"root", "/Invoice", "Invoice"}}},
		{"every error in document order", invoice(` version="x"`, `<InvoiceNumber>1</InvoiceNumber><InvoiceTime>1:00</InvoiceTime><Seller>S</Seller>`,
			goodItem+item("1e3"), ""), []ruleAt{
			{"type", "/Invoice/@version", "x"}, {"pattern", "/Invoice/Main/InvoiceNumber", "1"},
			{"type", "/Invoice/Main/InvoiceTime", "1:00"}, {"type", "/Invoice/Details/ProductItem[2]/Quantity", "1e3"},
			{"missing", "/Invoice/Amount", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs, err := s.ValidateBytes([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := rulesOf(errs); !slices.Equal(got, tc.want) {
				t.Errorf("got  %v\nwant %v\nerrors: %v", got, tc.want, errs)
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	s := compileString(t, invoiceSchema)
	tests := []struct {
		name, doc, want string
	}{
		{"fraction digits", invoice("", goodMain, `<ProductItem><Description>d</Description><Quantity>1.23456789</Quantity></ProductItem>`, goodAmt),
			`value "1.23456789" has 8 fraction digits; at most 7 allowed`},
		{"out of order", invoice("", `<InvoiceNumber>AB12345678</InvoiceNumber><Seller>S</Seller><InvoiceTime>12:00:00</InvoiceTime>`, goodItem, goodAmt),
			`expected element InvoiceTime here, found Seller (out of order)`},
		{"missing", invoice("", goodMain, goodItem, ""), `required element Amount is missing`},
		{"too many", invoice("", goodMain, goodItem, goodAmt+goodAmt), `too many Amount elements: at most 1 allowed`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs, err := s.ValidateBytes([]byte(tc.doc))
			if err != nil || len(errs) == 0 {
				t.Fatalf("want an error, got %v %v", errs, err)
			}
			if errs[0].Message != tc.want {
				t.Errorf("message %q, want %q", errs[0].Message, tc.want)
			}
			if !strings.Contains(errs[0].Error(), errs[0].Path) || !strings.Contains(errs[0].Error(), errs[0].Rule) {
				t.Errorf("Error() = %q lacks path or rule", errs[0].Error())
			}
		})
	}
}

func TestSchemaAccessors(t *testing.T) {
	s := compileString(t, invoiceSchema)
	if got := s.TargetNamespace(); got != "urn:t" {
		t.Errorf("TargetNamespace = %q", got)
	}
	if got := s.RootNames(); !slices.Equal(got, []string{"Invoice"}) {
		t.Errorf("RootNames = %v", got)
	}
}

func TestValidateBytesParseError(t *testing.T) {
	s := compileString(t, invoiceSchema)
	for _, doc := range []string{"", "<Invoice", "<a></b>", "text only", `<Invoice kind="A" kind="B"/>`} {
		if _, err := s.ValidateBytes([]byte(doc)); err == nil {
			t.Errorf("ValidateBytes(%q): no error", doc)
		}
	}
}

// TestValidateTreeAttributes validates a tree built in memory: a tab in an
// attribute value is seen as the space it becomes once written.
func TestValidateTreeAttributes(t *testing.T) {
	s := compileString(t, xs("", `<xs:element name="r"><xs:complexType><xs:attribute name="p">`+
		`<xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="a b"/></xs:restriction></xs:simpleType>`+
		`</xs:attribute></xs:complexType></xs:element>`))
	tests := []struct {
		name, doc string
		valid     bool
	}{
		{"literal tab is normalized", "<r p=\"a\tb\"/>", true},
		{"character reference keeps its tab", `<r p="a&#9;b"/>`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs, err := s.ValidateBytes([]byte(tc.doc))
			if err != nil || (len(errs) == 0) != tc.valid {
				t.Errorf("ValidateBytes: %v %v, want valid=%v", errs, err, tc.valid)
			}
		})
	}
	doc := parseDoc(t, `<r/>`)
	doc.Root().CreateAttr("p", "a\tb")
	if errs := s.Validate(doc.Root()); errs != nil {
		t.Errorf("Validate of a tree with a tab: %v", errs)
	}
}

func TestCompileIncludes(t *testing.T) {
	fsys := fstest.MapFS{
		"main/m.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">` +
			`<xs:include schemaLocation="../common/types.xsd"/><xs:element name="r" type="t:R"/></xs:schema>`)},
		"common/types.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">` +
			`<xs:include schemaLocation="more.xsd"/><xs:complexType name="R"><xs:sequence><xs:element name="v" type="V"/></xs:sequence></xs:complexType></xs:schema>`)},
		"common/more.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="types.xsd"/>` +
			`<xs:simpleType name="V"><xs:restriction base="xs:int"/></xs:simpleType></xs:schema>`)},
	}
	s, err := Compile(fsys, "main/m.xsd")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		doc   string
		valid bool
	}{
		{`<r xmlns="urn:t"><v>1</v></r>`, true},
		{`<r xmlns="urn:t"><v>x</v></r>`, false},
		{`<r xmlns="urn:t"><v xmlns="">1</v></r>`, false},
	}
	for _, tc := range tests {
		errs, err := s.ValidateBytes([]byte(tc.doc))
		if err != nil || (len(errs) == 0) != tc.valid {
			t.Errorf("%s: %v %v, want valid=%v", tc.doc, errs, err, tc.valid)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, schema, want string
	}{
		{"not a schema", `<foo/>`, "not xsd:schema"},
		{"unsupported top level", xs("", `<xs:import namespace="urn:x"/>`), "unsupported top-level construct xsd:import"},
		{"union", xs("", `<xs:simpleType name="U"><xs:union memberTypes="xs:int"/></xs:simpleType>`), `xsd:simpleType "U": unsupported simple type content xsd:union`},
		{"unknown built-in", xs("", `<xs:element name="r" type="xs:dateTime"/>`), "unsupported built-in type xsd:dateTime"},
		{"unknown type", xs("", `<xs:element name="r" type="Nope"/>`), `type "Nope" is not defined`},
		{"mixed content", xs("", `<xs:element name="r"><xs:complexType mixed="true"/></xs:element>`), `unsupported mixed="true"`},
		{"default value", xs("", `<xs:element name="r" type="xs:string" default="x"/>`), "unsupported attribute default"},
		{"complexContent", xs("", `<xs:complexType name="C"><xs:complexContent/></xs:complexType>`), "unsupported construct xsd:complexContent"},
		{"facet not applicable", xs("", `<xs:simpleType name="D"><xs:restriction base="xs:decimal"><xs:maxLength value="3"/></xs:restriction></xs:simpleType>`),
			"facet maxLength does not apply"},
		{"loosened facet", xs("", `<xs:simpleType name="B"><xs:restriction base="xs:string"><xs:maxLength value="3"/></xs:restriction></xs:simpleType>`+
			`<xs:simpleType name="D"><xs:restriction base="B"><xs:maxLength value="5"/></xs:restriction></xs:simpleType>`), "maxLength 5 exceeds maxLength 3"},
		{"bad enumeration", xs("", `<xs:simpleType name="D"><xs:restriction base="xs:int"><xs:enumeration value="x"/></xs:restriction></xs:simpleType>`),
			`enumeration "x" is not valid for xsd:int`},
		{"bad pattern", xs("", `<xs:simpleType name="D"><xs:restriction base="xs:string"><xs:pattern value="a{,3}"/></xs:restriction></xs:simpleType>`),
			"improper quantifier"},
		{"block escape", xs("", `<xs:simpleType name="D"><xs:restriction base="xs:string"><xs:pattern value="\p{IsBasicLatin}"/></xs:restriction></xs:simpleType>`),
			"block escapes"},
		{"not deterministic", xs("", `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" minOccurs="0"/><xs:element name="a"/></xs:sequence></xs:complexType></xs:element>`),
			"not deterministic"},
		{"duplicate", xs("", `<xs:element name="r"/><xs:element name="r"/>`), `"r" is also defined`},
		{"nested all", xs("", `<xs:element name="r"><xs:complexType><xs:sequence><xs:all/></xs:sequence></xs:complexType></xs:element>`), "xsd:all must be the whole content model"},
		{"occurs", xs("", `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" minOccurs="3" maxOccurs="2"/></xs:sequence></xs:complexType></xs:element>`),
			"maxOccurs 2 is less than minOccurs 3"},
		{"missing include", xs("", `<xs:include schemaLocation="gone.xsd"/>`), "gone.xsd"},
		{"foreign namespace include", `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a"><xs:include schemaLocation="b.xsd"/></xs:schema>`,
			`targetNamespace "urn:b" differs`},
		{"date enumeration", xs("", `<xs:simpleType name="D"><xs:restriction base="xs:date"><xs:enumeration value="2024-01-01"/></xs:restriction></xs:simpleType>`),
			"unsupported facet enumeration on a date or time type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"s.xsd": {Data: []byte(tc.schema)},
				"b.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b"/>`)}}
			_, err := Compile(fsys, "s.xsd")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), ".xsd") {
				t.Errorf("Compile error %v, want one naming the file and %q", err, tc.want)
			}
		})
	}
	if _, err := Compile(fstest.MapFS{}, "none.xsd"); err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Compile of a missing file: %v", err)
	}
}

func parseDoc(t testing.TB, s string) *etree.Document {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(s); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestValidateConcurrent shares one Schema between goroutines (run with -race).
func TestValidateConcurrent(t *testing.T) {
	s := compileString(t, invoiceSchema)
	good := parseDoc(t, invoice("", goodMain, goodItem, goodAmt)).Root()
	bad := parseDoc(t, invoice(` version="x"`, goodMain, goodItem, "")).Root()
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 50; j++ {
				if errs := s.Validate(good); errs != nil {
					done <- errors.New("valid document reported invalid")
					return
				}
				if errs := s.Validate(bad); len(errs) != 2 {
					done <- errors.New("invalid document: wrong errors")
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestValidateNilRoot(t *testing.T) {
	s := compileString(t, invoiceSchema)
	if errs := s.Validate(nil); len(errs) != 1 || errs[0].Rule != "root" {
		t.Errorf("Validate(nil) = %v", errs)
	}
}
