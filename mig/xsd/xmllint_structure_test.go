package xsd

import "strings"

// el declares an element of xsd:anyType with extra attributes.
func el(name, attrs string) string { return `<xs:element name="` + name + `" ` + attrs + `/>` }

func seq(attrs string, kids ...string) string {
	return `<xs:sequence ` + attrs + `>` + strings.Join(kids, "") + `</xs:sequence>`
}

func choice(attrs string, kids ...string) string {
	return `<xs:choice ` + attrs + `>` + strings.Join(kids, "") + `</xs:choice>`
}

func all(attrs string, kids ...string) string {
	return `<xs:all ` + attrs + `>` + strings.Join(kids, "") + `</xs:all>`
}

// contentModels are tried with every child sequence of length ≤ 4 over
// a, b and c.
func contentModels() []string {
	a, b, c := el("a", ""), el("b", ""), el("c", "")
	return []string{
		seq("", a, b, c),
		seq("", el("a", `minOccurs="0"`), b, el("c", `minOccurs="0"`)),
		seq("", el("a", `minOccurs="0" maxOccurs="2"`), b),
		seq("", el("a", `minOccurs="2" maxOccurs="3"`)),
		seq("", el("a", `minOccurs="0" maxOccurs="unbounded"`), el("b", `maxOccurs="unbounded"`)),
		seq("", a, el("b", `minOccurs="0" maxOccurs="unbounded"`), c),
		seq(`minOccurs="0"`, a, b),
		seq(`minOccurs="2" maxOccurs="2"`, el("a", `minOccurs="0"`)),
		seq(`maxOccurs="3"`, a, el("b", `minOccurs="0"`)),
		seq("", seq(`maxOccurs="2"`, a, b), el("c", `minOccurs="0"`)),
		seq("", seq(`minOccurs="1" maxOccurs="2"`, el("a", `maxOccurs="2"`))),
		seq("", seq(`minOccurs="2" maxOccurs="2"`, el("a", `minOccurs="2" maxOccurs="3"`))),
		seq(`maxOccurs="unbounded"`, el("a", `minOccurs="0"`), el("b", `minOccurs="0"`), el("c", `minOccurs="0"`)),
		seq("", a, el("a", `minOccurs="0"`)),
		seq("", a, choice(`minOccurs="0"`, b, c), el("a", `minOccurs="0"`)),
		seq("", el("a", `maxOccurs="0"`), b),
		seq(""),
		"",
		choice("", a, b, c),
		choice(`maxOccurs="2"`, a, b),
		choice(`minOccurs="0" maxOccurs="unbounded"`, a, b),
		choice(`minOccurs="2" maxOccurs="3"`, a, b, c),
		choice("", a, seq("", b, c)),
		choice("", seq("", a, b), seq("", c, el("a", `minOccurs="0"`))),
		choice(`maxOccurs="unbounded"`, seq("", a, b), c),
		all("", a, b, c),
		all("", a, el("b", `minOccurs="0"`), el("c", `minOccurs="0"`)),
		all(`minOccurs="0"`, a, b),
		all("", el("a", `minOccurs="0"`), el("b", `maxOccurs="0"`)),
		// Not deterministic: libxml2 refuses these schemas, and so does Compile.
		seq("", el("a", `minOccurs="0"`), a),
		choice("", a, seq("", a, b)),
		seq("", el("a", `maxOccurs="2"`), el("a", "")),
	}
}

func structureSuites() []oracleSuite {
	var suites []oracleSuite
	suites = append(suites, namespaceSuites()...)
	suites = append(suites, attributeSuites()...)
	suites = append(suites, textSuites()...)
	suites = append(suites, wildcardSuites()...)
	suites = append(suites, groupSuites()...)
	return append(suites, xsiSuites()...)
}

