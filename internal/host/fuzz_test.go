package host_test

import (
	"testing"
	"testing/fstest"

	"github.com/fourc-dev/fourc/internal/host"
)

func FuzzParseCmdline(f *testing.F) {
	f.Add([]byte("kube-apiserver\x00--anonymous-auth=false\x00"))
	f.Add([]byte("nginx: worker"))
	f.Add([]byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, a := range host.ParseCmdline(data) {
			if len(a) > len(data) {
				t.Fatalf("argument longer than input")
			}
		}
	})
}

// FuzzNodeConfigs feeds one input as sshd_config, a sysctl.d file and
// os-release, and follows Include into itself.
func FuzzNodeConfigs(f *testing.F) {
	f.Add("PermitRootLogin yes\nInclude /etc/ssh/sshd_config\nMatch User x\n PasswordAuthentication yes\n")
	f.Add("kernel.randomize_va_space = 0\n-fs/protected_symlinks=1\n")
	f.Add("ID=debian\nID_LIKE=\"ubuntu debian\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		m := fstest.MapFS{
			"etc/ssh/sshd_config":     {Data: []byte(s)},
			"etc/sysctl.d/10-x.conf":  {Data: []byte(s)},
			"etc/os-release":          {Data: []byte(s)},
			"etc/passwd":              {Data: []byte(s)},
			"var/lib/dpkg/status":     {Data: []byte(s)},
			"etc/ssh/sshd_config.d/a": {Data: []byte(s)},
		}
		n := host.NewNode(m, "fuzz")
		host.ReadSSHDConfig(n)
		host.SysctlConfig(n)
		n.OSRelease()
		n.UserName(0)
		host.ScanNode(t.Context(), n, host.Options{})
	})
}
