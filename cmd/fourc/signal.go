package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

// Exit codes of an interrupted run: 128 + the signal number, as shells
// report them.
const (
	exitInterrupt = 130 // SIGINT
	exitTerminate = 143 // SIGTERM
)

// watchdogDelay is how long an interrupted run has to return by itself
// (a scanner that does not observe its context, a write in progress)
// before the process exits anyway.
const watchdogDelay = 1500 * time.Millisecond

// interrupts cancels the returned context on the first SIGINT or SIGTERM,
// saying so in one line on stderr. If the run has not returned watchdogDelay
// later, or a second signal comes, the process exits at once with the
// signal's code. code reports that code after the run returned (0 when no
// signal came); stop releases the signals.
func interrupts(stderr io.Writer) (ctx context.Context, code func() int, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got atomic.Int32
	done := make(chan struct{})
	go func() {
		var s os.Signal
		select {
		case s = <-sigs:
		case <-done:
			return
		}
		c := exitInterrupt
		if s == syscall.SIGTERM {
			c = exitTerminate
		}
		got.Store(int32(c))
		fmt.Fprintln(stderr, "fourc: interrupted")
		cancel()
		select {
		case <-sigs:
		case <-time.After(watchdogDelay):
		case <-done:
			return
		}
		os.Exit(c)
	}()
	return ctx, func() int { return int(got.Load()) }, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
