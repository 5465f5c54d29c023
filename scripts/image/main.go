// Command image builds fourc's container image without a Docker daemon: a
// static fourc binary on an empty base with a passwd, group and CA bundle
// layer, running as the non-root user 65532, and optionally the
// vulnerability database as one more layer. Every timestamp is fixed, so
// the same inputs give the same digest.
//
//	go run ./scripts/image -push localhost:5000/fourc:dev
//	go run ./scripts/image -db ~/.cache/fourc/fourc.db -tarball fourc.tar
//
// A tarball's image is named ghcr.io/fourc-dev/fourc:VERSION, the image the
// Helm chart (deploy/helm/fourc) installs when VERSION is its appVersion:
// `-version v0.1.0 -tarball fourc.tar`, then load it into the cluster's
// nodes (docs/in-cluster.md).
package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Paths and identity inside the image.
const (
	binPath  = "/usr/local/bin/fourc"
	dbPath   = "/var/lib/fourc/fourc.db"
	caPath   = "/etc/ssl/certs/ca-certificates.crt"
	nonroot  = 65532
	srcRepo  = "https://github.com/fourc-dev/fourc"
	imageEnv = "PATH=/usr/local/bin:/usr/bin:/bin"
	// defaultRepo names the image when -push does not: the Helm chart's
	// image.repository.
	defaultRepo = "ghcr.io/fourc-dev/fourc"
)

// options are the inputs of one image.
type options struct {
	// Binary is the static fourc binary; DB, when set, the vulnerability
	// database added as its own layer; CABundle the CA certificates
	// (none when empty).
	Binary, DB, CABundle string
	Version, Source      string
	// Created is the time every file and the image carry.
	Created time.Time
	Arch    string
}

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	var o options
	var push, tarPath, epoch string
	var insecure bool
	fs.StringVar(&o.Binary, "binary", "", "static fourc binary (default: built with CGO_ENABLED=0 from ./cmd/fourc)")
	fs.StringVar(&o.DB, "db", "", "vulnerability database to add as an extra layer (FOURC_DB points at it)")
	fs.StringVar(&o.CABundle, "ca", caPath, "CA certificate bundle to copy into the image (empty: none)")
	fs.StringVar(&o.Version, "version", "dev", "version stamped into the binary and the image annotations")
	fs.StringVar(&o.Source, "source", srcRepo, "source repository annotation")
	fs.StringVar(&epoch, "epoch", os.Getenv("SOURCE_DATE_EPOCH"), "Unix time of every timestamp (default: SOURCE_DATE_EPOCH, else 0)")
	fs.StringVar(&push, "push", "", "push the image to this reference")
	fs.StringVar(&tarPath, "tarball", "", "write the image as a docker-archive tarball to this file")
	fs.BoolVar(&insecure, "insecure", false, "allow plain HTTP to the registry")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if push == "" && tarPath == "" {
		return errors.New("nothing to do: give -push REF or -tarball FILE")
	}
	o.Arch = "amd64"
	sec := int64(0)
	if epoch != "" {
		var err error
		if sec, err = strconv.ParseInt(epoch, 10, 64); err != nil {
			return fmt.Errorf("parsing epoch %q: %w", epoch, err)
		}
	}
	o.Created = time.Unix(sec, 0).UTC()
	if o.Binary == "" {
		dir, err := os.MkdirTemp("", "fourc-image")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.Binary = filepath.Join(dir, "fourc")
		if err := buildBinary(ctx, o.Binary, o.Version, o.Arch); err != nil {
			return err
		}
	}
	img, err := build(o)
	if err != nil {
		return err
	}
	var nopts []name.Option
	if insecure {
		nopts = append(nopts, name.Insecure)
	}
	ref, err := name.ParseReference(firstNonEmpty(push, defaultRepo+":"+o.Version), nopts...)
	if err != nil {
		return fmt.Errorf("parsing reference %q: %w", push, err)
	}
	if tarPath != "" {
		if err := tarball.WriteToFile(tarPath, ref, img); err != nil {
			return fmt.Errorf("writing %q: %w", tarPath, err)
		}
	}
	if push != "" {
		if err := remote.Write(ref, img, remote.WithContext(ctx)); err != nil {
			return fmt.Errorf("pushing %q: %w", push, err)
		}
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Println(d)
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// buildBinary compiles a static, stripped, version-stamped fourc for linux.
func buildBinary(ctx context.Context, out, version, arch string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -buildid= -X github.com/fourc-dev/fourc/internal/cli.version="+version,
		"-o", out, "github.com/fourc-dev/fourc/cmd/fourc")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building fourc: %w", err)
	}
	return nil
}

