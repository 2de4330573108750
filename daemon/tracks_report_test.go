package daemon

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTracksImportSaysWhatAndWarns imports the shipped examples (an E0501
// and the platform's CSV): the output names each range, its seller and
// period, and warns about an ended period and a seller that is not
// seller.ban.
func TestTracksImportSaysWhatAndWarns(t *testing.T) {
	cfg := initConfig(t, t.TempDir())
	files := []string{filepath.Join("..", "examples", "tracks", "E0501-11602.xml"), filepath.Join("..", "examples", "tracks", "platform-11602.csv")}
	var out bytes.Buffer
	if err := importTracks(context.Background(), cfg, files, &out, testNow); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"imported 2 track ranges (2 new, 0 already there)",
		"TR00000000-TR00000499: seller 04595252, invoice type 07, period 11602 (116/01-02), 500 numbers",
		"TS00000000-TS00000249: seller 04595252, invoice type 07, period 11602 (116/01-02), 250 numbers"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "warning") {
		t.Errorf("warnings for current tracks of the configured seller:\n%s", out.String())
	}
	// Two months later the period has ended; another configuration's seller.
	cfg.Seller.BAN = SandboxUnregistered.BAN
	out.Reset()
	if err := importTracks(context.Background(), cfg, files[:1], &out, time.Date(2027, 3, 2, 9, 0, 0, 0, cfg.Location())); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"warning: period 11602 (116/01-02) has ended (today is in 11604 (116/03-04))",
		"warning: seller 04595252 is not this configuration's seller.ban (10458570)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
