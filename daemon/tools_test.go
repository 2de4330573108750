package daemon

import (
	"os"
	"os/exec"
	"testing"
)

// lookTool returns the path of an outside program a test needs. Without
// it the test is skipped, or fails under TURNKEYD_CI (set by .ci/run) so
// that CI never passes by skipping; pkg is the Debian package that has it.
func lookTool(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TURNKEYD_CI") != "" {
			t.Fatalf("%s is required in CI (apt-get install %s)", name, pkg)
		}
		t.Skipf("%s not installed (apt-get install %s): skipping", name, pkg)
	}
	return path
}
