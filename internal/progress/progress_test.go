package progress

import (
	"context"
	"testing"
)

func TestEventString(t *testing.T) {
	for _, c := range []struct {
		e    Event
		want string
	}{
		{Event{Step: "image shop:1.0", Done: 2, Total: 7, Unit: "layers", Bytes: 212_400_000, TotalBytes: 730_100_000}, "image shop:1.0: 2/7 layers · 212/730 MB"},
		{Event{Step: "image app.tar", Done: 0, Total: 3, Unit: "layers hashed", Bytes: 512, TotalBytes: 4_200_000}, "image app.tar: 0/3 layers hashed · 0.0/4.2 MB"},
		{Event{Step: "scan shop", Done: 1234, Unit: "files found"}, "scan shop: 1234 files found"},
		{Event{Step: "scan shop", Done: 20, Total: 21, Unit: "units", Now: "rendering Helm chart charts/api"}, "scan shop: 20/21 units · rendering Helm chart charts/api"},
		{Event{Step: "reachability", Done: 12, Total: 40, Unit: "modules"}, "reachability: 12/40 modules"},
		{Event{Step: "image x", Now: "finding packages"}, "image x: finding packages"},
		{Event{Step: "layers", Bytes: 1500}, "layers: 1.5 kB"},
		{Event{Step: "git history of shop"}, "git history of shop"},
	} {
		if got := c.e.String(); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.e, got, c.want)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 12_345_678: "12 MB", 3_400_000_000: "3.4 GB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestContext(t *testing.T) {
	ctx := context.Background()
	if Enabled(ctx) {
		t.Error("a bare context listens")
	}
	Report(ctx, Event{Step: "nobody"}) // must not panic
	Label(ctx, "nobody")
	var got []string
	ctx = WithReporter(ctx, reporterFunc(func(e Event) { got = append(got, e.Step) }))
	Report(ctx, Event{Step: "a"})
	if !Enabled(ctx) || len(got) != 1 {
		t.Errorf("reporter not reached: %v", got)
	}
	if Enabled(WithReporter(ctx, nil)) {
		t.Error("WithReporter(nil) does not silence")
	}
	var label string
	Label(WithLabel(ctx, func(s string) { label = s }), "rendering")
	if label != "rendering" {
		t.Errorf("label %q", label)
	}
}

// reporterFunc is a function as a Reporter.
type reporterFunc func(Event)

func (f reporterFunc) Report(e Event) { f(e) }
