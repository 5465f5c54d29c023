// Command image-bench scans one image with internal/image, the way `fourc
// image` does, and prints the wall time, package count and finding count
// as JSON. bench/image/run.sh uses it when the CLI is not wired yet.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/fourc-dev/fourc/internal/image"
	"github.com/fourc-dev/fourc/internal/vulndb"
)

func main() {
	db := flag.String("db", "", "vulnerability database (fourc vulndb file); empty: no matching")
	insecure := flag.Bool("insecure", false, "allow plain HTTP registries")
	cpu := flag.String("cpuprofile", "", "write a CPU profile")
	pkgs := flag.String("packages", "", "write the package list (name version, one a line) here")
	rootfs := flag.String("pack", "", "instead of scanning, pack this root file system tarball into a docker archive at REF")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: image-bench [-db FILE] [-insecure] REF")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *rootfs != "" {
		if err := pack(*rootfs, flag.Arg(0)); err != nil {
			fmt.Fprintln(os.Stderr, "image-bench:", err)
			os.Exit(2)
		}
		return
	}
	if err := run(ctx, flag.Arg(0), *db, *insecure, *cpu, *pkgs); err != nil {
		fmt.Fprintln(os.Stderr, "image-bench:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, ref, dbPath string, insecure bool, cpu, pkgs string) error {
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	opts := image.Options{Insecure: insecure}
	if dbPath != "" {
		db, err := vulndb.Open(dbPath)
		if err != nil {
			return err
		}
		defer db.Close()
		opts.DB = db
	}
	res, err := image.Scan(ctx, ref, opts)
	if err != nil {
		return err
	}
	if pkgs != "" {
		f, err := os.Create(pkgs)
		if err != nil {
			return err
		}
		for _, p := range res.Packages {
			fmt.Fprintf(f, "%s %s\n", p.Name, p.Version)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"seconds":  time.Since(start).Seconds(),
		"packages": len(res.Packages),
		"findings": len(res.Findings),
		"skipped":  len(res.Skipped),
		"files":    res.Files,
		"os":       res.OS.Name(),
	})
}

// pack writes a one-layer image of a root file system tarball as a docker
// archive (what `docker save` gives), tagged fourc.bench/debian:bookworm.
func pack(rootfs, out string) error {
	layer, err := tarball.LayerFromFile(rootfs)
	if err != nil {
		return err
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: layer, History: v1.History{CreatedBy: "ADD rootfs.tar /"}})
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.Cmd = []string{"bash"}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return err
	}
	tag, err := name.NewTag("fourc.bench/debian:bookworm")
	if err != nil {
		return err
	}
	return tarball.WriteToFile(out, tag, img)
}
