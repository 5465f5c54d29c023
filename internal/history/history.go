// Package history finds secrets in the history of a git repository, or of
// the one folder of it that is being scanned: every line any commit added
// there, on any branch or tag, is scanned once with the secret rules, and
// each secret is attributed to the commit that introduced it, including
// secrets that later commits deleted — they stay readable by everyone with
// a clone until the history is rewritten.
//
// The package drives the system git binary rather than a Go implementation:
// `git log --all -p -U0 --relative -- .`, run in the scanned folder,
// streams every commit's diff of that folder with no context lines, so
// only added lines cross the pipe; git computes the diffs far faster than
// go-git does, and the output is parsed line by line as it arrives, never
// held whole. Merge commits show no diff (their lines were added by the
// commits they merge), so each added line is seen once. Whether a secret
// is still present is decided by scanning the file as it is at HEAD (`git
// cat-file --batch`).
//
// Findings reuse the secret rules' checks (FC-SEC-…): the location is the
// file, relative to the scanned folder as in a scan of the working tree,
// and the line the commit added, with Object "commit <sha>". Each finding
// carries its provenance as fields (the commit, whether the secret is
// still present at HEAD, and the fingerprint the same secret has in a scan
// of the working tree), so that [Merge] joins the two scans without
// reading messages.
package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/secret"
)

// ScannerName is the name used in skipped entries.
const ScannerName = "history"

const (
	// maxLine caps one diff line; the rest of a longer line is dropped.
	maxLine = 1 << 20
	// maxChunk is how many bytes of one file's added lines are scanned at
	// once; a larger addition is scanned in several chunks.
	maxChunk = 4 << 20
	// maxHeadFile caps a file read at HEAD to tell whether a secret is
	// still present.
	maxHeadFile = 32 << 20
	// commitMarker starts the header line git prints for each commit.
	commitMarker = "\x1efourc-commit "
)

// commit is the commit whose diff is being read.
type commit struct {
	sha  string
	time int64  // committer time, to keep the earliest of several introductions
	date string // author date, for the message
}

// hit is a secret found in an added line.
type hit struct {
	m      secret.Match
	path   string
	line   int
	commit commit
	seq    int
}

// Finding is a secret found in the history, with its provenance.
type Finding struct {
	finding.Finding
	// Commit is the full SHA of the commit that first added the secret.
	Commit string
	// AtHead says the secret is still in the file at HEAD.
	AtHead bool
	// TreeFingerprint is the fingerprint the secret scanner gives the same
	// secret in the same file in a scan of the working tree.
	TreeFingerprint string
}

// Merge adds the history's findings to a working-tree scan's findings. A
// secret still present at HEAD is reported once, by its history finding,
// which names the commit that introduced it: the tree finding with the
// same fingerprint is left out.
func Merge(tree []finding.Finding, hist []Finding) []finding.Finding {
	atHead := map[string]bool{}
	for _, h := range hist {
		if h.AtHead {
			atHead[h.TreeFingerprint] = true
		}
	}
	out := make([]finding.Finding, 0, len(tree)+len(hist))
	for _, t := range tree {
		if !atHead[t.Fingerprint] {
			out = append(out, t)
		}
	}
	for _, h := range hist {
		out = append(out, h.Finding)
	}
	return out
}

