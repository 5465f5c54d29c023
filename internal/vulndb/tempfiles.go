package vulndb

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Temporary files live next to the database so that installing a new one
// is a rename. They are named recognisably and, on Unix, locked while in
// use, so that what an interrupted run (kill -9, a crash, a power cut)
// left behind can be told apart and removed by the next one.
const (
	tempDBPattern       = ".fourc-db-*.tmp"
	tempDownloadPattern = ".fourc-download-*.zip"
	// staleTempAge is how long an unlocked temporary file must have gone
	// unmodified before it counts as left over. It covers the instants
	// between creating a file and locking it.
	staleTempAge = 10 * time.Second
)

// isTempName reports whether name is one of fourc's temporary files.
func isTempName(name string) bool {
	for _, p := range []string{tempDBPattern, tempDownloadPattern} {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}

// removeStale deletes the temporary files in dir that no running fourc
// holds and that were last written more than staleTempAge before now. It
// returns the names removed; errors (a read-only directory, a file
// removed meanwhile) are ignored: cleaning up is best effort.
func removeStale(dir string, now time.Time) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), ".fourc-") || !isTempName(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil || now.Sub(fi.ModTime()) < staleTempAge {
			continue
		}
		if removeIfUnlocked(filepath.Join(dir, e.Name()), now.Sub(fi.ModTime())) {
			removed = append(removed, e.Name())
		}
	}
	return removed
}

// createTemp creates a temporary file in dir and locks it for the life of
// the returned file.
func createTemp(dir, pattern string) (*os.File, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	lockFile(f)
	return f, nil
}
