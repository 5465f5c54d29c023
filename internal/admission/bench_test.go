package admission

import (
	"context"
	"testing"
)

// BenchmarkReview: one privileged Pod through Review, as the webhook
// answers it (decode, checks, attack paths, policy, answer).
func BenchmarkReview(b *testing.B) {
	s, err := NewServer(Config{Lookup: namespaces(map[string]Mode{"w": ModeWarn})})
	if err != nil {
		b.Fatal(err)
	}
	req := request(b, testPod("p", true), "w")
	for b.Loop() {
		s.Review(context.Background(), req)
	}
}
