//go:build !windows

package service

import (
	"context"
	"errors"
)

// ErrWindowsOnly is the answer of every call on a system other than Windows.
var ErrWindowsOnly = errors.New("turnkeyd service is for Windows only; on Linux install deploy/systemd/turnkeyd.service (docs/operations.md)")

// IsService reports whether the process was started by the Windows Service
// Control Manager: never, here.
func IsService() bool { return false }

// Run runs fn as the Windows service Name.
func Run(func(ctx context.Context) error) error { return ErrWindowsOnly }

// Install registers the service to start automatically with cfg.
func Install(Config) error { return ErrWindowsOnly }

// Uninstall removes the service.
func Uninstall() error { return ErrWindowsOnly }

// Start starts the installed service.
func Start() error { return ErrWindowsOnly }

// Stop stops the service and waits until it has stopped.
func Stop() error { return ErrWindowsOnly }
