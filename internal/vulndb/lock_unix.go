//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package vulndb

import (
	"os"
	"syscall"
	"time"
)

// lockFile takes an advisory lock on f that lasts until f is closed.
func lockFile(f *os.File) {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// removeIfUnlocked removes name unless a process holds a lock on it (a
// build in progress: bbolt locks the file it writes, fourc the files it
// downloads).
func removeIfUnlocked(name string, _ time.Duration) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return false
	}
	return os.Remove(name) == nil
}
