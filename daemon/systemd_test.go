package daemon

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// systemdUnit is the unit shipped for Linux.
var systemdUnit = filepath.Join("..", "deploy", "systemd", "turnkeyd.service")

// TestSystemdUnit checks the shipped unit with systemd itself: it parses
// without a warning (systemd-analyze verify), keeps the settings operators
// rely on, and its exposure (systemd-analyze security) stays low.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile(systemdUnit)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"User=turnkeyd", "ExecStart=/usr/local/bin/turnkeyd run -config /etc/turnkeyd/turnkeyd.yaml",
		"Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/turnkeyd ",
		"PrivateTmp=yes", "StateDirectory=turnkeyd", "WantedBy=multi-user.target",
	} {
		if !strings.Contains(string(unit), "\n"+want) {
			t.Errorf("%s: no line %q", systemdUnit, want)
		}
	}
	analyze := lookTool(t, "systemd-analyze", "systemd")
	// verify requires ExecStart's program to exist: this test binary
	// stands in for turnkeyd.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "turnkeyd.service")
	copied := strings.ReplaceAll(string(unit), "/usr/local/bin/turnkeyd", self)
	if err := os.WriteFile(path, []byte(copied), 0o644); err != nil {
		t.Fatal(err)
	}
	// verify exits 0 on an unknown key or a bad value: any output fails.
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", systemdUnit, err, out)
	}
	out, err = exec.Command(analyze, "security", "--offline=yes", path).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for turnkeyd.service: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("systemd-analyze security: no exposure level in\n%s", out)
	}
	if level, _ := strconv.ParseFloat(string(m[1]), 64); level > 2.0 {
		t.Errorf("%s: exposure %.1f, want at most 2.0 (an option was loosened?):\n%s", systemdUnit, level, out)
	}
}
