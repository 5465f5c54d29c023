package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/image/imagetest"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

// starterDB builds a database from the real Go OSV records of the module
// `fourc db import --starter` imports, as the CLI gate test does.
func starterDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fourc.db")
	if _, err := vulndb.ImportStarter(context.Background(), path, time.Now); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImage builds fourc's image twice (same digest), pushes it to a real
// registry, checks its user, entrypoint, annotations and layers, and has
// fourc scan its own image with --fail-on high.
func TestImage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bin := filepath.Join(dir, "fourc")
	if err := buildBinary(ctx, bin, "v0.0.0-imagetest", "amd64"); err != nil {
		t.Fatal(err)
	}
	db := starterDB(t)
	o := options{Binary: bin, CABundle: caPath, Version: "v0.0.0-imagetest", Source: srcRepo, Created: time.Unix(0, 0).UTC(), Arch: "amd64"}
	if _, err := os.Stat(caPath); err != nil {
		o.CABundle = "" // the image is still valid; the bundle is the host's
	}

	img, err := build(o)
	if err != nil {
		t.Fatal(err)
	}
	again, err := build(o)
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := img.Digest()
	d2, _ := again.Digest()
	if d1 != d2 {
		t.Fatalf("two builds of the same inputs differ: %s and %s", d1, d2)
	}
	// The command gives the same image (config and layers) as a
	// docker-archive.
	if o.CABundle != "" {
		tarPath := filepath.Join(dir, "fourc.tar")
		if err := run(ctx, []string{"-binary", bin, "-version", o.Version, "-epoch", "0", "-tarball", tarPath}); err != nil {
			t.Fatal(err)
		}
		fromTar, err := tarball.ImageFromPath(tarPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		// A docker-archive keeps the config and layers, not the OCI
		// manifest, so the config digest is what must agree.
		got, _ := fromTar.ConfigName()
		want, _ := img.ConfigName()
		if got != want {
			t.Errorf("image -tarball wrote config %s, want %s", got, want)
		}
	}
	withDB := o
	withDB.DB = db
	dbImg, err := build(withDB)
	if err != nil {
		t.Fatal(err)
	}

	reg := imagetest.Registry(t)
	refs := map[string]v1.Image{reg + "/fourc:test": img, reg + "/fourc:test-db": dbImg}
	for r, im := range refs {
		ref, err := name.ParseReference(r, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, im, remote.WithContext(ctx)); err != nil {
			t.Fatalf("pushing %s: %v", r, err)
		}
		pulled, err := remote.Image(ref, remote.WithContext(ctx))
		if err != nil {
			t.Fatalf("pulling %s: %v", r, err)
		}
		checkImage(t, r, pulled, strings.HasSuffix(r, "-db"))
	}

	// fourc must pass its own scan. The test registry is plain HTTP on
	// loopback, so FC-IMG-008 (registry reached without TLS) is about the
	// transport, not the image: it must be the only finding at HIGH or
	// above, and the gate must fail for it alone.
	r := reg + "/fourc:test-db"
	report := filepath.Join(dir, "report.json")
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "image", r, "--insecure", "--db", db, "--fail-on", "high", "--format", "json", "--output", report, "--quiet")
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err == nil || !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("fourc image %s --fail-on high: %v (want exit 1 for FC-IMG-008 alone)\n%s", r, err, stderr.String())
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct {
			CheckID  string           `json:"check_id"`
			Severity finding.Severity `json:"severity"`
			Message  string           `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	transport := 0
	for _, f := range rep.Findings {
		if f.Severity < finding.SeverityHigh {
			continue
		}
		if f.CheckID == "FC-IMG-008" {
			transport++
			continue
		}
		t.Errorf("fourc's own image has a %s finding: %s %s", f.Severity, f.CheckID, f.Message)
	}
	if transport != 1 {
		t.Errorf("%d FC-IMG-008 findings, want 1 (the plain-HTTP test registry)", transport)
	}
	t.Logf("%d findings in fourc's own image, none at HIGH or above but the transport one", len(rep.Findings))
}

// checkImage asserts what a pipeline relies on in the pushed image.
func checkImage(t *testing.T, ref string, img v1.Image, hasDB bool) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.User != "65532:65532" {
		t.Errorf("%s: user %q, want 65532:65532", ref, cf.Config.User)
	}
	if len(cf.Config.Entrypoint) != 1 || cf.Config.Entrypoint[0] != binPath {
		t.Errorf("%s: entrypoint %q", ref, cf.Config.Entrypoint)
	}
	if !cf.Created.Time.Equal(time.Unix(0, 0)) {
		t.Errorf("%s: created %s, want the fixed epoch", ref, cf.Created.Time)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Annotations["org.opencontainers.image.version"] != "v0.0.0-imagetest" || m.Annotations["org.opencontainers.image.source"] != srcRepo {
		t.Errorf("%s: annotations %v", ref, m.Annotations)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	want := 2
	if hasDB {
		want = 3
	}
	if len(layers) != want {
		t.Errorf("%s: %d layers, want %d", ref, len(layers), want)
	}
	env := strings.Join(cf.Config.Env, " ")
	if hasDB != strings.Contains(env, "FOURC_DB="+dbPath) {
		t.Errorf("%s: env %q (database layer %v)", ref, env, hasDB)
	}
}

// TestChartImage checks that the image a tarball names is the one the Helm
// chart installs by default: the chart's image.repository, tagged with the
// version the image is built for (the chart's appVersion by default).
func TestChartImage(t *testing.T) {
	var values struct {
		Image struct {
			Repository, Tag, Digest string
		}
	}
	var chart struct {
		AppVersion string `yaml:"appVersion"`
	}
	for file, v := range map[string]any{"values.yaml": &values, "Chart.yaml": &chart} {
		data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "helm", "fourc", file))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	if values.Image.Repository != defaultRepo {
		t.Errorf("chart image.repository %q, scripts/image names its image %q", values.Image.Repository, defaultRepo)
	}
	if values.Image.Tag != "" || values.Image.Digest != "" {
		t.Errorf("chart image tag %q digest %q: the default must be the appVersion", values.Image.Tag, values.Image.Digest)
	}
	if !strings.HasPrefix(chart.AppVersion, "v") {
		t.Errorf("appVersion %q: fourc versions (-version, git tags) start with v", chart.AppVersion)
	}
	tar := filepath.Join(t.TempDir(), "fourc.tar")
	bin := filepath.Join(t.TempDir(), "fourc")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-binary", bin, "-ca", "", "-version", chart.AppVersion, "-tarball", tar}); err != nil {
		t.Fatal(err)
	}
	m, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(tar) })
	if err != nil {
		t.Fatal(err)
	}
	want := defaultRepo + ":" + chart.AppVersion
	if len(m) != 1 || !slices.Equal(m[0].RepoTags, []string{want}) {
		t.Errorf("tarball names %+v, want %s", m, want)
	}
}
