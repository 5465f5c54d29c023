package dockerfile

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse("Dockerfile", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func TestParseBaseImages(t *testing.T) {
	src := `ARG REGISTRY=registry.example.com:5000
ARG GO=1.22
ARG UNSET
FROM --platform=$BUILDPLATFORM golang:${GO}-alpine AS Build
FROM build AS test
FROM ${REGISTRY}/team/app:v2@` + digest + `
FROM ${UNSET}
FROM scratch
FROM ghcr.io/acme/tool
FROM python:${PY:-3.12}-slim
FROM index.docker.io/library/debian:12
FROM UPPER/Case
FROM ghcr.io/acme/app:${UNSET}
FROM ${UNSET}/app:1
`
	f := mustParse(t, src)
	type img struct {
		Stage                                  string
		Ref, Registry, Repository, Tag, Digest string
		From                                   int
		Scratch, Unresolved, Invalid           bool
	}
	var got []img
	for _, s := range f.Stages {
		b := s.Base
		got = append(got, img{s.Label(), b.Ref, b.Registry, b.Repository, b.Tag, b.Digest, b.Stage, b.Scratch, b.Unresolved, b.Err != ""})
	}
	want := []img{
		{"build", "golang:1.22-alpine", "docker.io", "library/golang", "1.22-alpine", "", -1, false, false, false},
		{"test", "build", "", "", "", "", 0, false, false, false},
		{"#2", "registry.example.com:5000/team/app:v2@" + digest, "registry.example.com:5000", "team/app", "v2", digest, -1, false, false, false},
		{"#3", "", "", "", "", "", -1, false, true, false},
		{"#4", "scratch", "", "", "", "", -1, true, false, false},
		{"#5", "ghcr.io/acme/tool", "ghcr.io", "acme/tool", "", "", -1, false, false, false},
		{"#6", "python:3.12-slim", "docker.io", "library/python", "3.12-slim", "", -1, false, false, false},
		{"#7", "index.docker.io/library/debian:12", "docker.io", "library/debian", "12", "", -1, false, false, false},
		{"#8", "UPPER/Case", "", "", "", "", -1, false, false, true},
		{"#9", "ghcr.io/acme/app:", "ghcr.io", "acme/app", "", "", -1, false, true, false},
		{"#10", "/app:1", "", "", "", "", -1, false, true, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if f.Stages[0].Platform != "" || !slicesEqual(f.Stages[0].From.Unresolved, []string{"BUILDPLATFORM"}) {
		t.Errorf("platform = %q, unresolved %v; want empty, [BUILDPLATFORM]", f.Stages[0].Platform, f.Stages[0].From.Unresolved)
	}
	if got := f.Stages[0].Base.Name(); got != "golang" {
		t.Errorf("Name() = %q, want golang", got)
	}
	if got := f.Stages[5].Base.Name(); got != "ghcr.io/acme/tool" {
		t.Errorf("Name() = %q, want ghcr.io/acme/tool", got)
	}
	var names []string
	for _, im := range f.BaseImages() {
		names = append(names, im.Ref)
	}
	want2 := []string{"golang:1.22-alpine", "registry.example.com:5000/team/app:v2@" + digest, "ghcr.io/acme/tool", "python:3.12-slim", "index.docker.io/library/debian:12"}
	if diff := cmp.Diff(want2, names); diff != "" {
		t.Errorf("BaseImages (-want +got):\n%s", diff)
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

func TestParseVarsAndExpansion(t *testing.T) {
	src := `ARG VERSION=1.0
ARG TAG="v${VERSION}"
FROM alpine:3.20
ARG VERSION
ARG LOCAL
ENV APP_VERSION=$VERSION GREETING="hello world" \
    EMPTY= REF=${LOCAL}
USER ${APP_USER:-app}
WORKDIR /srv/$APP_VERSION
EXPOSE 80 ${PORT:-8443}/udp 9000-9010
`
	f := mustParse(t, src)
	wantArgs := []Var{
		{Name: "VERSION", Raw: "1.0", Value: "1.0", HasValue: true, Line: 1},
		{Name: "TAG", Raw: `"v${VERSION}"`, Value: "v1.0", HasValue: true, Line: 2},
	}
	if diff := cmp.Diff(wantArgs, f.Args); diff != "" {
		t.Errorf("global args (-want +got):\n%s", diff)
	}
	ins := f.Stages[0].Instructions
	wantEnv := []Var{
		{Name: "APP_VERSION", Raw: "$VERSION", Value: "1.0", HasValue: true, Line: 6},
		{Name: "GREETING", Raw: `"hello world"`, Value: "hello world", HasValue: true, Line: 6},
		{Name: "EMPTY", Raw: "", Value: "", HasValue: true, Line: 6},
		{Name: "REF", Raw: "${LOCAL}", Value: "", HasValue: true, Line: 6},
	}
	if diff := cmp.Diff(wantEnv, ins[2].Vars); diff != "" {
		t.Errorf("ENV (-want +got):\n%s", diff)
	}
	if ins[2].StartLine != 6 || ins[2].EndLine != 7 {
		t.Errorf("ENV lines = %d-%d, want 6-7", ins[2].StartLine, ins[2].EndLine)
	}
	if !cmp.Equal(ins[2].Unresolved, []string{"LOCAL"}) {
		t.Errorf("ENV unresolved = %v, want [LOCAL]", ins[2].Unresolved)
	}
	if u, in := f.User(f.Final()); u != "app" || in != ins[3] {
		t.Errorf("User() = %q, %v; want app at line 8", u, in)
	}
	wantPorts := []Port{
		{Number: 8443, Protocol: "udp", Raw: "${PORT:-8443}/udp"}, // BuildKit sorts the words
		{Number: 80, Protocol: "tcp", Raw: "80"},
		{Number: 9000, End: 9010, Protocol: "tcp", Raw: "9000-9010"},
	}
	if diff := cmp.Diff(wantPorts, f.ExposedPorts(f.Final())); diff != "" {
		t.Errorf("ports (-want +got):\n%s", diff)
	}
}

func TestParseUserLineage(t *testing.T) {
	tests := []struct {
		name, src string
		user      string
		line      int
	}{
		{"own user", "FROM a:1\nUSER app\n", "app", 2},
		{"last user wins", "FROM a:1\nUSER app\nRUN x\nUSER root\n", "root", 4},
		{"inherited from base stage", "FROM a:1 AS base\nUSER 1000\nFROM base\nRUN x\n", "1000", 2},
		{"not inherited from unrelated stage", "FROM a:1 AS build\nUSER 1000\nFROM a:1\nCOPY --from=build /x /x\n", "", 0},
		{"none", "FROM a:1\n", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.src)
			u, in := f.User(f.Final())
			line := 0
			if in != nil {
				line = in.StartLine
			}
			if u != tt.user || line != tt.line {
				t.Errorf("User() = %q at line %d, want %q at line %d", u, line, tt.user, tt.line)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"blank", []byte("  \n\t\n"), "empty file"},
		{"comments only", []byte("# just a comment\n"), "no instructions"},
		{"binary", []byte("FROM a\x00\x01\x02"), "binary content"},
		{"huge", bytes.Repeat([]byte("#"), maxFileBytes+1), "budget: Dockerfile size exceeded 2 MiB"},
		{"unknown instruction", []byte("FROM a:1\nFORM b\n"), "line 2: unknown instruction: FORM"},
		{"no FROM", []byte("ARG A=1\n"), "no FROM instruction"},
		{"RUN before FROM", []byte("RUN echo\nFROM a\n"), "line 1: RUN before the first FROM"},
		{"unterminated heredoc", []byte("FROM a\nRUN <<EOF\necho\n"), "unterminated heredoc"},
		{"bad flag", []byte("FROM a\nCOPY --frm=x a b\n"), "line 2: unknown flag: --frm"},
		{"bad stage name", []byte("FROM a AS 1x\n"), "invalid name for build stage"},
		{"bad FROM arity", []byte("FROM a b\n"), "FROM requires either one or three arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("svc/Dockerfile", tt.data)
			if err == nil {
				t.Fatalf("Parse() = %v, want error", f)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `"svc/Dockerfile"`) {
				t.Errorf("error %q: want it to name the file and contain %q", err, tt.want)
			}
		})
	}
}

func TestParseInstructionsAndLineage(t *testing.T) {
	src := `FROM a:1 AS deps
RUN echo deps
FROM b:1 AS tools
FROM deps AS build
RUN echo build
FROM build
COPY --from=tools /x /x
`
	f := mustParse(t, src)
	var lineage []string
	for _, s := range f.Lineage(f.Final()) {
		lineage = append(lineage, s.Label())
	}
	if diff := cmp.Diff([]string{"#3", "build", "deps"}, lineage); diff != "" {
		t.Errorf("Lineage (-want +got):\n%s", diff)
	}
	if f.InImage(f.Stages[1]) || !f.InImage(f.Stages[0]) {
		t.Error("InImage: want deps in the final image and tools not")
	}
	var seen []string
	for s, in := range f.Instructions() {
		seen = append(seen, s.Label()+":"+in.Keyword)
	}
	if diff := cmp.Diff([]string{"deps:RUN", "build:RUN", "#3:COPY"}, seen); diff != "" {
		t.Errorf("Instructions (-want +got):\n%s", diff)
	}
}
