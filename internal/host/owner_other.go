//go:build !unix

package host

// sysOwner cannot read file ownership on this platform.
func sysOwner(any) (uid, gid int, ok bool) { return -1, -1, false }
