package image

import (
	"context"

	"github.com/fourc-dev/fourc/internal/progress"
)

// layerProgress reports the layer walk: layers read over the total, and
// the bytes of their blobs as stored over the sizes the manifest declares
// ("image shop:1.0: 2/7 layers · 212/730 MB"). A layer whose stream
// cannot say how many stored bytes it read counts its expanded bytes, up
// to its declared size.
type layerProgress struct {
	r     progress.Reporter
	ev    progress.Event
	sizes []int64
	// before is the declared size of the layers already read.
	before int64
}

func newLayerProgress(ctx context.Context, opts WalkOptions, layers []Layer) *layerProgress {
	if !progress.Enabled(ctx) {
		return nil
	}
	step := opts.Step
	if step == "" {
		step = "image " + opts.Image
	}
	p := &layerProgress{r: progress.From(ctx), ev: progress.Event{Step: step, Total: len(layers), Unit: "layers"}}
	known := true
	for _, l := range layers {
		p.sizes = append(p.sizes, l.Size)
		p.ev.TotalBytes += l.Size
		known = known && l.Size > 0
	}
	if !known {
		p.ev.TotalBytes = 0
	}
	return p
}

func (p *layerProgress) on() bool { return p != nil }

// layer reports that layer i starts.
func (p *layerProgress) layer(i int) {
	if p == nil {
		return
	}
	p.ev.Done, p.ev.Bytes = i, p.before
	p.r.Report(p.ev)
}

// reading reports the bytes read so far of layer i.
func (p *layerProgress) reading(i int, stored storedCounter, expanded int64) {
	n := expanded
	if stored != nil {
		n = stored.StoredBytes()
	}
	if s := p.sizes[i]; s > 0 {
		n = min(n, s)
	}
	p.ev.Bytes = p.before + n
	p.r.Report(p.ev)
}

// layerDone reports that layer i was read (or given up).
func (p *layerProgress) layerDone(i int) {
	if p == nil {
		return
	}
	p.before += p.sizes[i]
	p.ev.Done, p.ev.Bytes = i+1, p.before
	p.r.Report(p.ev)
}

// stage reports what the scan of the image does after the walk.
func stage(ctx context.Context, step, what string) {
	progress.Report(ctx, progress.Event{Step: step, Now: what})
}
