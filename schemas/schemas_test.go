package schemas

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/internal/testci"
)

// oracleDir holds the copies of MOF's schemas (../shared/xsd from the project root).
var oracleDir = filepath.Join("..", "..", "shared", "xsd")

// knownDisagreements lists the samples on which our verdict differs from MOF's on
// purpose, with the reason. Each must keep disagreeing: an entry that stops doing
// so fails the test, as does any disagreement not listed here.
var knownDisagreements = map[string]string{
	"4.1/E0402/invalid-year-month-pipe.xml": yearMonthTypo,
	"4.1/E0501/invalid-year-month-pipe.xml": yearMonthTypo,
	"4.1/E0504/invalid-year-month-pipe.xml": yearMonthTypo,
	"3.1/E0402/invalid-year-month-pipe.xml": yearMonthTypo,
	"3.1/E0501/invalid-year-month-pipe.xml": yearMonthTypo,
	"4.1/F0501/invalid-xsi-type-mof-type-name.xml": "xsi:type names a schema type; " +
		"type names are each schema's own (MOF DateType, ours Date)",
}

const yearMonthTypo = `MOF's YearMonth pattern \d{3}0[2|4|6|8]|\d{3}1[0|2] accepts a literal "|"; ours does not`

// namespace returns the target namespace MOF uses for a message.
func namespace(msgType, version string) string {
	if msgType == "E0501" && version != "3.1" {
		return "urn:GEINV:E0501:" + version
	}
	return "urn:GEINV:eInvoiceMessage:" + msgType + ":" + version
}

var rootElement = map[string]string{
	"F0401": "Invoice", "C0401": "Invoice", "A0401": "Invoice",
	"F0501": "CancelInvoice", "C0501": "CancelInvoice",
	"F0701": "VoidInvoice", "C0701": "VoidInvoice",
	"G0401": "Allowance", "D0401": "Allowance",
	"G0501": "CancelAllowance", "D0501": "CancelAllowance",
	"E0402": "BranchTrackBlank", "E0501": "InvoiceAssignNo", "E0504": "Award",
}

func TestFile(t *testing.T) {
	if got := File("F0401", "4.1"); got != "4.1/F0401.xsd" {
		t.Errorf(`File("F0401", "4.1") = %q`, got)
	}
	for _, m := range [][2]string{{"F0401", "3.1"}, {"C0401", "4.1"}, {"common", "4.1"}, {"", ""}} {
		if got := File(m[0], m[1]); got != "" {
			t.Errorf("File(%q, %q) = %q, want \"\"", m[0], m[1], got)
		}
	}
}

// TestSchemaFiles checks each message schema's namespace, root element and include,
// and that FS holds exactly the schemas Messages lists plus one common.xsd per version.
func TestSchemaFiles(t *testing.T) {
	want := []string{"3.1/common.xsd", "4.1/common.xsd"}
	for _, m := range Messages() {
		file := File(m[0], m[1])
		want = append(want, file)
		s := parseSchema(t, file)
		if s.TargetNamespace != namespace(m[0], m[1]) {
			t.Errorf("%s: targetNamespace %q, want %q", file, s.TargetNamespace, namespace(m[0], m[1]))
		}
		if s.ElementFormDefault != "qualified" {
			t.Errorf("%s: elementFormDefault %q, want qualified", file, s.ElementFormDefault)
		}
		if len(s.Elements) != 1 || s.Elements[0].Name != rootElement[m[0]] {
			t.Errorf("%s: global elements %v, want only %s", file, s.Elements, rootElement[m[0]])
		}
		if len(s.Includes) != 1 || s.Includes[0].SchemaLocation != "common.xsd" {
			t.Errorf("%s: includes %v, want common.xsd", file, s.Includes)
		}
	}
	got, err := fs.Glob(FS, "*/*.xsd")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("FS holds %v, want %v", got, want)
	}
}

type schemaDoc struct {
	TargetNamespace    string `xml:"targetNamespace,attr"`
	ElementFormDefault string `xml:"elementFormDefault,attr"`
	Includes           []struct {
		SchemaLocation string `xml:"schemaLocation,attr"`
	} `xml:"include"`
	Elements []struct {
		Name string `xml:"name,attr"`
	} `xml:"element"`
}

