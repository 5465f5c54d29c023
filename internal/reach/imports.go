package reach

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// importedPackages lists every package the module's packages import,
// directly or not, standard library included: `go list -deps`, which
// reads import clauses only and type-checks nothing, so it costs a small
// fraction of the call-path analysis.
func importedPackages(ctx context.Context, goCmd, dir string, offline bool) (map[string]bool, error) {
	cmd := exec.CommandContext(ctx, goCmd, "list", "-deps", "-e=false", "-f", "{{.ImportPath}}", "./...")
	cmd.Dir = dir
	cmd.Env = childEnviron(offline)
	ownGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	var stdout bytes.Buffer
	stderr := &capped{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, moduleError(dir, firstLines(msg, 3))
	}
	out := map[string]bool{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		out[sc.Text()] = true
	}
	return out, nil
}

// osvImports is the part of an OSV record that says which Go packages are
// vulnerable.
type osvImports struct {
	Affected []struct {
		Package struct {
			Name      string `json:"name"`
			Ecosystem string `json:"ecosystem"`
		} `json:"package"`
		EcosystemSpecific struct {
			Imports []struct {
				Path string `json:"path"`
			} `json:"imports"`
		} `json:"ecosystem_specific"`
	} `json:"affected"`
}

// mayReach reports whether the record names a vulnerable package among
// imported. A record that lists no packages for a module counts every
// package of that module.
func mayReach(record []byte, imported map[string]bool) (bool, error) {
	var r osvImports
	if err := json.Unmarshal(record, &r); err != nil {
		return false, fmt.Errorf("reading advisory: %w", err)
	}
	if len(r.Affected) == 0 {
		return false, errors.New("reading advisory: no affected packages")
	}
	for _, a := range r.Affected {
		if a.Package.Ecosystem != "Go" {
			continue
		}
		if len(a.EcosystemSpecific.Imports) == 0 {
			mod := a.Package.Name
			for p := range imported {
				if p == mod || strings.HasPrefix(p, mod+"/") {
					return true, nil
				}
			}
			continue
		}
		for _, imp := range a.EcosystemSpecific.Imports {
			if imported[imp.Path] {
				return true, nil
			}
		}
	}
	return false, nil
}
