package xsd

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/internal/testci"
)

// The differential tests validate every (schema, instance) pair with this
// package and with xmllint (libxml2), the validator of the Turnkey
// platform, and fail on any disagreement about validity.

// oracleSuite is one schema with the instances to try against it.
type oracleSuite struct {
	name      string
	schema    string
	instances []string
}

// xmllintPath returns xmllint; without it the test skips, or fails under
// CI (testci.Missing).
func xmllintPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		testci.Missing(t, "xmllint not installed (apt-get install -y libxml2-utils); the differential tests need it as the oracle")
	}
	return p
}

// xs wraps schema components in an xs:schema element.
func xs(attrs, body string) string {
	return `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"` + attrs + `>` + body + `</xs:schema>`
}

// runOracle compares the verdicts of this package and xmllint on every
// instance of every suite and returns the number of instances compared.
func runOracle(t *testing.T, suites []oracleSuite) int {
	t.Helper()
	total := 0
	for _, s := range suites {
		dir := filepath.Join(t.TempDir(), "suite")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "s.xsd"), s.schema)
		total += compareWithXmllint(t, s.name, dir, "s.xsd", s.instances)
	}
	return total
}

// compareWithXmllint validates the instances against the schema file name
// of dir with both validators and reports every disagreement, including
// one about whether the schema compiles.
func compareWithXmllint(t *testing.T, suite, dir, name string, instances []string) int {
	t.Helper()
	lint := xmllintPath(t)
	work := t.TempDir()
	files := make([]string, len(instances))
	for i, inst := range instances {
		files[i] = fmt.Sprintf("c%04d.xml", i)
		writeFile(t, filepath.Join(work, files[i]), inst)
	}
	abs, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	verdicts, compiled, out := xmllintVerdicts(t, lint, work, abs, files)
	schema, err := Compile(os.DirFS(dir), name)
	if (err == nil) != compiled {
		t.Errorf("%s: Compile error %v, but xmllint compiled=%v:\n%s", suite, err, compiled, firstLines(out, 5))
		return 0
	}
	if err != nil {
		return 1
	}
	for i, inst := range instances {
		errs, perr := schema.ValidateBytes([]byte(inst))
		ours := perr == nil && len(errs) == 0
		theirs, ok := verdicts[files[i]]
		switch {
		case !ok:
			t.Errorf("%s: no xmllint verdict for %s", suite, inst)
		case ours != theirs:
			t.Errorf("%s: instance %s\n  ours valid=%v (%v %v)\n  xmllint valid=%v: %s",
				suite, inst, ours, errs, perr, theirs, messagesFor(out, files[i]))
		}
	}
	return len(instances)
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// xmllintVerdicts runs xmllint on all files of dir at once and reads its
// "validates" / "fails to validate" lines.
func xmllintVerdicts(t *testing.T, lint, dir, schema string, files []string) (map[string]bool, bool, string) {
	t.Helper()
	cmd := exec.Command(lint, append([]string{"--nonet", "--noout", "--schema", schema}, files...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // non-zero when some file fails
	text := out.String()
	if strings.Contains(text, "failed to compile") {
		return nil, false, text
	}
	verdicts := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if f, ok := strings.CutSuffix(line, " validates"); ok {
			verdicts[f] = true
		} else if f, ok := strings.CutSuffix(line, " fails to validate"); ok {
			verdicts[f] = false
		} else if f, _, ok := strings.Cut(line, ":"); ok && strings.HasSuffix(f, ".xml") && strings.Contains(line, "parser error") {
			verdicts[f] = false
		}
	}
	return verdicts, true, text
}

func messagesFor(out, file string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, file+":") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, " | ")
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// valueSuite builds a suite of <r>value</r> instances for an element r of
// an anonymous restriction of base with the given facets.
func valueSuite(name, base, facets string, values []string) oracleSuite {
	schema := xs("", `<xs:element name="r"><xs:simpleType><xs:restriction base="`+base+`">`+facets+
		`</xs:restriction></xs:simpleType></xs:element>`)
	s := oracleSuite{name: name, schema: schema}
	for _, v := range values {
		s.instances = append(s.instances, "<r>"+v+"</r>")
	}
	return s
}

// childSequences lists every sequence of at most n children over names.
func childSequences(names []string, n int) []string {
	out := []string{""}
	frontier := []string{""}
	for i := 0; i < n; i++ {
		var next []string
		for _, f := range frontier {
			for _, nm := range names {
				next = append(next, f+"<"+nm+"/>")
			}
		}
		out = append(out, next...)
		frontier = next
	}
	return out
}

func TestXmllintValues(t *testing.T) {
	n := runOracle(t, valueSuites())
	t.Logf("%d value instances agree with xmllint", n)
}

func TestXmllintPatterns(t *testing.T) {
	n := runOracle(t, patternSuites())
	t.Logf("%d pattern instances agree with xmllint", n)
}

func TestXmllintStructure(t *testing.T) {
	n := runOracle(t, structureSuites())
	t.Logf("%d structure instances agree with xmllint", n)
}

// TestXmllintContentModels tries every short child sequence on each model.
func TestXmllintContentModels(t *testing.T) {
	var suites []oracleSuite
	seqs := childSequences([]string{"a", "b", "c"}, 4)
	for i, model := range contentModels() {
		suites = append(suites, oracleSuite{
			name:      fmt.Sprintf("model %d %s", i, model),
			schema:    xs("", `<xs:element name="r"><xs:complexType>`+model+`</xs:complexType></xs:element>`),
			instances: wrapAll("<r>", seqs, "</r>"),
		})
	}
	n := runOracle(t, suites)
	t.Logf("%d content model instances agree with xmllint", n)
}

func wrapAll(pre string, bodies []string, post string) []string {
	out := make([]string, len(bodies))
	for i, b := range bodies {
		out[i] = pre + b + post
	}
	return out
}
