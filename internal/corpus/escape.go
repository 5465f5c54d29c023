package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// marker is what the files outside the scan root hold; a report that
// mentions it read outside the root.
const marker = "escapedmarker"

// outsideTree writes, in a directory outside the case, files each loader
// would be glad to read: a manifest, a Kustomize base, a Terraform module,
// requirements, a chart.
func outsideTree(tb testing.TB) string {
	out := tb.TempDir()
	pod := []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + marker + "\nspec:\n  containers:\n  - name: c\n    image: " + marker + ":latest\n    securityContext:\n      privileged: true\n")
	write(tb, out, "pod.yaml", pod)
	write(tb, out, "kustomization.yaml", []byte("resources:\n- pod.yaml\n"))
	write(tb, out, "main.tf", []byte("resource \"aws_s3_bucket\" \""+marker+"\" {\n  bucket = \""+marker+"\"\n  acl    = \"public-read\"\n}\n"))
	write(tb, out, "req.txt", []byte(marker+"==0.0.1\n"))
	write(tb, out, "chart/Chart.yaml", []byte("apiVersion: v2\nname: "+marker+"\nversion: 0.1.0\n"))
	write(tb, out, "chart/templates/pod.yaml", pod)
	write(tb, out, "secret.txt", []byte("aws_secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCY"+marker+"\"\n"))
	return out
}

func escapeCases() []Case {
	return []Case{
		{Name: "symlink-escapes", Owner: "source", Write: func(tb testing.TB, dir string) Run {
			out := outsideTree(tb)
			// A symlinked directory for each loader, and references that
			// climb out of the root.
			must(tb, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
			for _, l := range []string{"k8s", "base", "modules", "chartlink", "reqs"} {
				must(tb, os.Symlink(out, filepath.Join(dir, "src", l)))
			}
			write(tb, dir, "src/ov/kustomization.yaml", []byte("resources:\n- ../base\n- ../../"+filepath.Base(out)+"\n"))
			write(tb, dir, "src/tf/main.tf", []byte("module \"m\" {\n  source = \"../modules\"\n}\nmodule \"n\" {\n  source = \""+out+"\"\n}\n"))
			write(tb, dir, "src/requirements.txt", []byte("-r reqs/req.txt\n-r "+out+"/req.txt\n"))
			write(tb, dir, "src/chart/Chart.yaml", []byte("apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: "+marker+"\n  version: 0.1.0\n  repository: file://../chartlink/chart\n"))
			write(tb, dir, "src/chart/templates/cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: {{ .Files.Get \"../../chartlink/secret.txt\" | quote }}\n"))
			return Run{Args: []string{"scan", "src"}, Forbidden: marker, Outside: out}
		}},
		{Name: "host-symlink-loop", Owner: "host", Write: func(tb testing.TB, dir string) Run {
			root := filepath.Join(dir, "rootfs")
			write(tb, root, "etc/os-release", []byte("ID=debian\nVERSION_ID=12\n"))
			must(tb, os.Symlink("b", filepath.Join(root, "etc", "a")))
			must(tb, os.Symlink("a", filepath.Join(root, "etc", "b")))
			must(tb, os.Symlink("../etc/ssh", filepath.Join(root, "etc", "ssh")))
			must(tb, os.Symlink(".", filepath.Join(root, "etc", "self")))
			must(tb, os.MkdirAll(filepath.Join(root, "etc", "kubernetes"), 0o755))
			must(tb, os.Symlink("manifests", filepath.Join(root, "etc", "kubernetes", "manifests")))
			must(tb, os.Symlink("/", filepath.Join(root, "proc")))
			must(tb, os.Symlink("/etc/shadow", filepath.Join(root, "etc", "sshd_config")))
			return Run{Args: []string{"host", "rootfs"}}
		}},
	}
}
