package yara

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAutomaton compares the automaton, fed in chunks, with a naive
// case-insensitive search for every atom.
func TestAutomaton(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	const alpha = "abAB\x00\xff"
	for round := range 50 {
		var atoms [][]byte
		seen := map[string]bool{}
		for len(atoms) < 1+r.IntN(20) {
			a := make([]byte, 1+r.IntN(atomLen))
			for i := range a {
				a[i] = lower(alpha[r.IntN(len(alpha))])
			}
			if !seen[string(a)] {
				seen[string(a)] = true
				atoms = append(atoms, a)
			}
		}
		data := make([]byte, r.IntN(300))
		for i := range data {
			data[i] = alpha[r.IntN(len(alpha))]
		}
		ac, err := newAutomaton(atoms)
		if err != nil {
			t.Fatal(err)
		}
		var got, want [][2]int
		s, step := int32(0), 1+r.IntN(40)
		for from := 0; from < len(data); from += step {
			s = ac.scan(s, data[from:min(len(data), from+step)], from, func(id int32, start int) {
				got = append(got, [2]int{int(id), start})
			})
		}
		low := make([]byte, len(data))
		for i, c := range data {
			low[i] = lower(c)
		}
		for id, a := range atoms {
			for i := 0; i+len(a) <= len(low); i++ {
				if bytes.Equal(low[i:i+len(a)], a) {
					want = append(want, [2]int{id, i})
				}
			}
		}
		cmp := func(x, y [2]int) int { return compareInt(int64(x[1]*1000+x[0]), int64(y[1]*1000+y[0])) }
		slices.SortFunc(got, cmp)
		slices.SortFunc(want, cmp)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: got %v, want %v", round, got, want)
		}
	}
}
