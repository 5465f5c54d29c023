package vulndb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrDamaged marks a database file that is truncated, bit-flipped or
// otherwise unreadable; rebuilding it is the fix.
var ErrDamaged = errors.New("damaged vulnerability database")

// DamagedError names a damaged database, why it is considered damaged, and
// how to rebuild it. It matches [ErrDamaged] with errors.Is.
type DamagedError struct {
	Path  string
	Cause string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("vulnerability database %q is damaged (%s): run `fourc db import --starter` or `fourc db update`", e.Path, e.Cause)
}

// Is reports whether target is ErrDamaged.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// damaged builds a DamagedError with a one-line, bounded cause.
func damaged(path string, cause any) error {
	s := strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, fmt.Sprint(cause))
	if len(s) > 160 {
		s = strings.ToValidUTF8(s[:159], "") + "…"
	}
	return &DamagedError{Path: path, Cause: s}
}

// guarded runs f, turning a panic or memory fault inside the database
// library (what a corrupt page makes bbolt do) into a DamagedError. Faults
// on the memory map become panics only on the goroutine that asks, so
// every read goes through here.
func guarded(path string, f func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = damaged(path, r)
		}
	}()
	return f()
}

// bbolt's file format (go.etcd.io/bbolt/internal/common): every page starts
// with a 16-byte header; pages 0 and 1 hold a meta record each.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16
	metaSumOffset  = 56 // the checksum covers the meta bytes before it
	metaSize       = metaSumOffset + 8
	minPageSize    = 512
	maxPageSize    = 1 << 20
)

// boltMeta is the part of a meta page the guard checks.
type boltMeta struct {
	pageSize uint32
	pgid     uint64 // high-water mark: pages [0, pgid) are in use
	txid     uint64
}

// parseMeta decodes and validates the meta record of a page.
func parseMeta(page []byte) (boltMeta, error) {
	if len(page) < pageHeaderSize+metaSize {
		return boltMeta{}, errors.New("short meta page")
	}
	m := page[pageHeaderSize : pageHeaderSize+metaSize]
	le := binary.NativeEndian
	if le.Uint32(m[0:]) != boltMagic {
		return boltMeta{}, errors.New("not a bbolt file (bad magic)")
	}
	if v := le.Uint32(m[4:]); v != boltVersion {
		return boltMeta{}, fmt.Errorf("bbolt format version %d", v)
	}
	h := fnv.New64a()
	h.Write(m[:metaSumOffset])
	if h.Sum64() != le.Uint64(m[metaSumOffset:]) {
		return boltMeta{}, errors.New("meta page checksum mismatch")
	}
	bm := boltMeta{pageSize: le.Uint32(m[8:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}
	if bm.pageSize < minPageSize || bm.pageSize > maxPageSize || bm.pageSize&(bm.pageSize-1) != 0 {
		return boltMeta{}, fmt.Errorf("page size %d", bm.pageSize)
	}
	return bm, nil
}

// checkFile validates a database file before bbolt maps it: at least one
// meta page must be intact, and the file must hold every page the newest
// valid meta says is in use — a truncated file would otherwise fault when
// bbolt reads past its end.
func checkFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("opening %q: not a regular file", path)
	}
	size := fi.Size()
	buf := make([]byte, pageHeaderSize+metaSize)
	if _, err := f.ReadAt(buf, 0); err != nil {
		if errors.Is(err, io.EOF) {
			return damaged(path, fmt.Sprintf("only %d bytes", size))
		}
		return err
	}
	m0, err0 := parseMeta(buf)
	// The second meta page sits one page further; trust meta 0's page size
	// when it is intact, otherwise try the usual ones.
	sizes := []uint32{4096, 8192, 16384, 65536}
	if err0 == nil {
		sizes = []uint32{m0.pageSize}
	}
	var m1 boltMeta
	err1 := errors.New("no second meta page")
	for _, ps := range sizes {
		if _, err := f.ReadAt(buf, int64(ps)); err != nil {
			continue
		}
		if m, err := parseMeta(buf); err == nil && m.pageSize == ps {
			m1, err1 = m, nil
			break
		}
	}
	var m boltMeta
	switch {
	case err0 != nil && err1 != nil:
		return damaged(path, err0)
	case err0 != nil:
		m = m1
	case err1 != nil || m0.txid >= m1.txid:
		m = m0
	default:
		m = m1
	}
	if need := int64(m.pgid) * int64(m.pageSize); m.pgid < 4 || need > size || need < 0 {
		return damaged(path, fmt.Sprintf("file is %d bytes, its pages need %d", size, int64(m.pgid)*int64(m.pageSize)))
	}
	return nil
}

// isFormatError reports whether bbolt refused the file for its content.
func isFormatError(err error) bool {
	return errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch)
}
