package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turnkeyd/turnkeyd/archive"
	"github.com/turnkeyd/turnkeyd/archive/archivetest"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// TestArchiveCommands runs `turnkeyd archive verify` and `archive export`
// of the real binary on an archive of a few documents: the exit codes, and
// the lines that name what changed.
func TestArchiveCommands(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	if out, err := exec.Command(bin, "init", "-dir", dir, "-sandbox").CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	config := filepath.Join(dir, "turnkeyd.yaml")
	clock := archivetest.NewClock()
	l := archivetest.Ledger(t, clock.Now)
	ids := archivetest.IssueInvoices(t, l, 4, "咖啡")
	archivetest.Settle(t, l, ledger.StateAccepted, "", ids...)
	arch := filepath.Join(dir, "archive")
	a, err := archive.New(archive.Config{Dir: arch, Ledger: l, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	zip := filepath.Join(t.TempDir(), "p.zip")
	rec, err := l.ArchivedOf(context.Background(), ids[1])
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(arch, filepath.FromSlash(rec.Path))

	for _, c := range []struct {
		name   string
		args   []string
		before func()
		code   int
		has    []string
	}{
		{"intact", []string{"archive", "verify", "-config", config}, nil, 0, []string{"8 files listed; intact"}},
		{"one period", []string{"archive", "verify", "-config", config, "-period", "11512"}, nil, 0, []string{"(period 11512)", "intact"}},
		{"bad period", []string{"archive", "verify", "-config", config, "-period", "11513"}, nil, 1, []string{"even month"}},
		{"export", []string{"archive", "export", "-config", config, "-period", "11512", "-o", zip}, nil, 0,
			[]string{"issued 開立", "wrote " + zip}},
		{"zip", []string{"archive", "verify", "-zip", zip}, nil, 0, []string{"intact"}},
		{"changed", []string{"archive", "verify", "-config", config}, func() {
			if err := os.WriteFile(changed, []byte("<Invoice/>"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, 1, []string{"CHANGED  " + rec.Path, "1 problems"}},
		{"zip still intact", []string{"archive", "verify", "-zip", zip}, nil, 0, []string{"intact"}},
		{"usage", []string{"archive", "verify", "extra"}, nil, 2, []string{"usage"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.before != nil {
				c.before()
			}
			out, err := exec.Command(bin, c.args...).CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s", code, c.code, out)
			}
			for _, s := range c.has {
				if !strings.Contains(string(out), s) {
					t.Errorf("output lacks %q\n%s", s, out)
				}
			}
		})
	}
}