func parseSchema(t testing.TB, file string) schemaDoc {
	t.Helper()
	data, err := FS.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var s schemaDoc
	if err := xml.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

// The XSD subset the pure-Go validator in package mig loads.
var (
	subsetElements = []string{"schema", "include", "element", "complexType", "sequence", "all", "choice",
		"group", "simpleType", "restriction", "pattern", "length", "minLength", "maxLength", "enumeration",
		"totalDigits", "fractionDigits", "minInclusive", "maxInclusive", "whiteSpace"}
	subsetAttributes = []string{"targetNamespace", "elementFormDefault", "schemaLocation", "name", "type",
		"minOccurs", "maxOccurs", "ref", "base", "value",
		"nillable"} // nillable: only where MOF has it (A0401 3.1)
	subsetBuiltins = []string{"xsd:string", "xsd:decimal", "xsd:long", "xsd:time", "xsd:base64Binary"}
)

// TestSchemasUseSubset keeps the schemas within what the pure-Go validator understands.
func TestSchemasUseSubset(t *testing.T) {
	files, _ := fs.Glob(FS, "*/*.xsd")
	for _, file := range files {
		data, _ := FS.ReadFile(file)
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			el, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			if el.Name.Space != "http://www.w3.org/2001/XMLSchema" || !slices.Contains(subsetElements, el.Name.Local) {
				t.Errorf("%s: element %s:%s is outside the subset", file, el.Name.Space, el.Name.Local)
			}
			for _, a := range el.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				if a.Name.Space != "" || !slices.Contains(subsetAttributes, a.Name.Local) {
					t.Errorf("%s: attribute %s on %s is outside the subset", file, a.Name.Local, el.Name.Local)
				}
				if (a.Name.Local == "base" || a.Name.Local == "type") && strings.HasPrefix(a.Value, "xsd:") &&
					!slices.Contains(subsetBuiltins, a.Value) {
					t.Errorf("%s: built-in type %s is outside the subset", file, a.Value)
				}
			}
		}
	}
}

