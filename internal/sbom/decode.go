package sbom

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/inventory"
	"github.com/fourc-dev/fourc/internal/limits"
)

// ScannerName names the SBOM reader in skipped entries.
const ScannerName = "sbom"

// Document is what [Decode] read from an SBOM.
type Document struct {
	Format   Format
	Packages []inventory.Package
	// Skipped says what of the SBOM was not read: components over the
	// count budget, nested deeper than the depth budget, or with a field
	// over the string budget. One entry per cause, naming the SBOM.
	Skipped []finding.Skipped
}

// ReadFile reads an SBOM file; see [Decode]. Only a regular file is read
// (a FIFO would block), and one over the run's FileBytes budget is refused.
func ReadFile(ctx context.Context, path string) (*Document, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("reading SBOM %q: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading SBOM %q: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("reading SBOM %q: not a regular file (%s)", path, st.Mode().Type())
	}
	lim := limits.From(ctx)
	if st.Size() > lim.FileBytes {
		return nil, fmt.Errorf("reading SBOM %q: %d bytes: %w", path, st.Size(), limits.Exceeded("SBOM size", limits.Bytes(lim.FileBytes)))
	}
	return Decode(ctx, io.LimitReader(f, lim.FileBytes), path)
}

// Decode streams a CycloneDX or SPDX JSON SBOM and returns its packages
// that carry a package URL. name is the SBOM's file name: it becomes each
// package's location and appears in errors and skipped entries.
//
// The document is never held whole: components are decoded one at a time,
// nested CycloneDX components are walked with an explicit stack, and the
// sections fourc does not use are skipped element by element. The run's
// budgets (limits.From) cap the components read (Components), the length of
// a purl, name or version (StringBytes) and the nesting of components
// (Depth); what they cut is reported in Document.Skipped.
func Decode(ctx context.Context, r io.Reader, name string) (*Document, error) {
	d := &decoder{ctx: ctx, dec: json.NewDecoder(bufio.NewReaderSize(r, 64<<10)), name: name, lim: limits.From(ctx)}
	doc, err := d.document()
	if err != nil {
		return nil, fmt.Errorf("reading SBOM %q: %w", name, err)
	}
	return doc, nil
}

type decoder struct {
	ctx  context.Context
	dec  *json.Decoder
	name string
	lim  limits.Limits

	cdx, spdx packageList
	// count is the components read so far; stopped is set once it passes
	// the budget.
	count   int
	stopped bool
	// Components not read, by cause.
	deep, long int
}

func (d *decoder) document() (*Document, error) {
	if err := d.delim('{'); err != nil {
		return nil, err
	}
	var bomFormat, spdxVersion string
	var sawCDX, sawSPDX bool
	for !d.stopped && d.dec.More() {
		key, err := d.key()
		if err != nil {
			return nil, err
		}
		switch key {
		case "bomFormat":
			bomFormat, err = d.str()
		case "spdxVersion":
			spdxVersion, err = d.str()
		case "components":
			sawCDX = true
			err = d.components()
		case "packages":
			sawSPDX = true
			err = d.spdxPackages()
		default:
			err = d.skip()
		}
		if err != nil {
			return nil, err
		}
	}
	if !d.stopped {
		if err := d.delim('}'); err != nil {
			return nil, err
		}
		if _, err := d.dec.Token(); err != io.EOF {
			return nil, errors.New("data after the top-level object")
		}
	}
	doc := &Document{}
	switch {
	case bomFormat == "CycloneDX" || d.stopped && sawCDX && bomFormat == "" && spdxVersion == "":
		doc.Format, doc.Packages = CycloneDX, d.cdx.all()
	case strings.HasPrefix(spdxVersion, "SPDX-2.") || d.stopped && sawSPDX && bomFormat == "":
		doc.Format, doc.Packages = SPDX, d.spdx.all()
	default:
		return nil, errors.New("not CycloneDX JSON (bomFormat) nor SPDX 2 JSON (spdxVersion)")
	}
	skip := func(n int, reason string) {
		if n > 0 {
			doc.Skipped = append(doc.Skipped, finding.Skipped{Path: d.name, Scanner: ScannerName, Reason: fmt.Sprintf("%d %s", n, reason)})
		}
	}
	if d.stopped {
		doc.Skipped = append(doc.Skipped, finding.Skipped{Path: d.name, Scanner: ScannerName,
			Reason: fmt.Sprintf("components after the first %d not read: %v", d.lim.Components, limits.Exceeded("SBOM components", d.lim.Components))})
	}
	skip(d.deep, fmt.Sprintf("subtree(s) of components nested deeper than %d not read: %v", d.lim.Depth, limits.Exceeded("SBOM component depth", d.lim.Depth)))
	skip(d.long, fmt.Sprintf("component(s) with a purl, name or version over %s not read: %v", limits.Bytes(int64(d.lim.StringBytes)), limits.Exceeded("SBOM string size", limits.Bytes(int64(d.lim.StringBytes)))))
	return doc, nil
}

// component is what fourc reads of a CycloneDX component.
type component struct {
	purl, name string
	props      []property
	long       bool
}

type property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// frame is one level of the walk over nested components: an open
// components array (c nil) or a component object being read.
type frame struct {
	c     *component
	depth int
}

