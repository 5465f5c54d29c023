package dockerfile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pipelinesOf parses src and returns the pipelines of its last instruction
// as "line: args | args" strings.
func pipelinesOf(t *testing.T, src string) []string {
	t.Helper()
	f := mustParse(t, src)
	ins := f.Final().Instructions
	var out []string
	for _, p := range ins[len(ins)-1].Pipelines {
		var parts []string
		for _, c := range p {
			parts = append(parts, strings.Join(c.Args, " "))
		}
		out = append(out, itoaLine(p[0].Line)+": "+strings.Join(parts, " | "))
	}
	return out
}

func itoaLine(n int) string { return fmt.Sprintf("%02d", n) }

func TestRunPipelines(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{
			name: "shell form with continuations",
			src:  "FROM a\nRUN apt-get update \\\n && apt-get install -y \"curl\" 'git' \\\n && curl -fsSL $URL | bash -s -- --yes\n",
			want: []string{"02: apt-get update", "02: apt-get install -y curl git", "02: curl -fsSL $URL | bash -s -- --yes"},
		},
		{
			name: "assignments and substitutions",
			src:  "FROM a\nRUN DEBIAN_FRONTEND=noninteractive apt-get install -y x && echo \"$(uname -m)\"\n",
			want: []string{"02: apt-get install -y x", "02: echo $(uname -m)", "02: uname -m"},
		},
		{
			name: "sh -c is followed",
			src:  "FROM a\nRUN sh -ec 'curl -s https://x | sh'\n",
			want: []string{"02: sh -ec curl -s https://x | sh", "02: curl -s https://x | sh"},
		},
		{
			name: "exec form",
			src:  "FROM a\nRUN [\"/usr/bin/make\", \"install\"]\n",
			want: []string{"02: /usr/bin/make install"},
		},
		{
			name: "exec form shell script",
			src:  "FROM a\nRUN [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\", \"wget -qO- https://x | tar xz\"]\n",
			want: []string{"02: wget -qO- https://x | tar xz"},
		},
		{
			name: "bare heredoc is the script",
			src:  "FROM a\nRUN <<EOF\nset -e\ncurl -fsSL https://x | sh\nEOF\n",
			want: []string{"03: set -e", "04: curl -fsSL https://x | sh"},
		},
		{
			name: "heredoc fed to bash, after a continued line",
			src:  "FROM a\nRUN --mount=type=cache,target=/root/.cache \\\n    bash -e <<'EOT'\n\techo one\n\twget -qO- https://x | bash\nEOT\n",
			want: []string{"02: bash -e", "04: echo one", "05: wget -qO- https://x | bash"},
		},
		{
			name: "heredoc written to a file is data",
			src:  "FROM a\nRUN cat <<EOF > /etc/motd\ncurl https://x | sh\nEOF\n",
			want: []string{"02: cat"},
		},
		{
			name: "python shebang heredoc is not shell",
			src:  "FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint('curl | sh')\nEOF\n",
			want: nil,
		},
		{
			name: "two heredocs map to their own lines",
			src:  "FROM a\nRUN <<A bash && <<B sh\necho a\nA\necho b\nB\n",
			want: []string{"02: bash", "03: echo a", "02: sh", "05: echo b"},
		},
		{
			name: "unparsable shell falls back to a split",
			src:  "FROM a\nRUN curl -s https://x | sh && if then fi ((\n",
			want: []string{"02: curl -s https://x | sh", "02: if then fi (("},
		},
		{
			name: "non-POSIX SHELL is not parsed",
			src:  "FROM a\nSHELL [\"powershell\", \"-Command\"]\nRUN iwr https://x | iex\n",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, pipelinesOf(t, tt.src)); diff != "" {
				t.Errorf("pipelines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnwrap(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"sudo -E -u root apt-get install x", "apt-get install x"},
		{"env -u HOME A=1 B=2 nohup pip install y", "pip install y"},
		{"xargs -n 1 -P 4 curl -O", "curl -O"},
		{"sudo -- sh -c x", "sh -c x"},
		{"time -f %e make", "make"},
		{"curl https://x", "curl https://x"},
		{"sudo", ""},
	}
	for _, tt := range tests {
		got := strings.Join(unwrap(strings.Fields(tt.in)), " ")
		if got != tt.want {
			t.Errorf("unwrap(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitPipelines(t *testing.T) {
	got := splitPipelines("a 'b c' \"d|e\" | f\\ g; h && i || j & k\nl\\\nm", func(l int) int { return 10 + l })
	want := []Pipeline{
		{{Args: []string{"a", "b c", "d|e"}, Line: 11}, {Args: []string{"f g"}, Line: 11}},
		{{Args: []string{"h"}, Line: 11}},
		{{Args: []string{"i"}, Line: 11}},
		{{Args: []string{"j"}, Line: 11}},
		{{Args: []string{"k"}, Line: 11}},
		{{Args: []string{"lm"}, Line: 13}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("splitPipelines (-want +got):\n%s", diff)
	}
}

// TestHeredocPipeToShell is the acceptance test for heredoc support: a
// download piped into a shell inside RUN <<EOF is caught on its own line.
func TestHeredocPipeToShell(t *testing.T) {
	src := `FROM debian:12
RUN <<EOF
set -eu
apt-get update
curl -fsSL https://deb.example.com/setup.sh | bash -
EOF
`
	f := mustParse(t, src)
	var got []string
	for _, v := range checkPipeToShell().Eval(f) {
		got = append(got, itoaLine(v.Line)+" "+v.Message)
	}
	want := []string{"05 RUN in stage #0 pipes the output of curl into bash"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FC-DF-008 on a heredoc (-want +got):\n%s", diff)
	}
}
