package host

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fourc-dev/fourc/internal/source"
)

// maxLinks bounds how many symbolic links one path may pass through, as
// the kernel does (ELOOP after 40).
const maxLinks = 40

// Node is a read-only view of one node's root filesystem. Paths given to
// its methods are absolute on the node ("/etc/kubernetes/admin.conf") or
// relative to its root; symbolic links resolve inside the root, as they
// would for a process chrooted there, so an absolute link never escapes to
// the scanning machine's files.
//
// A Node is safe for concurrent use.
type Node struct {
	fsys fs.FS
	name string

	// stop, when set, reports why walks must end (the scan's context
	// was cancelled or ran out of time); see [Node.StopWhen].
	stop func() error

	// now is the scan's day, for checks that compare dates; see
	// [Node.Now].
	now time.Time

	procOnce sync.Once
	procs    []Process
	procErr  error

	idOnce sync.Once
	users  map[int]string
	groups map[int]string
	uids   map[string]int
}

// Open returns the node whose root filesystem is the directory root
// ("/" for the machine fourc runs on, "/host" in a pod with the node's
// root mounted there). The root is confined with source.OpenRoot: no path
// leaves it, and FIFOs, sockets and devices are refused instead of opened
// (a FIFO would block a read forever).
func Open(root string) (*Node, error) {
	r, err := source.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("opening root filesystem %q: %w", root, errors.Unwrap(err))
	}
	return NewNode(r.FS(), root), nil
}

// NewNode returns the node whose root filesystem is fsys; name says where
// it came from, for messages. Ownership is read from each file's
// fs.FileInfo.Sys(): a *syscall.Stat_t (os.DirFS, os.Root) or an [Owner]
// (fixtures built with testing/fstest).
func NewNode(fsys fs.FS, name string) *Node {
	return &Node{fsys: fsys, name: name}
}

// Name is where the root filesystem came from, e.g. "/host".
func (n *Node) Name() string { return n.name }

// FS returns the node's root filesystem. It does not resolve symbolic
// links inside the root: use the Node's methods for that.
func (n *Node) FS() fs.FS { return n.fsys }

// Owner is the ownership of a file. Fixtures built with testing/fstest set
// it as MapFile.Sys.
type Owner struct{ UID, GID int }

// FileInfo is what checks need to know about one file on the node.
type FileInfo struct {
	// Path is the absolute path on the node, as asked for.
	Path string
	// Mode holds the type and permission bits of the file, after
	// symbolic links are followed.
	Mode fs.FileMode
	// UID and GID are the numeric owner; HasOwner is false when the
	// filesystem does not say (then UID and GID are -1).
	UID, GID int
	HasOwner bool
	// Size in bytes.
	Size int64
}

// Perm returns the permission bits.
func (fi FileInfo) Perm() fs.FileMode { return fi.Mode.Perm() }

// Exceeds reports whether the file grants any permission bit that max does
// not, i.e. whether it is more permissive than max (0o600, 0o644, …).
func (fi FileInfo) Exceeds(max fs.FileMode) bool { return fi.Mode.Perm()&^max != 0 }

// clean turns a node path into a path of the fs.FS, without a leading
// slash ("." for the root).
func clean(p string) string {
	p = path.Clean("/" + p)
	if p == "/" {
		return "."
	}
	return p[1:]
}