// groupSuites exercise named groups, named complex types and element
// references with their own occurrence counts.
func groupSuites() []oracleSuite {
	body := `<xs:group name="G"><xs:sequence><xs:element name="a" type="xs:int"/><xs:element name="b" minOccurs="0"/></xs:sequence></xs:group>` +
		`<xs:group name="C"><xs:choice><xs:element ref="g"/><xs:element name="c"/></xs:choice></xs:group>` +
		`<xs:element name="g" type="xs:boolean"/>` +
		`<xs:complexType name="T"><xs:sequence><xs:group ref="G" maxOccurs="2"/><xs:group ref="C" minOccurs="0"/></xs:sequence></xs:complexType>` +
		`<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="t" type="T" maxOccurs="unbounded"/>` +
		`<xs:element ref="g" minOccurs="0" maxOccurs="2"/></xs:sequence></xs:complexType></xs:element>`
	var insts []string
	for _, t := range []string{"<a>1</a>", "<a>1</a><b/>", "<a>1</a><a>2</a>", "<a>1</a><b/><a>2</a><b/>", "<a>1</a><a>2</a><a>3</a>",
		"<a>x</a>", "<b/>", "", "<a>1</a><g>true</g>", "<a>1</a><c/>", "<a>1</a><g>maybe</g>", "<a>1</a><c/><g>1</g>", "<a>1</a><b/><b/>"} {
		insts = append(insts, `<r><t>`+t+`</t></r>`)
	}
	insts = append(insts, `<r><t><a>1</a></t><t><a>2</a></t><g>0</g><g>1</g></r>`, `<r><t><a>1</a></t><g>0</g><g>1</g><g>1</g></r>`, `<r/>`, `<g>true</g>`)
	return []oracleSuite{{name: "groups", schema: xs("", body), instances: insts}}
}

func namespaceSuites() []oracleSuite {
	body := `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:string"/>` +
		`<xs:element name="b" type="xs:decimal" minOccurs="0"/><xs:element name="c" form="qualified" minOccurs="0"/>` +
		`<xs:element ref="g" minOccurs="0"/></xs:sequence></xs:complexType></xs:element><xs:element name="g" type="xs:int"/>`
	insts := []string{
		`<r xmlns="urn:t"><a/></r>`, `<p:r xmlns:p="urn:t"><p:a/></p:r>`, `<p:r xmlns:p="urn:t"><a/></p:r>`,
		`<r xmlns="urn:t"><a xmlns=""/></r>`, `<r xmlns="urn:t"><q:a xmlns:q="urn:q"/></r>`, `<r><a/></r>`,
		`<r xmlns="urn:t"><p:a/></r>`, `<r xmlns="urn:x"><a/></r>`, `<x xmlns="urn:t"/>`,
		`<p:r xmlns:p="urn:t"><a/><p:c/></p:r>`, `<p:r xmlns:p="urn:t"><a/><c/></p:r>`,
		`<r xmlns="urn:t"><a/><g>1</g></r>`, `<r xmlns="urn:t"><a/><g>x</g></r>`, `<r xmlns="urn:t"><a/><g xmlns="">1</g></r>`,
		`<p:r xmlns:p="urn:t"><a/><p:g>1</p:g></p:r>`, `<p:r xmlns:p="urn:t"><a/><g>1</g></p:r>`,
		`<r xmlns="urn:t"><a xmlns="urn:t"/><b>1.5</b></r>`, `<r xmlns="urn:t"><a/><b>x</b></r>`,
		`<g xmlns="urn:t"> 7 </g>`, `<g xmlns="urn:t">7</g>`,
	}
	return []oracleSuite{
		{name: "qualified", schema: xs(` xmlns="urn:t" targetNamespace="urn:t" elementFormDefault="qualified"`, body), instances: insts},
		{name: "unqualified", schema: xs(` xmlns="urn:t" targetNamespace="urn:t"`, body), instances: insts},
		{name: "no namespace", schema: xs("", strings.ReplaceAll(body, `ref="g"`, `ref="g"`)), instances: append(insts,
			`<r><a/><b>2</b></r>`, `<r><a/><c/><g>3</g></r>`)},
	}
}

