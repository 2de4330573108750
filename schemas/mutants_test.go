package schemas

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/internal/testci"
)

var allMutants = flag.Bool("mutants", false, "compare every mutant, not a sample of them (takes minutes)")

// TestMutantsAgreeWithOfficialSchemas is a differential test: it derives documents
// from the valid samples (every leaf value replaced by boundary values, every
// element dropped, duplicated, moved, re-namespaced, given an unknown sibling,
// nilled) and requires our schema and MOF's to give each the same verdict. The only
// disagreement allowed is the YearMonth typo (a "|" in YearMonth).
// By default it runs the length mutants and every 25th other one; -mutants runs all.
func TestMutantsAgreeWithOfficialSchemas(t *testing.T) {
	ours := extractFS(t)
	if _, err := os.Stat(oracleDir); err != nil {
		testci.Missing(t, "official schemas not found at %s (the shared folder beside the project): %v", oracleDir, err)
	}
	stride := 25
	if *allMutants {
		stride = 1
	}
	for _, m := range Messages() {
		msgType, version := m[0], m[1]
		t.Run(version+"/"+msgType, func(t *testing.T) {
			t.Parallel()
			samples, _ := filepath.Glob(filepath.Join("testdata", version, msgType, "valid-*.xml"))
			dir := t.TempDir()
			var files, labels []string
			n, leavesDone := 0, map[string]bool{}
			for _, sample := range samples {
				for mu := range mutants(parseSample(t, sample), leavesDone) {
					if n++; !mu.length && n%stride != 0 {
						continue
					}
					file := filepath.Join(dir, fmt.Sprintf("m%06d.xml", n))
					if err := os.WriteFile(file, mu.build(), 0o644); err != nil {
						t.Fatal(err)
					}
					files, labels = append(files, file), append(labels, filepath.Base(sample)+": "+mu.label())
				}
			}
			ourVerdicts := validateAll(t, filepath.Join(ours, File(msgType, version)), files)
			offVerdicts := validateAll(t, filepath.Join(oracleDir, version, msgType+".xsd"), files)
			valid, known, differ := 0, 0, 0
			for i, f := range files {
				if offVerdicts[f] {
					valid++
				}
				if ourVerdicts[f] == offVerdicts[f] {
					continue
				}
				if strings.Contains(labels[i], "/YearMonth=") && strings.Contains(labels[i], "|") && !ourVerdicts[f] {
					known++ // the YearMonth typo, see knownDisagreements
					continue
				}
				if differ++; differ <= 20 {
					t.Errorf("%s: ours valid=%v, official valid=%v", labels[i], ourVerdicts[f], offVerdicts[f])
				}
			}
			t.Logf("%d documents, %d valid per MOF, %d known (YearMonth) and %d unexpected disagreements",
				len(files), valid, known, differ)
		})
	}
}

// validateAll runs xmllint once over many files and returns each file's verdict.
func validateAll(t *testing.T, schema string, files []string) map[string]bool {
	t.Helper()
	verdicts := make(map[string]bool, len(files))
	for chunk := range slices.Chunk(files, 1000) {
		cmd := exec.CommandContext(t.Context(), "xmllint", append([]string{"--nonet", "--noout", "--schema", schema}, chunk...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 3) {
			t.Fatalf("xmllint %s: %v\n%.2000s", schema, err, stderr.String())
		}
		for line := range strings.Lines(stderr.String()) {
			line = strings.TrimSuffix(line, "\n")
			if f, ok := strings.CutSuffix(line, " validates"); ok {
				verdicts[f] = true
			} else if f, ok := strings.CutSuffix(line, " fails to validate"); ok {
				verdicts[f] = false
			}
		}
	}
	if len(verdicts) != len(files) {
		t.Fatalf("xmllint %s judged %d of %d files", schema, len(verdicts), len(files))
	}
	return verdicts
}

// node is a minimal element tree: enough to rewrite a sample and write it back.
type node struct {
	name  xml.Name
	attrs []xml.Attr // without namespace declarations
	text  string     // leaves only
	kids  []*node
}

func parseSample(t *testing.T, file string) *node {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return root
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name}
			for _, a := range tok.Attr {
				if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
					n.attrs = append(n.attrs, a)
				}
			}
			if len(stack) == 0 {
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
			}
			stack = append(stack, n)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func (n *node) clone() *node {
	c := *n
	c.attrs = slices.Clone(n.attrs)
	c.kids = make([]*node, len(n.kids))
	for i, k := range n.kids {
		c.kids[i] = k.clone()
	}
	return &c
}

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// marker stands for a leaf's text while its mutants are spliced (a private-use
// character, which XML escaping leaves alone and no sample contains).
const marker = "\uE000"

