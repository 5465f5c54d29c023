// Command fourc audits cloud-native systems across the four layers of
// defence in depth: Code, Container, Cluster and Cloud.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/fourc-dev/fourc/internal/cli"
	"github.com/fourc-dev/fourc/internal/reach"
)

func main() {
	// A child started for the Go call-path analysis runs it and exits.
	reach.MaybeChild()
	ctx, interrupted, stop := interrupts(os.Stderr)
	stopProfiles := profile()
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfiles()
	if c := interrupted(); c != 0 {
		code = c
	}
	stop()
	os.Exit(code)
}

// profile starts the profiles that FOURC_CPUPROFILE and FOURC_MEMPROFILE
// ask for (files for `go tool pprof`, for performance work) and returns
// what writes them at the end of the run.
func profile() func() {
	cpu, mem := os.Getenv("FOURC_CPUPROFILE"), os.Getenv("FOURC_MEMPROFILE")
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "fourc: FOURC_CPUPROFILE: %v\n", err)
		} else {
			cpuFile = f
		}
	}
	if mem != "" {
		runtime.MemProfileRate = 64 << 10
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem == "" {
			return
		}
		f, err := os.Create(mem)
		if err == nil {
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "fourc: FOURC_MEMPROFILE: %v\n", err)
		}
	}
}
