// Command secret-bench runs fourc's secret scanner alone, through the real
// engine, over a directory and prints what it found and how long it took.
// bench/secret/run.sh uses it to compare fourc with gitleaks on equal terms
// (fourc scan also runs the Dockerfile, Kubernetes and IaC scanners).
//
//	go run ./bench/secret -dir "$(go env GOROOT)/src" [-list]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/secret"
)

func main() {
	dir := flag.String("dir", ".", "directory to scan")
	list := flag.Bool("list", false, "print every finding")
	gitleaks := flag.String("gitleaks-config", "", "also load this Gitleaks config")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *dir, *gitleaks, *list); err != nil {
		fmt.Fprintln(os.Stderr, "secret-bench:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, dir, gitleaks string, list bool) error {
	s, err := secret.NewScanner(secret.Options{GitleaksConfig: gitleaks})
	if err != nil {
		return err
	}
	res, err := engine.Run(ctx, os.DirFS(dir), []engine.Scanner{s}, engine.Options{})
	if err != nil {
		return err
	}
	byRule := map[string]int{}
	for _, f := range res.Findings {
		byRule[f.CheckID+" "+f.Title]++
		if list {
			fmt.Printf("%s\t%s\t%s\n", f.CheckID, f.Location, f.Message)
		}
	}
	rules := make([]string, 0, len(byRule))
	for r := range byRule {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		fmt.Printf("  %5d  %s\n", byRule[r], r)
	}
	fmt.Printf("files=%d scanned=%d findings=%d skipped=%d duration=%s\n",
		res.Files, res.Units, len(res.Findings), len(res.Skipped), res.Duration.Round(1e6))
	return nil
}
