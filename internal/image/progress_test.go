package image

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/fourc-dev/fourc/internal/progress"
)

// recorder keeps every progress event.
type recorder struct {
	mu     sync.Mutex
	events []progress.Event
}

func (r *recorder) Report(e progress.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) unit(u string) []progress.Event {
	var out []progress.Event
	for _, e := range r.events {
		if e.Unit == u {
			out = append(out, e)
		}
	}
	return out
}

// checkLayerEvents checks the events of one counted walk over 3 layers:
// every layer counted in order, bytes never going back, and the last event
// at 3/3 with all the bytes the manifest declares.
func checkLayerEvents(t *testing.T, evs []progress.Event, step string) {
	t.Helper()
	if len(evs) == 0 {
		t.Fatal("no layer events")
	}
	seen := map[int]bool{}
	var last progress.Event
	for _, e := range evs {
		if e.Step != step || e.Total != 3 {
			t.Fatalf("event %+v: want step %q over 3 layers", e, step)
		}
		if e.Bytes < last.Bytes || e.Done < last.Done {
			t.Fatalf("progress went back: %v after %v", e, last)
		}
		if e.TotalBytes <= 0 || e.Bytes > e.TotalBytes {
			t.Fatalf("event %v: bytes out of range", e)
		}
		seen[e.Done] = true
		last = e
	}
	for i := range 4 {
		if !seen[i] {
			t.Errorf("no event at %d/3 layers", i)
		}
	}
	if last.Done != 3 || last.Bytes != last.TotalBytes {
		t.Errorf("last event %v, want 3/3 with every byte", last)
	}
	// Bytes also move inside a layer (each is over a MiB).
	var inside bool
	for _, e := range evs {
		if e.Done == 1 && e.Bytes > evs[0].Bytes && e.Bytes < last.TotalBytes {
			inside = true
		}
	}
	if !inside {
		t.Errorf("no byte progress within a layer: %v", evs)
	}
}

func TestProgressDockerArchiveAndLayout(t *testing.T) {
	img, err := random.Image(3<<20, 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	archive := filepath.Join(dir, "app.tar")
	tag, _ := name.NewTag("fourc.test/app:1.0")
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	ctx := progress.WithReporter(context.Background(), rec)
	if _, err := Scan(ctx, archive, Options{NoSecrets: true}); err != nil {
		t.Fatal(err)
	}
	step := "image " + archive
	hashed := rec.unit("layers hashed")
	if len(hashed) == 0 || hashed[len(hashed)-1].Done != 3 || hashed[len(hashed)-1].Bytes != hashed[len(hashed)-1].TotalBytes {
		t.Errorf("hashing events %v, want the last at 3/3 with every byte", hashed)
	}
	checkLayerEvents(t, rec.unit("layers"), step)
	var lines []string
	for _, e := range rec.events {
		lines = append(lines, e.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{step + ": 1/3 layers · ", " MB", step + ": finding packages"} {
		if !strings.Contains(all, want) {
			t.Errorf("no line with %q in\n%s", want, all)
		}
	}

	lay := filepath.Join(dir, "layout")
	p, err := layout.Write(lay, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	rec = &recorder{}
	ctx = progress.WithReporter(context.Background(), rec)
	if _, err := Scan(ctx, lay, Options{NoSecrets: true}); err != nil {
		t.Fatal(err)
	}
	checkLayerEvents(t, rec.unit("layers"), "image "+lay)
}

// TestProgressSilent: without a reporter nothing is counted for progress.
func TestProgressSilent(t *testing.T) {
	if p := newLayerProgress(context.Background(), WalkOptions{}, []Layer{{Size: 1}}); p != nil {
		t.Errorf("layer progress without a reporter: %+v", p)
	}
}
