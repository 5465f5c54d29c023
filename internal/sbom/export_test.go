package sbom

import (
	"bytes"
	"context"
)

// Entry points for tests only: production code reaches the same logic
// through their callers.

// Read parses an SBOM held in memory; see [Decode].
func Read(data []byte, name string) (*Document, error) {
	return Decode(context.Background(), bytes.NewReader(data), name)
}
