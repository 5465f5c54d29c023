package yara

// atomLen is the longest atom: the literal piece of a string that the
// Aho-Corasick prefilter looks for. As in YARA, four bytes keep the trie
// small while making chance hits rare.
const atomLen = 4

// atomByte is one byte of a string's fixed prefix; exact is false for a
// wildcard or masked byte.
type atomByte struct {
	c     byte
	exact bool
}

// byteQuality scores how rare a byte is in typical data.
func byteQuality(c byte) int {
	switch c {
	case 0x00, 0x20, 0xff, 0xcc, 0x90, '\n', '\r', '\t':
		return 1
	}
	if isAlnum(c) {
		return 3
	}
	return 4
}

// atomsOf returns the best atom of seq, or none when seq has no exact
// byte.
func atomsOf(seq []atomByte) []atom {
	b, at := bestAtom(seq)
	if b == nil {
		return nil
	}
	return []atom{{b: b, at: at}}
}

// bestAtom picks, among the runs of exact bytes of seq, the window of at
// most atomLen bytes with the best score, and returns it lower-cased with
// its offset. It returns nil when seq has no exact byte.
func bestAtom(seq []atomByte) ([]byte, int) {
	best, bestAt, bestScore := -1, 0, -1
	for i := range seq {
		score, n := 0, 0
		seen := map[byte]bool{}
		for j := i; j < len(seq) && j < i+atomLen && seq[j].exact; j++ {
			c := lower(seq[j].c)
			score += byteQuality(c)
			if seen[c] {
				score--
			}
			seen[c] = true
			n++
		}
		if n > 0 && score > bestScore {
			best, bestAt, bestScore = n, i, score
		}
	}
	if best < 0 {
		return nil, 0
	}
	out := make([]byte, best)
	for k := range out {
		out[k] = lower(seq[bestAt+k].c)
	}
	return out, bestAt
}
