// Package source gives scanners safe access to their inputs: bounded reads
// from an fs.FS and the small facts about files that every scanner needs.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// MaxFileSize is the default cap on a single file a scanner reads whole
// (manifests, Dockerfiles, Terraform). Larger files are skipped with a reason.
const MaxFileSize = 8 << 20

// ErrTooLarge is returned by [ReadFile] for a file over the limit.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads a whole file, refusing files larger than limit bytes
// (limit <= 0 means MaxFileSize). The error names the file.
func ReadFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxFileSize
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > limit {
		return nil, fmt.Errorf("%s: %w (%d bytes, limit %d)", name, ErrTooLarge, st.Size(), limit)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if n > limit {
		return nil, fmt.Errorf("%s: %w (over %d bytes)", name, ErrTooLarge, limit)
	}
	return buf.Bytes(), nil
}

// IsBinary reports whether data looks binary: a NUL byte in the first 8 KiB.
func IsBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8<<10)], 0) >= 0
}

// LineOf returns the 1-based line number of byte offset off in data.
func LineOf(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}
