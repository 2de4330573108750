package daemon

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// alertRules is the rule file shipped for operators.
var alertRules = filepath.Join("..", "deploy", "prometheus", "turnkeyd-alerts.yml")

// TestAlertRulesUseRealMetrics keeps the shipped alert rules in step with
// the metrics the daemon registers: a rule on a renamed metric or label
// would never fire, and nothing else would say so.
func TestAlertRulesUseRealMetrics(t *testing.T) {
	rules, err := os.ReadFile(alertRules)
	if err != nil {
		t.Fatal(err)
	}
	labels := registeredMetrics(t)
	selector := regexp.MustCompile(`(turnkeyd_[a-z0-9_]+)(\{([^}]*)\})?`)
	matcher := regexp.MustCompile(`([a-z_]+)\s*(=~|!~|!=|=)`)
	used := 0
	for _, m := range selector.FindAllStringSubmatch(string(rules), -1) {
		name := m[1]
		known, ok := labels[name]
		if !ok {
			t.Errorf("%s: the rules use %s, which the daemon does not register", alertRules, name)
			continue
		}
		used++
		for _, lm := range matcher.FindAllStringSubmatch(m[3], -1) {
			if l := lm[1]; !slices.Contains(known, l) && l != "instance" && l != "job" {
				t.Errorf("%s: %s has no label %q (it has %v)", alertRules, name, l, known)
			}
		}
	}
	if used < 10 {
		t.Errorf("%s: only %d uses of turnkeyd metrics found; is the file the rule file?", alertRules, used)
	}
}

// registeredMetrics returns the name and variable labels of every metric a
// daemon registers.
func registeredMetrics(t *testing.T) map[string][]string {
	t.Helper()
	dir := t.TempDir()
	cfg := initConfig(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	d, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	descs := make(chan *prometheus.Desc)
	go func() { d.registry.Describe(descs); close(descs) }()
	cancel()
	defer d.Run(ctx) // ends at once and closes the ledger
	re := regexp.MustCompile(`fqName: "([^"]+)".*variableLabels: \{([^}]*)\}`)
	out := map[string][]string{}
	for desc := range descs {
		m := re.FindStringSubmatch(desc.String())
		if m == nil {
			t.Fatalf("cannot read the descriptor %s", desc)
		}
		var names []string
		if m[2] != "" {
			names = strings.Split(m[2], ",")
		}
		out[m[1]] = names
	}
	if len(out["turnkeyd_ledger_track_numbers_remaining"]) != 3 {
		t.Fatalf("descriptors read wrongly: %v", out)
	}
	return out
}

// TestAlertRulesWithPromtool checks the rule file and runs its unit tests
// (deploy/prometheus/turnkeyd-alerts_test.yml): each alert fires when it
// should, with the text an operator reads, and stays quiet otherwise.
func TestAlertRulesWithPromtool(t *testing.T) {
	promtool := lookTool(t, "promtool", "prometheus")
	for _, args := range [][]string{
		{"check", "rules", filepath.Base(alertRules)},
		{"test", "rules", "turnkeyd-alerts_test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = filepath.Dir(alertRules)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
