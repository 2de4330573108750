package xmlread

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

const plainSample = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:GEINV:eInvoiceMessage:F0401:4.1">
  <Main>
    <InvoiceNumber>BE00000000</InvoiceNumber>
    <Seller>
      <Identifier>04595252</Identifier>
      <Name>當機測試股份有限公司 &amp; 子 &#x5B57; &#23383; &lt;&gt;&apos;&quot;</Name>
    </Seller>
    <Empty/>
    <Other></Other>
    <Spaced >x</Spaced >
  </Main>
</Invoice>
`

// TestReadPlain: every input ReadPlain takes gives Read's tree; the plain
// forms are taken, the others left to Read.
func TestReadPlain(t *testing.T) {
	decl := `<?xml version="1.0" encoding="UTF-8"?>`
	body := strings.TrimPrefix(plainSample, decl)
	tests := []struct {
		name  string
		in    string
		plain bool // ReadPlain takes it
	}{
		{"sample", plainSample, true},
		{"bom", "\xef\xbb\xbf" + plainSample, true},
		{"no declaration", strings.TrimSpace(body), true},
		{"lower-case utf-8", `<?xml version="1.0" encoding="utf-8"?>` + body, true},
		{"version only", `<?xml version="1.0"?>` + body, true},
		{"single quotes", `<a xmlns='urn:x'>t</a>`, true},
		{"spaces around =", `<a xmlns = "urn:x" >t</a>`, true},
		{"declaration with standalone", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + body, false},
		{"Big5", `<?xml version="1.0" encoding="Big5"?>` + body, false},
		{"carriage returns", strings.ReplaceAll(plainSample, "\n", "\r\n"), false},
		{"comment", `<a xmlns="urn:x"><!-- c --><b/></a>`, false},
		{"CDATA", `<a xmlns="urn:x"><b><![CDATA[x]]></b></a>`, false},
		{"processing instruction", `<a xmlns="urn:x"><?pi x?></a>`, false},
		{"DOCTYPE", `<!DOCTYPE a><a xmlns="urn:x"/>`, false},
		{"prefixed root", `<m:a xmlns:m="urn:x"><m:b/></m:a>`, false},
		{"no namespace", `<a><b/></a>`, false},
		{"second root attribute", `<a xmlns="urn:x" id="1"><b/></a>`, false},
		{"child attribute", `<a xmlns="urn:x"><b id="1"/></a>`, false},
		{"empty root", `<a xmlns="urn:x"/>`, false},
		{"unknown entity", `<a xmlns="urn:x">&nbsp;</a>`, false},
		{"upper-case hex reference", `<a xmlns="urn:x">&#X41;</a>`, false},
		{"reference to a control character", `<a xmlns="urn:x">&#1;</a>`, false},
		{"reference to a carriage return", `<a xmlns="urn:x">&#13;</a>`, false},
		{"control character", "<a xmlns=\"urn:x\">\x01</a>", false},
		{"invalid UTF-8", "<a xmlns=\"urn:x\">\xff</a>", false},
		{"U+FFFE", "<a xmlns=\"urn:x\">\uFFFE</a>", false},
		{"]]> in text", `<a xmlns="urn:x">]]></a>`, false},
		{"mismatched end", `<a xmlns="urn:x"><b></c></a>`, false},
		{"truncated", `<a xmlns="urn:x"><b>`, false},
		{"text after the root", `<a xmlns="urn:x"/>x`, false},
		{"second root", `<a xmlns="urn:x"></a><a xmlns="urn:x"></a>`, false},
		{"text before the root", `x<a xmlns="urn:x"></a>`, false},
		{"whitespace before the declaration", " " + plainSample, false},
		{"too deep", `<a xmlns="urn:x">` + strings.Repeat("<b>", 100) + strings.Repeat("</b>", 100) + `</a>`, false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, ok := checkPlain(t, []byte(tt.in))
			if ok != tt.plain {
				t.Errorf("ReadPlain took it: %v, want %v", ok, tt.plain)
			}
		})
	}
}

// TestReadPlainMutations spoils the sample at random: whatever ReadPlain
// still takes, Read reads to the same tree.
func TestReadPlainMutations(t *testing.T) {
	snippets := []string{"<", ">", "&", ";", "/", "\"", "'", "=", " ", "\n", "\r", "\t", "]]>", "<!--", "-->",
		"<b>", "</b>", "<b/>", "&amp;", "&#65;", "&#x;", "xmlns", ":", "\xe5", "\x00", "字", "?>", "<?", "a"}
	r := rand.New(rand.NewPCG(1, 2))
	taken := 0
	for i := range 5000 {
		in := []byte(plainSample)
		for range 1 + r.IntN(3) {
			at := r.IntN(len(in) + 1)
			switch r.IntN(3) {
			case 0: // insert
				s := snippets[r.IntN(len(snippets))]
				in = append(in[:at:at], append([]byte(s), in[at:]...)...)
			case 1: // delete
				end := min(len(in), at+1+r.IntN(4))
				in = append(in[:at:at], in[end:]...)
			default: // replace a byte
				if at < len(in) {
					in[at] = snippets[r.IntN(len(snippets))][0]
				}
			}
		}
		if _, _, ok := checkPlain(t, in); ok {
			taken++
		}
		if t.Failed() {
			t.Fatalf("mutation %d: %q", i, in)
		}
	}
	t.Logf("ReadPlain took %d of 5000 mutations", taken)
	if taken == 0 {
		t.Error("ReadPlain took none of the mutations: the test proves nothing")
	}
}

