package daemon

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// PrintVersion writes what `turnkeyd version` says: the release and commit
// stamped in at build time (make dist; the commit of the checkout when not
// stamped), the Go version and platform, and the MIG versions and messages
// this build writes.
func PrintVersion(w io.Writer, version, commit string) {
	if commit == "" {
		commit = vcsRevision()
	}
	fmt.Fprintf(w, "turnkeyd %s (commit %s, %s %s/%s)\n", version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	for _, v := range []mig.Version{mig.V41, mig.V31} {
		var types []string
		for _, t := range turnkey.UploadMessages {
			if (mig.Head{Type: t, Version: v}).Supported() {
				types = append(types, string(t))
			}
		}
		fmt.Fprintf(w, "MIG %s: %s\n", v, strings.Join(types, " "))
	}
}

// vcsRevision returns the commit go build recorded, or "unknown".
func vcsRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "unknown", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
