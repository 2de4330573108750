package daemon

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestEveryAlertHasARunbookEntry: each alert of the shipped rules has its
// entry (### AlertName) in the runbook of docs/operations.md.
func TestEveryAlertHasARunbookEntry(t *testing.T) {
	rules, err := os.ReadFile(alertRules)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(operationsDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, runbook, ok := strings.Cut(string(doc), "\n## Runbook\n")
	if !ok {
		t.Fatalf("%s has no ## Runbook section", operationsDoc)
	}
	alerts := regexp.MustCompile(`(?m)^\s+- alert: (\w+)$`).FindAllStringSubmatch(string(rules), -1)
	if len(alerts) < 10 {
		t.Fatalf("%s: only %d alerts found", alertRules, len(alerts))
	}
	for _, a := range alerts {
		if !strings.Contains(runbook, "\n### "+a[1]+"\n") {
			t.Errorf("alert %s has no runbook entry (### %s) in %s", a[1], a[1], operationsDoc)
		}
	}
}
