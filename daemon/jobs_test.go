package daemon

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJobsConfigChecked(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"bad schedule", "jobs:\n  tracks:\n    schedule: \"61 * * * *\"\n", "jobs.tracks.schedule"},
		{"bad day", "jobs:\n  tracks:\n    check_from_day: 31\n", "jobs.tracks.check_from_day: 31"},
		{"short lease", "jobs:\n  lease: 1s\n", "jobs.lease: 1s is too short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte("seller:\n  ban: \"04595252\"\n  name: x\n"+tc.yaml), "t.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate: %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestJobsRunByHandAndList(t *testing.T) {
	ctx := context.Background()
	cfg := initConfig(t, t.TempDir())
	e0501 := filepath.Join(cfg.ResultDir(cfg.Turnkey.Results.E0501), "20261220", "1000")
	if err := os.MkdirAll(e0501, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../mig/testdata/parse/e0501-4.1-bare.xml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e0501, "a-E0501.xml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	if err := RunJob(ctx, cfg, "tracks", "", &out, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ok: 1 E0501 files imported (1 new track ranges)") {
		t.Errorf("jobs run: %q", out.String())
	}
	if err := RunJob(ctx, cfg, "tracks", "11512", &out, &stderr); err == nil || !strings.Contains(err.Error(), "without -period") {
		t.Errorf("tracks with a period: %v", err)
	}
	if err := RunJob(ctx, cfg, "nope", "", &out, &stderr); err == nil || !strings.Contains(err.Error(), "the jobs are [tracks") {
		t.Errorf("unknown job: %v", err)
	}
	out.Reset()
	if err := ListJobs(ctx, cfg, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "tracks") || !strings.Contains(lines[1], " ok ") || strings.Contains(out.String(), "LATE") {
		t.Errorf("jobs list:\n%s", out.String())
	}
}
