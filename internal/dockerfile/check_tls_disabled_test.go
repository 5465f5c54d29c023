package dockerfile

import (
	"strings"
	"testing"
)

func TestInsecureOption(t *testing.T) {
	tests := []struct{ cmd, want string }{
		{"curl -k https://x", "-k"},
		{"curl -fsSLk https://x", "-k"},
		{"curl --insecure https://x", "--insecure"},
		{"curl -fsSLo k.tgz https://x", ""},
		{"curl -H X-k:1 https://x", ""},
		{"wget --no-check-certificate https://x", "--no-check-certificate"},
		{"wget -q https://x", ""},
		{"git -c http.sslVerify=false clone https://x", "http.sslVerify=false"},
		{"git config --global http.sslverify false", "http.sslVerify=false"},
		{"git config --global http.sslverify true", ""},
		{"npm config set strict-ssl false", "strict-ssl false"},
		{"yarn config set strict-ssl true", ""},
		{"apt-get install --allow-unauthenticated -y x", "--allow-unauthenticated"},
		{"apt-get -o Acquire::AllowInsecureRepositories=true update", "acquire::allowinsecurerepositories=true"},
		{"apk add --allow-untrusted /tmp/x.apk", "--allow-untrusted"},
		{"dnf install --nogpgcheck -y x", "--nogpgcheck"},
		{"rpm -i --nosignature x.rpm", "--nosignature"},
		{"zypper --no-gpg-checks install x", "--no-gpg-checks"},
		{"pip install --trusted-host pypi.example.com x", "--trusted-host"},
		{"pip3 install --trusted-host=pypi.example.com x", "--trusted-host"},
		{"pip install --index-url https://pypi.example.com x", ""},
	}
	for _, tt := range tests {
		if got := insecureOption(strings.Fields(tt.cmd)); got != tt.want {
			t.Errorf("insecureOption(%q) = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

func TestInsecureVar(t *testing.T) {
	tests := []struct {
		name, value string
		want        bool
	}{
		{"GIT_SSL_NO_VERIFY", "1", true},
		{"GIT_SSL_NO_VERIFY", "false", false},
		{"GIT_SSL_NO_VERIFY", "", false},
		{"NODE_TLS_REJECT_UNAUTHORIZED", "0", true},
		{"NODE_TLS_REJECT_UNAUTHORIZED", "1", false},
		{"PYTHONHTTPSVERIFY", "0", true},
		{"NPM_CONFIG_STRICT_SSL", "false", true},
		{"PIP_TRUSTED_HOST", "pypi.example.com", true},
		{"HOME", "0", false},
	}
	for _, tt := range tests {
		if got := insecureVar(tt.name, tt.value); got != tt.want {
			t.Errorf("insecureVar(%q, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
}
