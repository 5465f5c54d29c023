package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/render"
)

// helmOptions are --values and --set: values for every Helm chart a scan
// renders, on top of each chart's own values.yaml and fourc.yaml's
// kubernetes.helm entry for it.
type helmOptions struct {
	values []string
	set    []string
}

func (o *helmOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&o.values, "values", nil, "render every Helm chart of the scan with this values file on top of its own values.yaml, as helm template -f does (repeatable, a later file wins; values for one chart of many go in fourc.yaml's kubernetes.helm)")
	f.StringArrayVar(&o.set, "set", nil, "set a Helm value for every chart of the scan, as helm's --set does: a.b=c, list[0].x=1, pairs separated by commas (repeatable, applied after --values)")
}

// chartValues reads and checks the --values files and the --set
// expressions up front (a file that is missing or malformed ends the run
// before the scan), checks fourc.yaml's kubernetes.helm section (its
// values files are read from the scan root during the scan; one that is
// missing or malformed skips that chart) and returns the values of each
// chart.
func (o *helmOptions) chartValues(ctx context.Context, cfg config.Kubernetes) (render.ChartValues, error) {
	var cv render.ChartValues
	for _, name := range o.values {
		data, err := readValuesFile(ctx, name)
		if err == nil {
			err = render.ParseValuesFile(ctx, data)
		}
		if err != nil {
			return cv, usageError{Err: fmt.Errorf("--values %q: %w", name, err)}
		}
		cv.All = append(cv.All, render.Value{Name: name, Data: data})
	}
	for _, s := range o.set {
		if err := render.CheckSet(ctx, s); err != nil {
			return cv, usageError{Err: fmt.Errorf("--set %q: %w", s, err)}
		}
		cv.All = append(cv.All, render.Value{Set: s})
	}
	dirs := make([]string, 0, len(cfg.Helm))
	for dir := range cfg.Helm {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		c := cfg.Helm[dir]
		key := path.Clean(dir)
		if !localPath(key) {
			return cv, fmt.Errorf("config kubernetes.helm %q: not a chart directory inside the scan root", dir)
		}
		var vals []render.Value
		for _, f := range c.Values {
			if !localPath(path.Clean(f)) {
				return cv, fmt.Errorf("config kubernetes.helm %q: values file %q is not inside the scan root", dir, f)
			}
			vals = append(vals, render.Value{File: path.Clean(f)})
		}
		for _, s := range c.Set {
			if err := render.CheckSet(ctx, s); err != nil {
				return cv, fmt.Errorf("config kubernetes.helm %q: set %q: %w", dir, s, err)
			}
			vals = append(vals, render.Value{Set: s})
		}
		if cv.PerChart == nil {
			cv.PerChart = map[string][]render.Value{}
		}
		cv.PerChart[key] = append(cv.PerChart[key], vals...)
	}
	return cv, nil
}

// localPath reports whether a cleaned slash path stays inside the root.
func localPath(p string) bool {
	return p != ".." && !path.IsAbs(p) && (len(p) < 3 || p[:3] != "../")
}

// readValuesFile reads a values file named on the command line (anywhere
// the user may read), refusing more than limits.FileBytes.
func readValuesFile(ctx context.Context, name string) ([]byte, error) {
	f, err := os.Open(name)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, pe.Err // the caller names the file
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() && st.Mode()&os.ModeNamedPipe == 0 {
		return nil, fmt.Errorf("not a regular file")
	}
	max := limits.From(ctx).FileBytes
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, limits.Exceeded("values file size", limits.Bytes(max))
	}
	return data, nil
}

// unusedCharts returns a notice for each chart directory of fourc.yaml's
// kubernetes.helm that holds no Chart.yaml under the scan root: its
// values were given to nothing (a typo, or a config written for another
// scan root).
func unusedCharts(root string, cv render.ChartValues) []string {
	var out []string
	for dir := range cv.PerChart {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(dir), "Chart.yaml")); err != nil {
			out = append(out, fmt.Sprintf("config kubernetes.helm %q: no Chart.yaml there under the scan root, so its values were not used", dir))
		}
	}
	sort.Strings(out)
	return out
}
