package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestServiceCommandElsewhereThanWindows: every service command says it is
// for Windows and points to the systemd unit, with exit code 1.
func TestServiceCommandElsewhereThanWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the Windows service itself is tested on Windows")
	}
	config := filepath.Join(t.TempDir(), "turnkeyd.yaml")
	if err := os.WriteFile(config, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"install", "-config", config}, {"uninstall"}, {"start"}, {"stop"}} {
		t.Run(args[0], func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"service"}, args...), &stdout, &stderr)
			if code != 1 || !strings.Contains(stderr.String(), "Windows only") || !strings.Contains(stderr.String(), "deploy/systemd") {
				t.Errorf("exit %d, stderr %q; want 1 and a pointer to deploy/systemd", code, stderr.String())
			}
		})
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"service", "restart"}, new(bytes.Buffer), &stderr); code != 2 {
		t.Errorf("service restart: exit %d, want 2 (usage)", code)
	}
}

// TestServiceConfig: the service runs this program with absolute paths
// (Windows starts services in the system folder), the log beside the
// configuration unless given, and refuses a configuration that is missing.
func TestServiceConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("turnkeyd.yaml", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	for _, tc := range []struct {
		config, logFile string
		want            []string
	}{
		{"turnkeyd.yaml", "", []string{"run", "-config", filepath.Join(dir, "turnkeyd.yaml"), "-log-file", filepath.Join(dir, "turnkeyd.log")}},
		{"turnkeyd.yaml", "logs/t.log", []string{"run", "-config", filepath.Join(dir, "turnkeyd.yaml"), "-log-file", filepath.Join(dir, "logs", "t.log")}},
	} {
		cfg, err := serviceConfig(tc.config, tc.logFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Exe != exe || !slices.Equal(cfg.Args, tc.want) {
			t.Errorf("serviceConfig(%q, %q) = %s %q, want %s %q", tc.config, tc.logFile, cfg.Exe, cfg.Args, exe, tc.want)
		}
	}
	if _, err := serviceConfig("missing.yaml", ""); err == nil || !strings.Contains(err.Error(), "turnkeyd init") {
		t.Errorf("a missing configuration: %v, want an error that says how to write one", err)
	}
}

// TestRunLogFile: `run -log-file` appends everything the daemon says,
// here why it cannot start, to the file instead of standard error.
func TestRunLogFile(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "turnkeyd.log")
	if err := os.WriteFile(logFile, []byte("earlier line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"run", "-config", filepath.Join(dir, "missing.yaml"), "-log-file", logFile}, new(bytes.Buffer), &stderr)
	got, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 || stderr.Len() != 0 || !strings.HasPrefix(string(got), "earlier line\n") || !strings.Contains(string(got), "missing.yaml") {
		t.Errorf("exit %d, stderr %q, log file %q; want 1, nothing, and the error appended to the file", code, stderr.String(), got)
	}
}
