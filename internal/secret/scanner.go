package secret

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/source"
)

const scannerName = "secret"

// Streaming parameters: a file is read in windows of windowSize bytes, each
// sharing windowOverlap bytes with the previous one. A secret is reported by
// the window in whose middle part it starts, so every secret shorter than
// half the overlap, with up to half the overlap of context before it, is
// seen whole exactly once.
const (
	windowSize    = 1 << 20
	windowOverlap = 16 << 10
)

// Scanner finds secrets in the files of a tree. It implements
// engine.Scanner and is safe for concurrent use.
type Scanner struct {
	det        *Detector
	window     int
	overlap    int
	bufs       sync.Pool // *fileScratch
	reported   sync.Once // the Gitleaks rules that could not be used
	skipDirs   []string
	skipExts   map[string]bool
	skipFiles  map[string]bool
	skipSuffix []string
}

// fileScratch is the memory one file scan needs; it is pooled per Scanner.
type fileScratch struct {
	buf []byte
	st  *scratch
	ms  []Match // the matches of one window
}

// NewScanner builds a scanner over the rules opts selects.
func NewScanner(opts Options) (*Scanner, error) {
	d, err := NewDetector(opts)
	if err != nil {
		return nil, err
	}
	return newScanner(d, windowSize, windowOverlap), nil
}

func newScanner(d *Detector, window, overlap int) *Scanner {
	return &Scanner{
		det:     d,
		window:  window,
		overlap: overlap,
		// Third-party trees: their secrets are not yours to rotate, and they
		// are large.
		skipDirs: []string{"vendor", "node_modules", "bower_components", "site-packages", "__pycache__"},
		skipExts: setOf(
			// images
			".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".icns", ".tif", ".tiff", ".webp", ".svg", ".psd", ".heic",
			// archives and packages
			".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".jar", ".war", ".ear", ".whl",
			".deb", ".rpm", ".apk", ".dmg", ".iso", ".nupkg", ".gem",
			// fonts
			".ttf", ".otf", ".woff", ".woff2", ".eot",
			// media and documents that are binary
			".mp3", ".mp4", ".wav", ".ogg", ".flac", ".avi", ".mov", ".webm", ".pdf",
			// compiled objects
			".exe", ".dll", ".so", ".dylib", ".a", ".o", ".obj", ".class", ".pyc", ".pyo", ".wasm", ".bin",
		),
		skipFiles: setOf(
			// lock files: hashes and URLs of dependencies, never credentials
			"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb",
			"go.sum", "go.work.sum", "cargo.lock", "poetry.lock", "pipfile.lock", "uv.lock", "pdm.lock",
			"gemfile.lock", "composer.lock", "mix.lock", "pubspec.lock", "packages.lock.json",
			"gradle.lockfile", "flake.lock", "podfile.lock", "package.resolved", ".terraform.lock.hcl",
		),
		skipSuffix: []string{".min.js", ".min.css", ".js.map", ".css.map"},
	}
}

