package cli

import (
	"os"
	"testing"

	"github.com/fourc-dev/fourc/internal/reach"
)

// TestMain lets the test binary serve as the child process of the Go
// call-path analysis, as the fourc binary does.
func TestMain(m *testing.M) {
	reach.MaybeChild()
	os.Exit(m.Run())
}
