//go:build unix

package pipeline

import "syscall"

// nonBlock keeps open from waiting on a FIFO swapped in after a check.
const nonBlock = syscall.O_NONBLOCK
