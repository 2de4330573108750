package daemon

import (
	"os/exec"
	"testing"

	"github.com/turnkeyd/turnkeyd/internal/testci"
)

// lookTool returns the path of an outside program a test needs. Without
// it the test is skipped, or fails under TURNKEYD_CI (set by .ci/run) so
// that CI never passes by skipping; pkg is the Debian package that has it.
func lookTool(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		testci.Missing(t, "%s not installed (apt-get install %s)", name, pkg)
	}
	return path
}
