package miniotest

import "syscall"

// sysProcAttr puts the server in its own process group and kills it when
// the test binary dies, so a crashed test leaves nothing running.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
