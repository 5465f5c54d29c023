package controlplane

import (
	"fmt"
)

// Entry points for tests only: production code reaches the same logic
// through their callers.

// ParseEncryptionConfig decodes an EncryptionConfiguration.
func ParseEncryptionConfig(path string, data []byte) (*EncryptionConfig, error) {
	root, err := decodeYAML(data)
	if err != nil {
		return nil, fmt.Errorf("decoding encryption configuration %q: %w", path, err)
	}
	return encryptionFromDoc(&Doc{Path: path, Root: root})
}