// Scan reads the history of the directory root, which may be the top of a
// git repository or any folder inside one, and returns a finding for each
// secret, attributed to the commit that added it. Only files under root
// are read (only files named in only, when given, as slash paths relative
// to root), and paths are reported relative to root, as a scan of the
// working tree reports them, so that [Merge] can join the two. A file git
// could not show is returned as skipped; an error means the history could
// not be read at all (no git binary, not a repository).
func Scan(ctx context.Context, root string, det *secret.Detector, only ...string) ([]Finding, []finding.Skipped, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, nil, fmt.Errorf("scanning git history needs the git binary: %w", err)
	}
	top, err := exec.CommandContext(ctx, git, "-C", root, "rev-parse", "--show-prefix").CombinedOutput()
	if err != nil {
		return nil, nil, fmt.Errorf("reading git history of %q: %s", root, firstLine(string(top)))
	}
	// prefix is root's path in the repository ("examples/shop/"), to read
	// files at HEAD.
	prefix := strings.TrimSuffix(string(top), "\n")
	// --relative limits the diffs to root and names files relative to it;
	// the pathspec limits the walk to the commits that touch root, and
	// --full-history keeps the side branches whose changes a merge
	// discarded (without it git would simplify them away).
	args := []string{"-C", root,
		"-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "log.showSignature=false",
		"log", "--all", "--full-history", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--relative",
		"--format=" + commitMarker + "%H %ct %aI", "--"}
	if len(only) == 0 {
		args = append(args, ".")
	}
	for _, o := range only {
		args = append(args, ":(literal)"+o)
	}
	cmd := exec.CommandContext(ctx, git, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("running git log in %q: %w", root, err)
	}
	hits, perr := parseLog(bufio.NewReaderSize(stdout, 64<<10), det)
	if perr != nil {
		_ = cmd.Process.Kill()
	}
	werr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return nil, nil, fmt.Errorf("reading git history of %q: %w", root, ctx.Err())
	case perr != nil:
		return nil, nil, fmt.Errorf("reading git history of %q: %w", root, perr)
	case werr != nil:
		return nil, nil, fmt.Errorf("git log in %q: %s", root, firstLine(stderr.String()))
	}
	first := earliest(hits)
	present, skipped := atHead(ctx, git, root, prefix, det, first)
	out := make([]Finding, 0, len(first))
	for _, h := range first {
		state := "removed since, but it stays in the history"
		if present[key(h)] {
			state = "still present at HEAD"
		}
		res := finding.Resource{Kind: "file", Name: h.path}
		where := fmt.Sprintf("%s, added in commit %s (%s); %s", h.path, short(h.commit.sha), h.commit.date, state)
		out = append(out, Finding{
			Finding:         det.Finding(h.m, res, finding.Location{Path: h.path, StartLine: h.line, Object: "commit " + h.commit.sha}, where),
			Commit:          h.commit.sha,
			AtHead:          present[key(h)],
			TreeFingerprint: det.Finding(h.m, res, finding.Location{Path: h.path}, h.path).Fingerprint,
		})
	}
	slices.SortFunc(out, func(a, b Finding) int { return finding.Compare(a.Finding, b.Finding) })
	return out, skipped, nil
}

// key identifies one secret in one file, whatever commit added it.
func key(h hit) string { return h.m.RuleID + "\x00" + h.m.Discriminator + "\x00" + h.path }

// earliest keeps, for each secret in each file, the commit that added it
// first (by committer time; on a tie, the one git listed last, which is the
// older in its walk).
func earliest(hits []hit) []hit {
	best := map[string]int{}
	for i, h := range hits {
		j, ok := best[key(h)]
		if !ok || h.commit.time < hits[j].commit.time || h.commit.time == hits[j].commit.time && h.seq > hits[j].seq {
			best[key(h)] = i
		}
	}
	out := make([]hit, 0, len(best))
	for _, i := range best {
		out = append(out, hits[i])
	}
	slices.SortFunc(out, func(a, b hit) int { return a.seq - b.seq })
	return out
}

// fileDiff collects the lines one commit added to one file.
type fileDiff struct {
	path  string
	buf   []byte
	lines []int // new-file line number of each line in buf
}

// parseLog reads `git log -p -U0` output and scans the added lines of each
// file of each commit.
func parseLog(r *bufio.Reader, det *secret.Detector) ([]hit, error) {
	p := &logParser{det: det}
	var lineBuf []byte
	for {
		l, err := readLine(r, &lineBuf)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if l == nil && errors.Is(err, io.EOF) {
			break
		}
		p.line(l)
		if errors.Is(err, io.EOF) {
			break
		}
	}
	p.flush()
	return p.hits, nil
}

// logParser is the state of parseLog between lines: the current commit and
// file, and how many lines of the current hunk are still to come.
type logParser struct {
	det      *secret.Detector
	hits     []hit
	cur      commit
	fd       fileDiff
	inHunk   bool
	oldLeft  int
	newLeft  int
	newLine  int
	seq      int
	skipFile bool
}

