// Package service runs turnkeyd as a Windows service and installs,
// removes, starts and stops it through the Service Control Manager
// (`turnkeyd service install|uninstall|start|stop`). On other systems
// every call says it is Windows only: Linux has deploy/systemd.
package service

import "time"

// Name is the service's name in the Service Control Manager and the
// source of its entries in the Windows event log.
const Name = "turnkeyd"

// DisplayName and Description are what services.msc shows.
const (
	DisplayName = "turnkeyd e-invoice daemon"
	Description = "Turns the ERP's CSV files into MIG XML for MOF's Turnkey and follows them to the platform's verdict."
)

// stopWait is how long Stop waits for the service to report it stopped:
// the daemon finishes the file in progress first.
const stopWait = 90 * time.Second

// Config is what Install registers: the program and its arguments.
type Config struct {
	Exe  string   // absolute path of turnkeyd.exe
	Args []string // e.g. run -config C:\turnkeyd\turnkeyd.yaml -log-file C:\turnkeyd\turnkeyd.log
}
