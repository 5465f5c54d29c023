package yara

import "fmt"

// maxTable caps the transition table of the atom automaton, in entries of
// 4 bytes (256 MiB): a rule set whose atoms would need more is refused. A
// set of 1,000 typical rules needs about 1.7 million.
const maxTable = 1 << 26

// automaton is an Aho-Corasick automaton over the atoms of a rule set,
// compiled to a dense DFA over an alphabet reduced to the bytes the
// (lower-cased) atoms use: every other byte is class 0, and an upper-case
// letter shares its lower-case letter's class, so the data needs no
// lower-casing pass. Each byte of data costs one table load whatever the
// number of rules. (It replaces github.com/BobuSumisu/aho-corasick, which
// the secret scanner uses with a few dozen keywords: with thousands of
// atoms its 2 KiB rows and failure-link chains cost a quarter more CPU on
// bench/yara.)
//
// States are numbered so that those with atoms come last, and a state is
// stored premultiplied (as the offset of its row in delta): the scan loop
// costs one class load, one table load and one comparison per byte.
type automaton struct {
	class  [256]uint8
	nc     int     // classes
	delta  []int32 // row + class → next row (a state's row is state*nc)
	first  int32   // the row of the first state with atoms
	outAt  []int32 // (row-first)/nc → first of its atoms in outs; the next entry ends them
	outs   []int32 // atom ids
	length []int32 // atom id → length
}

// newAutomaton builds the automaton of atoms (lower-cased, non-empty).
func newAutomaton(atoms [][]byte) (*automaton, error) {
	a := &automaton{}
	var used [256]bool
	bound := 1
	for _, at := range atoms {
		for _, c := range at {
			used[c] = true
		}
		bound += len(at)
		a.length = append(a.length, int32(len(at)))
	}
	// Text bytes take the first classes: the part of a row that text
	// visits then spans fewer cache lines.
	a.nc = 1
	for pass := range 2 {
		for c := range 256 {
			if used[c] && isText(byte(c)) == (pass == 0) {
				a.class[c] = uint8(a.nc)
				a.nc++
			}
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		a.class[c] = a.class[c+'a'-'A']
	}
	if bound*a.nc > maxTable {
		return nil, fmt.Errorf("the rule set's %d atoms need a prefilter table larger than %d entries", len(atoms), maxTable)
	}
	a.link(a.trie(atoms))
	return a, nil
}

// trie inserts the atoms (the goto function, -1 for no edge) and returns
// each state's own atoms.
func (a *automaton) trie(atoms [][]byte) [][]int32 {
	a.delta = newRow(nil, a.nc)
	outs := [][]int32{nil}
	for id, at := range atoms {
		s := int32(0)
		for _, c := range at {
			k := int(s)*a.nc + int(a.class[c])
			if a.delta[k] < 0 {
				a.delta[k] = int32(len(outs))
				a.delta = newRow(a.delta, a.nc)
				outs = append(outs, nil)
			}
			s = a.delta[k]
		}
		outs[s] = append(outs[s], int32(id))
	}
	return outs
}

func newRow(d []int32, nc int) []int32 {
	for range nc {
		d = append(d, -1)
	}
	return d
}

// link computes the failure links breadth-first, fills every missing
// transition through them, and gives each state the atoms of its failure
// state too.
func (a *automaton) link(outs [][]int32) {
	fail := make([]int32, len(outs))
	var queue []int32
	for c := range a.nc {
		if t := a.delta[c]; t > 0 {
			queue = append(queue, t)
		} else {
			a.delta[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(outs[s], outs[fail[s]]...)
		for c := range a.nc {
			k := int(s)*a.nc + c
			f := a.delta[int(fail[s])*a.nc+c]
			if t := a.delta[k]; t >= 0 {
				fail[t] = f
				queue = append(queue, t)
			} else {
				a.delta[k] = f
			}
		}
	}
	a.renumber(outs)
}

// renumber orders the states, those without atoms first (the root stays
// 0), premultiplies every transition and lays out the atoms of the states
// that have some.
func (a *automaton) renumber(outs [][]int32) {
	order := make([]int32, len(outs)) // old state → new state
	n := int32(0)
	for pass := range 2 {
		for s, o := range outs {
			if (len(o) > 0) == (pass == 1) {
				order[s] = n
				n++
			}
		}
		if pass == 0 {
			a.first = n * int32(a.nc)
		}
	}
	delta := make([]int32, len(a.delta))
	a.outAt = []int32{0}
	for s := range outs {
		row := int(order[s]) * a.nc
		for c := range a.nc {
			delta[row+c] = order[a.delta[s*a.nc+c]] * int32(a.nc)
		}
	}
	a.delta = delta
	byNew := make([][]int32, len(outs))
	for s, o := range outs {
		byNew[order[s]] = o
	}
	for _, o := range byNew[a.first/int32(a.nc):] {
		a.outs = append(a.outs, o...)
		a.outAt = append(a.outAt, int32(len(a.outs)))
	}
}

// scan runs the automaton over data from state s (a row, 0 to start),
// calls hit with the atom id and start offset of every occurrence (base is
// data[0]'s offset), and returns the state reached, so that data can be
// fed in chunks.
func (a *automaton) scan(s int32, data []byte, base int, hit func(id int32, start int)) int32 {
	delta, class, first := a.delta, &a.class, a.first
	for i, b := range data {
		s = delta[s+int32(class[b])]
		if s < first {
			continue
		}
		k := (s - first) / int32(a.nc)
		for _, id := range a.outs[a.outAt[k]:a.outAt[k+1]] {
			hit(id, base+i+1-int(a.length[id]))
		}
	}
	return s
}

// isText reports whether c is printable ASCII or white space.
func isText(c byte) bool { return c >= ' ' && c < 0x7f || c == '\t' || c == '\n' || c == '\r' }
