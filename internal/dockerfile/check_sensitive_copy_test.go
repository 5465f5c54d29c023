package dockerfile

import "testing"

func TestSensitiveSource(t *testing.T) {
	tests := map[string]bool{
		".env":                       true,
		"./.env":                     true,
		"config/.env.production":     true,
		".env.example":               false,
		".env.sample":                false,
		"id_rsa":                     true,
		"keys/id_ed25519":            true,
		"keys/id_ed25519.pub":        false,
		"tls/server.key":             true,
		"tls/server.pem":             true,
		"*.pem":                      true,
		"certs/ca.pem":               false,
		"certs/ca-bundle.pem":        false,
		"certs/fullchain.pem":        false,
		"certs/client-cert.pem":      false,
		".git":                       true,
		".git/":                      true,
		"repo/.git/config":           true,
		".aws/credentials":           true,
		".kube/config":               true,
		"kubeconfig":                 true,
		".docker/config.json":        true,
		".docker/daemon.json.sample": false,
		".npmrc":                     true,
		".netrc":                     true,
		"infra/terraform.tfstate":    true,
		"src/":                       false,
		".":                          false,
		"package.json":               false,
		"keyboard.go":                false,
		"gitignore":                  false,
	}
	for src, want := range tests {
		if got := sensitiveSource(src) != ""; got != want {
			t.Errorf("sensitiveSource(%q) = %q, want sensitive=%v", src, sensitiveSource(src), want)
		}
	}
}
