package limits

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestNormalizeFillsZeroFields(t *testing.T) {
	l := Limits{PerInput: time.Second}.Normalize()
	if l.PerInput != time.Second {
		t.Errorf("PerInput = %v, want the value set", l.PerInput)
	}
	if d := Default(); l.Layers != d.Layers || l.ResponseBytes != d.ResponseBytes || l.Depth != d.Depth {
		t.Errorf("zero fields not defaulted: %+v", l)
	}
}

func TestContextRoundTrip(t *testing.T) {
	if got := From(context.Background()); got != Default() {
		t.Errorf("From(empty) = %+v, want the defaults", got)
	}
	ctx := With(context.Background(), Limits{Layers: 3})
	if got := From(ctx); got.Layers != 3 || got.PerInput != Default().PerInput {
		t.Errorf("From(With) = %+v", got)
	}
}

func TestExceeded(t *testing.T) {
	err := Exceeded("rendering", 10*time.Second)
	if err.Error() != "budget: rendering exceeded 10s" {
		t.Errorf("message %q", err)
	}
	if !errors.Is(err, ErrExceeded) {
		t.Error("errors.Is(ErrExceeded) is false")
	}
	var e *ExceededError
	if !errors.As(err, &e) || e.What != "rendering" {
		t.Errorf("errors.As gave %+v", e)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 64 << 20: "64 MiB", 3 << 29: "1.5 GiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
