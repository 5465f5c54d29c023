package finding

// Dedup reports each finding once: findings with the same fingerprint and
// location (one base rendered in several overlays, one go.mod in several
// scan units) collapse into the first of them, whose Occurrences counts how
// often it was reached. Order is kept. The input slice is reused.
func Dedup(fs []Finding) []Finding {
	type key struct {
		fingerprint string
		loc         Location
	}
	index := make(map[key]int, len(fs))
	out := fs[:0]
	for _, f := range fs {
		k := key{f.Fingerprint, f.Location}
		if f.Fingerprint == "" {
			out = append(out, f)
			continue
		}
		if i, ok := index[k]; ok {
			out[i].Occurrences = max(out[i].Occurrences, 1) + max(f.Occurrences, 1)
			continue
		}
		index[k] = len(out)
		out = append(out, f)
	}
	clear(fs[len(out):])
	return out
}
