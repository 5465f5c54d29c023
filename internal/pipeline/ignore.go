package pipeline

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/ignore"
)

// maxIgnoreFile bounds the repository's ignore file: real ones are a few
// KiB.
const maxIgnoreFile = 4 << 20

// ignoreLoad is the ignore file of a run and what loading it had to say.
type ignoreLoad struct {
	file    *ignore.File
	notices []string
	skipped []finding.Skipped
}

// loadIgnore reads the ignore file of a run. One the user named on the
// command line is the user's: any problem with it is a usage error. One
// named in fourc.yaml, or the default one at the scan root, belongs to the
// scanned repository: a malformed one is reported as skipped and the scan
// goes on without it, and under the strict policy its wildcard IDs are
// refused. Only a default file that does not exist counts as "no ignore
// file": one that cannot be read is an error.
func loadIgnore(o Options, root string) (ignoreLoad, error) {
	switch o.IgnorePolicy {
	case "", "default", "strict":
	default:
		return ignoreLoad{}, UsageError{fmt.Errorf("--ignore-policy: unknown policy %q (want default or strict)", o.IgnorePolicy)}
	}
	if o.UserIgnoreFile {
		f, err := ignore.Load(o.IgnoreFile)
		if err != nil {
			return ignoreLoad{}, UsageError{err}
		}
		return ignoreLoad{file: f}, nil
	}
	name := o.IgnoreFile
	if name == "" {
		name = filepath.Join(root, ignore.DefaultFile)
	}
	data, err := readRepoFile(name)
	if errors.Is(err, fs.ErrNotExist) && o.IgnoreFile == "" {
		return ignoreLoad{}, nil
	}
	if errors.Is(err, errNotRegularFile) || errors.Is(err, errTooLarge) {
		return ignoreLoad{skipped: []finding.Skipped{{Path: name, Scanner: "ignore", Reason: "ignore file not applied: " + err.Error()}}}, nil
	}
	if err != nil {
		return ignoreLoad{}, fmt.Errorf("reading ignore file %q: %w", name, err)
	}
	f, err := ignore.Parse(name, data)
	if err != nil {
		return ignoreLoad{skipped: []finding.Skipped{{Path: name, Scanner: "ignore", Reason: "ignore file not applied: " + oneLine(err)}}}, nil
	}
	l := ignoreLoad{file: f}
	if o.IgnorePolicy == "strict" {
		l.notices = f.Strict()
	}
	return l, nil
}

var (
	errNotRegularFile = errors.New("not a regular file")
	errTooLarge       = errors.New("too large")
)

// readRepoFile reads a small file of the scanned repository without
// following a final symlink and without opening a FIFO or device. Any
// error but "does not exist" (a permission error, a path through a
// non-directory) is returned as it is, never taken for a missing file.
func readRepoFile(name string) ([]byte, error) {
	st, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w (%s)", errNotRegularFile, st.Mode().Type())
	}
	if st.Size() > maxIgnoreFile {
		return nil, fmt.Errorf("%w: %d bytes", errTooLarge, st.Size())
	}
	f, err := os.OpenFile(name, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxIgnoreFile))
}

// oneLine keeps an error to one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}
