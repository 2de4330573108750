package spool

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// waitWake waits for a wake-up, failing after a deadline (never sleeps).
func waitWake(t *testing.T, wake <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-wake:
	case <-time.After(5 * time.Second):
		t.Fatalf("no wake-up after %s", what)
	}
}

func startWatcher(t *testing.T, rescan chan time.Time) (dir string, wake chan struct{}) {
	t.Helper()
	dir = t.TempDir()
	wake = make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := &Watcher{Dir: dir, Interval: time.Hour, Rescan: rescan}
	go func() { done <- w.Run(ctx, wake) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	waitWake(t, wake, "start")
	return dir, wake
}

func TestWatcherWakesOnRenameIntoIn(t *testing.T) {
	dir, wake := startWatcher(t, make(chan time.Time))
	// The ERP's protocol: write a temporary name, then rename to the final name.
	tmp := filepath.Join(dir, "orders.csv.tmp")
	if err := os.WriteFile(tmp, []byte("order_id\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "orders.csv")); err != nil {
		t.Fatal(err)
	}
	waitWake(t, wake, "a rename to a final name")
}

func TestWatcherRescanTrigger(t *testing.T) {
	rescan := make(chan time.Time)
	_, wake := startWatcher(t, rescan)
	rescan <- time.Now()
	waitWake(t, wake, "a rescan tick")
}

func TestWatcherRescanWithoutEvents(t *testing.T) {
	// A folder that does not exist cannot be watched: the rescan still works.
	rescan := make(chan time.Time)
	wake := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &Watcher{Dir: filepath.Join(t.TempDir(), "missing"), Rescan: rescan}
	go w.Run(ctx, wake)
	waitWake(t, wake, "start")
	rescan <- time.Now()
	waitWake(t, wake, "a rescan tick without fsnotify")
}
