//go:build !linux

package miniotest

import "syscall"

// sysProcAttr leaves the defaults: only Linux kills the server with the
// test binary.
func sysProcAttr() *syscall.SysProcAttr { return nil }
