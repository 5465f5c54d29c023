package image

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLinkDockerfile(t *testing.T) {
	dockerfile := "FROM debian:bookworm-slim\n" +
		"ENV APP=/app\n" +
		"RUN apt-get update && \\\n    apt-get install -y curl\n" +
		"COPY webapp /usr/local/bin/webapp\n" +
		"USER 10001\n"
	history := []string{
		"/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ",
		"RUN /bin/sh -c apt-get update &&     apt-get install -y curl # buildkit",
		"COPY webapp /usr/local/bin/webapp # buildkit",
	}
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"matches", dockerfile, []string{"Dockerfile:1 (base image debian:bookworm-slim)", "Dockerfile:3", "Dockerfile:5"}},
		{"another RUN links nothing", "FROM debian:bookworm-slim\nRUN apt-get install -y wget\nCOPY webapp /usr/local/bin/webapp\n", []string{"", "", "Dockerfile:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "Dockerfile")
			if err := os.WriteFile(p, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			layers := make([]Layer, len(history))
			for i, h := range history {
				layers[i] = Layer{Index: i, CreatedBy: h}
			}
			if sk := linkDockerfile(layers, p); len(sk) > 0 {
				t.Fatalf("skipped: %v", sk)
			}
			var got []string
			for _, l := range layers {
				got = append(got, strings.TrimPrefix(l.Instruction, dir+string(filepath.Separator)))
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("instructions (-want +got):\n%s", d)
			}
		})
	}
	sk := linkDockerfile(make([]Layer, 1), filepath.Join(t.TempDir(), "missing"))
	if len(sk) != 1 {
		t.Errorf("a missing Dockerfile gave %v, want one skipped entry", sk)
	}
}
