package daemon

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/archive"
)

// TestDaemonArchivesWhatItHandsOver runs the daemon on the example sales:
// every XML file handed to Turnkey reaches the archive byte for byte, under
// <seller>/<period>/<message>/, and the archive verifies.
func TestDaemonArchivesWhatItHandsOver(t *testing.T) {
	h := startDaemon(t, func(c *Config) { c.Archive.Interval = 100 * time.Millisecond })
	data, err := os.ReadFile(filepath.Join("..", "examples", "01-sales.csv"))
	if err != nil {
		t.Fatal(err)
	}
	h.drop("sales.csv", data)
	h.result("sales.csv")
	src := h.srcFiles()
	if len(src) == 0 {
		t.Fatal("nothing handed to Turnkey")
	}
	dir := h.cfg.Path(h.cfg.Archive.Dir)
	archived := func() []string {
		files, _ := filepath.Glob(filepath.Join(dir, h.cfg.Seller.BAN, "11512", "F0401", "*.xml"))
		return files
	}
	h.await("the archive and its manifest", func() bool {
		r, err := archive.Verify(os.DirFS(dir), "")
		return err == nil && r.Listed == len(src)
	})
	byContent := map[string]bool{}
	for _, f := range archived() {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		byContent[string(b)] = true
	}
	for _, f := range src {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !byContent[string(b)] {
			t.Errorf("%s: no archived file has its bytes", filepath.Base(f))
		}
	}
	var out bytes.Buffer
	ok, err := ArchiveVerify(h.cfg.File(), "11512", "", &out)
	if err != nil || !ok {
		t.Fatalf("archive verify: %v %v\n%s", ok, err, out.String())
	}
	if r, err := archive.VerifyDir(dir, "", time.Now(), nil); err != nil || !r.OK() || r.Listed != len(src) {
		t.Fatalf("verify: %+v %v", r, err)
	}
}
