//go:build !linux

package testenv

import "syscall"

// sysProcAttr leaves the child's attributes alone: the binaries are
// built for Linux test machines.
func sysProcAttr() *syscall.SysProcAttr { return nil }
