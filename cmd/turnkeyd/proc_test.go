package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// proc is a long-running process of the binary under test (the daemon or
// the simulator); its output goes to a log file.
type proc struct {
	name, log string
	cmd       *exec.Cmd
	done      chan struct{}
	err       error
}

// startProc runs bin with args, its output in log.
func startProc(t testing.TB, name, log, bin string, args ...string) *proc {
	t.Helper()
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(fmt.Errorf("start %s: %w", name, err))
	}
	p := &proc{name: name, log: log, cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p
}

// exited reports whether the process has ended by itself (a crash).
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// tail returns the end of the process's output.
func (p *proc) tail() string {
	data, _ := os.ReadFile(p.log)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// logged reports whether the process's output holds text.
func (p *proc) logged(text string) bool {
	data, _ := os.ReadFile(p.log)
	return bytes.Contains(data, []byte(text))
}

// kill sends SIGKILL and waits for the process to die of it.
func (p *proc) kill(t testing.TB) {
	t.Helper()
	if p.exited() {
		t.Fatalf("%s ended by itself (%v) before SIGKILL:\n%s", p.name, p.err, p.tail())
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s still runs 10 s after SIGKILL", p.name)
	}
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("%s ended by itself (%v) before SIGKILL:\n%s", p.name, p.err, p.tail())
	}
}

// stop sends sig and requires exit code 0 within limit; it returns how long
// the process took.
func (p *proc) stop(t testing.TB, sig syscall.Signal, limit time.Duration) time.Duration {
	t.Helper()
	if p.exited() {
		t.Fatalf("%s ended by itself (%v) before %v:\n%s", p.name, p.err, sig, p.tail())
	}
	start := time.Now()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(limit):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("%s did not end within %s of %v:\n%s", p.name, limit, sig, p.tail())
	}
	if p.err != nil {
		t.Fatalf("%s ended with %v after %v, want exit code 0:\n%s", p.name, p.err, sig, p.tail())
	}
	return time.Since(start)
}
