package finding

import (
	"fmt"
	"strings"
)

// Layer is one of the four layers of defence in depth.
type Layer int

// The four layers, from the inside out. The zero value is invalid so that a
// check that forgets its layer fails registry validation.
const (
	LayerCode Layer = iota + 1
	LayerContainer
	LayerCluster
	LayerCloud
)

var layerNames = map[Layer]string{
	LayerCode:      "Code",
	LayerContainer: "Container",
	LayerCluster:   "Cluster",
	LayerCloud:     "Cloud",
}

// Layers lists the four layers from the inside out.
func Layers() []Layer { return []Layer{LayerCode, LayerContainer, LayerCluster, LayerCloud} }

// String returns the layer's name, e.g. "Cluster".
func (l Layer) String() string {
	if n, ok := layerNames[l]; ok {
		return n
	}
	return fmt.Sprintf("Layer(%d)", int(l))
}

// Valid reports whether l is one of the four layers.
func (l Layer) Valid() bool { _, ok := layerNames[l]; return ok }

// ParseLayer parses a layer name, ignoring case.
func ParseLayer(s string) (Layer, error) {
	for l, n := range layerNames {
		if strings.EqualFold(s, n) {
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown layer %q (want code, container, cluster or cloud)", s)
}

// MarshalText encodes the layer by name.
func (l Layer) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("invalid layer %d", int(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText decodes a layer name.
func (l *Layer) UnmarshalText(b []byte) error {
	v, err := ParseLayer(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
