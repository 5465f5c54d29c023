//go:build unix

package host

import "syscall"

// sysOwner reads the owner from the Sys() of a file of os.DirFS or os.Root.
func sysOwner(sys any) (uid, gid int, ok bool) {
	if st, ok := sys.(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid), true
	}
	return -1, -1, false
}
