package mig

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// oraclePath is mig-oracle in the shared folder beside the project: the
// official MOF XSDs run through xmllint.
const oraclePath = "../../shared/bin/mig-oracle"

// runOracle validates the files or folders with mig-oracle (see
// requireOracle for when a missing oracle skips or fails).
func runOracle(t testing.TB, paths ...string) {
	t.Helper()
	requireOracle(t)
	out, err := exec.Command(oraclePath, append([]string{"-q"}, paths...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("mig-oracle: %v\n%s", err, out)
	}
}

// TestGeneratedDocumentsOracle renders 50 random documents per Head and
// checks them all against the official schemas.
func TestGeneratedDocumentsOracle(t *testing.T) {
	dir := t.TempDir()
	for _, h := range generatedHeads {
		for i := range 50 {
			seed := uint64(i)
			d := randomDocument(newRand(seed), h)
			out, err := renderAny(d)
			if err != nil {
				t.Fatalf("%s seed %d: %v", h, seed, err)
			}
			name := fmt.Sprintf("%s-%s-%02d.xml", h.Type, h.Version, i)
			if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	runOracle(t, dir)
}
