package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/turnkeyd/turnkeyd/internal/service"
)

const serviceUsage = "service install [-config FILE] [-log-file FILE] | uninstall | start | stop"

// cmdService installs, removes, starts and stops the Windows service.
func cmdService(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: turnkeyd "+serviceUsage)
		return 2
	}
	var err error
	switch args[0] {
	case "install":
		fs := newFlags("service install", "service install [-config FILE] [-log-file FILE]", stderr)
		config := fs.String("config", "turnkeyd.yaml", "configuration file the service runs with")
		logFile := fs.String("log-file", "", "the service's log (default: turnkeyd.log beside the configuration)")
		if code, ok := noArgs(fs, args[1:]); !ok {
			return code
		}
		var cfg service.Config
		if cfg, err = serviceConfig(*config, *logFile); err == nil {
			if err = service.Install(cfg); err == nil {
				fmt.Fprintf(stdout, "installed service %s: %s %v\nstart it with: turnkeyd service start\n", service.Name, cfg.Exe, cfg.Args)
			}
		}
	case "uninstall":
		err = service.Uninstall()
	case "start":
		err = service.Start()
	case "stop":
		err = service.Stop()
	default:
		fmt.Fprintln(stderr, "usage: turnkeyd "+serviceUsage)
		return 2
	}
	if err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

// serviceConfig returns what the service runs: this program with `run`,
// the configuration and the log file as absolute paths (a service starts
// in the system folder). The configuration must load.
func serviceConfig(config, logFile string) (service.Config, error) {
	exe, err := os.Executable()
	if err != nil {
		return service.Config{}, fmt.Errorf("service install: %w", err)
	}
	if config, err = filepath.Abs(config); err != nil {
		return service.Config{}, fmt.Errorf("service install: %w", err)
	}
	if _, err := os.Stat(config); err != nil {
		return service.Config{}, fmt.Errorf("service install: the configuration %s: %w (turnkeyd init writes one)", config, err)
	}
	if logFile == "" {
		logFile = filepath.Join(filepath.Dir(config), "turnkeyd.log")
	}
	if logFile, err = filepath.Abs(logFile); err != nil {
		return service.Config{}, fmt.Errorf("service install: %w", err)
	}
	return service.Config{Exe: exe, Args: []string{"run", "-config", config, "-log-file", logFile}}, nil
}

// openLog opens the -log-file of `turnkeyd run` for appending.
func openLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("-log-file: %w", err)
	}
	return f, nil
}
