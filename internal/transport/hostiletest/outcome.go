package hostiletest

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Outcome is what a call against a hostile server cost.
type Outcome struct {
	Err  error
	Took time.Duration
	// Allocated counts every byte allocated during the call, garbage
	// included: an endless body read whole would allocate gigabytes.
	Allocated uint64
}

// Call runs f and measures it.
func Call(f func() error) Outcome {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return Outcome{Err: err, Took: took, Allocated: after.TotalAlloc - before.TotalAlloc}
}

// Bounded checks what every hostile-server test asserts besides the
// message itself: the call failed with a one-line error, within maxTime,
// allocating at most maxAlloc bytes.
func (o Outcome) Bounded(t testing.TB, maxTime time.Duration, maxAlloc uint64) {
	t.Helper()
	if o.Err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(o.Err.Error(), "\n") {
		t.Errorf("error spans lines: %q", o.Err)
	}
	if o.Took > maxTime {
		t.Errorf("took %v, want at most %v", o.Took, maxTime)
	}
	if o.Allocated > maxAlloc {
		t.Errorf("allocated %d MiB, want at most %d MiB", o.Allocated>>20, maxAlloc>>20)
	}
}