func attributeSuites() []oracleSuite {
	body := `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="s" type="xs:string" minOccurs="0"/></xs:sequence>` +
		`<xs:attribute name="x" type="xs:int"/><xs:attribute name="y" use="required">` +
		`<xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="3"/></xs:restriction></xs:simpleType></xs:attribute>` +
		`<xs:attribute name="z" type="xs:string" use="prohibited"/><xs:attribute name="d" type="xs:decimal"/>` +
		`<xs:attribute name="p"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="a b"/></xs:restriction></xs:simpleType></xs:attribute>` +
		`</xs:complexType></xs:element>`
	xsi := ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`
	insts := []string{
		`<r y="1"/>`, `<r/>`, `<r y="1234"/>`, `<r y="中文字"/>`, `<r y="1" x="5"/>`, `<r y="1" x=" 5"/>`, `<r y="1" x="a"/>`,
		`<r y="1" z="1"/>`, `<r y="1" w="1"/>`, `<r y="1" xml:lang="en"/>`, `<r y="1" xmlns:q="urn:q" q:x="1"/>`,
		`<r y="1" d=" 1.50 "/>`, `<r y="1" d="1e2"/>`, `<r y="1" p="a b"/>`, "<r y=\"1\" p=\"a\tb\"/>", "<r y=\"1\" p=\"a&#9;b\"/>",
		`<r y="1"` + xsi + ` xsi:schemaLocation="urn:x x.xsd"/>`, `<r y="1"` + xsi + ` xsi:noNamespaceSchemaLocation="x.xsd"/>`,
		`<r y="1"` + xsi + ` xsi:foo="1"/>`, `<r y="1"` + xsi + ` xsi:nil="false"/>`, `<r y="1"><s x="1"/></r>`,
		`<r y="1"><s` + xsi + ` xsi:schemaLocation="a b">t</s></r>`, `<r y="1"` + xsi + ` xsi:type="xs:string" xmlns:xs="http://www.w3.org/2001/XMLSchema"/>`,
	}
	qualified := `<xs:element name="r"><xs:complexType><xs:attribute name="x" type="xs:int"/></xs:complexType></xs:element>`
	return []oracleSuite{
		{name: "attributes", schema: xs("", body), instances: insts},
		{name: "qualified attributes", schema: xs(` xmlns="urn:t" targetNamespace="urn:t" attributeFormDefault="qualified"`, qualified),
			instances: []string{`<r xmlns="urn:t" x="1"/>`, `<p:r xmlns:p="urn:t" p:x="1"/>`, `<p:r xmlns:p="urn:t" p:x="z"/>`, `<r xmlns="urn:t"/>`}},
	}
}

func textSuites() []oracleSuite {
	body := `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:decimal" minOccurs="0"/>` +
		`<xs:element name="e" minOccurs="0"><xs:complexType/></xs:element><xs:element name="t" type="xs:token" minOccurs="0"/>` +
		`</xs:sequence></xs:complexType></xs:element>`
	insts := []string{
		`<r>text<a>1</a></r>`, `<r>  <a>1</a>  </r>`, "<r>\n\t<a>1</a>\n</r>", `<r><!--c--><?pi x?><a>1</a></r>`,
		`<r><![CDATA[ ]]><a>1</a></r>`, `<r>&#160;<a>1</a></r>`, `<r><a>1<!--x-->2</a></r>`, `<r><a>1<![CDATA[2]]></a></r>`,
		`<r><a>&#32;1</a></r>`, `<r><a><?pi?>3</a></r>`, `<r><a>1<x/></a></r>`, `<r><a/></r>`, `<r><a></a></r>`,
		`<r><e/></r>`, `<r><e> </e></r>`, `<r><e>x</e></r>`, `<r><e><!--c--></e></r>`, `<r><e><![CDATA[]]></e></r>`, `<r><e><a/></e></r>`,
		`<r><t>a  b</t></r>`, "<r><t>\ta\n</t></r>", `<r><a>1</a><!-- end --></r>`, `<r/>`, `<r></r>`,
	}
	return []oracleSuite{{name: "text", schema: xs("", body), instances: insts}}
}

