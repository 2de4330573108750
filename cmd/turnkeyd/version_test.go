package main

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
)

// TestVersionCommand: the stamped version and commit, the Go version, and
// the messages of each MIG version this build writes.
func TestVersionCommand(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "v1.2.3", "0123456789ab"
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &stdout, new(bytes.Buffer)); code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	want := []string{
		"turnkeyd v1.2.3 (commit 0123456789ab, " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")",
		"MIG 4.1: F0401 F0501 F0701 G0401 G0501 E0402",
		"MIG 3.1: C0401 C0501 C0701 D0401 D0501 A0401 E0402",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("turnkeyd version:\n%s\nwant:\n%s", stdout.String(), strings.Join(want, "\n"))
	}
}