// line takes one line of the log.
func (p *logParser) line(l []byte) {
	switch {
	case p.isHunkLine(l):
		p.hunkLine(l)
	case len(l) > 0 && l[0] == '\\':
		// "\ No newline at end of file"
	case bytes.HasPrefix(l, []byte(commitMarker)):
		p.flush()
		p.inHunk = false
		p.cur = parseCommit(string(l[len(commitMarker):]))
	case bytes.HasPrefix(l, []byte("diff --git ")):
		p.flush()
		p.inHunk, p.skipFile = false, false
		p.fd.path = ""
	case bytes.HasPrefix(l, []byte("+++ ")) && !p.inHunk:
		p.fd.path = diffPath(string(l[4:]))
		p.skipFile = p.fd.path == "" || thirdParty(p.fd.path)
	case bytes.HasPrefix(l, []byte("@@ ")):
		o, n, start, ok := hunkHeader(string(l))
		p.inHunk = ok
		p.oldLeft, p.newLeft, p.newLine = o, n, start
	default:
		if p.inHunk && p.oldLeft <= 0 && p.newLeft <= 0 {
			p.inHunk = false
		}
	}
}

// isHunkLine reports whether l is an added, removed or context line the
// current hunk still expects.
func (p *logParser) isHunkLine(l []byte) bool {
	if !p.inHunk || (p.oldLeft <= 0 && p.newLeft <= 0) || len(l) == 0 {
		return false
	}
	return l[0] == '+' || l[0] == '-' || l[0] == ' '
}

// hunkLine counts one line of a hunk and keeps it when it was added to a
// file worth scanning.
func (p *logParser) hunkLine(l []byte) {
	switch l[0] {
	case '+':
		p.newLeft--
		if !p.skipFile {
			p.add(l[1:])
		}
		p.newLine++
	case '-':
		p.oldLeft--
	default:
		p.oldLeft--
		p.newLeft--
		p.newLine++
	}
}

// add appends one added line to the current file, scanning what was
// collected first when the chunk would grow past maxChunk.
func (p *logParser) add(text []byte) {
	if len(p.fd.buf)+len(text)+1 > maxChunk {
		p.flush()
	}
	p.fd.buf = append(append(p.fd.buf, text...), '\n')
	p.fd.lines = append(p.fd.lines, p.newLine)
}

// flush scans the lines collected for the current file and empties them.
func (p *logParser) flush() {
	if len(p.fd.buf) == 0 {
		return
	}
	for _, m := range p.det.ScanFile(p.fd.path, p.fd.buf) {
		line := 0
		if m.Line >= 1 && m.Line <= len(p.fd.lines) {
			line = p.fd.lines[m.Line-1]
		}
		p.seq++
		p.hits = append(p.hits, hit{m: m, path: p.fd.path, line: line, commit: p.cur, seq: p.seq})
	}
	p.fd.buf, p.fd.lines = p.fd.buf[:0], p.fd.lines[:0]
}

// readLine returns the next line without its newline, nil at the end. A
// line longer than maxLine is cut.
func readLine(r *bufio.Reader, buf *[]byte) ([]byte, error) {
	*buf = (*buf)[:0]
	for {
		part, err := r.ReadSlice('\n')
		if len(*buf)+len(part) <= maxLine {
			*buf = append(*buf, part...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			if len(*buf) == 0 {
				return nil, err
			}
			return *buf, err
		}
		return bytes.TrimSuffix(*buf, []byte("\n")), nil
	}
}

// parseCommit reads "<sha> <committer unix time> <author ISO date>".
func parseCommit(s string) commit {
	f := strings.Fields(s)
	c := commit{}
	if len(f) > 0 {
		c.sha = f[0]
	}
	if len(f) > 1 {
		c.time, _ = strconv.ParseInt(f[1], 10, 64)
	}
	if len(f) > 2 {
		c.date = f[2]
	}
	return c
}

// hunkHeader parses "@@ -a[,b] +c[,d] @@ …" into the counts of old and new
// lines and the first new line.
func hunkHeader(s string) (oldCount, newCount, newStart int, ok bool) {
	f := strings.Fields(s)
	if len(f) < 3 || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return 0, 0, 0, false
	}
	_, oc, err1 := rangeOf(f[1][1:])
	ns, nc, err2 := rangeOf(f[2][1:])
	if err1 != nil || err2 != nil {
		return 0, 0, 0, false
	}
	return oc, nc, ns, true
}

