package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// execBin runs the binary and returns its exit code, stdout and stderr.
func execBin(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// TestFirstContact tries the command line as a new user would: help that
// shows the real flags, -h that exits 0, flags after the arguments that
// count, and init refusing a seller that run would refuse.
func TestFirstContact(t *testing.T) {
	bin := buildBinary(t)
	_, help, _ := execBin(t, bin, "help")
	flagLine := regexp.MustCompile(`(?m)^  (-[a-z-]+)`)
	for _, cmd := range [][]string{{"check"}, {"init"}, {"run"}, {"sandbox"}, {"sim"}, {"tracks", "import"}, {"tracks", "list"}, {"invoice", "show"}, {"invoice", "list"}} {
		code, stdout, stderr := execBin(t, bin, append(cmd, "-h")...)
		if code != 0 {
			t.Errorf("%s -h: exit %d, want 0", cmd, code)
		}
		usage := stdout + stderr
		for _, m := range flagLine.FindAllStringSubmatch(usage, -1) {
			if !strings.Contains(help, m[1]+" ") && !strings.Contains(help, m[1]+"]") {
				t.Errorf("turnkeyd help does not show %s of %s", m[1], cmd)
			}
		}
	}
	if _, stdout, stderr := execBin(t, bin, "invoice", "show", "-h"); strings.Contains(stdout+stderr, "-state") {
		t.Errorf("invoice show -h lists -state, which show does not use:\n%s", stdout+stderr)
	}

	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-seller-ban", "12345678", "-seller-name", "店"}, "seller.ban"},
		{[]string{"-seller-ban", "04595252"}, "seller.name"},
	} {
		code, _, stderr := execBin(t, bin, append([]string{"init", "-dir", filepath.Join(dir, "bad")}, tt.args...)...)
		if code != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("init %v: exit %d, %s; want 1 naming %s", tt.args, code, stderr, tt.want)
		}
	}
	if code, _, stderr := execBin(t, bin, "init", "-dir", dir, "-sandbox"); code != 0 {
		t.Fatalf("init -sandbox: exit %d: %s", code, stderr)
	}
	config := filepath.Join(dir, "turnkeyd.yaml")
	// The flag after the number counts: the answer names this ledger.
	code, _, stderr := execBin(t, bin, "invoice", "show", "TK00000000", "-config", config)
	if code != 1 || !strings.Contains(stderr, filepath.Join(dir, "ledger.db")) {
		t.Errorf("invoice show NUMBER -config F: exit %d, %s; want 1 naming %s", code, stderr, filepath.Join(dir, "ledger.db"))
	}
	if code, _, stderr := execBin(t, bin, "run", "-config", config, "extra"); code != 2 || !strings.Contains(stderr, `unexpected argument "extra"`) {
		t.Errorf("run with an extra argument: exit %d, %s; want 2", code, stderr)
	}
}
