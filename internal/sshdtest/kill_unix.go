//go:build unix

package sshdtest

import "syscall"

func kill(pid int, sig syscall.Signal) { syscall.Kill(pid, sig) }
