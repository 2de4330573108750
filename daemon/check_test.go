package daemon

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckOrder: Check's workers print what checking the files one after
// the other prints, in the same order, OK, FAIL and ERROR lines
// interleaved on one writer, with the worst exit code.
func TestCheckOrder(t *testing.T) {
	goldens, _ := filepath.Glob("../mig/testdata/render/*/want.xml")
	if len(goldens) < 17 {
		t.Fatalf("found %d golden files", len(goldens))
	}
	dir := t.TempDir()
	var paths []string
	for i := range 300 {
		data, err := os.ReadFile(goldens[i%len(goldens)])
		if err != nil {
			t.Fatal(err)
		}
		switch i % 7 {
		case 3: // a schema violation
			data = bytes.Replace(data, []byte("</"), []byte("x</"), 1)
		case 5: // not XML
			data = data[:len(data)/2]
		}
		p := filepath.Join(dir, fmt.Sprintf("%03d.xml", i))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		if i%50 == 0 {
			paths = append(paths, filepath.Join(dir, "missing", fmt.Sprintf("%03d.xml", i)))
		}
	}
	for _, quiet := range []bool{false, true} {
		var got, want bytes.Buffer
		code := check(append(paths, dir), quiet, &got, &got, 8)
		wantCode := check(append(paths, dir), quiet, &want, &want, 1)
		if code != wantCode {
			t.Errorf("quiet %v: exit %d with 8 workers, %d with one", quiet, code, wantCode)
		}
		if got.String() != want.String() {
			g, w := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Fatalf("quiet %v: line %d with 8 workers:\n%s\nwith one:\n%s", quiet, i+1, g[i], w[i])
				}
			}
			t.Fatalf("quiet %v: %d lines with 8 workers, %d with one", quiet, len(g), len(w))
		}
		for _, s := range []string{"FAIL ", "ERROR ", "stat "} {
			if !strings.Contains(got.String(), s) {
				t.Errorf("quiet %v: no %q in the output: the test proves less than it should", quiet, s)
			}
		}
		if strings.Contains(got.String(), "OK ") == quiet {
			t.Errorf("quiet %v: OK lines: %v", quiet, !quiet)
		}
	}
}
