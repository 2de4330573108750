package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/turnkeyd/turnkeyd/turnkey"
)

// Doctor checks that turnkeyd can do its work with Turnkey's folders, local
// or over SFTP, and prints one line per check, OK or FAIL with what to do:
// `turnkeyd doctor`. It returns the exit code: 0 when every check passed.
func Doctor(ctx context.Context, path string, out io.Writer) int {
	cfg, err := LoadConfig(path)
	if err != nil {
		fmt.Fprintf(out, "FAIL  configuration: %v\n", err)
		return 1
	}
	fmt.Fprintf(out, "OK    configuration: %s\n", cfg.File())
	target, _, err := newTarget(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintf(out, "FAIL  turnkey target: %v; fix turnkey.dir / turnkey.sftp\n", err)
		return 1
	}
	doc, ok := target.(turnkey.Doctored)
	if !ok {
		fmt.Fprintf(out, "FAIL  turnkey target %T cannot be examined\n", target)
		return 1
	}
	if c, ok := target.(io.Closer); ok {
		defer c.Close()
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	uploads := map[string]string{}
	for _, h := range cfg.UploadHeads() {
		dir := cfg.UploadDir(h)
		if uploads[dir] != "" {
			uploads[dir] += ", "
		}
		uploads[dir] += fmt.Sprintf("%s's upload folder", h.Type)
	}
	r := cfg.Turnkey.Results
	results := map[string]string{
		cfg.ResultDir(r.ProcessResult): "turnkey.results.process_result", cfg.ResultDir(r.SummaryResult): "turnkey.results.summary_result",
		cfg.ResultDir(r.E0501): "turnkey.results.e0501", cfg.ResultDir(r.E0504): "turnkey.results.e0504",
	}
	code := 0
	for _, f := range turnkey.Diagnose(ctx, doc, uploads, results) {
		if f.OK {
			fmt.Fprintf(out, "OK    %s: %s\n", f.Check, f.Info)
			continue
		}
		code = 1
		fmt.Fprintf(out, "FAIL  %s: %s; what to do: %s\n", f.Check, f.Info, f.Fix)
	}
	return code
}
