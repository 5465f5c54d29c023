package operator

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// decodeReport decodes a WorkloadReport strictly: a field the Go type
// does not know is an error naming the object.
func decodeReport(data []byte) (*WorkloadReport, error) {
	var r WorkloadReport
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		var meta struct {
			Metadata struct{ Namespace, Name string } `json:"metadata"`
		}
		_ = json.Unmarshal(data, &meta)
		return nil, fmt.Errorf("decoding WorkloadReport %s/%s: %w", meta.Metadata.Namespace, meta.Metadata.Name, err)
	}
	return &r, nil
}
