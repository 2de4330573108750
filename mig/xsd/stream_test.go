package xsd

import (
	"math/rand"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/beevik/etree"
)

// feedStream hands the tree under root to st as a producer would, and
// reports false when the tree holds something outside the Stream's
// contract (a prefix, an attribute other than the default namespace
// declaration of the target namespace, CDATA), which the caller skips.
func feedStream(st *Stream, s *Schema, root *etree.Element) bool {
	var walk func(el *etree.Element, ns string) bool
	walk = func(el *etree.Element, ns string) bool {
		if el.Space != "" {
			return false
		}
		for _, a := range el.Attr {
			if a.Space != "" || a.Key != "xmlns" {
				return false
			}
			ns = a.Value
		}
		if ns != s.tns {
			return false
		}
		st.Start(el.Tag)
		for _, tok := range el.Child {
			switch c := tok.(type) {
			case *etree.CharData:
				if c.IsCData() {
					return false
				}
				st.Text(c.Data)
			case *etree.Element:
				if !walk(c, ns) {
					return false
				}
			}
		}
		st.End()
		return true
	}
	st.Reset(s)
	return walk(root, "")
}

// streamVerdict compares the Stream with Validate on one instance: a yes
// from the Stream must be a document without violations. It returns
// whether the instance was fed, and the two verdicts.
func streamVerdict(t *testing.T, st *Stream, s *Schema, inst string) (fed, streamValid, valid bool) {
	t.Helper()
	doc := etree.NewDocument()
	doc.ReadSettings.PreserveCData = true
	if err := doc.ReadFromString(inst); err != nil || doc.Root() == nil {
		return false, false, false
	}
	if !feedStream(st, s, doc.Root()) {
		return false, false, false
	}
	errs := s.Validate(doc.Root())
	if st.Valid() && len(errs) > 0 {
		t.Errorf("Stream accepts %s, which Validate refuses: %v", inst, errs)
	}
	return true, st.Valid(), len(errs) == 0
}

// TestStreamNeverAcceptsInvalid runs the Stream on every instance of the
// xmllint suites it can be fed (structure, namespaces, text, wildcards,
// groups, values, derived types) and checks that it never calls valid what
// Validate refuses, and that it judges most valid ones itself.
func TestStreamNeverAcceptsInvalid(t *testing.T) {
	var st Stream
	suites := append(structureSuites(), valueSuites()...)
	fed, accepted, valid := 0, 0, 0
	for _, suite := range suites {
		s, err := Compile(fstest.MapFS{"s.xsd": {Data: []byte(suite.schema)}}, "s.xsd")
		if err != nil {
			continue // the suite tests a schema Compile refuses
		}
		for _, inst := range suite.instances {
			ok, sv, v := streamVerdict(t, &st, s, inst)
			if !ok {
				continue
			}
			fed++
			if v {
				valid++
			}
			if sv {
				accepted++
			}
		}
	}
	t.Logf("%d instances fed: %d valid, %d accepted by the Stream", fed, valid, accepted)
	if fed < 200 || accepted < valid/2 {
		t.Fatalf("the suites exercise the Stream too little: %d fed, %d of %d valid accepted", fed, accepted, valid)
	}
}

// TestStreamAgreesOnContentModels runs random nested sequences and choices
// (counted repetition included) over every child sequence of length ≤ 4:
// with only elements and text the Stream judges every instance, so its
// verdict must be Validate's, both ways.
func TestStreamAgreesOnContentModels(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	seqs := childSequences([]string{"a", "b", "c"}, 4)
	var st Stream
	models, instances, valid := 0, 0, 0
	for range 300 {
		// Typed leaves: an element without a type is anyType, which the
		// Stream leaves to Validate.
		model := strings.ReplaceAll(seq("", randomModel(r, 3)), `<xs:element name=`, `<xs:element type="xs:string" name=`)
		schema := xs(` targetNamespace="urn:t" elementFormDefault="qualified"`,
			`<xs:element name="r"><xs:complexType>`+model+`</xs:complexType></xs:element>`)
		s, err := Compile(fstest.MapFS{"s.xsd": {Data: []byte(schema)}}, "s.xsd")
		if err != nil {
			continue // not deterministic (UPA)
		}
		models++
		for _, body := range seqs {
			inst := `<r xmlns="urn:t">` + "\n  " + body + "\n</r>"
			ok, sv, v := streamVerdict(t, &st, s, inst)
			if !ok {
				t.Fatalf("could not feed %s", inst)
			}
			instances++
			if v {
				valid++
			}
			if sv != v {
				t.Errorf("model %s on %s: Stream valid=%v, Validate valid=%v", model, body, sv, v)
			}
		}
	}
	t.Logf("%d models, %d instances, %d valid", models, instances, valid)
	if models < 100 || valid < 1000 {
		t.Fatalf("too few models (%d) or valid instances (%d) to mean anything", models, valid)
	}
}

// TestStreamFeedErrors checks the Stream's refusals that Validate cannot
// see: a second root, an End without a Start, text around the root.
func TestStreamFeedErrors(t *testing.T) {
	s := compileString(t, xs("", `<xs:element name="r" type="xs:token"/>`))
	var st Stream
	cases := []struct {
		name string
		feed func()
		want bool
	}{
		{"one root", func() { st.Start("r"); st.Text("x"); st.End() }, true},
		{"blank around the root", func() { st.Text("\n"); st.Start("r"); st.End(); st.Text("\n") }, true},
		{"text after the root", func() { st.Start("r"); st.End(); st.Text("x") }, false},
		{"second root", func() { st.Start("r"); st.End(); st.Start("r"); st.End() }, false},
		{"end without start", func() { st.End() }, false},
		{"unclosed", func() { st.Start("r") }, false},
		{"nothing", func() {}, false},
		{"undeclared root", func() { st.Start("q"); st.End() }, false},
		{"text in two pieces", func() { st.Start("r"); st.Text("a"); st.Text("b"); st.End() }, false},
		{"child of a simple element", func() { st.Start("r"); st.Start("r"); st.End(); st.End() }, false},
	}
	for _, c := range cases {
		st.Reset(s)
		c.feed()
		if got := st.Valid(); got != c.want {
			t.Errorf("%s: Valid() = %v, want %v", c.name, got, c.want)
		}
	}
}
