package archive

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
)

type metrics struct {
	files  prometheus.Counter
	errors prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, dir string) *metrics {
	m := &metrics{
		files: prometheus.NewCounter(prometheus.CounterOpts{Name: "turnkeyd_archive_files_total",
			Help: "Files written to the archive: XML handed to Turnkey, verdicts, E0501 and E0504 received."}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "turnkeyd_archive_errors_total",
			Help: "Archive passes that failed and documents that could not be archived."}),
	}
	if reg != nil {
		reg.MustRegister(m.files, m.errors, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "turnkeyd_archive_verify_last_success_timestamp_seconds",
			Help: "When `turnkeyd archive verify` last found the whole archive intact (0: never).",
		}, func() float64 {
			t, _ := LastVerified(dir)
			if t.IsZero() {
				return 0
			}
			return float64(t.UnixNano()) / 1e9
		}))
	}
	return m
}

const verifiedFile = "verified"

// LastVerified returns when a verify of the whole archive in dir last
// found it intact; the zero time when never.
func LastVerified(dir string) (time.Time, error) {
	data, err := os.ReadFile(filepath.Join(dir, stateDir, verifiedFile))
	if err != nil {
		if os.IsNotExist(err) {
			return time.Time{}, nil
		}
		return time.Time{}, err
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(sec, 0), nil
}

// recordVerified notes that the whole archive in dir verified clean at t.
func recordVerified(dir string, t time.Time) error {
	state := filepath.Join(dir, stateDir)
	if err := os.MkdirAll(state, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(state, verifiedFile, []byte(strconv.FormatInt(t.Unix(), 10)+"\n"))
}
