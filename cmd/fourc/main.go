// Command fourc audits cloud-native systems across the four layers of
// defence in depth: Code, Container, Cluster and Cloud.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/fourc-dev/fourc/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
