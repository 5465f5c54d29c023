package corpus

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fileCases() []Case {
	return []Case{
		{Name: "secrets-token-file", Owner: "secret", Write: func(tb testing.TB, dir string) Run {
			// 32 MiB of lines that each look like a credential.
			writeWith(tb, dir, "src/tokens.env", func(f *os.File) error {
				w := bufio.NewWriter(f)
				r := rand.New(rand.NewPCG(1, 2))
				const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
				line := make([]byte, 0, 64)
				for written := 0; written < 32<<20; {
					line = append(line[:0], "GITHUB_TOKEN=ghp_"...)
					for range 36 {
						line = append(line, alnum[r.IntN(len(alnum))])
					}
					line = append(line, '\n')
					n, _ := w.Write(line)
					written += n
				}
				return w.Flush()
			})
			return Run{Args: []string{"scan", "src"}}
		}},
		{Name: "package-lock-garbage", Owner: "inventory", Write: func(tb testing.TB, dir string) Run {
			r := rand.New(rand.NewPCG(3, 4))
			garbage := make([]byte, 1<<20)
			for i := range garbage {
				garbage[i] = byte(r.UintN(256))
			}
			write(tb, dir, "src/a/package-lock.json", garbage)
			write(tb, dir, "src/b/package-lock.json", []byte(strings.Repeat(`{"packages":`, 1_000_000)))
			return Run{Args: []string{"scan", "src"}, Skipped: "package-lock.json"}
		}},
		{Name: "package-lock-100k", Owner: "inventory", Write: func(tb testing.TB, dir string) Run {
			writeWith(tb, dir, "src/package-lock.json", func(f *os.File) error {
				w := bufio.NewWriter(f)
				w.WriteString(`{"name":"x","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"x","version":"1.0.0"}`)
				for i := range 100_000 {
					fmt.Fprintf(w, `,"node_modules/p%d":{"version":"1.0.%d","resolved":"https://registry.npmjs.org/p%d/-/p%d-1.0.%d.tgz"}`, i, i, i, i, i)
				}
				w.WriteString("}}\n")
				return w.Flush()
			})
			return Run{Args: []string{"scan", "src"}}
		}},
		{Name: "sbom-million-components", Owner: "sbom", Write: func(tb testing.TB, dir string) Run {
			writeWith(tb, dir, "bom.cdx.json", func(f *os.File) error {
				w := bufio.NewWriter(f)
				w.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
				for i := range 1_000_000 {
					if i > 0 {
						w.WriteByte(',')
					}
					fmt.Fprintf(w, `{"type":"library","name":"p%d","version":"1.%d","purl":"pkg:npm/p%d@1.%d"}`, i, i, i, i)
				}
				w.WriteString("]}\n")
				return w.Flush()
			})
			return Run{Args: []string{"sbom", "scan", "bom.cdx.json"}}
		}},
		{Name: "sbom-huge-purl", Owner: "sbom", Write: func(tb testing.TB, dir string) Run {
			purl := "pkg:npm/" + strings.Repeat("a", 2<<20) + "@1.0.0"
			write(tb, dir, "bom.cdx.json", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"x","version":"1","purl":"`+purl+`"}]}`))
			return Run{Args: []string{"sbom", "scan", "bom.cdx.json"}}
		}},
		{Name: "sbom-deep-components", Owner: "sbom", Write: func(tb testing.TB, dir string) Run {
			const n = 200_000
			write(tb, dir, "bom.cdx.json", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`+
				strings.Repeat(`{"type":"library","name":"x","components":[`, n)+strings.Repeat(`]}`, n)+`]}`))
			return Run{Args: []string{"sbom", "scan", "bom.cdx.json"}}
		}},
		{Name: "vulndb-garbage", Owner: "vulndb", Write: func(tb testing.TB, dir string) Run {
			r := rand.New(rand.NewPCG(5, 6))
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			write(tb, dir, "fourc.db", b)
			write(tb, dir, "src/go.mod", []byte("module x\n\ngo 1.22\n\nrequire golang.org/x/text v0.3.0\n"))
			return Run{Args: []string{"scan", "src", "--db", "fourc.db", "--offline", "--reachability=false"}}
		}},
		{Name: "yaml-alias-bomb", Owner: "kube", Write: func(tb testing.TB, dir string) Run {
			var b strings.Builder
			// A kind the scanner inspects, so that the document is expanded.
			b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\nx0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
			for i := 1; i <= 9; i++ {
				fmt.Fprintf(&b, "x%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
			}
			write(tb, dir, "src/bomb.yaml", []byte(b.String()))
			return Run{Args: []string{"scan", "src"}, Skipped: "bomb.yaml"}
		}},
		{Name: "deep-yaml-json", Owner: "kube", Write: func(tb testing.TB, dir string) Run {
			const n = 1_000_000
			write(tb, dir, "src/deep.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: "+strings.Repeat("[", n)+strings.Repeat("]", n)+"\n"))
			write(tb, dir, "src/package.json", []byte(strings.Repeat(`{"a":`, n)+"1"+strings.Repeat("}", n)))
			return Run{Args: []string{"scan", "src"}, Skipped: "deep.yaml"}
		}},
		{Name: "sparse-2g", Owner: "engine", Write: func(tb testing.TB, dir string) Run {
			for _, name := range []string{"src/big.yaml", "src/Dockerfile", "src/main.tf", "src/package-lock.json"} {
				p := filepath.Join(dir, name)
				must(tb, os.MkdirAll(filepath.Dir(p), 0o755))
				f, err := os.Create(p)
				must(tb, err)
				must(tb, f.Truncate(2<<30))
				must(tb, f.Close())
			}
			return Run{Args: []string{"scan", "src"}, Skipped: "big.yaml"}
		}},
	}
}
