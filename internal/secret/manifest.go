package secret

// The manifest pass: Kubernetes Secret and ConfigMap manifests hold values
// the text pass cannot read as written. Secret data and ConfigMap
// binaryData are base64; a double-quoted YAML or JSON string with escapes
// ("-----BEGIN…\nMII…") is one line in the file and several in the value.
// manifestValues decodes those values so that the detector sees them as a
// workload would, and every match is reported on the manifest's file, at
// the line of the key. Plain values (stringData, ConfigMap data written
// literally) are already in the text and are not scanned twice.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// manifestValue is one decoded value of a Secret or ConfigMap manifest.
type manifestValue struct {
	// Line is the 1-based line of the value's key in the file.
	Line int
	// Where names the value for messages, e.g.
	// `Secret "shop/db" data["aws-key"] (base64-decoded)`.
	Where string
	// Data is the decoded value.
	Data []byte
}

// maxManifestDocs bounds the YAML documents of one file the pass reads.
const maxManifestDocs = 10000

// manifestFile reports whether a file at p may be a Kubernetes manifest
// worth the pass: YAML or JSON that names a Secret or ConfigMap kind.
func manifestFile(p string, data []byte) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json":
	default:
		return false
	}
	return bytes.Contains(data, []byte("Secret")) || bytes.Contains(data, []byte("ConfigMap"))
}

// manifestValues returns the decoded values of every Secret and ConfigMap
// of a YAML or JSON file (multi-document, and List items). A document that
// does not parse ends the pass with what was found before it: the text
// pass has already seen the file, and the Kubernetes scanner reports the
// parse error. Aliases are not followed.
func manifestValues(data []byte) []manifestValue {
	var out []manifestValue
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; i < maxManifestDocs; i++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break
		}
		if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
			out = objectValues(doc.Content[0], true, out)
		}
	}
	return out
}

// objectValues appends the decoded values of one object; items says
// whether a List's items may be visited (one level only).
func objectValues(n *yaml.Node, items bool, out []manifestValue) []manifestValue {
	if n.Kind != yaml.MappingNode {
		return out
	}
	kind := scalar(mapValue(n, "kind"))
	if items && strings.HasSuffix(kind, "List") {
		if l := mapValue(n, "items"); l != nil && l.Kind == yaml.SequenceNode {
			for _, it := range l.Content {
				out = objectValues(it, false, out)
			}
		}
		return out
	}
	if kind != "Secret" && kind != "ConfigMap" {
		return out
	}
	name := "(unnamed)"
	if md := mapValue(n, "metadata"); md != nil {
		if v := scalar(mapValue(md, "name")); v != "" {
			name = v
		}
		if ns := scalar(mapValue(md, "namespace")); ns != "" {
			name = ns + "/" + name
		}
	}
	fields := map[string]bool{} // field name → base64
	if kind == "Secret" {
		fields["data"], fields["stringData"] = true, false
	} else {
		fields["binaryData"], fields["data"] = true, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, m := n.Content[i], n.Content[i+1]
		b64, ok := fields[k.Value]
		if !ok || m.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(m.Content); j += 2 {
			key, v := m.Content[j], m.Content[j+1]
			if v.Kind != yaml.ScalarNode {
				continue
			}
			where := fmt.Sprintf("%s %q %s[%q]", kind, name, k.Value, key.Value)
			switch {
			case b64:
				raw, err := decodeBase64(v.Value)
				if err != nil || len(raw) == 0 {
					continue
				}
				out = append(out, manifestValue{Line: key.Line, Where: where + " (base64-decoded)", Data: raw})
			case v.Style&(yaml.DoubleQuotedStyle) != 0 && strings.ContainsAny(v.Value, "\n\t"):
				out = append(out, manifestValue{Line: key.Line, Where: where + " (unescaped)", Data: []byte(v.Value)})
			}
		}
	}
	return out
}

// decodeBase64 decodes a Secret value as the API server does (standard
// encoding with padding), tolerating line breaks and missing padding.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\n', '\r', '\t':
			return -1
		}
		return r
	}, s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// scalar returns a scalar node's value, or "".
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// manifestExt reports whether p has the extension of a file that may hold
// Kubernetes manifests.
func manifestExt(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// readManifest returns the decoded Secret and ConfigMap values of file p,
// or nothing when p is not such a manifest, cannot be read, or is larger
// than limit bytes (the text pass has covered it either way).
func readManifest(fsys fs.FS, p string, limit int64) []manifestValue {
	if !manifestExt(p) {
		return nil
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil || int64(len(data)) > limit || !manifestFile(p, data) {
		return nil
	}
	return manifestValues(data)
}