func setOf(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// Name returns "secret".
func (s *Scanner) Name() string { return scannerName }

// Detector returns the scanner's compiled rule set, for use on bytes that
// do not come from files (a Dockerfile ENV value, an image layer).
func (s *Scanner) Detector() *Detector { return s.det }

// Wants drops, by path alone, files that cannot hold a secret of yours:
// vendored and installed dependencies, lock files, minified bundles, and
// images, archives, fonts and compiled objects by extension. A file a
// Gitleaks path rule names is always wanted.
func (s *Scanner) Wants(p string) bool {
	if s.det.wantsPath(p) {
		return true
	}
	if s.det.allowedPath(p) {
		return false
	}
	for _, d := range s.skipDirs {
		if strings.HasPrefix(p, d+"/") || strings.Contains(p, "/"+d+"/") {
			return false
		}
	}
	base := strings.ToLower(path.Base(p))
	if s.skipFiles[base] || s.skipExts[path.Ext(base)] {
		return false
	}
	for _, suf := range s.skipSuffix {
		if strings.HasSuffix(base, suf) {
			return false
		}
	}
	return true
}

// Describe implements engine.Describer.
func (s *Scanner) Describe(unit string) string { return "searching " + unit + " for secrets" }

// Scan reads each file in overlapping windows and reports every secret as
// a finding on the file, up to limits.FindingsPerFile per file: the rest are
// counted and reported as one skipped entry ("N more in this file"), so a
// file of a million tokens costs no more memory than a file of a hundred.
// Each file gets limits.PerInput of wall-clock time; a file that takes
// longer keeps the findings of the part read and is skipped with a budget
// reason. Files of any size are streamed (memory is one window), never read
// whole, except Kubernetes Secret and ConfigMap manifests of at most
// limits.FileBytes, whose base64 and escaped values are also decoded and
// scanned (see manifest.go). Binary files are passed over silently; a file
// that cannot be read is skipped with the reason. The first call also returns, as skipped, the
// Gitleaks rules that could not be used (see [Detector.Skipped]).
func (s *Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string) ([]finding.Finding, []finding.Skipped) {
	var (
		out     []finding.Finding
		skipped []finding.Skipped
	)
	// Rules of a Gitleaks config that could not be used go into the first
	// scan's skipped list, so that they reach the report once.
	s.reported.Do(func() { skipped = append(skipped, s.det.Skipped()...) })
	fsc, _ := s.bufs.Get().(*fileScratch)
	if fsc == nil {
		fsc = &fileScratch{buf: make([]byte, s.window), st: s.det.newScratch()}
	}
	defer s.bufs.Put(fsc)
	lim := limits.From(ctx)
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		res := finding.Resource{Kind: "file", Name: p}
		for _, m := range s.det.matchPath(p) {
			out = append(out, s.det.Finding(m, res, finding.Location{Path: p}, p))
		}
		kept, more := 0, 0
		fctx, cancel := context.WithTimeout(ctx, lim.PerInput)
		// seen holds the rule and secret of the text pass's reported
		// matches, for files the manifest pass may read again: bounded by
		// the findings cap, so that a file of a million secrets costs no
		// memory for them.
		var seen map[string]bool
		if manifestExt(p) {
			seen = map[string]bool{}
		}
		err := s.scanFile(fctx, fsys, p, fsc, func(m Match) {
			if kept >= lim.FindingsPerFile {
				more++
				return
			}
			if seen != nil {
				seen[m.RuleID+"\x00"+m.Discriminator] = true
			}
			kept++
			out = append(out, s.det.Finding(m, res, finding.Location{Path: p, StartLine: m.Line}, p))
		})
		timedOut := fctx.Err() != nil && ctx.Err() == nil
		cancel()
		if seen != nil && err == nil && !timedOut && ctx.Err() == nil {
			// The manifest pass: Secret and ConfigMap values the text
			// cannot show as written (base64, escapes), at the key's line.
			for _, mv := range readManifest(fsys, p, lim.FileBytes) {
				for _, m := range s.det.ScanFile(p, mv.Data) {
					if seen[m.RuleID+"\x00"+m.Discriminator] {
						continue // also in the text as written
					}
					seen[m.RuleID+"\x00"+m.Discriminator] = true
					if kept >= lim.FindingsPerFile {
						more++
						continue
					}
					kept++
					out = append(out, s.det.Finding(m, res, finding.Location{Path: p, StartLine: mv.Line}, p+": "+mv.Where))
				}
			}
		}
		switch {
		case err != nil:
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: err.Error()})
		case timedOut:
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: scannerName,
				Reason: fmt.Sprintf("%v; findings of the part read are reported", limits.Exceeded("scanning", lim.PerInput))})
		}
		if more > 0 {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: scannerName, Reason: moreInFile(lim.FindingsPerFile, more, err == nil && !timedOut)})
		}
	}
	return out, skipped
}

// moreInFile is the reason of the skipped entry that counts the secrets of
// a file beyond the per-file cap; whole says whether the whole file was
// read, or only its start.
func moreInFile(limit, more int, whole bool) string {
	where := "in this file"
	if !whole {
		where = "in the part of this file read"
	}
	return fmt.Sprintf("%v: %d more %s not reported", limits.Exceeded("findings per file", limit), more, where)
}

// scanFile streams one file through the detector and hands every match to
// emit, in file order, with offsets absolute in the file. Memory is one
// window and the matches of one window, however large the file and however
// many secrets it holds. It stops, without error, when ctx is done; the
// error is a read error, after the matches found before it.
func (s *Scanner) scanFile(ctx context.Context, fsys fs.FS, p string, fsc *fileScratch, emit func(Match)) error {
	f, err := fsys.Open(p)
	if err != nil {
		return fmt.Errorf("opening %q: %w", p, unwrapPath(err))
	}
	defer f.Close()
	buf := fsc.buf[:s.window]
	n, err := io.ReadFull(f, buf)
	eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	if err != nil && !eof {
		return fmt.Errorf("reading %q: %w", p, unwrapPath(err))
	}
	if n == 0 || source.IsBinary(buf[:n]) {
		return nil
	}
	half := s.overlap / 2
	base, line := 0, 1
	for {
		lo, hi := 0, n
		if base > 0 {
			lo = half
		}
		if !eof {
			hi = n - half
		}
		fsc.ms = s.det.scan(fsc.st, buf[:n], p, lo, hi, line, fsc.ms[:0])
		for _, m := range fsc.ms {
			m.Start += base
			m.End += base
			emit(m)
		}
		clear(fsc.ms) // drop the strings of this window
		if eof || ctx.Err() != nil {
			return nil
		}
		// Slide: keep the last overlap bytes, read the rest of the window.
		keep := s.overlap
		line += bytes.Count(buf[:n-keep], []byte{'\n'})
		copy(buf, buf[n-keep:n])
		base += n - keep
		m, err := io.ReadFull(f, buf[keep:])
		n = keep + m
		eof = errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !eof {
			return fmt.Errorf("reading %q at byte %d: %w", p, base+keep, unwrapPath(err))
		}
	}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
