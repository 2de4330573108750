package daemon

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// operationsDoc documents the metrics (a table) and the dashboard.
var operationsDoc = filepath.Join("..", "docs", "operations.md")

// promServer is Debian's prometheus (the real server) started by a test.
type promServer struct {
	url string
	log string
}

// startPrometheus runs the prometheus binary with a scrape job "turnkeyd"
// on target every second and the given rule file, evaluated every second.
func startPrometheus(t *testing.T, target, rules string) *promServer {
	t.Helper()
	bin := lookTool(t, "prometheus", "prometheus")
	dir := t.TempDir()
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: turnkeyd
    static_configs:
      - targets: [%q]
`, rules, target)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	p := &promServer{url: "http://" + addr, log: filepath.Join(dir, "prometheus.log")}
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			out, _ := os.ReadFile(p.log)
			t.Logf("prometheus log:\n%s", out)
		}
	})
	pollUntil(t, "prometheus ready", 30*time.Second, func() error {
		select {
		case <-exited:
			t.Fatalf("prometheus ended at start")
		default:
		}
		resp, err := http.Get(p.url + "/-/ready")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/-/ready: %s", resp.Status)
		}
		return nil
	})
	return p
}

// freeAddr returns a loopback address with a port free at the time.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// api calls Prometheus's HTTP API and decodes the data of a success.
func (p *promServer) api(path string, params url.Values, data any) error {
	resp, err := http.Get(p.url + "/api/v1/" + path + "?" + params.Encode())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("%s: %s: %w", path, body, err)
	}
	if r.Status != "success" {
		return fmt.Errorf("%s %v: %s", path, params, r.Error)
	}
	return json.Unmarshal(r.Data, data)
}

// sample is one series of an instant query.
type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// query runs an instant PromQL query.
func (p *promServer) query(q string) ([]sample, error) {
	var data struct {
		Result []sample `json:"result"`
	}
	err := p.api("query", url.Values{"query": {q}}, &data)
	return data.Result, err
}

// alert is one alert as /api/v1/alerts lists it.
type alert struct {
	Labels map[string]string `json:"labels"`
	State  string            `json:"state"`
}

func (p *promServer) alerts() ([]alert, error) {
	var data struct {
		Alerts []alert `json:"alerts"`
	}
	err := p.api("alerts", nil, &data)
	return data.Alerts, err
}

// testRules writes a copy of the shipped alert rules whose `for:` are all
// one second, so that alerts fire within a test.
func testRules(t *testing.T) string {
	t.Helper()
	rules, err := os.ReadFile(alertRules)
	if err != nil {
		t.Fatal(err)
	}
	forRE := regexp.MustCompile(`(?m)^(\s+for:\s*)\S+$`)
	if len(forRE.FindAll(rules, -1)) < 3 {
		t.Fatalf("%s: fewer than 3 `for:` found; has the file's layout changed?", alertRules)
	}
	path := filepath.Join(t.TempDir(), "turnkeyd-alerts.yml")
	if err := os.WriteFile(path, forRE.ReplaceAll(rules, []byte("${1}1s")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRealPrometheus runs the sandbox (daemon and simulator) under Debian's
// Prometheus with the shipped alert rules: the target is up, every metric
// of docs/operations.md is there with its documented labels, an exhausted
// track fires TurnkeydTrackExhausted, and every query of the Grafana
// dashboard answers with series.
func TestRealPrometheus(t *testing.T) {
	lookTool(t, "prometheus", "prometheus")
	sb := startSandbox(t)
	prom := startPrometheus(t, sb.addr, testRules(t))

	pollUntil(t, "target up", 20*time.Second, func() error {
		res, err := prom.query(`up{job="turnkeyd"} == 1`)
		if err == nil && len(res) != 1 {
			err = fmt.Errorf("up{job=\"turnkeyd\"} == 1 gives %v", res)
		}
		return err
	})

	// Before any order: the unregistered seller's track of this period has
	// all its 50 numbers, and no track alert fires.
	period := ledger.PeriodOf(time.Now().In(sb.cfg.Location()))
	tu := fmt.Sprintf(`turnkeyd_ledger_track_numbers_remaining{job="turnkeyd", seller=%q, period=%q, invoice_type="07"}`,
		SandboxUnregistered.BAN, period)
	pollUntil(t, "a full track scraped", 20*time.Second, func() error { return expectValue(prom, tu, "50") })
	pollUntil(t, "rules evaluated on the full track", 10*time.Second, func() error {
		return expectValue(prom, fmt.Sprintf(`ALERTS{alertname="TurnkeydTrackRunningLow", seller=%q, period=%q, alertstate="firing"}`,
			SandboxUnregistered.BAN, period), "1")
	})
	if firing(t, prom, "TurnkeydTrackExhausted") != nil {
		t.Fatal("TurnkeydTrackExhausted fires while every track has numbers left")
	}

	sb.dropExamples()
	sb.awaitAnswered(4)
	pollUntil(t, "the used-up track scraped", 20*time.Second, func() error { return expectValue(prom, tu, "0") })
	pollUntil(t, "TurnkeydTrackExhausted firing", 20*time.Second, func() error {
		a := firing(t, prom, "TurnkeydTrackExhausted")
		if a == nil {
			return fmt.Errorf("not firing")
		}
		want := map[string]string{"severity": "critical", "job": "turnkeyd", "seller": SandboxUnregistered.BAN,
			"period": period, "invoice_type": "07", "instance": sb.addr}
		for k, v := range want {
			if a.Labels[k] != v {
				return fmt.Errorf("label %s=%q, want %q (%v)", k, a.Labels[k], v, a.Labels)
			}
		}
		return nil
	})

	// The simulated platform refuses the unregistered seller's invoices.
	pollUntil(t, "refusals scraped", 20*time.Second, func() error {
		return expectValue(prom, `sum(turnkeyd_turnkey_rejections_total{job="turnkeyd"})`, "50")
	})

	t.Run("documented metrics", func(t *testing.T) { checkDocumentedMetrics(t, prom) })
	t.Run("dashboard queries", func(t *testing.T) { checkDashboardQueries(t, prom) })
}

// expectValue checks that q gives one series of value want.
func expectValue(p *promServer, q, want string) error {
	res, err := p.query(q)
	if err != nil {
		return err
	}
	if len(res) != 1 || res[0].Value[1] != want {
		return fmt.Errorf("%s gives %v, want one series of value %s", q, res, want)
	}
	return nil
}

// firing returns the first firing alert named name, or nil.
func firing(t *testing.T, p *promServer, name string) *alert {
	t.Helper()
	alerts, err := p.alerts()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Labels["alertname"] == name && a.State == "firing" {
			return &a
		}
	}
	return nil
}

// documentedMetric is a row of the metrics table of docs/operations.md.
type documentedMetric struct {
	name, kind string
	labels     map[string][]string // label → documented values (none: any)
}

// documentedMetrics reads the metrics table of docs/operations.md.
func documentedMetrics(t *testing.T) []documentedMetric {
	t.Helper()
	doc, err := os.ReadFile(operationsDoc)
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(turnkeyd_[a-z0-9_]+)` \\| ([a-z]+) \\|([^|]*)\\|")
	label := regexp.MustCompile("`([a-z_]+)`(?:\\s*=\\s*([^`]+))?")
	var out []documentedMetric
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		dm := documentedMetric{name: m[1], kind: m[2], labels: map[string][]string{}}
		for _, l := range label.FindAllStringSubmatch(m[3], -1) {
			var values []string
			for v := range strings.SplitSeq(l[2], ",") {
				if v = strings.TrimSpace(v); v != "" {
					values = append(values, v)
				}
			}
			dm.labels[l[1]] = values
		}
		out = append(out, dm)
	}
	if len(out) < 15 {
		t.Fatalf("%s: only %d metrics found in the table; has its layout changed?", operationsDoc, len(out))
	}
	return out
}