// resolve follows symbolic links in p inside the root and returns an fs.FS
// path free of links. A link to an absolute target restarts from the root.
func (n *Node) resolve(p string) (string, error) {
	rl, ok := n.fsys.(fs.ReadLinkFS)
	if !ok {
		return clean(p), nil
	}
	rest := strings.Split(strings.TrimPrefix(path.Clean("/"+p), "/"), "/")
	var done []string
	links := 0
	for len(rest) > 0 {
		elem := rest[0]
		rest = rest[1:]
		switch elem {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := strings.Join(append(done, elem), "/")
		fi, err := rl.Lstat(cur)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = append(done, elem)
			continue
		}
		links++
		if links > maxLinks {
			return "", &fs.PathError{Op: "resolve", Path: p, Err: errors.New("too many levels of symbolic links")}
		}
		target, err := rl.ReadLink(cur)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			done = nil
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return strings.Join(done, "/"), nil
}

// ReadFile reads a whole file of at most limit bytes (limit <= 0 means
// source.MaxFileSize).
func (n *Node) ReadFile(p string, limit int64) ([]byte, error) {
	r, err := n.resolve(p)
	if err != nil {
		return nil, err
	}
	return source.ReadFile(n.fsys, r, limit)
}

// Exists reports whether p exists (after following links).
func (n *Node) Exists(p string) bool {
	_, err := n.Stat(p)
	return err == nil
}

// Stat describes the file p, following symbolic links as stat(1) -L does.
func (n *Node) Stat(p string) (FileInfo, error) {
	r, err := n.resolve(p)
	if err != nil {
		return FileInfo{}, err
	}
	fi, err := fs.Stat(n.fsys, r)
	if err != nil {
		return FileInfo{}, err
	}
	info := FileInfo{Path: path.Clean("/" + p), Mode: fi.Mode(), UID: -1, GID: -1, Size: fi.Size()}
	switch o := fi.Sys().(type) {
	case Owner:
		info.UID, info.GID, info.HasOwner = o.UID, o.GID, true
	case *Owner:
		info.UID, info.GID, info.HasOwner = o.UID, o.GID, true
	case interface{ OwnerIDs() (int, int) }:
		// an image's merged view (internal/image)
		info.UID, info.GID = o.OwnerIDs()
		info.HasOwner = true
	default:
		info.UID, info.GID, info.HasOwner = sysOwner(fi.Sys())
	}
	return info, nil
}

// ReadDir lists the directory p, sorted by name.
func (n *Node) ReadDir(p string) ([]fs.DirEntry, error) {
	r, err := n.resolve(p)
	if err != nil {
		return nil, err
	}
	return fs.ReadDir(n.fsys, r)
}

// Glob returns the node paths (absolute) matching pattern, whose last
// element alone may hold wildcards ("/etc/ssh/sshd_config.d/*.conf").
func (n *Node) Glob(pattern string) ([]string, error) {
	dir, base := path.Split(path.Clean("/" + pattern))
	if _, err := path.Match(base, ""); err != nil {
		return nil, fmt.Errorf("glob %q: %w", pattern, err)
	}
	entries, err := n.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if ok, _ := path.Match(base, e.Name()); ok {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// Now is the day checks compare dates with (end-of-life tables): the one
// [Node.SetNow] gave, else the current time.
func (n *Node) Now() time.Time {
	if n.now.IsZero() {
		return time.Now()
	}
	return n.now
}

// SetNow fixes the day checks compare dates with; ScanNode sets it from
// [Options.Now].
func (n *Node) SetNow(t time.Time) { n.now = t }

// StopWhen makes every later [Node.Walk] end as soon as stop returns an
// error, such as a scan context's Err: checks run without a context, and
// a root filesystem can be large. ScanNode sets it.
func (n *Node) StopWhen(stop func() error) { n.stop = stop }

// Walk calls fn for every file under the directory p, with absolute node
// paths. Only p itself is resolved through symbolic links: below it, a
// link is passed to fn as a link and never followed, so a link back to
// the root or out of it cannot make the walk loop or leave the root.
// Errors below p are passed to fn as fs.WalkDir does. The walk ends early,
// returning the cause, when the function given to [Node.StopWhen] reports
// an error.
func (n *Node) Walk(p string, fn func(nodePath string, d fs.DirEntry, err error) error) error {
	r, err := n.resolve(p)
	if err != nil {
		return err
	}
	base := path.Clean("/" + p)
	return fs.WalkDir(n.fsys, r, func(fp string, d fs.DirEntry, err error) error {
		if n.stop != nil {
			if err := n.stop(); err != nil {
				return err
			}
		}
		rel := fp
		if r != "." {
			rel = strings.TrimPrefix(strings.TrimPrefix(fp, r), "/")
		}
		if rel == "." {
			rel = ""
		}
		return fn(path.Join(base, rel), d, err)
	})
}

// OSRelease returns the fields of /etc/os-release (or /usr/lib/os-release),
// e.g. ID=debian, VERSION_ID=12. It is empty when neither exists.
func (n *Node) OSRelease() map[string]string {
	out := map[string]string{}
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		data, err := n.ReadFile(p, 64<<10)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.HasPrefix(line, "#") {
				continue
			}
			out[k] = strings.Trim(v, `"'`)
		}
		return out
	}
	return out
}

// UserName returns the name of uid in the node's /etc/passwd (not the
// scanning machine's), or the number when it has none.
func (n *Node) UserName(uid int) string {
	n.loadIDs()
	if s, ok := n.users[uid]; ok {
		return s
	}
	return strconv.Itoa(uid)
}

// GroupName returns the name of gid in the node's /etc/group.
func (n *Node) GroupName(gid int) string {
	n.loadIDs()
	if s, ok := n.groups[gid]; ok {
		return s
	}
	return strconv.Itoa(gid)
}

// UserID returns the uid of a user name in the node's /etc/passwd.
func (n *Node) UserID(name string) (int, bool) {
	n.loadIDs()
	id, ok := n.uids[name]
	return id, ok
}

// OwnerString renders fi's owner as "user:group" with the node's names.
func (n *Node) OwnerString(fi FileInfo) string {
	if !fi.HasOwner {
		return "unknown"
	}
	return n.UserName(fi.UID) + ":" + n.GroupName(fi.GID)
}

func (n *Node) loadIDs() {
	n.idOnce.Do(func() {
		n.users, n.uids = parseIDFile(n, "/etc/passwd")
		n.groups, _ = parseIDFile(n, "/etc/group")
		// root is uid and gid 0 on every Linux system, even one whose
		// snapshot lacks /etc/passwd.
		if _, ok := n.users[0]; !ok {
			n.users[0] = "root"
			n.uids["root"] = 0
		}
		if _, ok := n.groups[0]; !ok {
			n.groups[0] = "root"
		}
	})
}

// parseIDFile reads name:x:id lines (passwd and group share the layout of
// their first three fields). The first entry for an id wins, as in libc.
func parseIDFile(n *Node, p string) (byID map[int]string, byName map[string]int) {
	byID, byName = map[int]string{}, map[string]int{}
	data, err := n.ReadFile(p, 4<<20)
	if err != nil {
		return byID, byName
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		f := strings.SplitN(line, ":", 4)
		if len(f) < 3 || strings.HasPrefix(f[0], "#") || f[0] == "" {
			continue
		}
		id, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		if _, dup := byID[id]; !dup {
			byID[id] = f[0]
		}
		if _, dup := byName[f[0]]; !dup {
			byName[f[0]] = id
		}
	}
	return byID, byName
}

// Process is one process of the node, read from /proc/<pid>/cmdline inside
// its root filesystem.
type Process struct {
	PID int
	// Args is the command line, Args[0] being the program as started.
	Args []string
}

// Path is the node path the command line was read from.
func (p Process) Path() string { return "/proc/" + strconv.Itoa(p.PID) + "/cmdline" }

// Name is the base name of the program, e.g. "kube-apiserver".
func (p Process) Name() string {
	if len(p.Args) == 0 {
		return ""
	}
	return path.Base(p.Args[0])
}

// Processes lists the node's processes from /proc inside the root, sorted
// by PID. Kernel threads (empty command lines) are left out. A root without
// /proc (a disk snapshot) has none.
func (n *Node) Processes() ([]Process, error) {
	n.procOnce.Do(func() {
		entries, err := n.ReadDir("/proc")
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				n.procErr = fmt.Errorf("listing %s/proc: %w", n.name, err)
			}
			return
		}
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid <= 0 {
				continue
			}
			// Read /proc/<pid>/cmdline directly: /proc/<pid> of a live
			// /proc is not a link, and /proc/self is skipped above.
			data, err := source.ReadFile(n.fsys, clean("/proc/"+e.Name()+"/cmdline"), 1<<20)
			if err != nil {
				continue // the process ended, or is not ours to read
			}
			if args := ParseCmdline(data); len(args) > 0 {
				n.procs = append(n.procs, Process{PID: pid, Args: args})
			}
		}
		slices.SortFunc(n.procs, func(a, b Process) int { return a.PID - b.PID })
	})
	return n.procs, n.procErr
}

// ParseCmdline splits the contents of /proc/<pid>/cmdline: arguments end
// with NUL bytes. A process that rewrote its title into one string with
// spaces (no NUL but the last) is split on spaces.
func ParseCmdline(data []byte) []string {
	data = bytes.TrimRight(data, "\x00")
	if len(data) == 0 {
		return nil
	}
	if !bytes.Contains(data, []byte{0}) {
		return strings.Fields(string(data))
	}
	parts := strings.Split(string(data), "\x00")
	return parts
}
