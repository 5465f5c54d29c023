package dockerfile

// FC-DF-006 inspects the source paths of COPY and ADD instructions that
// read the build context (no --from, no URL, no heredoc). It fires when a
// source names a file or directory that holds credentials: .env files,
// SSH private keys (id_rsa, id_ed25519, …) and .ssh, *.pem, *.key, *.p12,
// *.pfx, .git, .aws, .kube and kubeconfig, .docker/config.json, .gnupg,
// .npmrc, .pypirc, .netrc, .git-credentials, .htpasswd, .pgpass and
// Terraform state. Allowed: example env files (.env.example, .env.sample,
// .env.template, .env.dist), public keys (*.pub) and certificate bundles
// (*.pem whose name says cert, chain, bundle or ca).

import (
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// sensitiveDirs are directory names whose whole content is secret.
var sensitiveDirs = map[string]string{
	".git":    "the Git repository metadata",
	".ssh":    "an SSH directory",
	".aws":    "AWS credentials",
	".kube":   "Kubernetes credentials",
	".gnupg":  "a GnuPG keyring",
	".azure":  "Azure credentials",
	".gcloud": "Google Cloud credentials",
}

// sensitiveFiles are exact base names of credential files.
var sensitiveFiles = map[string]string{
	".env":              "an environment file",
	"id_rsa":            "an SSH private key",
	"id_dsa":            "an SSH private key",
	"id_ecdsa":          "an SSH private key",
	"id_ed25519":        "an SSH private key",
	".npmrc":            "npm credentials",
	".pypirc":           "PyPI credentials",
	".netrc":            "netrc credentials",
	".git-credentials":  "Git credentials",
	".htpasswd":         "an htpasswd file",
	".pgpass":           "PostgreSQL credentials",
	"kubeconfig":        "a kubeconfig",
	"credentials.json":  "a credentials file",
	"terraform.tfstate": "Terraform state",
}

// sensitiveExts are extensions of key and state files.
var sensitiveExts = map[string]string{
	".pem":     "a PEM key or certificate",
	".key":     "a private key",
	".p12":     "a PKCS#12 key store",
	".pfx":     "a PKCS#12 key store",
	".jks":     "a Java key store",
	".tfstate": "Terraform state",
}

// sensitiveSource says what secret a COPY source names, or "".
func sensitiveSource(src string) string {
	p := path.Clean(strings.TrimPrefix(src, "./"))
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if what, ok := sensitiveDirs[part]; ok {
			return what
		}
		if part == ".docker" && (i == len(parts)-1 || parts[i+1] == "config.json") {
			return "Docker registry credentials"
		}
	}
	base := parts[len(parts)-1]
	if what, ok := sensitiveFiles[base]; ok {
		return what
	}
	if strings.HasPrefix(base, ".env.") {
		switch strings.TrimPrefix(base, ".env.") {
		case "example", "sample", "template", "dist", "defaults", "tpl":
			return ""
		}
		return "an environment file"
	}
	for _, k := range []string{"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"} {
		if strings.HasPrefix(base, k) && !strings.HasSuffix(base, ".pub") {
			return "an SSH private key"
		}
	}
	ext := path.Ext(base)
	what, ok := sensitiveExts[ext]
	if !ok {
		return ""
	}
	if ext == ".pem" {
		name := strings.ToLower(strings.TrimSuffix(base, ext))
		if strings.Contains(name, "cert") || strings.Contains(name, "chain") || strings.Contains(name, "bundle") ||
			name == "ca" || strings.HasPrefix(name, "ca-") || strings.HasPrefix(name, "ca_") || strings.HasSuffix(name, "-ca") {
			return ""
		}
	}
	return what
}

// contextSources returns the build-context sources of a COPY or ADD, or
// nil when it copies from a stage, an image, a URL or a heredoc.
func contextSources(in *Instruction) []string {
	switch c := in.Command.(type) {
	case *instructions.CopyCommand:
		if c.From != "" {
			return nil
		}
		return c.SourcePaths
	case *instructions.AddCommand:
		var out []string
		for _, s := range c.SourcePaths {
			if !isRemote(s) {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// isRemote reports whether an ADD source is fetched rather than read from
// the build context.
func isRemote(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "git@")
}

func checkSensitiveCopy() check.Check[*File] {
	return check.Check[*File]{
		Meta: check.New(
			"FC-DF-006",
			"Sensitive file copied into the image",
			finding.SeverityHigh,
			finding.LayerContainer,
			"Keys, credentials and repository metadata copied into a layer stay readable by anyone who "+
				"can pull the image, even if a later instruction deletes them.",
			"Do not copy credential files; use RUN --mount=type=secret or --mount=type=ssh for build-time access and exclude them in .dockerignore.",
			cis("4.10"),
			cwe(538),
		),
		Eval: func(f *File) []check.Violation {
			var out []check.Violation
			for s, in := range f.Instructions() {
				for _, src := range contextSources(in) {
					what := sensitiveSource(src)
					if what == "" {
						continue
					}
					out = append(out, check.Violation{
						Message:       fmt.Sprintf("%s in %s copies %q, %s, into the image", in.Keyword, stageRef(s), src, what),
						Line:          in.StartLine,
						Discriminator: s.Label() + "\x00" + src,
					})
				}
			}
			return out
		},
	}
}
