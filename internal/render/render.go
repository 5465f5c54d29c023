package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Defaults for Options' zero values.
const (
	// DefaultMaxInput caps the bytes a renderer reads from the scan root
	// for one chart or kustomization.
	DefaultMaxInput = 32 << 20
	// DefaultMaxOutput caps the bytes of rendered manifests.
	DefaultMaxOutput = 32 << 20
	// DefaultMaxFiles caps the files a renderer reads for one unit.
	DefaultMaxFiles = 5000
)

// ErrTooLarge is returned when a chart or kustomization exceeds a cap.
var ErrTooLarge = errors.New("too large")

// Options bound a render. The zero value is usable.
type Options struct {
	// MaxInput caps the bytes read; <= 0 means DefaultMaxInput.
	MaxInput int64
	// MaxOutput caps the bytes rendered; <= 0 means DefaultMaxOutput.
	MaxOutput int64
	// Values are a Helm chart's values on top of its own values.yaml, in
	// the order they apply (see MergeValues). Kustomize ignores them.
	Values []Value
}

func (o Options) maxInput() int64 {
	if o.MaxInput <= 0 {
		return DefaultMaxInput
	}
	return o.MaxInput
}

func (o Options) maxOutput() int64 {
	if o.MaxOutput <= 0 {
		return DefaultMaxOutput
	}
	return o.MaxOutput
}

// Manifest is one piece of rendered output.
type Manifest struct {
	// File is the slash-separated path, relative to the scan root, of the
	// file the manifest comes from: a chart's template or a
	// kustomization's resource.
	File string
	// Kind and Name identify the object in File before Kustomize
	// transformed it (name prefixes, patches); both are empty for Helm
	// output, which holds every document one template rendered.
	Kind, Name string
	// Data is the rendered YAML.
	Data []byte
}

// Result is a rendered chart or kustomization.
type Result struct {
	Manifests []Manifest
	// Read lists the files of the scan root the render read, so that a
	// caller does not also inspect them as plain manifests.
	Read []string
	// Skipped lists what the render left out (remote resources of a
	// kustomization, Helm charts it would inflate), each naming the
	// kustomization that refers to it.
	Skipped []Skip
	// Resources lists the local resource files of a kustomization and
	// its bases, also when the build failed: a caller may then still
	// inspect them as plain manifests.
	Resources []string
}

// KustomizationFiles are the file names that make a directory a
// kustomization.
var KustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// IsKustomization reports whether p names a kustomization file.
func IsKustomization(p string) bool {
	base := path.Base(p)
	for _, k := range KustomizationFiles {
		if base == k {
			return true
		}
	}
	return false
}

// IsChart reports whether p names a Helm chart's Chart.yaml.
func IsChart(p string) bool { return path.Base(p) == "Chart.yaml" }

// budget counts the bytes and files read for one render.
type budget struct {
	bytes, limit int64
	files        int
}

func (b *budget) read(fsys fs.FS, name string) ([]byte, error) {
	b.files++
	if b.files > DefaultMaxFiles {
		return nil, fmt.Errorf("reading %q: more than %d files: %w", name, DefaultMaxFiles, ErrTooLarge)
	}
	left := b.limit - b.bytes
	if left <= 0 {
		return nil, fmt.Errorf("reading %q: input over %d bytes: %w", name, b.limit, ErrTooLarge)
	}
	data, err := readFile(fsys, name, left)
	if err != nil {
		return nil, err
	}
	b.bytes += int64(len(data))
	return data, nil
}

// clean validates a slash path relative to the scan root.
func clean(p string) (string, error) {
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") || path.IsAbs(c) {
		return "", fmt.Errorf("path %q leaves the scan root", p)
	}
	return c, nil
}
