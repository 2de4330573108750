package daemon

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// registerReady exports /readyz as a metric, turnkeyd_ready (as Prometheus
// itself has prometheus_ready), so that a dashboard and an alert see what a
// load balancer's probe would.
func registerReady(reg prometheus.Registerer, d *Daemon) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "turnkeyd_ready",
		Help: "Whether the daemon is ready (1) as /readyz says: recovery done, ledger, spool and Turnkey's folders reachable; 0 otherwise.",
	}, func() float64 {
		if len(d.readiness(context.Background())) > 0 {
			return 0
		}
		return 1
	}))
}
