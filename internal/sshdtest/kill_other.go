//go:build !unix

package sshdtest

import (
	"os"
	"syscall"
)

// kill signals pid where there is no kill(2): the tests that stall sshd
// run where sshd does, on Unix; elsewhere this only has to compile.
func kill(pid int, sig syscall.Signal) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Signal(sig)
	}
}
