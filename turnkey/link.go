package turnkey

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// causes are the values of the cause label of upload errors.
var causes = []string{"link", "host_key", "auth", "permission", "other"}

// Cause classifies an error of a target for metrics: link (the host is
// unreachable, the link dropped or stalled), host_key (refused host key),
// auth (login refused), permission, other.
func Cause(err error) string {
	var hk *HostKeyError
	switch {
	case errors.As(err, &hk):
		return "host_key"
	case errors.Is(err, ErrLinkDown) && strings.Contains(err.Error(), "unable to authenticate"):
		return "auth"
	case errors.Is(err, ErrLinkDown):
		return "link"
	case errors.Is(err, fs.ErrPermission):
		return "permission"
	}
	return "other"
}

// registerLinkMetrics registers turnkeyd_turnkey_up for any target and,
// for a target with a connection, turnkeyd_turnkey_reconnects_total.
func registerLinkMetrics(t Target, transport string, reg prometheus.Registerer) {
	labels := prometheus.Labels{"transport": transport}
	up := func() float64 {
		if u, ok := t.(interface{ Up() bool }); ok {
			if u.Up() {
				return 1
			}
			return 0
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if t.Ready(ctx) != nil {
			return 0
		}
		return 1
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "turnkeyd_turnkey_up", ConstLabels: labels,
		Help: "1 if Turnkey's folder is reachable now (for SFTP: the link is connected), else 0.",
	}, up))
	if r, ok := t.(interface{ Reconnects() uint64 }); ok {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_reconnects_total", ConstLabels: labels,
			Help: "Connections to the Turnkey host made again after a drop or a failed attempt.",
		}, func() float64 { return float64(r.Reconnects()) }))
	}
}
