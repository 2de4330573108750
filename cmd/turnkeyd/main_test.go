package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildBinary builds turnkeyd once per test run into a temp folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "turnkeyd")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCheckCommand runs the real binary on valid, invalid and unreadable
// files and checks the printed lines and the exit code.
func TestCheckCommand(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	goldens, _ := filepath.Glob("../../mig/testdata/render/*/want.xml")
	if len(goldens) < 17 {
		t.Fatalf("found %d golden files", len(goldens))
	}
	for _, g := range goldens {
		copyFile(t, g, filepath.Join(dir, "valid", filepath.Base(filepath.Dir(g))+".xml"))
	}
	bad := filepath.Join(dir, "bad", "f0401.xml")
	copyFile(t, "../../mig/testdata/render/f0401-consumer-carrier/want.xml", bad)
	data, _ := os.ReadFile(bad)
	data = bytes.Replace(data, []byte("<Identifier>0000000000</Identifier>"), []byte("<Identifier>12222539</Identifier>"), 1)
	data = bytes.Replace(data, []byte("<InvoiceTime>"), []byte("<InvoiceTime>x"), 1)
	os.WriteFile(bad, data, 0o644)
	notMIG := filepath.Join(dir, "other", "note.xml")
	os.MkdirAll(filepath.Dir(notMIG), 0o755)
	os.WriteFile(notMIG, []byte(`<note xmlns="urn:example">hi</note>`), 0o644)

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		noStdout []string
	}{
		{"all valid", []string{"check", filepath.Join(dir, "valid")}, 0,
			[]string{"OK " + filepath.Join(dir, "valid", "f0401-business.xml") + " (F0401 4.1)", "(C0401 3.1)", "(E0402 3.1)", "(G0501 4.1)"}, nil, nil},
		{"invalid", []string{"check", bad}, 1,
			[]string{"FAIL " + bad + " (F0401 4.1)", "    XSD_TYPE /Invoice/Main/InvoiceTime: ", "    BAN_CHECKSUM /Invoice/Main/Buyer/Identifier: "}, nil, nil},
		{"quiet hides OK", []string{"check", "-q", filepath.Join(dir, "valid"), bad}, 1,
			[]string{"FAIL " + bad}, nil, []string{"OK "}},
		{"not MIG wins", []string{"check", filepath.Join(dir, "valid"), bad, notMIG}, 2,
			[]string{"FAIL " + bad}, []string{"ERROR " + notMIG + ": namespace \"urn:example\" is not a MIG message namespace"}, nil},
		{"missing file", []string{"check", filepath.Join(dir, "nope.xml")}, 2, nil, []string{"ERROR " + filepath.Join(dir, "nope.xml")}, nil},
		{"no arguments", []string{"check"}, 2, nil, []string{"usage: turnkeyd check"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.CommandContext(context.Background(), bin, tt.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout.String(), stderr.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			for _, no := range tt.noStdout {
				if strings.Contains(stdout.String(), no) {
					t.Errorf("stdout has %q:\n%s", no, stdout.String())
				}
			}
		})
	}
}