func FuzzReadPlain(f *testing.F) {
	f.Add([]byte(plainSample))
	f.Add([]byte(`<a xmlns="urn:x"><b>&#x41;</b></a>`))
	f.Fuzz(func(t *testing.T, data []byte) { checkPlain(t, data) })
}

// checkPlain reads in with ReadPlain and, when it takes in, with Read, and
// fails unless both give the same tree and the events follow it.
//
// The lean tree must be Read's without the whitespace lean leaves out.
func checkPlain(t *testing.T, in []byte) (*etree.Document, *etree.Element, bool) {
	t.Helper()
	var ev eventLog
	var ns string
	doc, root, ok := ReadPlain(in, func(n string) Events { ns = n; return &ev }, false)
	leanDoc, _, leanOK := ReadPlain(in, nil, true)
	if ok != leanOK {
		t.Fatalf("ReadPlain took it: %v; lean: %v", ok, leanOK)
	}
	if !ok {
		return nil, nil, false
	}
	want, err := Read(in)
	if err != nil {
		t.Fatalf("ReadPlain took what Read refuses (%v): %q", err, in)
	}
	wantRoot, err := Root(want)
	if err != nil {
		t.Fatalf("ReadPlain took what Root refuses (%v): %q", err, in)
	}
	if got, want := dumpTree(&doc.Element), dumpTree(&want.Element); got != want {
		t.Fatalf("ReadPlain's tree:\n%s\nRead's tree:\n%s\ninput %q", got, want, in)
	}
	if got, want := dumpTree(&leanDoc.Element), dumpTree(leanTree(want)); got != want {
		t.Fatalf("ReadPlain's lean tree:\n%s\nRead's tree, lean:\n%s\ninput %q", got, want, in)
	}
	if root.Tag != wantRoot.Tag || ns != wantRoot.NamespaceURI() {
		t.Fatalf("root <%s> in %q, Read's <%s> in %q", root.Tag, ns, wantRoot.Tag, wantRoot.NamespaceURI())
	}
	var walked eventLog
	walk(root, &walked)
	if ev.String() != walked.String() {
		t.Fatalf("events:\n%s\nthe tree's:\n%s", &ev, &walked)
	}
	return doc, root, true
}

// leanTree returns a copy of doc without what ReadPlain's lean tree leaves
// out.
func leanTree(doc *etree.Document) *etree.Element {
	var lean func(e *etree.Element, top bool) *etree.Element
	lean = func(e *etree.Element, top bool) *etree.Element {
		out := etree.NewElement(e.Tag)
		out.Space = e.Space
		for _, a := range e.Attr {
			out.CreateAttr(a.FullKey(), a.Value)
		}
		children := len(e.ChildElements()) > 0
		for _, c := range e.Child {
			switch c := c.(type) {
			case *etree.Element:
				out.AddChild(lean(c, false))
			case *etree.CharData:
				if !top && (!c.IsWhitespace() || !children) {
					out.CreateText("").SetData(c.Data)
				}
			}
		}
		return out
	}
	return lean(&doc.Element, true)
}

// dumpTree prints every token of e, with what etree keeps of it.
func dumpTree(e *etree.Element) string {
	var b strings.Builder
	var dump func(e *etree.Element, indent string)
	dump = func(e *etree.Element, indent string) {
		if indent == "" {
			b.WriteString("document\n") // a Document's own element and a copy's differ in index
		} else {
			fmt.Fprintf(&b, "%selement %q %q parent %v index %d\n", indent, e.Space, e.Tag, e.Parent() != nil, e.Index())
		}
		for _, a := range e.Attr {
			fmt.Fprintf(&b, "%s  attr %q %q %q\n", indent, a.Space, a.Key, a.Value)
		}
		for _, c := range e.Child {
			switch c := c.(type) {
			case *etree.Element:
				dump(c, indent+"  ")
			case *etree.CharData:
				fmt.Fprintf(&b, "%s  text %q whitespace %v cdata %v index %d\n", indent, c.Data, c.IsWhitespace(), c.IsCData(), c.Index())
			case *etree.ProcInst:
				fmt.Fprintf(&b, "%s  procinst %q %q\n", indent, c.Target, c.Inst)
			default:
				fmt.Fprintf(&b, "%s  %T\n", indent, c)
			}
		}
	}
	dump(e, "")
	return b.String()
}

// eventLog records Events.
type eventLog struct{ strings.Builder }

func (l *eventLog) Start(local string) { fmt.Fprintf(l, "start %s\n", local) }
func (l *eventLog) Text(s string)      { fmt.Fprintf(l, "text %q\n", s) }
func (l *eventLog) End()               { l.WriteString("end\n") }

// walk sends the tree below e as events, as ReadPlain sends them.
func walk(e *etree.Element, ev Events) {
	ev.Start(e.Tag)
	for _, c := range e.Child {
		switch c := c.(type) {
		case *etree.Element:
			walk(c, ev)
		case *etree.CharData:
			ev.Text(c.Data)
		}
	}
	ev.End()
}
