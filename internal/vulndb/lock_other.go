//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package vulndb

import (
	"os"
	"time"
)

// lockFile does nothing where flock is not available.
func lockFile(*os.File) {}

// removeIfUnlocked removes name once it has gone unmodified for an hour:
// without flock, age is the only sign that no build is writing it.
func removeIfUnlocked(name string, age time.Duration) bool {
	if age < time.Hour {
		return false
	}
	return os.Remove(name) == nil
}
