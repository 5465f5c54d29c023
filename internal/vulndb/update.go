package vulndb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultBaseURL is OSV's public bucket of per-ecosystem exports, laid out
// as <base>/<Ecosystem>/all.zip.
const DefaultBaseURL = "https://osv-vulnerabilities.storage.googleapis.com"

// DefaultEcosystems are the language ecosystems fourc's inventory extracts.
// With [OSEcosystems] they are what [Update] downloads unless told
// otherwise.
func DefaultEcosystems() []string {
	return []string{"Go", "npm", "PyPI", "Maven", "crates.io", "RubyGems", "Packagist", "NuGet"}
}

// OSEcosystems are the Linux distributions whose installed packages fourc
// finds in images and root filesystems, as OSV names their exports.
func OSEcosystems() []string {
	return []string{"Debian", "Ubuntu", "Alpine", "Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "Wolfi", "Chainguard"}
}

// UpdateOptions tune [Update].
type UpdateOptions struct {
	// BaseURL is where <Ecosystem>/all.zip files are served; empty means
	// DefaultBaseURL.
	BaseURL string
	// Ecosystems to download. Empty means DefaultEcosystems and
	// OSEcosystems, plus any other the current database was downloaded
	// with.
	Ecosystems []string
	// Progress, when set, is called as bytes arrive with the bytes done and
	// the total expected so far (the sum of the Content-Length of every
	// download started; -1 while a server sends no length).
	Progress func(done, total int64)
	// Client is the HTTP client; nil means a client with no overall timeout
	// (StallTimeout and ctx bound the download instead).
	Client *http.Client
	// StallTimeout aborts a download that receives no bytes for this long;
	// zero means one minute.
	StallTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Update downloads the OSV exports of the chosen ecosystems and rebuilds the
// database at path with them, keeping records from other sources (imports,
// ecosystems not named). Everything is downloaded and checked before the
// new file replaces the old one: a failed, corrupt or interrupted update
// leaves the previous database as it was.
func Update(ctx context.Context, path string, opts UpdateOptions) (Status, error) {
	base := strings.TrimRight(cmpOr(opts.BaseURL, DefaultBaseURL), "/")
	client := opts.Client
	if client == nil {
		client = &http.Client{}
	}
	stall := opts.StallTimeout
	if stall <= 0 {
		stall = time.Minute
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	ecos := opts.Ecosystems
	if len(ecos) == 0 {
		ecos = currentEcosystems(path)
	}
	for _, e := range ecos {
		if e == "" || e == "." || e == ".." || strings.ContainsAny(e, "/\\") {
			return Status{}, fmt.Errorf("updating vulnerability database: invalid ecosystem %q", e)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return Status{}, fmt.Errorf("updating vulnerability database: %w", err)
	}

	removeStale(filepath.Dir(path), time.Now())

	p := &progress{fn: opts.Progress}
	zips := make([]string, 0, len(ecos))
	var held []*os.File // open and locked until the build is done
	defer func() {
		for _, f := range held {
			f.Close()
		}
		for _, z := range zips {
			os.Remove(z)
		}
	}()
	// Without named ecosystems, one the server does not export (a mirror
	// of some ecosystems only) is left as it was rather than failing all.
	defaulted := len(opts.Ecosystems) == 0
	var got, unavailable []string
	var fetched []time.Time
	for _, eco := range ecos {
		u := base + "/" + url.PathEscape(eco) + "/all.zip"
		z, f, err := download(ctx, client, u, filepath.Dir(path), stall, p)
		if f != nil {
			zips = append(zips, z)
			held = append(held, f)
		}
		if errors.Is(err, errNotExported) && defaulted {
			unavailable = append(unavailable, eco)
			continue
		}
		if err != nil {
			return Status{}, fmt.Errorf("downloading %q: %w", u, err)
		}
		got = append(got, eco)
		fetched = append(fetched, now().UTC())
	}
	st, err := build(ctx, path, now(), got, func(b *builder) error {
		for i, eco := range got {
			b.sources[eco] = Source{Name: eco, Origin: base + "/" + url.PathEscape(eco) + "/all.zip", FetchedAt: fetched[i]}
			if err := b.addZip(ctx, eco, zips[i]); err != nil {
				return err
			}
		}
		if b.added == 0 {
			return errors.New("the downloads hold no OSV records")
		}
		return nil
	})
	if err != nil {
		return Status{}, fmt.Errorf("updating vulnerability database: %w", err)
	}
	st.Unavailable = unavailable
	return st, nil
}

// errNotExported is a 404 for an ecosystem's export.
var errNotExported = errors.New("no such export")

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// currentEcosystems lists the default ecosystems and those the database at
// path was downloaded with, in that order.
func currentEcosystems(path string) []string {
	ecos := append(DefaultEcosystems(), OSEcosystems()...)
	db, err := Open(path)
	if err != nil {
		return ecos
	}
	defer db.Close()
	var more []string
	for _, s := range db.Status().Sources {
		if !strings.HasPrefix(s.Name, "import ") && !slices.Contains(ecos, s.Name) {
			more = append(more, s.Name)
		}
	}
	slices.Sort(more)
	return append(ecos, more...)
}

// progress aggregates byte counts over several downloads.
type progress struct {
	fn      func(done, total int64)
	done    int64
	total   int64
	unknown bool
}

func (p *progress) report() {
	if p.fn == nil {
		return
	}
	t := p.total
	if p.unknown {
		t = -1
	}
	p.fn(p.done, t)
}

// download fetches u into a temporary file in dir and returns its name and
// the file, still open and locked (also on error, so the caller can remove
// it). A download that receives nothing for stall is aborted.
func download(ctx context.Context, client *http.Client, u, dir string, stall time.Duration, p *progress) (string, *os.File, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	errStalled := fmt.Errorf("no data received for %s", stall)
	timer := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer timer.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", nil, causeOf(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return "", nil, fmt.Errorf("server answered %s: %w", resp.Status, errNotExported)
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("server answered %s", resp.Status)
	}
	if resp.ContentLength >= 0 {
		p.total += resp.ContentLength
	} else {
		p.unknown = true
	}
	p.report()

	f, err := createTemp(dir, tempDownloadPattern)
	if err != nil {
		return "", nil, err
	}
	name := f.Name()
	var got int64
	r := &stallReader{r: resp.Body, onRead: func(n int) {
		timer.Reset(stall)
		got += int64(n)
		p.done += int64(n)
		p.report()
	}}
	if _, err = io.Copy(f, r); err != nil {
		return name, f, causeOf(ctx, err)
	}
	if resp.ContentLength >= 0 && got != resp.ContentLength {
		return name, f, fmt.Errorf("truncated download: got %d of %d bytes", got, resp.ContentLength)
	}
	return name, f, nil
}

// causeOf prefers the reason a context was cancelled (a stall) over the
// transport's generic error.
func causeOf(ctx context.Context, err error) error {
	if c := context.Cause(ctx); c != nil && !errors.Is(c, context.Canceled) {
		return c
	}
	return err
}

type stallReader struct {
	r      io.Reader
	onRead func(int)
}

func (s *stallReader) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	if n > 0 {
		s.onRead(n)
	}
	return n, err
}
