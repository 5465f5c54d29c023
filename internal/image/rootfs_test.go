package image_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/source"
)

// TestRootFSTarball reads a gzip tarball of a root file system with
// hostile names (parent directories, absolute paths, a link to the
// scanning machine's root) into a view: everything stays inside it, owners
// are kept, and a file that is not a tarball is a one-line error naming it.
func TestRootFSTarball(t *testing.T) {
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	add := func(h *tar.Header, data string) {
		h.Size = int64(len(data))
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(data))
	}
	add(&tar.Header{Name: "./etc/", Typeflag: tar.TypeDir, Mode: 0o755}, "")
	add(&tar.Header{Name: "./etc/shadow", Mode: 0o640, Uid: 0, Gid: 42}, "root:*:1::::::\n")
	add(&tar.Header{Name: "../../escape", Mode: 0o644}, "outside\n")
	add(&tar.Header{Name: "/abs/file", Mode: 0o644}, "absolute\n")
	add(&tar.Header{Name: "./host", Typeflag: tar.TypeSymlink, Linkname: "/", Mode: 0o777}, "")
	tw.Close()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	dir := t.TempDir()
	p := filepath.Join(dir, "rootfs.tar.gz")
	os.WriteFile(p, gz.Bytes(), 0o644)

	v, _, err := image.RootFS(context.Background(), p, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	data, err := source.ReadFile(v, "etc/shadow", 0)
	if err != nil || string(data) != "root:*:1::::::\n" {
		t.Errorf("etc/shadow: %q %v", data, err)
	}
	fi, err := fs.Stat(v, "etc/shadow")
	if err != nil {
		t.Fatal(err)
	}
	owner, ok := fi.Sys().(interface{ OwnerIDs() (int, int) })
	if !ok {
		t.Fatalf("Sys() %T has no OwnerIDs", fi.Sys())
	}
	if uid, gid := owner.OwnerIDs(); uid != 0 || gid != 42 {
		t.Errorf("owner %d:%d, want 0:42", uid, gid)
	}
	if _, err := fs.Stat(v, "host/etc/shadow"); err != nil {
		t.Errorf("host/ resolves inside the view: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "escape")); err == nil {
		t.Error("an entry was written outside the view")
	}

	bad := filepath.Join(dir, "notes.txt")
	os.WriteFile(bad, []byte("not a tarball at all, just some words\n"), 0o644)
	_, _, err = image.RootFS(context.Background(), bad, image.Options{})
	if err == nil || !strings.Contains(err.Error(), bad) || strings.Contains(err.Error(), "\n") {
		t.Errorf("RootFS of a text file: %v, want a one-line error naming it", err)
	}
}
