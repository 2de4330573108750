package daemon

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/spool"
)

// intakeMetrics are the spool component's metrics (turnkeyd_spool_*).
type intakeMetrics struct {
	files       *prometheus.CounterVec
	documents   *prometheus.CounterVec
	duration    prometheus.Histogram
	lastSuccess prometheus.Gauge
	errors      prometheus.Counter
}

func newIntakeMetrics(reg prometheus.Registerer, folder *spool.Folder) *intakeMetrics {
	m := &intakeMetrics{
		files: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turnkeyd_spool_files_total",
			Help: "CSV files taken from the spool, by result: done (answered in out/) or failed (not CSV v1, moved to failed/).",
		}, []string{"result"}),
		documents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turnkeyd_spool_documents_total",
			Help: "Documents in processed CSV files, by status: accepted, duplicate or rejected.",
		}, []string{"status"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "turnkeyd_spool_file_duration_seconds",
			Help:    "Time from claiming a CSV file to its answer.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 9),
		}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "turnkeyd_spool_last_success_timestamp_seconds",
			Help: "When a CSV file was last processed and answered.",
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "turnkeyd_spool_errors_total",
			Help: "Failed intake attempts (ledger, disk, Turnkey folder); each is retried at the next scan.",
		}),
	}
	for _, r := range []string{"done", "failed"} {
		m.files.WithLabelValues(r)
	}
	for _, s := range []string{ledger.StatusAccepted, ledger.StatusDuplicate, ledger.StatusRejected} {
		m.documents.WithLabelValues(s)
	}
	backlog := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "turnkeyd_spool_backlog_files",
		Help: "CSV files waiting in in/ (with entries named *.csv about to be set aside in failed/) or being processed in work/.",
	}, func() float64 {
		in, _ := folder.ScanIn()
		work, _ := folder.InWork()
		return float64(len(in.Ready) + len(in.Odd) + len(work))
	})
	reg.MustRegister(m.files, m.documents, m.duration, m.lastSuccess, m.errors, backlog)
	return m
}

// ledgerCollector reports what the ledger holds at scrape time: documents
// by state and the numbers left in each track (turnkeyd_ledger_*).
type ledgerCollector struct {
	ledger    *ledger.Ledger
	log       *slog.Logger
	now       func() time.Time
	documents *prometheus.Desc
	remaining *prometheus.Desc
	oldest    *prometheus.Desc
	up        *prometheus.Desc
}

func registerLedgerMetrics(reg prometheus.Registerer, l *ledger.Ledger, log *slog.Logger, now func() time.Time) {
	reg.MustRegister(&ledgerCollector{
		ledger: l, log: log, now: now,
		documents: prometheus.NewDesc("turnkeyd_ledger_documents",
			"Documents in the ledger by lifecycle state and message type.", []string{"state", "message"}, nil),
		oldest: prometheus.NewDesc("turnkeyd_ledger_oldest_pending_age_seconds",
			"Age of the oldest document the platform has not accepted or refused yet, by upload deadline: 48h (consumer buyers) or 7d (business buyers); 0 when none.",
			[]string{"deadline"}, nil),
		remaining: prometheus.NewDesc("turnkeyd_ledger_track_numbers_remaining",
			"Invoice numbers not yet used in the imported tracks of the current and coming periods, by seller, period (ROC year + even month) and invoice type.",
			[]string{"seller", "period", "invoice_type"}, nil),
		up: prometheus.NewDesc("turnkeyd_ledger_up",
			"Whether the ledger answered the last scrape (1) or not (0).", nil, nil),
	})
}

func (c *ledgerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.documents
	ch <- c.remaining
	ch <- c.oldest
	ch <- c.up
}

func (c *ledgerCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.ledger.CountByStateAndType(ctx)
	if err == nil {
		for k, n := range counts {
			ch <- prometheus.MustNewConstMetric(c.documents, prometheus.GaugeValue, float64(n), k[0], k[1])
		}
		err = c.collectTracks(ctx, ch)
	}
	if err == nil {
		var consumer, business time.Time
		consumer, business, err = c.ledger.OldestPending(ctx)
		for deadline, t := range map[string]time.Time{"48h": consumer, "7d": business} {
			age := 0.0
			if !t.IsZero() {
				age = c.now().Sub(t).Seconds()
			}
			ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age, deadline)
		}
	}
	up := 1.0
	if err != nil {
		c.log.Warn("ledger metrics unavailable", "err", err)
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
}

func (c *ledgerCollector) collectTracks(ctx context.Context, ch chan<- prometheus.Metric) error {
	usage, err := c.ledger.TrackUsage(ctx)
	if err != nil {
		return err
	}
	// An ended period's numbers can no longer be issued (they are reported
	// blank with E0402): only the current and coming periods count.
	current := ledger.PeriodOf(c.now())
	left := map[[3]string]int{}
	for _, u := range usage {
		if u.Period >= current {
			left[[3]string{u.SellerBAN, u.Period, u.InvoiceType}] += u.Remaining
		}
	}
	for k, n := range left {
		ch <- prometheus.MustNewConstMetric(c.remaining, prometheus.GaugeValue, float64(n), k[0], k[1], k[2])
	}
	return nil
}
