package kube

import "testing"

func TestCredentialName(t *testing.T) {
	tests := map[string]bool{
		"DB_PASSWORD":           true,
		"smtp-pass":             true,
		"GITHUB_TOKEN":          true,
		"STRIPE_API_KEY":        true,
		"AWS_SECRET_ACCESS_KEY": true,
		"apiKey":                true,
		"dbPassword":            true,
		"passwordFile":          false,
		"APIKEY":                true,
		"DB_PASSWORD_FILE":      false,
		"TOKEN_TTL":             false,
		"JWT_SECRET_PATH":       false,
		"KEYCLOAK_URL":          false,
		"MONKEY":                false,
		"LOG_LEVEL":             false,
		"":                      false,
	}
	for name, want := range tests {
		if got := credentialName(name); got != want {
			t.Errorf("credentialName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestCredentialValue(t *testing.T) {
	tests := map[string]bool{
		"hunter2-longer": true,
		"changeme":       true,
		"abc":            false,
		"true":           false,
		"3600":           false,
		"/run/secrets/x": false,
		"$(DB_PASS)":     false,
		"":               false,
	}
	for v, want := range tests {
		if got := credentialValue(v); got != want {
			t.Errorf("credentialValue(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestImageRef(t *testing.T) {
	tests := []struct {
		image  string
		tag    string
		digest bool
	}{
		{"nginx", "", false},
		{"nginx:1.27", "1.27", false},
		{"registry.example.com:5000/team/app", "", false},
		{"registry.example.com:5000/team/app:v2", "v2", false},
		{"nginx:1.27@sha256:abc", "", true},
		{"nginx@sha256:abc", "", true},
	}
	for _, tt := range tests {
		tag, digest := imageRef(tt.image)
		if tag != tt.tag || digest != tt.digest {
			t.Errorf("imageRef(%q) = %q, %v; want %q, %v", tt.image, tag, digest, tt.tag, tt.digest)
		}
	}
}

func TestSensitiveHostPath(t *testing.T) {
	tests := map[string]string{
		"/":                               "/",
		"/etc":                            "/etc",
		"/etc/kubernetes/pki":             "/etc",
		"/var/run/docker.sock":            "/var/run/docker.sock",
		"/var/run/":                       "/var/run/docker.sock",
		"/var":                            "/var/run/docker.sock",
		"/var/lib/kubelet/pods":           "/var/lib/kubelet",
		"var/lib/kubelet":                 "/var/lib/kubelet",
		"/proc/../etc":                    "/etc",
		"/var/log":                        "",
		"/data":                           "",
		"/etcd-data":                      "",
		"/run/containerd/containerd.sock": "/run/containerd",
		"":                                "",
	}
	for p, want := range tests {
		if got := sensitiveHostPath(p); got != want {
			t.Errorf("sensitiveHostPath(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestTLSCovers(t *testing.T) {
	tests := []struct {
		entry, host string
		want        bool
	}{
		{"shop.example.com", "shop.example.com", true},
		{"SHOP.example.com", "shop.example.com", true},
		{"*.example.com", "shop.example.com", true},
		{"*.example.com", "a.shop.example.com", false},
		{"*.example.com", "example.com", false},
		{"www.example.com", "shop.example.com", false},
	}
	for _, tt := range tests {
		if got := tlsCovers(tt.entry, tt.host); got != tt.want {
			t.Errorf("tlsCovers(%q, %q) = %v, want %v", tt.entry, tt.host, got, tt.want)
		}
	}
}