func (n *node) write(b *bytes.Buffer) {
	fmt.Fprintf(b, `<%s xmlns="%s" xmlns:xsi="%s"`, n.name.Local, n.name.Space, xsiNS)
	for _, a := range n.attrs {
		switch a.Name.Space {
		case "":
			fmt.Fprintf(b, ` %s="`, a.Name.Local)
		case xsiNS:
			fmt.Fprintf(b, ` xsi:%s="`, a.Name.Local)
		default:
			panic("attribute in namespace " + a.Name.Space)
		}
		xml.EscapeText(b, []byte(a.Value))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	if len(n.kids) == 0 {
		xml.EscapeText(b, []byte(n.text))
	}
	for _, k := range n.kids {
		k.write(b)
	}
	fmt.Fprintf(b, "</%s>", n.name.Local)
}

func (n *node) bytes() []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	n.write(&b)
	return b.Bytes()
}

// at returns the node at path p (child indexes) under n.
func (n *node) at(p []int) *node {
	for _, i := range p {
		n = n.kids[i]
	}
	return n
}

// edgeValues are put into every leaf in turn: values at the edge of each pattern,
// number, date and time type the formats use.
var edgeValues = append(strings.Fields(`0 -0 +0 1 -1 1. .5 1.5 1e3 1,000 1050.0000000 1050.00000000 0.1234567
	0.12345678 12345678901234567890 123456789012345678901 1234567890123.4567890 1234567890123.45678901
	999999999999 1000000000000 -999999999999 -1000000000000 9999999 10000000 9999999999 10000000000
	999999999999999 1000000000000000 9223372036854775807 9223372036854775808 0.05 0.050 5E-2 0.01 0.02
	0.15 0.25 0.03 99.9999 1.00001 31.12345 31.123456 123456789.1234 12345678.12345 2 3 4 5 9
	00 01 06 07 08 09 10 70 71 79 80 A Y N y * ** AAAA AAA aaaa 1234 123 12345 １２３４ ١٢٣٤
	04595252 0000000000 123456789 12345678901 A1234567 ０４５９５２５２ ABCDEFGHIJ
	AB12345678 ab12345678 AB1234567 AB123456789 AB１２３４５６７８ ＡＢ12345678
	20260115 2026-01-15 20261301 20260132 20260100 20260231 00000101 2026115 202601150
	1150206 115026 1151301 1150132 14:30:05 24:00:00 25:00:00 14:30 14:30:05.123 14:30:05Z
	14:30:05+08:00 143005 14:60:00 9:30:05 11502 11501 11500 11512 11514 1150| 1151| 115|2 115020
	１１５０２ 00002 AB ab ABC A1 １２３４５６７８ 1234567a TWD USD usd XXX ZMW CYP US
	3J0002 3J00021 SGVsbG8= SGVsbG8 !!!! SGVs+bG8=`),
	"", " ", "\n", " 1050 ", "\t07\t", " 2", "2 ", " AB12345678", "20260115 ",
	strings.Repeat(" ", 25)+"x"+strings.Repeat(" ", 25), "x"+strings.Repeat(" ", 199)+"y", strings.Repeat(" ", 21))

// lengths are every maxLength and minLength the formats use, and one more.
var lengths = []int{1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 16, 17, 20, 21, 26, 27, 30, 31, 40, 41, 50, 51,
	60, 61, 64, 65, 80, 81, 100, 101, 120, 121, 200, 201, 256, 257, 400, 401, 500, 501}

// A mutant is a document derived from a sample: at the element where, either the
// leaf text is replaced by value, or the change named by change is made. Length
// mutants are always compared; the others every 25th unless -mutants is given.
type mutant struct {
	where, value, change string
	length               bool
	build                func() []byte
}

func (m mutant) label() string {
	if m.change != "" {
		return m.where + " " + m.change
	}
	return fmt.Sprintf("%s=%q", m.where, m.value)
}

