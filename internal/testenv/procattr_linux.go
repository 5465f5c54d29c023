package testenv

import "syscall"

// sysProcAttr puts a child in its own process group and has the kernel
// kill it when the test binary's thread that started it exits.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
