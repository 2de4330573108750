package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigMistakesReadAsConfiguration: each mistake names the file and
// line, the key path, what is expected and a suggestion, and no Go type.
func TestConfigMistakesReadAsConfiguration(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, text string
		want       []string
	}{
		{"typo", "seller:\n  ban: \"04595252\"\n  name: 店\nspool:\n  rescna: 30s\n",
			[]string{"turnkeyd.yaml:5:", "spool.rescna", "did you mean spool.rescan?", "dir, rescan"}},
		{"duration", "seller:\n  ban: \"04595252\"\n  name: 店\nspool:\n  rescan: 30\n",
			[]string{"turnkeyd.yaml:5:", "spool.rescan", "write 30s"}},
		{"top", "sellr:\n  ban: \"04595252\"\n",
			[]string{"turnkeyd.yaml:1:", "did you mean seller?"}},
		{"invalid", "seller:\n  ban: \"04595252\"\n  name: 店\nspool:\n  rescan: 10ms\n",
			[]string{"turnkeyd.yaml:5: spool.rescan: 10ms is too short"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name, "turnkeyd.yaml")
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			for _, go_ := range []string{"daemon.", "time.Duration", "!!int", "in type"} {
				if strings.Contains(err.Error(), go_) {
					t.Errorf("error speaks Go (%q):\n%v", go_, err)
				}
			}
		})
	}
}