// mutants yields the mutants of root. Leaf values are changed only in leaves whose
// path is not yet in leavesDone, so samples of one message share that work.
func mutants(root *node, leavesDone map[string]bool) iter.Seq[mutant] {
	return func(yield func(mutant) bool) {
		var walk func(n *node, p []int, where string) bool
		walk = func(n *node, p []int, where string) bool {
			if len(n.kids) == 0 && !leavesDone[where] {
				leavesDone[where] = true
				if !leafMutants(root, p, where, yield) {
					return false
				}
			}
			if len(p) > 0 && !structureMutants(root, p, where, yield) {
				return false
			}
			for i, k := range n.kids {
				if !walk(k, append(slices.Clone(p), i), where+"/"+k.name.Local) {
					return false
				}
			}
			return true
		}
		walk(root, nil, root.name.Local)
	}
}

// derive returns a function that builds a copy of root with change made to the element at p.
func derive(root *node, p []int, change func(doc, target *node)) func() []byte {
	return func() []byte {
		doc := root.clone()
		change(doc, doc.at(p))
		return doc.bytes()
	}
}

// leafMutants yields the leaf at p with each edge value and length, and with xsi:nil.
func leafMutants(root *node, p []int, where string, yield func(mutant) bool) bool {
	// The document with a marker for the leaf's text: each value is spliced in.
	before, after, ok := bytes.Cut(derive(root, p, func(_, n *node) { n.text = marker })(), []byte(marker))
	if !ok {
		panic("marker lost in " + where)
	}
	with := func(v string) func() []byte {
		return func() []byte {
			var b bytes.Buffer
			b.Write(before)
			xml.EscapeText(&b, []byte(v))
			b.Write(after)
			return b.Bytes()
		}
	}
	for _, v := range edgeValues {
		if !yield(mutant{where: where, value: v, build: with(v)}) {
			return false
		}
	}
	for _, n := range lengths {
		wide, narrow := strings.Repeat("字", n), strings.Repeat("a", n)
		if !yield(mutant{where: where, value: wide, length: true, build: with(wide)}) ||
			!yield(mutant{where: where, value: narrow, build: with(narrow)}) {
			return false
		}
	}
	for _, nilValue := range []string{"true", "false"} {
		setNil := func(_, n *node) {
			n.attrs = slices.DeleteFunc(n.attrs, func(a xml.Attr) bool { return a.Name.Space == xsiNS })
			n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Space: xsiNS, Local: "nil"}, Value: nilValue})
			if nilValue == "true" {
				n.text = ""
			}
		}
		if !yield(mutant{where: where, change: "xsi:nil=" + nilValue, build: derive(root, p, setNil)}) {
			return false
		}
	}
	return true
}

// structureMutants yields the element at p (not the root) dropped, duplicated, moved
// first, followed by an unknown element, out of its namespace, and with an attribute.
func structureMutants(root *node, p []int, where string, yield func(mutant) bool) bool {
	last, parentPath := p[len(p)-1], p[:len(p)-1]
	changes := map[string]func(doc, n *node){
		"drop": func(doc, _ *node) {
			parent := doc.at(parentPath)
			parent.kids = slices.Delete(parent.kids, last, last+1)
		},
		"duplicate": func(doc, n *node) {
			parent := doc.at(parentPath)
			parent.kids = slices.Insert(parent.kids, last+1, n.clone())
		},
		"move to front": func(doc, n *node) {
			parent := doc.at(parentPath)
			parent.kids = slices.Insert(slices.Delete(parent.kids, last, last+1), 0, n)
		},
		"unknown sibling": func(doc, n *node) {
			parent := doc.at(parentPath)
			parent.kids = slices.Insert(parent.kids, last+1, &node{name: xml.Name{Space: n.name.Space, Local: "Unknown"}})
		},
		"no namespace":    func(_, n *node) { n.name.Space = "" },
		"other namespace": func(_, n *node) { n.name.Space = "urn:example:other" },
		"attribute":       func(_, n *node) { n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: "id"}, Value: "1"}) },
	}
	for _, what := range slices.Sorted(maps.Keys(changes)) {
		if !yield(mutant{where: where, change: what, build: derive(root, p, changes[what])}) {
			return false
		}
	}
	return true
}
