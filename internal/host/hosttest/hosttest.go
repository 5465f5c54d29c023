// Package hosttest builds node root filesystems for tests from fixture
// directories, with the file modes and owners that Git cannot store.
//
// A fixture directory is a root filesystem (etc/, var/, proc/, …) plus an
// optional file named .modes at its top, one entry a line:
//
//	# path              mode  owner  type
//	/etc/shadow         0640  0:42
//	/run/docker.sock    0666  0:0    socket
//	/var/run            0777  0:0    symlink:/run
//	/var/lib/etcd       0700  0:0    dir
//
// The path is absolute on the node; mode is octal; owner is uid:gid
// (default 0:0); type is file (the default, data from the directory or
// empty), dir, socket or symlink:TARGET. Files not named keep mode 0644
// (directories 0755) and owner 0:0.
package hosttest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/fourc-dev/fourc/internal/host"
)

// ModesFile is the name of the file of modes at a fixture's top.
const ModesFile = ".modes"

// FromDir reads the fixture directory dir into an in-memory filesystem.
func FromDir(dir string) (fstest.MapFS, error) {
	m := fstest.MapFS{}
	root := host.Owner{UID: 0, GID: 0}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." || rel == ModesFile {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			m[rel] = &fstest.MapFile{Mode: fs.ModeDir | 0o755, Sys: root}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		m[rel] = &fstest.MapFile{Data: data, Mode: 0o644, Sys: root}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading fixture %q: %w", dir, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ModesFile))
	if os.IsNotExist(err) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := Apply(m, string(data)); err != nil {
		return nil, fmt.Errorf("fixture %q: %w", dir, err)
	}
	return m, nil
}

// Apply sets modes, owners and special files on m from lines in the
// format of a .modes file.
func Apply(m fstest.MapFS, modes string) error {
	for i, line := range strings.Split(modes, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return fmt.Errorf("%s line %d: want PATH MODE [UID:GID] [TYPE]", ModesFile, i+1)
		}
		p := strings.TrimPrefix(filepath.ToSlash(filepath.Clean(f[0])), "/")
		mode, err := strconv.ParseUint(f[1], 8, 32)
		if err != nil {
			return fmt.Errorf("%s line %d: mode %q: %w", ModesFile, i+1, f[1], err)
		}
		owner := host.Owner{}
		if len(f) > 2 {
			u, g, ok := strings.Cut(f[2], ":")
			uid, err1 := strconv.Atoi(u)
			gid, err2 := strconv.Atoi(g)
			if !ok || err1 != nil || err2 != nil {
				return fmt.Errorf("%s line %d: owner %q is not UID:GID", ModesFile, i+1, f[2])
			}
			owner = host.Owner{UID: uid, GID: gid}
		}
		file := m[p]
		if file == nil {
			file = &fstest.MapFile{}
			m[p] = file
		}
		perm := fs.FileMode(mode) & (fs.ModePerm | fs.ModeSticky)
		if mode&0o4000 != 0 {
			perm |= fs.ModeSetuid
		}
		if mode&0o2000 != 0 {
			perm |= fs.ModeSetgid
		}
		if mode&0o1000 != 0 {
			perm |= fs.ModeSticky
		}
		kind := "file"
		if len(f) > 3 {
			kind = f[3]
		}
		switch {
		case kind == "file":
			file.Mode = file.Mode.Type() | perm
		case kind == "dir":
			file.Mode = fs.ModeDir | perm
		case kind == "socket":
			file.Mode = fs.ModeSocket | perm
		case strings.HasPrefix(kind, "symlink:"):
			file.Mode = fs.ModeSymlink | 0o777
			file.Data = []byte(strings.TrimPrefix(kind, "symlink:"))
		default:
			return fmt.Errorf("%s line %d: unknown type %q", ModesFile, i+1, kind)
		}
		file.Sys = owner
	}
	return nil
}

// Node returns the node of the fixture directory dir.
func Node(dir string) (*host.Node, error) {
	m, err := FromDir(dir)
	if err != nil {
		return nil, err
	}
	return host.NewNode(m, dir), nil
}
