package mig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Every golden rendering is valid for our own validator, as it is for the
// official schemas (TestRenderGoldenOracle).
func TestValidatorAcceptsGoldens(t *testing.T) {
	v := testValidator(t)
	files, _ := filepath.Glob("testdata/render/*/want.xml")
	if len(files) < 17 {
		t.Fatalf("found %d golden files", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		h, violations, err := v.Check(data)
		if err != nil || len(violations) > 0 {
			t.Errorf("%s (%s): %v %v", f, h, err, violations)
		}
	}
}

func TestValidatorRenderFailsClosed(t *testing.T) {
	v := testValidator(t)
	r := newRand(7)
	inv := randomDocument(r, Head{Type: F0401, Version: V41}).(*Invoice)
	out, violations, err := v.Render(inv)
	if err != nil || len(violations) > 0 || len(out) == 0 {
		t.Fatalf("valid invoice: %d bytes, %v, %v", len(out), violations, err)
	}
	plain, err := Render(inv)
	if err != nil || string(plain) != string(out) {
		t.Fatalf("Validator.Render and Render differ")
	}
	inv.Buyer.Identifier = "12222539" // bad checksum (a rule)
	inv.Items[0].Description = strings.Repeat("品", 501)
	out, violations, err = v.Render(inv)
	if err != nil || out != nil {
		t.Fatalf("invalid invoice rendered: %d bytes, %v", len(out), err)
	}
	codes := map[string]string{}
	for _, x := range violations {
		codes[x.Code] = x.Path
	}
	if codes["XSD_MAX_LENGTH"] != "/Invoice/Details/ProductItem[1]/Description" || codes["BAN_CHECKSUM"] != "/Invoice/Main/Buyer/Identifier" {
		t.Errorf("violations %v, want XSD_MAX_LENGTH on the description and BAN_CHECKSUM on the buyer", violations)
	}
}

func TestValidatorCheckRefusals(t *testing.T) {
	v := testValidator(t)
	tests := []struct{ name, data, want string }{
		{"not xml", "hello", "XML"},
		{"envelope", `<InvoiceEnvelope xmlns="urn:GEINV:InvoiceEnvelope:4.1"/>`, "InvoiceEnvelope"},
		{"unknown namespace", `<Invoice xmlns="urn:example"/>`, "not a MIG message namespace"},
		{"no schema", `<Invoice xmlns="urn:GEINV:eInvoiceMessage:F0401:4.0"/>`, "no schema for F0401 4.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := v.Check([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestValidatorRenderRefusesXMLCharacters: text XML 1.0 cannot carry is
// checked once, when the tree is built, and refused there by Render and
// Validator.Render alike, with the same error.
func TestValidatorRenderRefusesXMLCharacters(t *testing.T) {
	v := testValidator(t)
	for _, bad := range []string{"a\x00b", "\x1f", "x\uFFFE", "\uFFFFy", "\xff", "發\xe7\x99"} {
		inv := randomDocument(newRand(7), Head{Type: F0401, Version: V41}).(*Invoice)
		inv.Items[0].Description = bad
		_, want := Render(inv)
		if want == nil || !strings.Contains(want.Error(), "/Invoice/Details/ProductItem[1]/Description") || !strings.Contains(want.Error(), "cannot carry") {
			t.Fatalf("%q: Render error = %v", bad, want)
		}
		out, violations, err := v.Render(inv)
		if out != nil || violations != nil || err == nil || err.Error() != want.Error() {
			t.Errorf("%q: Validator.Render = %d bytes, %v, %v; want the Render error %v", bad, len(out), violations, err, want)
		}
	}
}