// rangeOf parses "start[,count]"; the count defaults to 1.
func rangeOf(s string) (start, count int, err error) {
	a, b, has := strings.Cut(s, ",")
	start, err = strconv.Atoi(a)
	if err != nil {
		return 0, 0, err
	}
	count = 1
	if has {
		count, err = strconv.Atoi(b)
	}
	if start < 0 || count < 0 {
		return 0, 0, errors.New("negative range")
	}
	return start, count, err
}

// diffPath returns the path of a "+++ b/path" line, unquoting it when git
// quoted it; "" for /dev/null.
func diffPath(s string) string {
	s = strings.TrimSuffix(s, "\t") // git appends a tab to names with spaces
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return ""
		}
		s = u
	}
	if s == "/dev/null" {
		return ""
	}
	return strings.TrimPrefix(s, "b/")
}

// thirdPartyFiles are lock files: hashes and URLs of dependencies, never
// credentials (the same files the working-tree secret scan passes over).
var thirdPartyFiles = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "yarn.lock": true, "pnpm-lock.yaml": true,
	"go.sum": true, "go.work.sum": true, "cargo.lock": true, "poetry.lock": true, "pipfile.lock": true,
	"uv.lock": true, "gemfile.lock": true, "composer.lock": true, "mix.lock": true, "pubspec.lock": true,
	"packages.lock.json": true, "gradle.lockfile": true, "flake.lock": true, "podfile.lock": true,
	"package.resolved": true, ".terraform.lock.hcl": true,
}

// thirdParty reports whether a path holds vendored or installed code or a
// lock file, whose secrets are not the project's.
func thirdParty(p string) bool {
	for _, d := range []string{"vendor", "node_modules", "bower_components", "site-packages"} {
		if strings.HasPrefix(p, d+"/") || strings.Contains(p, "/"+d+"/") {
			return true
		}
	}
	base := strings.ToLower(path.Base(p))
	return thirdPartyFiles[base] || strings.HasSuffix(base, ".min.js") || strings.HasSuffix(base, ".js.map")
}

// atHead reports which secrets are still in their file at HEAD, reading
// each file once through `git cat-file --batch`. Paths are relative to
// root, whose path in the repository is prefix.
func atHead(ctx context.Context, git, root, prefix string, det *secret.Detector, hits []hit) (map[string]bool, []finding.Skipped) {
	present := map[string]bool{}
	var paths []string
	for _, h := range hits {
		if !slices.Contains(paths, h.path) {
			paths = append(paths, h.path)
		}
	}
	if len(paths) == 0 {
		return present, nil
	}
	var in bytes.Buffer
	for _, p := range paths {
		in.WriteString("HEAD:" + prefix + p + "\n")
	}
	cmd := exec.CommandContext(ctx, git, "-C", root, "cat-file", "--batch")
	cmd.Stdin = &in
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return present, []finding.Skipped{{Path: root, Scanner: ScannerName, Reason: "reading HEAD: " + err.Error()}}
	}
	if err := cmd.Start(); err != nil {
		return present, []finding.Skipped{{Path: root, Scanner: ScannerName, Reason: "reading HEAD: " + err.Error()}}
	}
	defer func() {
		// cat-file exits once its input is read; killing it first spares a
		// hang when reading stopped early.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	r := bufio.NewReader(stdout)
	var skipped []finding.Skipped
	for _, p := range paths {
		header, err := r.ReadString('\n')
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: "reading the file at HEAD: " + err.Error()})
			break
		}
		f := strings.Fields(header)
		if len(f) != 3 || f[1] != "blob" {
			continue // missing at HEAD, or not a file
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			break
		}
		if size > maxHeadFile {
			if _, err := io.CopyN(io.Discard, r, size+1); err != nil {
				break
			}
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName,
				Reason: fmt.Sprintf("file at HEAD is %d bytes (limit %d): whether its secrets are still present was not checked", size, maxHeadFile)})
			continue
		}
		data := make([]byte, size+1) // the object and its trailing newline
		if _, err := io.ReadFull(r, data); err != nil {
			skipped = append(skipped, finding.Skipped{Path: p, Scanner: ScannerName, Reason: "reading the file at HEAD: " + err.Error()})
			break
		}
		for _, m := range det.ScanFile(p, data[:size]) {
			present[m.RuleID+"\x00"+m.Discriminator+"\x00"+p] = true
		}
	}
	return present, skipped
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
