package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/fourc-dev/fourc/internal/image"
)

// layer packs name/content pairs into an uncompressed tar layer.
func layer(files ...string) image.Layer {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		tw.WriteHeader(&tar.Header{Name: files[i], Mode: 0o644, Size: int64(len(files[i+1])), Typeflag: tar.TypeReg})
		tw.Write([]byte(files[i+1]))
	}
	tw.Close()
	b := buf.Bytes()
	return image.Layer{Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

// A later layer deletes a file with a whiteout: the merged view no longer
// shows it, but it is still in the image, hidden in the lower layer.
func ExampleBuildView() {
	layers := []image.Layer{
		layer("app/config.yaml", "listen: :8080\n", "app/.env", "TOKEN=...\n"),
		layer("app/.wh..env", ""),
	}
	view, skipped, err := image.BuildView(context.Background(), layers, image.WalkOptions{})
	if err != nil || len(skipped) > 0 {
		fmt.Println(err, skipped)
		return
	}
	view.Walk(func(fi image.FileInfo) error {
		fmt.Printf("%s (layer %d)\n", fi.Path, fi.Layer)
		return nil
	})
	for _, r := range view.Removed() {
		fmt.Printf("hidden: %s added in layer %d, deleted in layer %d\n", r.Path, r.AddedIn, r.RemovedIn)
	}
	// Output:
	// app (layer 0)
	// app/config.yaml (layer 0)
	// hidden: app/.env added in layer 0, deleted in layer 1
}
