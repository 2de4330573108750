package spool

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher wakes the intake when in/ may hold new files. File-system events
// (fsnotify) wake it at once; a periodic rescan is the source of truth, so a
// missed event, a network share without events, or a watcher that fails to
// start costs at most one rescan interval.
type Watcher struct {
	Dir      string        // the spool's in/ folder
	Interval time.Duration // rescan interval (spool.rescan)
	// Rescan, when set, replaces the interval timer: tests step it instead
	// of sleeping.
	Rescan <-chan time.Time
	Log    *slog.Logger
}

// Run sends on wake whenever in/ should be scanned: once at start, on every
// file-system event in in/ and on every rescan tick. Sends never block; a
// pending wake-up covers any number of events. Run returns when ctx ends.
func (w *Watcher) Run(ctx context.Context, wake chan<- struct{}) error {
	log := w.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rescan := w.Rescan
	if rescan == nil {
		t := time.NewTicker(w.Interval)
		defer t.Stop()
		rescan = t.C
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	fw, err := fsnotify.NewWatcher()
	if err == nil {
		err = fw.Add(w.Dir)
	}
	if err != nil {
		log.Warn("file-system events unavailable; relying on the rescan", "dir", w.Dir, "rescan", w.Interval, "err", err)
	} else {
		defer fw.Close()
		events, errs = fw.Events, fw.Errors
	}
	// The first scan comes after the watch is in place, so that nothing
	// dropped in between is missed.
	notify(wake)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Write) {
				if base := filepath.Base(ev.Name); IsFinalName(base) || IsFinalName(strings.TrimSuffix(base, MarkerSuffix)) {
					notify(wake)
				}
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			// An overflow means events were lost: scan now.
			log.Warn("file-system watcher error; rescanning", "dir", w.Dir, "err", err)
			notify(wake)
		case <-rescan:
			notify(wake)
		}
	}
}

func notify(wake chan<- struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}