// notInSandbox lists documented metrics a sandbox run cannot have (e.g. of
// a transport the sandbox does not use), each with the reason. Keep it
// short: a metric the sandbox can produce belongs in the check.
var notInSandbox = map[string]string{
	"turnkeyd_turnkey_reconnects_total": "registered only when turnkey.dir is sftp://; TestSFTPEndToEnd checks it",
	"turnkeyd_job_winners_prizes_total": "a series per prize appears with the first winning invoice of an E0504; TestWinnersJobMatchesTheListToTheLedger checks it",
}

// checkDocumentedMetrics checks that Prometheus holds every documented
// metric with each documented label and label value.
func checkDocumentedMetrics(t *testing.T, p *promServer) {
	for _, dm := range documentedMetrics(t) {
		t.Run(dm.name, func(t *testing.T) {
			if why, ok := notInSandbox[dm.name]; ok {
				t.Skip(why)
			}
			name := dm.name
			if dm.kind == "histogram" {
				name += "_count"
			}
			res, err := p.query(fmt.Sprintf(`%s{job="turnkeyd"}`, name))
			if err != nil {
				t.Fatal(err)
			}
			if len(res) == 0 {
				t.Fatalf("no series of %s", name)
			}
			for l, values := range dm.labels {
				var seen []string
				for _, s := range res {
					if v, ok := s.Metric[l]; ok && !slices.Contains(seen, v) {
						seen = append(seen, v)
					}
				}
				if len(seen) == 0 {
					t.Errorf("%s has no label %q: %v", name, l, res)
				}
				for _, v := range values {
					if !slices.Contains(seen, v) {
						t.Errorf("%s{%s=%q} missing (has %v)", name, l, v, seen)
					}
				}
			}
		})
	}
}
