package image

import (
	"fmt"
	"io"
	"os"
)

// spool holds the content of large kept files (Go binaries, big package
// databases) on disk instead of in memory: an unlinked temporary file,
// appended to while the layers stream and read back through section
// readers. Memory stays bounded whatever the files' sizes.
type spool struct {
	f    *os.File
	size int64
}

// add appends the n bytes of head followed by rest and returns the offset
// where they start. A short stream is an error, and the spool is rolled
// back.
func (s *spool) add(head []byte, rest io.Reader, n int64) (int64, error) {
	if s.f == nil {
		f, err := os.CreateTemp("", "fourc-layer-*")
		if err != nil {
			return 0, fmt.Errorf("creating spool file: %w", err)
		}
		os.Remove(f.Name()) // unlinked: the bytes go when the file is closed
		s.f = f
	}
	off := s.size
	w := io.NewOffsetWriter(s.f, off)
	if _, err := w.Write(head); err != nil {
		return 0, s.rollback(off, err)
	}
	if m, err := io.CopyN(w, rest, n-int64(len(head))); err != nil || m != n-int64(len(head)) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, s.rollback(off, err)
	}
	s.size = off + n
	return off, nil
}

// drop forgets the bytes from off on (a file that was spooled and then
// refused by its check).
func (s *spool) drop(off int64) {
	if s.f != nil && off < s.size {
		s.size = off
		_ = s.f.Truncate(off)
	}
}

func (s *spool) rollback(off int64, err error) error {
	s.size = off
	_ = s.f.Truncate(off)
	return err
}

// section reads n bytes at off.
func (s *spool) section(off, n int64) *io.SectionReader { return io.NewSectionReader(s.f, off, n) }

// close removes the spool.
func (s *spool) close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}