// components reads a CycloneDX components array and every component nested
// in it, iteratively. A component is turned into a package once its object
// is closed, since its purl may follow its nested components.
func (d *decoder) components() error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return errors.New("components is not an array")
	}
	stack := []frame{{depth: 0}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.c == nil { // in an array
			if !d.dec.More() {
				if err := d.delim(']'); err != nil {
					return err
				}
				stack = stack[:len(stack)-1]
				continue
			}
			if err := d.next(); err != nil {
				return err
			}
			if d.stopped {
				return nil
			}
			if err := d.delim('{'); err != nil {
				return fmt.Errorf("component: %w", err)
			}
			stack = append(stack, frame{c: &component{}, depth: top.depth})
			continue
		}
		if !d.dec.More() { // the component's object ends
			if err := d.delim('}'); err != nil {
				return err
			}
			d.emit(top.c)
			stack = stack[:len(stack)-1]
			continue
		}
		key, err := d.key()
		if err != nil {
			return err
		}
		c, depth := top.c, top.depth
		switch key {
		case "purl":
			c.purl, err = d.limitedStr(c)
		case "name":
			c.name, err = d.limitedStr(c)
		case "properties":
			err = d.dec.Decode(&c.props)
		case "components":
			if depth+1 > d.lim.Depth {
				var n int
				n, err = d.skipCounting()
				d.deep += n
				break
			}
			tok, err = d.dec.Token()
			if err == nil && tok != nil {
				if tok != json.Delim('[') {
					return errors.New("components is not an array")
				}
				stack = append(stack, frame{depth: depth + 1})
			}
		default:
			err = d.skip()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// next counts one more component and stops the reading past the budget;
// it observes the context every thousand components.
func (d *decoder) next() error {
	d.count++
	if d.count > d.lim.Components {
		d.stopped = true
		return nil
	}
	if d.count%1024 == 0 {
		return d.ctx.Err()
	}
	return nil
}

// emit turns a component into a package.
func (d *decoder) emit(c *component) {
	if c.long {
		d.long++
		return
	}
	p, ok := fromPURL(c.purl)
	if !ok {
		return
	}
	p.Name = preferDeclared(p.Name, c.name)
	p.Location = inventory.Location{Path: d.name}
	p.Source = ScannerName
	for _, prop := range c.props {
		switch prop.Name {
		case propEcosystem:
			if prop.Value != "" {
				p.Ecosystem = prop.Value
			}
		case propRelationship:
			p.Relationship = inventory.Relationship(prop.Value)
		}
	}
	d.cdx.add(p)
}

// spdxPackage is what fourc reads of an SPDX package.
type spdxPackage struct {
	Name string `json:"name"`
	Refs []struct {
		Type    string `json:"referenceType"`
		Locator string `json:"referenceLocator"`
	} `json:"externalRefs"`
}

// spdxPackages reads an SPDX packages array one package at a time.
func (d *decoder) spdxPackages() error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return errors.New("packages is not an array")
	}
	for d.dec.More() {
		if err := d.next(); err != nil {
			return err
		}
		if d.stopped {
			return nil
		}
		var sp *spdxPackage
		if err := d.dec.Decode(&sp); err != nil {
			return fmt.Errorf("package: %w", err)
		}
		if sp == nil {
			continue
		}
		if len(sp.Name) > d.lim.StringBytes {
			d.long++
			continue
		}
		for _, ref := range sp.Refs {
			if !strings.EqualFold(ref.Type, "purl") {
				continue
			}
			if len(ref.Locator) > d.lim.StringBytes {
				d.long++
				break
			}
			if p, ok := fromPURL(ref.Locator); ok {
				p.Name = preferDeclared(p.Name, sp.Name)
				p.Location = inventory.Location{Path: d.name}
				p.Source = ScannerName
				d.spdx.add(p)
				break
			}
		}
	}
	return d.delim(']')
}

// key reads an object key.
func (d *decoder) key() (string, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("unexpected %v", tok)
	}
	return k, nil
}

// delim reads the delimiter want.
func (d *decoder) delim(want json.Delim) error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("unexpected %v, want %v", tok, want)
	}
	return nil
}

// str reads a string value (null reads as "").
func (d *decoder) str() (string, error) {
	var s *string
	if err := d.dec.Decode(&s); err != nil {
		return "", err
	}
	if s == nil {
		return "", nil
	}
	return *s, nil
}

// limitedStr reads a string and marks the component when it is over the
// string budget (the string is then dropped).
func (d *decoder) limitedStr(c *component) (string, error) {
	s, err := d.str()
	if len(s) > d.lim.StringBytes {
		c.long = true
		return "", err
	}
	return s, err
}

// skip reads past a value fourc does not use, one element at a time for
// arrays and objects, so that a large section is never held whole.
func (d *decoder) skip() error {
	_, err := d.skipCounting()
	return err
}

// skipCounting skips a value and returns how many elements it had when it
// is an array (components nested too deep are counted that way).
func (d *decoder) skipCounting() (int, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return 0, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return 0, nil
	}
	var raw json.RawMessage
	n := 0
	for d.dec.More() {
		if delim == '{' {
			if _, err := d.key(); err != nil {
				return n, err
			}
		}
		if err := d.dec.Decode(&raw); err != nil {
			return n, err
		}
		n++
		if n%1024 == 0 {
			if err := d.ctx.Err(); err != nil {
				return n, err
			}
		}
	}
	_, err = d.dec.Token()
	return n, err
}

// packageList collects packages in fixed-size blocks: a slice grown by
// doubling would hold up to three times the packages while it is copied.
type packageList struct {
	blocks [][]inventory.Package
	n      int
}

const packageBlock = 4096

func (l *packageList) add(p inventory.Package) {
	if len(l.blocks) == 0 || len(l.blocks[len(l.blocks)-1]) == packageBlock {
		l.blocks = append(l.blocks, make([]inventory.Package, 0, packageBlock))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, p)
	l.n++
}

// all returns the packages in one slice, releasing the blocks as they are
// copied.
func (l *packageList) all() []inventory.Package {
	if l.n == 0 {
		return nil
	}
	out := make([]inventory.Package, 0, l.n)
	for i, b := range l.blocks {
		out = append(out, b...)
		l.blocks[i] = nil
	}
	return out
}
