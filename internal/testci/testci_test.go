package testci

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a test was ended.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
}
func (r *recorder) Skipf(format string, args ...any) {
	r.skip = fmt.Sprintf(format, args...)
}

func TestMissing(t *testing.T) {
	for _, tt := range []struct {
		name      string
		ci        string
		wantFatal bool
	}{
		{"developer machine skips", "", false},
		{"CI fails", "1", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TURNKEYD_CI", tt.ci)
			r := &recorder{TB: t}
			Missing(r, "xmllint not installed (%s)", "apt-get install -y libxml2-utils")
			got := r.skip
			if tt.wantFatal {
				got = r.fatal
			}
			if (r.fatal != "") != tt.wantFatal || (r.skip != "") == tt.wantFatal {
				t.Fatalf("fatal=%q skip=%q, want fatal=%v", r.fatal, r.skip, tt.wantFatal)
			}
			if want := "xmllint not installed (apt-get install -y libxml2-utils)"; !strings.Contains(got, want) {
				t.Errorf("message %q does not say %q", got, want)
			}
		})
	}
}
