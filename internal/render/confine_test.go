package render

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/source"
)

const privileged = "apiVersion: v1\nkind: Pod\nmetadata: {name: outside}\nspec:\n  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n"

// tree writes files (path → contents; "fifo" makes a FIFO, "-> target" a
// symbolic link) under a new scan root, next to a directory outside it
// holding a pod, and returns the root.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	root := filepath.Join(base, "root")
	for _, d := range []string{outside, root} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"pod.yaml", "values.yaml", "cm.txt"} {
		if err := os.WriteFile(filepath.Join(outside, n), []byte(privileged), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "kustomization.yaml"), []byte(kust+"resources: [pod.yaml]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case data == "fifo":
			err = syscall.Mkfifo(p, 0o644)
		case strings.HasPrefix(data, "-> "):
			err = os.Symlink(strings.ReplaceAll(strings.TrimPrefix(data, "-> "), "OUTSIDE", outside), p)
		default:
			err = os.WriteFile(p, []byte(data), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestConfined checks every loader against a symbolic link to a directory
// outside the scan root and against a FIFO, through both a confined scan
// root and os.DirFS: nothing outside may be read, nothing may block.
func TestConfined(t *testing.T) {
	chart := "apiVersion: v2\nname: c\nversion: 0.1.0\n"
	tests := map[string]struct {
		files map[string]string
		helm  bool
		dir   string
	}{
		"kustomize resource through a linked directory": {
			files: map[string]string{"k/kustomization.yaml": kust + "resources: [ext/pod.yaml]\n", "k/ext": "-> OUTSIDE"},
			dir:   "k",
		},
		"kustomize base through a linked directory": {
			files: map[string]string{"k/kustomization.yaml": kust + "resources: [ext]\n", "k/ext": "-> OUTSIDE"},
			dir:   "k",
		},
		"kustomize resource FIFO": {
			files: map[string]string{"k/kustomization.yaml": kust + "resources: [pipe.yaml]\n", "k/pipe.yaml": "fifo"},
			dir:   "k",
		},
		"kustomization FIFO": {
			files: map[string]string{"k/kustomization.yaml": "fifo"},
			dir:   "k",
		},
		"kustomize generator file through a linked directory": {
			files: map[string]string{"k/kustomization.yaml": kust + "configMapGenerator:\n  - name: c\n    files: [ext/cm.txt]\n", "k/ext": "-> OUTSIDE"},
			dir:   "k",
		},
		"kustomize generator FIFO": {
			files: map[string]string{"k/kustomization.yaml": kust + "configMapGenerator:\n  - name: c\n    files: [pipe]\n", "k/pipe": "fifo"},
			dir:   "k",
		},
		"kustomize patch through a linked directory": {
			files: map[string]string{"k/kustomization.yaml": kust + "resources: [pod.yaml]\npatches:\n  - path: ext/pod.yaml\n", "k/pod.yaml": pod, "k/ext": "-> OUTSIDE"},
			dir:   "k",
		},
		"helm templates through a linked directory": {
			files: map[string]string{"c/Chart.yaml": chart, "c/templates": "-> OUTSIDE"},
			helm:  true,
			dir:   "c",
		},
		"helm template linked outside": {
			files: map[string]string{"c/Chart.yaml": chart, "c/templates/pod.yaml": "-> OUTSIDE/pod.yaml"},
			helm:  true,
			dir:   "c",
		},
		"helm values linked outside": {
			files: map[string]string{"c/Chart.yaml": chart, "c/values.yaml": "-> OUTSIDE/values.yaml", "c/templates/a.yaml": "{{ toYaml .Values }}"},
			helm:  true,
			dir:   "c",
		},
		"helm values FIFO": {
			files: map[string]string{"c/Chart.yaml": chart, "c/values.yaml": "fifo"},
			helm:  true,
			dir:   "c",
		},
	}
	for name, tt := range tests {
		root := tree(t, tt.files)
		sr, err := source.OpenRoot(root)
		if err != nil {
			t.Fatal(err)
		}
		defer sr.Close()
		for fsName, fsys := range map[string]fs.FS{"confined": sr.FS(), "DirFS": os.DirFS(root)} {
			t.Run(name+"/"+fsName, func(t *testing.T) {
				done := make(chan struct{})
				var (
					res Result
					err error
				)
				go func() {
					defer close(done)
					if tt.helm {
						res, err = Helm(context.Background(), fsys, tt.dir, Options{})
					} else {
						res, err = Kustomize(context.Background(), fsys, tt.dir, Options{})
					}
				}()
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatal("render blocked")
				}
				for _, m := range res.Manifests {
					if strings.Contains(string(m.Data), "outside") || strings.Contains(string(m.Data), "privileged") {
						t.Errorf("read outside the scan root: %s\n%s", m.File, m.Data)
					}
				}
				if err == nil {
					t.Fatalf("no error; manifests %+v", res.Manifests)
				}
				if !errors.Is(err, source.ErrNotRegular) && !strings.Contains(err.Error(), "scan root") && !strings.Contains(err.Error(), "regular") && !strings.Contains(err.Error(), "not a directory") {
					t.Errorf("err = %v, want a refusal of the special file or the link", err)
				}
			})
		}
	}
}
