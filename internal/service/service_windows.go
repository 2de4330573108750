//go:build windows

package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// IsService reports whether the process was started by the Windows Service
// Control Manager.
func IsService() bool {
	ok, err := svc.IsWindowsService()
	return err == nil && ok
}

// Run runs fn as the Windows service Name: fn's context ends when Windows
// asks the service to stop or shuts down. The start, the stop and a failure
// are written to the event log; the daemon's own log goes to its log file.
func Run(fn func(ctx context.Context) error) error {
	elog, err := eventlog.Open(Name)
	if err != nil {
		return fmt.Errorf("open the event log source %s (was the service installed with turnkeyd service install?): %w", Name, err)
	}
	defer elog.Close()
	h := &handler{fn: fn, elog: elog}
	if err := svc.Run(Name, h); err != nil {
		elog.Error(1, fmt.Sprintf("turnkeyd service failed: %v", err))
		return err
	}
	return h.err
}

type handler struct {
	fn   func(ctx context.Context) error
	elog *eventlog.Log
	err  error
}

// Execute is called by the Service Control Manager.
func (h *handler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.fn(ctx) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	h.elog.Info(1, "turnkeyd started")
	for {
		select {
		case err := <-done:
			return h.finish(err, status)
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending, WaitHint: uint32(stopWait / time.Millisecond)}
				cancel()
				return h.finish(<-done, status)
			}
		}
	}
}

// finish reports how the daemon ended: an error makes Windows apply the
// service's recovery actions (Install sets restarts).
func (h *handler) finish(err error, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StopPending}
	if err != nil {
		h.err = err
		h.elog.Error(1, fmt.Sprintf("turnkeyd stopped with an error: %v (see its log file)", err))
		return true, 1
	}
	h.elog.Info(1, "turnkeyd stopped")
	return false, 0
}

// Install registers the service to start automatically with cfg, restart
// after a failure, and write to the event log.
func Install(cfg Config) error {
	m, err := connect()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	if s, err := m.OpenService(Name); err == nil {
		s.Close()
		return fmt.Errorf("service %s exists already: turnkeyd service uninstall first", Name)
	}
	s, err := m.CreateService(Name, cfg.Exe, mgr.Config{
		DisplayName: DisplayName, Description: Description, StartType: mgr.StartAutomatic,
		DelayedAutoStart: true, // after Turnkey and the network
	}, cfg.Args...)
	if err != nil {
		return fmt.Errorf("create service %s: %w", Name, err)
	}
	defer s.Close()
	restart := []mgr.RecoveryAction{
		{Type: mgr.ServiceRestart, Delay: 10 * time.Second},
		{Type: mgr.ServiceRestart, Delay: time.Minute},
		{Type: mgr.ServiceRestart, Delay: 5 * time.Minute},
	}
	// The daemon ending with an error is a failure too, not only a crash.
	err = s.SetRecoveryActions(restart, uint32((24 * time.Hour).Seconds()))
	if err == nil {
		err = s.SetRecoveryActionsOnNonCrashFailures(true)
	}
	if err != nil {
		s.Delete()
		return fmt.Errorf("set the restart on failure of %s: %w", Name, err)
	}
	if err := eventlog.InstallAsEventCreate(Name, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil {
		s.Delete()
		return fmt.Errorf("register the event log source %s: %w", Name, err)
	}
	return nil
}

// Uninstall removes the service and its event log source.
func Uninstall() error {
	return withService(func(s *mgr.Service) error {
		if err := s.Delete(); err != nil {
			return fmt.Errorf("delete service %s: %w", Name, err)
		}
		if err := eventlog.Remove(Name); err != nil {
			return fmt.Errorf("remove the event log source %s: %w", Name, err)
		}
		return nil
	})
}

// Start starts the installed service.
func Start() error {
	return withService(func(s *mgr.Service) error {
		if err := s.Start(); err != nil {
			return fmt.Errorf("start service %s: %w", Name, err)
		}
		return nil
	})
}

// Stop stops the service and waits until it has stopped.
func Stop() error {
	return withService(func(s *mgr.Service) error {
		st, err := s.Control(svc.Stop)
		if err != nil {
			if errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
				return nil
			}
			return fmt.Errorf("stop service %s: %w", Name, err)
		}
		deadline := time.Now().Add(stopWait)
		for st.State != svc.Stopped {
			if time.Now().After(deadline) {
				return fmt.Errorf("service %s has not stopped after %s; see its log file", Name, stopWait)
			}
			time.Sleep(300 * time.Millisecond)
			if st, err = s.Query(); err != nil {
				return fmt.Errorf("query service %s: %w", Name, err)
			}
		}
		return nil
	})
}

// connect connects to the Service Control Manager.
func connect() (*mgr.Mgr, error) {
	m, err := mgr.Connect()
	if err != nil {
		return nil, fmt.Errorf("connect to the Service Control Manager (run as Administrator): %w", err)
	}
	return m, nil
}

// withService runs fn on the installed service.
func withService(fn func(s *mgr.Service) error) error {
	m, err := connect()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	s, err := m.OpenService(Name)
	if err != nil {
		return fmt.Errorf("service %s is not installed (turnkeyd service install): %w", Name, err)
	}
	defer s.Close()
	return fn(s)
}
