// Package testci decides, for tests, what a missing outside component
// (xmllint, mig-oracle, the official schemas, promtool, sshd) means: a skip
// on a developer's machine, a failure under TURNKEYD_CI (set by .ci/run), so
// that CI can never pass by skipping.
package testci

import (
	"fmt"
	"os"
	"testing"
)

// Enabled reports whether the tests run under CI (TURNKEYD_CI set).
func Enabled() bool { return os.Getenv("TURNKEYD_CI") != "" }

// Missing ends the test for a missing outside component: Fatalf under CI,
// Skipf elsewhere. The message should say what is missing and how to get it.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Enabled() {
		t.Fatalf("required in CI (TURNKEYD_CI is set): %s", msg)
		return
	}
	t.Skipf("skipping: %s", msg)
}
