package daemon

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// handler serves /metrics (the daemon's private registry), /healthz (the
// process answers) and /readyz (it can do its work: ledger, spool and
// Turnkey folders reachable, recovery finished).
func (d *Daemon) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.registry, promhttp.HandlerOpts{Registry: d.registry}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		problems := d.readiness(r.Context())
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: "+strings.Join(problems, "; "))
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

func (d *Daemon) readiness(ctx context.Context) []string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var problems []string
	select {
	case <-d.intake.Ready():
	default:
		problems = append(problems, "recovering files interrupted by the last stop")
	}
	if _, err := d.ledger.CountDocumentsByState(ctx); err != nil {
		problems = append(problems, "ledger: "+err.Error())
	}
	if _, err := d.intake.folder.Ready(); err != nil {
		problems = append(problems, err.Error())
	}
	if err := d.target.Ready(ctx); err != nil {
		problems = append(problems, err.Error())
	}
	return problems
}
