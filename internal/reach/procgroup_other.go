//go:build !unix

package reach

import (
	"os"
	"os/exec"
)

// ownGroup does nothing where there are no process groups (windows): only
// the child itself is killed, the go commands it started finish on their own.
func ownGroup(*exec.Cmd) {}

// killGroup kills the process pid.
func killGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