// TestSchemasCompile compiles every embedded schema with xmllint.
func TestSchemasCompile(t *testing.T) {
	dir := extractFS(t)
	dummy := filepath.Join(t.TempDir(), "dummy.xml")
	if err := os.WriteFile(dummy, []byte("<dummy/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(FS, "*/*.xsd")
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			// A schema that compiles rejects <dummy/> (exit 3) and says nothing else about itself.
			code, stderr := xmllint(t, filepath.Join(dir, file), dummy)
			if code != 3 || strings.Contains(stderr, "parser") || strings.Contains(stderr, "compile") {
				t.Errorf("xmllint exit %d:\n%s", code, stderr)
			}
		})
	}
}

// TestSamplesAgreeWithOfficialSchemas validates every sample under testdata with our
// schema and with MOF's, and requires the same verdict, a file name that states it
// (valid-/invalid-), and for an invalid sample an error about the element its
// "want-error:" comment names.
func TestSamplesAgreeWithOfficialSchemas(t *testing.T) {
	ours := extractFS(t)
	if _, err := os.Stat(oracleDir); err != nil {
		testci.Missing(t, "official schemas not found at %s (the shared folder beside the project): %v", oracleDir, err)
	}
	seen := map[string]bool{}
	for _, m := range Messages() {
		msgType, version := m[0], m[1]
		samples, _ := filepath.Glob(filepath.Join("testdata", version, msgType, "*.xml"))
		// One xmllint run per schema for all samples of the message, not
		// one per sample: the verdicts and messages are the same.
		oursAll := xmllintBatch(t, filepath.Join(ours, File(msgType, version)), samples)
		offAll := xmllintBatch(t, filepath.Join(oracleDir, version, msgType+".xsd"), samples)
		var valid, invalid int
		for _, sample := range samples {
			name := filepath.Base(sample)
			key := path.Join(version, msgType, name)
			seen[key] = true
			wantValid := strings.HasPrefix(name, "valid-")
			if wantValid {
				valid++
			} else {
				invalid++
			}
			t.Run(key, func(t *testing.T) {
				t.Parallel()
				if !wantValid && !strings.HasPrefix(name, "invalid-") {
					t.Fatalf("name %s starts with neither valid- nor invalid-", name)
				}
				ourCode, ourErr := oursAll[sample].code, oursAll[sample].out
				offCode, offErr := offAll[sample].code, offAll[sample].out
				ourValid, offValid := verdict(t, "our", ourCode, ourErr), verdict(t, "the official", offCode, offErr)
				if ourValid != wantValid {
					t.Errorf("our schema says valid=%v, the file name says valid=%v:\n%s", ourValid, wantValid, ourErr)
				}
				if reason, known := knownDisagreements[key]; known {
					if ourValid == offValid {
						t.Errorf("listed as a known disagreement (%s) but both schemas say valid=%v", reason, ourValid)
					}
					t.Logf("known disagreement: ours valid=%v, official valid=%v: %s", ourValid, offValid, reason)
				} else if ourValid != offValid {
					t.Errorf("verdicts differ: ours valid=%v, official valid=%v\nours:\n%s\nofficial:\n%s",
						ourValid, offValid, ourErr, offErr)
				}
				if !wantValid && !ourValid {
					checkWantError(t, sample, "our", ourErr)
				}
				if !wantValid && !offValid {
					checkWantError(t, sample, "the official", offErr)
				}
			})
		}
		if valid < 2 || invalid < 6 {
			t.Errorf("%s %s: %d valid and %d invalid samples, want at least 2 and 6", msgType, version, valid, invalid)
		}
	}
	for key := range knownDisagreements {
		if !seen[key] {
			t.Errorf("known disagreement %s has no sample", key)
		}
	}
}

var wantErrorRE = regexp.MustCompile(`want-error: (\w+)`)

// checkWantError requires that xmllint's complaint names the element the sample says it breaks,
// so that a sample cannot pass by failing for an unrelated reason.
func checkWantError(t *testing.T, sample, which, stderr string) {
	t.Helper()
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	m := wantErrorRE.FindSubmatch(data)
	if m == nil {
		t.Errorf("%s has no want-error: comment naming the element at fault", sample)
		return
	}
	name := string(m[1])
	if !strings.Contains(stderr, "}"+name) && !strings.Contains(stderr, "'"+name+"'") {
		t.Errorf("%s schema rejects it, but not for %s:\n%s", which, name, stderr)
	}
}

func verdict(t *testing.T, which string, code int, stderr string) bool {
	t.Helper()
	switch code {
	case 0:
		return true
	case 3:
		return false
	}
	t.Fatalf("xmllint with %s schema: exit %d (cannot judge):\n%s", which, code, stderr)
	return false
}

// xmllint validates file against schema and returns xmllint's exit code (0 valid,
// 3 invalid, anything else: could not judge) and its messages.
func xmllint(t *testing.T, schema, file string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "xmllint", "--nonet", "--noout", "--schema", schema, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stderr.String()
	}
	t.Fatalf("run xmllint: %v", err)
	return 0, ""
}

// lintVerdict is xmllint's verdict on one file of a batch: code 0 valid,
// 3 invalid, -1 none (it could not judge), and the file's messages.
type lintVerdict struct {
	code int
	out  string
}

// xmllintBatch validates files against schema in one xmllint run and
// returns each file's verdict and messages, as separate runs would give
// them: xmllint writes a file's messages, each starting with its name,
// before its "validates" or "fails to validate" line.
func xmllintBatch(t *testing.T, schema string, files []string) map[string]lintVerdict {
	t.Helper()
	out := map[string]lintVerdict{}
	if len(files) == 0 {
		return out
	}
	cmd := exec.CommandContext(t.Context(), "xmllint", append([]string{"--nonet", "--noout", "--schema", schema}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("run xmllint: %v", err)
		}
	}
	msgs := map[string]*strings.Builder{}
	codes := map[string]int{}
	current := ""
	for _, line := range strings.Split(stderr.String(), "\n") {
	match:
		for _, f := range files {
			switch {
			case line == f+" validates":
				codes[f], current = 0, ""
			case line == f+" fails to validate":
				codes[f], current = 3, ""
			case strings.HasPrefix(line, f+":"):
				current = f
			default:
				continue
			}
			break match
		}
		if current != "" {
			if msgs[current] == nil {
				msgs[current] = new(strings.Builder)
			}
			msgs[current].WriteString(line + "\n")
		}
	}
	for _, f := range files {
		v := lintVerdict{code: -1}
		if c, ok := codes[f]; ok {
			v.code = c
		}
		if msgs[f] != nil {
			v.out = msgs[f].String()
		}
		if v.code == -1 && v.out == "" {
			v.out = stderr.String()
		}
		out[f] = v
	}
	return out
}

// extractFS writes the embedded schemas to a temporary folder for xmllint, so the
// tests check what the binary carries. It skips the test when xmllint is missing.
func extractFS(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		testci.Missing(t, "xmllint not installed (Debian/Ubuntu: apt-get install -y libxml2-utils)")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, FS); err != nil {
		t.Fatal(err)
	}
	return dir
}