// build assembles the image: base, binary and optional database layers.
func build(o options) (v1.Image, error) {
	base, err := baseLayer(o)
	if err != nil {
		return nil, err
	}
	bin, err := fileLayer(o.Created, o.Binary, binPath, 0o755)
	if err != nil {
		return nil, err
	}
	layers := []v1.Layer{base, bin}
	env := []string{imageEnv, "SSL_CERT_FILE=" + caPath}
	if o.DB != "" {
		db, err := fileLayer(o.Created, o.DB, dbPath, 0o644)
		if err != nil {
			return nil, err
		}
		layers = append(layers, db)
		env = append(env, "FOURC_DB="+dbPath)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.AppendLayers(img, layers...)
	if err != nil {
		return nil, fmt.Errorf("adding layers: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", o.Arch
	cf.Created = v1.Time{Time: o.Created}
	cf.Config.User = fmt.Sprintf("%d:%d", nonroot, nonroot)
	cf.Config.Entrypoint = []string{binPath}
	cf.Config.Env = env
	cf.Config.WorkingDir = "/home/nonroot"
	cf.Config.Labels = annotations(o)
	// History entries carry the layer creation times, fixed as well.
	for i := range cf.History {
		cf.History[i].Created = v1.Time{Time: o.Created}
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("writing the image config: %w", err)
	}
	return mutate.Annotations(img, annotations(o)).(v1.Image), nil
}

// annotations are the OCI annotations (and config labels) of the image.
func annotations(o options) map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":   "fourc",
		"org.opencontainers.image.version": o.Version,
		"org.opencontainers.image.source":  o.Source,
		"org.opencontainers.image.created": o.Created.Format(time.RFC3339),
	}
}

// entry is one file or directory of a layer.
type entry struct {
	name string
	mode int64
	dir  bool
	data []byte
}

// baseLayer holds what a static binary expects of a system: passwd and
// group naming the non-root user, its home, a world-writable /tmp and the
// CA bundle.
func baseLayer(o options) (v1.Layer, error) {
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", nonroot, nonroot)
	group := fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", nonroot)
	es := []entry{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{name: "etc/group", mode: 0o644, data: []byte(group)},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/nonroot/", mode: 0o700, dir: true},
		{name: "root/", mode: 0o700, dir: true},
		{name: "tmp/", mode: 0o1777, dir: true},
	}
	if o.CABundle != "" {
		ca, err := os.ReadFile(o.CABundle)
		if err != nil {
			return nil, fmt.Errorf("reading CA bundle %q: %w", o.CABundle, err)
		}
		es = append(es,
			entry{name: "etc/ssl/", mode: 0o755, dir: true},
			entry{name: "etc/ssl/certs/", mode: 0o755, dir: true},
			entry{name: caPath[1:], mode: 0o644, data: ca})
	}
	return layer(o.Created, es)
}

// fileLayer puts the file src at dst (absolute) with its parent folders.
func fileLayer(created time.Time, src, dst string, mode int64) (v1.Layer, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, fmt.Errorf("reading %q: %w", src, err)
	}
	var es []entry
	rel := dst[1:]
	for d := filepath.Dir(rel); d != "."; d = filepath.Dir(d) {
		es = append([]entry{{name: d + "/", mode: 0o755, dir: true}}, es...)
	}
	return layer(created, append(es, entry{name: rel, mode: mode, data: data}))
}

// layer writes the entries as a tar owned by root with every time set to
// created; the gzip stream of the layer is deterministic as well.
func layer(created time.Time, es []entry) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: created, Format: tar.FormatPAX, Uname: "root", Gname: "root"}
		if e.name == "home/nonroot/" {
			h.Uid, h.Gid, h.Uname, h.Gname = nonroot, nonroot, "nonroot", "nonroot"
		}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("writing layer entry %q: %w", e.name, err)
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, fmt.Errorf("writing layer entry %q: %w", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
}
