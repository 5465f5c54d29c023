// Command image-bench scans one image with internal/image, the way `fourc
// image` does, and prints the wall time, package count and finding count
// as JSON. bench/image/run.sh uses it to pack the test image and to list
// the packages fourc found for the comparison with trivy's (profile the
// CLI itself with FOURC_CPUPROFILE / FOURC_MEMPROFILE).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
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
	trivy := flag.String("compare-trivy", "", "instead of scanning, compare the package list REF (from -packages) with this trivy JSON report")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: image-bench [-db FILE] [-insecure] REF")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *trivy != "" {
		if err := compare(flag.Arg(0), *trivy); err != nil {
			fmt.Fprintln(os.Stderr, "image-bench:", err)
			os.Exit(2)
		}
		return
	}
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

// compare prints how the package list of fourc (lines "name version")
// and the packages of a trivy JSON report differ.
func compare(fourcList, trivyJSON string) error {
	data, err := os.ReadFile(fourcList)
	if err != nil {
		return err
	}
	ours := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line != "" {
			ours[line] = true
		}
	}
	raw, err := os.ReadFile(trivyJSON)
	if err != nil {
		return err
	}
	var rep struct {
		Results []struct {
			Packages []struct {
				Name, Version, Release string
				Epoch                  int
			}
		}
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		return fmt.Errorf("parsing %s: %w", trivyJSON, err)
	}
	theirs := map[string]bool{}
	for _, r := range rep.Results {
		for _, p := range r.Packages {
			v := p.Version
			if p.Release != "" {
				v += "-" + p.Release
			}
			if p.Epoch > 0 {
				v = fmt.Sprintf("%d:%s", p.Epoch, v)
			}
			theirs[p.Name+" "+v] = true
		}
	}
	var onlyOurs, onlyTheirs []string
	for k := range ours {
		if !theirs[k] {
			onlyOurs = append(onlyOurs, k)
		}
	}
	for k := range theirs {
		if !ours[k] {
			onlyTheirs = append(onlyTheirs, k)
		}
	}
	slices.Sort(onlyOurs)
	slices.Sort(onlyTheirs)
	fmt.Printf("packages: fourc %d, trivy %d, in both %d\n", len(ours), len(theirs), len(ours)-len(onlyOurs))
	for _, k := range onlyOurs {
		fmt.Printf("  only fourc: %s\n", k)
	}
	for _, k := range onlyTheirs {
		fmt.Printf("  only trivy: %s\n", k)
	}
	return nil
}
