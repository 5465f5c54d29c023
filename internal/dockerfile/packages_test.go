package dockerfile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInstallOf(t *testing.T) {
	tests := []struct {
		cmd      string
		manager  string
		unpinned []string
	}{
		{"apt-get install -y --no-install-recommends curl git=1:2.39.2-1.1 ./local.deb", "apt-get", []string{"curl"}},
		{"apt-get -o Dpkg::Options::=--force-confold install -y nginx", "apt-get", []string{"nginx"}},
		{"sudo apt install -y $PACKAGES vim", "apt-get", []string{"vim"}},
		{"apt-get update", "", nil},
		{"apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.5-r0 'curl>8'", "apk", []string{"gcc"}},
		{"pip3 install --no-cache-dir -r requirements.txt -e . flask requests[socks]==2.32.3", "pip", []string{"flask"}},
		{"python3 -m pip install --upgrade pip 'setuptools>=70'", "pip", []string{"pip"}},
		{"pip install git+https://github.com/x/y.git dist/app-1.0-py3-none-any.whl", "pip", nil},
		{"npm install -g @angular/cli yarn@1.22.22 pnpm@latest ./local file:../lib user/repo", "npm", []string{"@angular/cli", "pnpm@latest"}},
		{"npm ci", "", nil},
		{"npm install", "npm", nil},
		{"gem install bundler rails:7.1.3", "gem", []string{"bundler"}},
		{"gem install -v 2.5.6 bundler", "gem", nil},
		{"go install golang.org/x/tools/gopls@latest github.com/x/y@v1.2.3", "go", []string{"golang.org/x/tools/gopls@latest"}},
		{"go build ./...", "", nil},
		{"dnf install -y httpd httpd-tools-2.4.57 @development", "dnf", []string{"httpd"}},
		{"microdnf install shadow-utils", "dnf", []string{"shadow-utils"}},
		{"zypper --non-interactive install -y curl 'vim=9.1'", "zypper", []string{"curl"}},
		{"echo apt-get install curl", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			scripts := pipelinesOf(t, "FROM a\nRUN "+tt.cmd+"\n")
			if len(scripts) != 1 {
				t.Fatalf("want one command, got %q", scripts)
			}
			f := mustParse(t, "FROM a\nRUN "+tt.cmd+"\n")
			c := f.Final().Instructions[0].Pipelines[0][0]
			in, ok := installOf(c)
			if ok != (tt.manager != "") || in.manager != tt.manager {
				t.Fatalf("installOf(%q) = %q, %v; want %q", strings.Join(c.Args, " "), in.manager, ok, tt.manager)
			}
			if diff := cmp.Diff(tt.unpinned, in.unpinned()); diff != "" {
				t.Errorf("unpinned (-want +got):\n%s", diff)
			}
		})
	}
}
