package jobs

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the job runner's metrics (turnkeyd_job_*), alike for every
// job. A nil *Metrics measures nothing.
type Metrics struct {
	runs        *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	nextRun     *prometheus.GaugeVec
}

// NewMetrics registers the job metrics on reg, with a zero series for every
// job and outcome so that rates and alerts see them from the start.
func NewMetrics(reg prometheus.Registerer, names []string) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turnkeyd_job_runs_total",
			Help: "Runs of a scheduled job, by outcome: ok, failed, waiting (its input not there yet), busy (another process held the key) or skipped (the key was done).",
		}, []string{"job", "outcome"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "turnkeyd_job_last_success_timestamp_seconds",
			Help: "When a job last ended ok (from the ledger at start).",
		}, []string{"job"}),
		nextRun: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "turnkeyd_job_next_run_timestamp_seconds",
			Help: "When an enabled job is due next; a value in the past means a run is late.",
		}, []string{"job"}),
	}
	reg.MustRegister(m.runs, m.lastSuccess, m.nextRun)
	for _, n := range names {
		for _, o := range []string{OutcomeOK, OutcomeFailed, OutcomeBusy, OutcomeSkipped, OutcomeWaiting} {
			m.runs.WithLabelValues(n, o)
		}
	}
	return m
}

func (m *Metrics) run(job, outcome string) {
	if m != nil {
		m.runs.WithLabelValues(job, outcome).Inc()
	}
}

func (m *Metrics) success(job string, t time.Time) {
	if m != nil {
		m.lastSuccess.WithLabelValues(job).Set(float64(t.UnixNano()) / 1e9)
	}
}

func (m *Metrics) next(job string, t time.Time) {
	if m != nil {
		m.nextRun.WithLabelValues(job).Set(float64(t.UnixNano()) / 1e9)
	}
}

// gaugeFuncVec is a gauge per value of one label, computed at scrape time.
type gaugeFuncVec struct {
	desc   *prometheus.Desc
	values []string
	fn     func(value string) float64
}

// NewGaugeFuncVec returns a collector of the gauge name{label=v} for each
// of values, whose value fn computes at each scrape.
func NewGaugeFuncVec(name, help, label string, values []string, fn func(value string) float64) prometheus.Collector {
	return &gaugeFuncVec{desc: prometheus.NewDesc(name, help, []string{label}, nil), values: values, fn: fn}
}

func (g *gaugeFuncVec) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *gaugeFuncVec) Collect(ch chan<- prometheus.Metric) {
	for _, v := range g.values {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, g.fn(v), v)
	}
}
