package host_test

import (
	"strings"
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
			"etc/modprobe.d/a.conf":   {Data: []byte(s)},
			"etc/apt/apt.conf.d/50x":  {Data: []byte(s)},
		}
		n := host.NewNode(m, "fuzz")
		host.ReadSSHDConfig(n)
		host.SysctlConfig(n)
		n.OSRelease()
		n.UserName(0)
		host.ScanNode(t.Context(), n, host.Options{})
	})
}

// FuzzModprobe parses one input as a modprobe.d file and checks the
// directives it returns come from the input.
func FuzzModprobe(f *testing.F) {
	f.Add("install cramfs /bin/false\nblacklist usb-storage\noptions kvm nested=1 \\\n  x=2\n# c\n")
	f.Add("install\\\n")
	f.Fuzz(func(t *testing.T, s string) {
		host.ParseModprobe(s, func(line int, directive, module, rest string) {
			if line < 1 || module == "" || !strings.Contains(strings.ToLower(s), directive) {
				t.Fatalf("line %d directive %q module %q", line, directive, module)
			}
		})
		n := host.NewNode(fstest.MapFS{"etc/modprobe.d/a.conf": {Data: []byte(s)}}, "fuzz")
		for _, r := range host.ModprobeConfig(n) {
			r.Disabled()
		}
	})
}

// FuzzAPTConf parses one input as an apt.conf file.
func FuzzAPTConf(f *testing.F) {
	f.Add("APT::Periodic::Unattended-Upgrade \"1\";\nAPT { Periodic { X \"0\"; }; };\n/* c */ // d\n# e\n")
	f.Add("a { { \"b\"; }; } }}} \"")
	f.Fuzz(func(t *testing.T, s string) {
		host.ParseAPTConf(s, func(key, value string, line int) {
			if line < 1 || line > strings.Count(s, "\n")+1 {
				t.Fatalf("key %q on line %d of a %d-line input", key, line, strings.Count(s, "\n")+1)
			}
		})
	})
}

// FuzzRuntimeConfig feeds one input as containerd's and CRI-O's
// configuration, os-release, fstab and GRUB defaults, and scans the node.
func FuzzRuntimeConfig(f *testing.F) {
	f.Add("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\nruntime_type = \"x\"\n")
	f.Add("[crio.runtime]\ndefault_runtime = \"crun\"\n[crio.runtime.runtimes.kata]\n")
	f.Add("ID=fedora\nVARIANT_ID=coreos\n/dev/sda / ext4 ro 0 1\nGRUB_CMDLINE_LINUX=\"selinux=0\"\n")
	f.Add("imports = [\"/etc/containerd/config.toml\", \"*\"]\n")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := host.ParseRuntimeConfig([]byte(s), "fuzz"); err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("error of more than one line: %q", err)
		}
		m := fstest.MapFS{
			"etc/containerd/config.toml":   {Data: []byte(s)},
			"etc/containerd/conf.d/a.toml": {Data: []byte(s)},
			"etc/crio/crio.conf":           {Data: []byte(s)},
			"etc/os-release":               {Data: []byte(s)},
			"etc/fstab":                    {Data: []byte(s)},
			"etc/default/grub":             {Data: []byte(s)},
			"etc/selinux/config":           {Data: []byte(s)},
			"etc/dnf/automatic.conf":       {Data: []byte(s)},
			"etc/apt/apt.conf.d/20auto":    {Data: []byte(s)},
		}
		n := host.NewNode(m, "fuzz")
		host.ReadRuntimeHandlers(n)
		host.ScanNode(t.Context(), n, host.Options{})
	})
}
