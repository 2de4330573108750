package daemon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSandboxLogLines reads every line the sandbox logs at info level while
// it handles the examples and a used-up track: JSON, levels an operator
// filters on, component names that are metric prefixes, one line per CSV
// file, and no line about a single document unless something is wrong.
func TestSandboxLogLines(t *testing.T) {
	// The simulator has no metrics. The jobs component's metrics are
	// turnkeyd_job_* (singular, the names operators were promised), its
	// package and config key jobs: docs/ARCHITECTURE.md says so.
	components := map[string]bool{"sim": true, "jobs": true}
	for name := range registeredMetrics(t) {
		if c, ok := strings.CutPrefix(name, "turnkeyd_"); ok && strings.Contains(c, "_") {
			components[c[:strings.Index(c, "_")]] = true
		}
	}
	sb := startSandbox(t)
	sb.dropExamples()
	sb.awaitAnswered(4)
	// Wait for the platform's refusals of the unregistered seller's 50.
	pollUntil(t, "the refusals logged", 30*time.Second, func() error {
		if n := sumLogged(sb.log(), "result file applied", "rejected"); n < 50 {
			return fmt.Errorf("%d refusals logged", n)
		}
		return nil
	})

	perFile := 0
	for i, line := range strings.Split(strings.TrimSpace(sb.log()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		level, msg := rec["level"], rec["msg"]
		switch level {
		case "INFO", "WARN":
		default:
			t.Errorf("line %d: level %v in a sandbox run without faults: %s", i+1, level, line)
		}
		if c, ok := rec["component"]; ok && !components[c.(string)] {
			t.Errorf("line %d: component %q is not a metric prefix (%v): %s", i+1, c, components, line)
		}
		if strings.Count(line, `"component"`) > 1 {
			t.Errorf("line %d: component given twice: %s", i+1, line)
		}
		if level == "INFO" && rec["component"] != "sim" {
			for _, attr := range []string{"order", "document", "number"} {
				if _, ok := rec[attr]; ok {
					t.Errorf("line %d: a line about one document (%s) at info level: %s", i+1, attr, line)
				}
			}
		}
		if msg == "file processed" {
			perFile++
		}
	}
	if perFile != 4 {
		t.Errorf("%d \"file processed\" lines for 4 CSV files", perFile)
	}
	if n := sumLogged(sb.log(), "Turnkey picked files up", "uploaded"); n == 0 {
		t.Error("no line says how many files Turnkey picked up")
	}
}

// sumLogged adds up the attribute attr of the JSON lines with message msg.
func sumLogged(log, msg, attr string) int {
	n := 0
	for line := range strings.SplitSeq(log, "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			if v, ok := rec[attr].(float64); ok {
				n += int(v)
			}
		}
	}
	return n
}

// TestNewLogger checks log.format and log.level.
func TestNewLogger(t *testing.T) {
	for _, tc := range []struct {
		cfg        LogConfig
		want, hide string
	}{
		{LogConfig{Level: "info", Format: "text"}, `level=INFO msg=shown component=spool`, "hidden"},
		{LogConfig{Level: "debug", Format: "text"}, `level=DEBUG msg=hidden`, ""},
		{LogConfig{Level: "warn", Format: "json"}, `"level":"WARN","msg":"warned","component":"spool"`, "shown"},
		{LogConfig{Level: "error", Format: "json"}, `"level":"ERROR","msg":"failed"`, "warned"},
	} {
		t.Run(tc.cfg.Level+"-"+tc.cfg.Format, func(t *testing.T) {
			var b bytes.Buffer
			log := NewLogger(tc.cfg, &b).With("component", "spool")
			log.Debug("hidden")
			log.Info("shown")
			log.Warn("warned")
			log.Error("failed")
			if !strings.Contains(b.String(), tc.want) {
				t.Errorf("want %s in\n%s", tc.want, b.String())
			}
			if tc.hide != "" && strings.Contains(b.String(), tc.hide) {
				t.Errorf("%q logged at level %s:\n%s", tc.hide, tc.cfg.Level, b.String())
			}
		})
	}
}
