package imagetest

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

func TestMirror(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
		err   bool
	}{
		{
			name: "deb822",
			files: map[string]string{"sources.list.d/debian.sources": "Types: deb\nURIs: http://mirror.test/debian-security\nSuites: bookworm-security\n\n" +
				"Types: deb\n# a comment\nURIs: http://mirror.test/debian\nSuites: bookworm\nComponents: main\n"},
			want: "http://mirror.test/debian",
		},
		{
			name:  "one-line with options",
			files: map[string]string{"sources.list": "# deb http://old.test/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] https://mirror.test/debian/ bookworm main\n"},
			want:  "https://mirror.test/debian/",
		},
		{
			name:  "disabled stanza and source-only entries",
			files: map[string]string{"sources.list.d/x.sources": "Types: deb-src\nURIs: http://src.test/debian\n\nTypes: deb\nEnabled: no\nURIs: http://off.test/debian\n"},
			err:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, c := range tt.files {
				p := filepath.Join(dir, n)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Mirror(dir)
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("Mirror = %q, %v; want %q (error %v)", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestRegistryServes(t *testing.T) {
	addr := Registry(t)
	resp, err := http.Get("http://" + addr + "/v2/_catalog")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v2/_catalog: %s", resp.Status)
	}
}

func TestDebianRootfs(t *testing.T) {
	p := DebianRootfs(t)
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() < 50<<20 {
		t.Errorf("root file system tarball %s is only %d bytes", p, st.Size())
	}
}
