package daemon

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// sandboxRun is the daemon and the Turnkey simulator running in-process on
// a sandbox (what `make run` starts) with the real clock and quick timers,
// logging JSON at info level as an operator would run it.
type sandboxRun struct {
	t    testing.TB
	cfg  *Config
	addr string // the daemon's HTTP address
	logs *lockedWriter
	buf  *bytes.Buffer
}

// startSandbox prepares a sandbox in a temp folder and runs the daemon and
// the simulator on it until the test ends.
func startSandbox(t testing.TB) *sandboxRun {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	path, err := Sandbox(ctx, dir, time.Now(), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Archive.Listen = "127.0.0.1:0" // never the sandbox's fixed port: another run may hold it
	cfg.Spool.Settle = 0
	cfg.Spool.Rescan = 200 * time.Millisecond
	cfg.Turnkey.Poll = 200 * time.Millisecond
	buf := new(bytes.Buffer)
	r := &sandboxRun{t: t, cfg: cfg, buf: buf, logs: &lockedWriter{w: buf}}
	log := NewLogger(LogConfig{Level: "info", Format: "json"}, r.logs)
	listening := make(chan string, 1)
	d, err := New(ctx, cfg, Options{Log: log, Listening: listening})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(SimConfig(cfg), sim.Options{Interval: 200 * time.Millisecond, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	go func() { done <- d.Run(ctx) }()
	go func() { done <- s.Run(ctx) }()
	select {
	case r.addr = <-listening:
	case err := <-done:
		t.Fatalf("the sandbox stopped at start: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the daemon does not listen after 20s")
	}
	t.Cleanup(func() {
		cancel()
		for range 2 {
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("sandbox: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Error("the sandbox did not stop within 30s")
				return
			}
		}
		if t.Failed() {
			t.Logf("sandbox log:\n%s", r.log())
		}
	})
	return r
}

// log returns what the daemon and the simulator logged so far.
func (r *sandboxRun) log() string {
	r.logs.mu.Lock()
	defer r.logs.mu.Unlock()
	return r.buf.String()
}

// drop hands a CSV file to the spool as an ERP does (see harness.drop).
func (r *sandboxRun) drop(name string, data []byte) {
	r.t.Helper()
	(&harness{t: r.t, cfg: r.cfg}).drop(name, data)
}

// dropExamples drops the shipped examples/*.csv and an order file of 49
// orders of the unregistered seller: with the example's one, they use every
// number of its sandbox track of this period (50), and the simulated
// platform refuses all 50.
func (r *sandboxRun) dropExamples() {
	r.t.Helper()
	examples, err := filepath.Glob(filepath.Join("..", "examples", "*.csv"))
	if err != nil || len(examples) == 0 {
		r.t.Fatalf("no examples/*.csv (%v)", err)
	}
	for _, p := range examples {
		data, err := os.ReadFile(p)
		if err != nil {
			r.t.Fatal(err)
		}
		r.drop(filepath.Base(p), data)
	}
	var b strings.Builder
	b.WriteString("order_id,seller_ban,seller_name,item_description,item_quantity,item_unit_price\n")
	for i := range 49 {
		fmt.Fprintf(&b, "X-%04d,%s,%s,禮盒,1,500\n", i, SandboxUnregistered.BAN, SandboxUnregistered.Name)
	}
	r.drop("50-exhaust-track.csv", []byte(b.String()))
}

// awaitAnswered waits until the spool has answered n files in out/.
func (r *sandboxRun) awaitAnswered(n int) {
	r.t.Helper()
	out := filepath.Join(r.cfg.Path(r.cfg.Spool.Dir), "out", "*.result.csv")
	pollUntil(r.t, fmt.Sprintf("%d answered files", n), 30*time.Second, func() error {
		got, _ := filepath.Glob(out)
		if len(got) < n {
			return fmt.Errorf("%d answered", len(got))
		}
		return nil
	})
}

// pollUntil checks cond every 100ms until it returns nil, and fails the
// test with cond's last error after limit.
func pollUntil(t testing.TB, what string, limit time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s: %v", what, limit, err)
		}
		<-tick.C
	}
}