func wildcardSuites() []oracleSuite {
	model := func(ns, process string) string {
		return `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:string"/>` +
			`<xs:any namespace="` + ns + `" processContents="` + process + `" minOccurs="0" maxOccurs="2"/>` +
			`</xs:sequence></xs:complexType></xs:element><xs:element name="g" type="xs:int"/>` +
			`<xs:element name="h"><xs:complexType><xs:sequence><xs:element name="k"/></xs:sequence></xs:complexType></xs:element>`
	}
	insts := []string{
		`<r xmlns="urn:t"><a/></r>`, `<r xmlns="urn:t"><a/><x xmlns=""/></r>`, `<r xmlns="urn:t"><a/><q:x xmlns:q="urn:q"><y/></q:x></r>`,
		`<r xmlns="urn:t"><a/><a/></r>`, `<r xmlns="urn:t"><a/><g>1</g></r>`, `<r xmlns="urn:t"><a/><g>x</g></r>`,
		`<r xmlns="urn:t"><a/><q:x xmlns:q="urn:q"/><q:x xmlns:q="urn:q"/><q:x xmlns:q="urn:q"/></r>`,
		`<r xmlns="urn:t"><a/><h><k/></h></r>`, `<r xmlns="urn:t"><a/><h><z/></h></r>`, `<r xmlns="urn:t"><a/><x/></r>`,
	}
	tns := ` xmlns="urn:t" targetNamespace="urn:t" elementFormDefault="qualified"`
	var suites []oracleSuite
	for _, ns := range []string{"##other", "##any", "##targetNamespace", "##local", "urn:q ##local"} {
		for _, pc := range []string{"skip", "lax", "strict"} {
			suites = append(suites, oracleSuite{name: "any " + ns + " " + pc, schema: xs(tns, model(ns, pc)), instances: insts})
		}
	}
	anyType := `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a"/></xs:sequence></xs:complexType></xs:element>` +
		`<xs:element name="d" type="xs:decimal"/>`
	suites = append(suites, oracleSuite{name: "anyType", schema: xs("", anyType), instances: []string{
		`<r><a>text<x y="1"><d>abc</d></x></a></r>`, `<r><a><d>abc</d></a></r>`, `<r><a><d>1</d></a></r>`,
		`<r><a q="1"/></r>`, `<r><a><![CDATA[x]]></a></r>`, `<r><a><r><a/></r></a></r>`, `<r><a><r/></a></r>`,
	}})
	return suites
}

func xsiSuites() []oracleSuite {
	body := `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="S"/>` +
		`<xs:element name="n" type="xs:decimal" nillable="true" minOccurs="0"/><xs:element name="any" minOccurs="0"/>` +
		`</xs:sequence></xs:complexType></xs:element>` +
		`<xs:simpleType name="S"><xs:restriction base="xs:string"><xs:maxLength value="3"/></xs:restriction></xs:simpleType>` +
		`<xs:simpleType name="S2"><xs:restriction base="S"><xs:maxLength value="1"/></xs:restriction></xs:simpleType>` +
		`<xs:simpleType name="I"><xs:restriction base="xs:int"/></xs:simpleType>`
	x := ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema"`
	var insts []string
	for _, a := range []string{`xsi:type="S2">ab`, `xsi:type="S2">a`, `xsi:type="S">a`, `xsi:type="xs:string">a`,
		`xsi:type="Nope">a`, `xsi:type=" S2 ">a`, `xsi:type="I">1`, `xsi:type="q:S">a`, `xsi:nil="true">`, `xsi:schemaLocation="a b">ab`} {
		insts = append(insts, `<r`+x+`><a `+a+`</a></r>`)
	}
	for _, n := range []string{`xsi:nil="true"/>`, `xsi:nil="true">1</n>`, `xsi:nil="true"> </n>`, `xsi:nil="true"><!--c--></n>`,
		`xsi:nil="1"/>`, `xsi:nil=" true "/>`, `xsi:nil="yes"/>`, `xsi:nil="false"/>`, `xsi:nil="false">1</n>`, `xsi:type="xs:int">5</n>`,
		`xsi:type="xs:long">5</n>`, `xsi:type="xs:integer">5.5</n>`} {
		insts = append(insts, `<r`+x+`><a/><n `+n+`</r>`)
	}
	for _, t := range []string{`xsi:type="xs:decimal">abc`, `xsi:type="xs:decimal">1`, `xsi:type="S2">ab`, `xsi:type="xs:anyType">x`} {
		insts = append(insts, `<r`+x+`><a/><any `+t+`</any></r>`)
	}
	return []oracleSuite{{name: "xsi", schema: xs("", body), instances: insts}}
}
