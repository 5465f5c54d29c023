package render

import (
	"encoding/base64"
	"path"
	"sort"
	"strings"

	"github.com/gobwas/glob"
)

// chartFiles is .Files of a chart's templates: the chart's files other
// than templates and values, with Helm's accessors. Every accessor charges
// the render's meter, since a template can call one in a loop.
type chartFiles struct {
	m     *meter
	files map[string][]byte
}

// Get returns a file's contents, or "" when there is no such file.
func (f chartFiles) Get(name string) (string, error) {
	b, err := f.GetBytes(name)
	return string(b), err
}

// GetBytes returns a file's contents as bytes.
func (f chartFiles) GetBytes(name string) ([]byte, error) {
	b := f.files[name]
	return b, f.m.charge(bytesCost(len(b)))
}

// Glob returns the files whose names match a glob pattern ("**" crosses
// directories).
func (f chartFiles) Glob(pattern string) (chartFiles, error) {
	if err := f.m.charge(int64(len(f.files)) + 1); err != nil {
		return chartFiles{m: f.m}, err
	}
	g, err := glob.Compile(pattern, '/')
	if err != nil {
		g, _ = glob.Compile("**")
	}
	out := chartFiles{m: f.m, files: map[string][]byte{}}
	for n, b := range f.files {
		if g.Match(n) {
			out.files[n] = b
		}
	}
	return out, nil
}

func (f chartFiles) names() []string {
	n := make([]string, 0, len(f.files))
	for k := range f.files {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

func (f chartFiles) size() int {
	s := 0
	for _, b := range f.files {
		s += len(b)
	}
	return s
}

// AsConfig returns the files as the data of a ConfigMap (base name to
// contents), in YAML.
func (f chartFiles) AsConfig() (string, error) {
	if err := f.m.charge(yamlCost * (bytesCost(f.size()) + int64(len(f.files)))); err != nil {
		return "", err
	}
	m := map[string]string{}
	for _, n := range f.names() {
		m[path.Base(n)] = string(f.files[n])
	}
	return toYAML(m), nil
}

// AsSecrets returns the files as the data of a Secret (base name to
// base64 contents), in YAML.
func (f chartFiles) AsSecrets() (string, error) {
	if err := f.m.charge(yamlCost * (2*bytesCost(f.size()) + int64(len(f.files)))); err != nil {
		return "", err
	}
	m := map[string]string{}
	for _, n := range f.names() {
		m[path.Base(n)] = base64.StdEncoding.EncodeToString(f.files[n])
	}
	return toYAML(m), nil
}

// Lines returns a file's lines.
func (f chartFiles) Lines(name string) ([]string, error) {
	b := f.files[name]
	if err := f.m.charge(bytesCost(len(b)) + int64(strings.Count(string(b), "\n"))); err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, nil
	}
	s := string(b)
	if s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return strings.Split(s, "\n"), nil
}
