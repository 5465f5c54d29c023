package yara

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// yaraCLI returns the path of the reference yara binary. Under CI=true it
// must be installed (scripts/setup.sh does it).
func yaraCLI(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("yara")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("yara is required under CI: %v", err)
		}
		t.Skip("yara not installed")
	}
	return p
}

// eicar builds the EICAR test string from parts, so that no source file
// holds it whole.
func eicar() []byte {
	return []byte(`X5O!P%@AP[4\PZX54(P^)7CC)7}$` + "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!" + `$H+H*`)
}

// minimalPE returns a 32-bit PE with one .text section whose raw data
// starts at 0x200, where the entry point is.
func minimalPE() []byte {
	b := make([]byte, 0x400)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x40)
	copy(b[0x40:], "PE\x00\x00")
	coff := b[0x44:]
	binary.LittleEndian.PutUint16(coff[0:], 0x14c) // i386
	binary.LittleEndian.PutUint16(coff[2:], 1)     // sections
	binary.LittleEndian.PutUint16(coff[16:], 0xe0) // optional header size
	binary.LittleEndian.PutUint16(coff[18:], 0x102)
	opt := b[0x58:]
	binary.LittleEndian.PutUint16(opt[0:], 0x10b)
	binary.LittleEndian.PutUint32(opt[16:], 0x1000)  // AddressOfEntryPoint
	binary.LittleEndian.PutUint32(opt[28:], 0x40000) // ImageBase
	binary.LittleEndian.PutUint32(opt[32:], 0x1000)  // SectionAlignment
	binary.LittleEndian.PutUint32(opt[36:], 0x200)   // FileAlignment
	binary.LittleEndian.PutUint16(opt[40:], 4)       // OS version
	binary.LittleEndian.PutUint16(opt[48:], 4)       // subsystem version
	binary.LittleEndian.PutUint32(opt[56:], 0x2000)  // SizeOfImage
	binary.LittleEndian.PutUint32(opt[60:], 0x200)   // SizeOfHeaders
	binary.LittleEndian.PutUint16(opt[68:], 3)       // console
	binary.LittleEndian.PutUint32(opt[92:], 16)      // NumberOfRvaAndSizes
	sec := b[0x58+0xe0:]
	copy(sec, ".text")
	binary.LittleEndian.PutUint32(sec[8:], 0x100)   // VirtualSize
	binary.LittleEndian.PutUint32(sec[12:], 0x1000) // VirtualAddress
	binary.LittleEndian.PutUint32(sec[16:], 0x200)  // SizeOfRawData
	binary.LittleEndian.PutUint32(sec[20:], 0x200)  // PointerToRawData
	binary.LittleEndian.PutUint32(sec[36:], 0x60000020)
	copy(b[0x200:], "\x55\x89\xe5\xde\xad\xbe\xef\xc3 The quick brown fox")
	return b
}

// goBinary builds a small Go program: a real ELF executable.
func goBinary(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	src := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"The quick brown fox\") }\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", "hello", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "hello"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// corpus returns the generated files of the differential test.
func corpus(t *testing.T) map[string][]byte {
	text := "The quick brown fox jumps over the lazy dog.\nTHE LAZY  DOG sleeps; a fox-like cat, dogs and foxes.\n" +
		"tab\there and q\"uote, aaaaaa, contact me at john.doe@example.com or 5551234.\nend\nof text, box ox\n"
	r := rand.New(rand.NewPCG(1, 2))
	bin := make([]byte, 64<<10)
	for i := range bin {
		bin[i] = byte(r.UintN(256))
	}
	copy(bin[1000:], "\xde\xad\xbe\xef")
	copy(bin[5000:], "\xca\xfe\x01\x02\x03\xba\xbe")
	copy(bin[9000:], "s\x00e\x00c\x00r\x00e\x00t\x00 secret")
	copy(bin[20000:], "ABE CDE the quick brown fox THE")
	mixed := bytes.Repeat([]byte("quick lazy brown fox over 1234 jumped "), 200)
	return map[string][]byte{
		"text":   []byte(text),
		"binary": bin,
		"mixed":  mixed,
		"pe":     minimalPE(),
		"elf":    goBinary(t),
		"eicar":  eicar(),
		"empty":  {},
	}
}

// yaraResult runs the yara CLI and returns, per matched rule, its string
// matches as "$id@offset".
func yaraResult(t *testing.T, bin, rules, file string) map[string][]string {
	t.Helper()
	out, err := exec.Command(bin, "-s", rules, file).Output()
	if err != nil {
		t.Fatalf("yara %s: %v", file, err)
	}
	res := map[string][]string{}
	rule := ""
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "0x"):
			off, rest, _ := strings.Cut(line, ":")
			id, _, _ := strings.Cut(rest, ":")
			var n int64
			fmt.Sscanf(off, "0x%x", &n)
			res[rule] = append(res[rule], fmt.Sprintf("%s@%d", id, n))
		default:
			rule, _, _ = strings.Cut(line, " ")
			res[rule] = []string{}
		}
	}
	return res
}

func ourResult(t *testing.T, rs *Rules, data []byte) map[string][]string {
	t.Helper()
	ms, err := rs.Scan(context.Background(), data)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	res := map[string][]string{}
	for _, m := range ms {
		res[m.Rule] = []string{}
		for _, s := range m.Strings {
			res[m.Rule] = append(res[m.Rule], fmt.Sprintf("%s@%d", s.ID, s.Offset))
		}
	}
	return res
}

// TestDifferential checks that the matched rules and their string offsets
// equal those of the yara 4.2 CLI on every file of the corpus: every
// offset of a string whose count or offsets its condition uses; for the
// other (lazy) strings, one offset that yara reports too.
func TestDifferential(t *testing.T) {
	bin := yaraCLI(t)
	rulesPath := filepath.Join("testdata", "diff.yar")
	src, err := os.ReadFile(rulesPath)
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := Compile(Source{Name: "diff.yar", Text: src})
	if len(errs) > 0 {
		t.Fatalf("compile: %v", errs)
	}
	dir := t.TempDir()
	files := corpus(t)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			want := yaraResult(t, bin, rulesPath, p)
			got := ourResult(t, rs, files[name])
			t.Logf("%s: %v", name, sortedKeys(got))
			for _, r := range sortedKeys(want, got) {
				w, wok := want[r]
				g, gok := got[r]
				w, g = lazyMatches(rs, r, w, g)
				w, g = firstPerString(w), firstPerString(g)
				switch {
				case wok != gok:
					t.Errorf("rule %s: yara matched %v, fourc matched %v", r, wok, gok)
				case !slices.Equal(w, g):
					t.Errorf("rule %s: strings differ\nyara:  %d %v\nfourc: %d %v", r, len(w), w[:min(len(w), 20)], len(g), g[:min(len(g), 20)])
				}
			}
		})
	}
}

// lazyMatches drops from both lists the matches of the lazy strings of
// rule when fourc reports one of them and yara reports it too; any other
// difference is left for the caller to report.
func lazyMatches(rs *Rules, rule string, want, got []string) ([]string, []string) {
	for _, cr := range rs.rules {
		if cr.name != rule {
			continue
		}
		for _, si := range cr.strs {
			s := rs.strs[si]
			if !s.lazy {
				continue
			}
			id := "$" + s.id + "@"
			var mine []string
			for _, m := range got {
				if strings.HasPrefix(m, id) {
					mine = append(mine, m)
				}
			}
			if len(mine) == 1 && slices.Contains(want, mine[0]) {
				drop := func(m string) bool { return strings.HasPrefix(m, id) }
				want = slices.DeleteFunc(slices.Clone(want), drop)
				got = slices.DeleteFunc(slices.Clone(got), drop)
			}
		}
	}
	return want, got
}

// firstPerString keeps, per string id, the matches with the lowest
// offsets: at most maxReported, as fourc reports.
func firstPerString(ms []string) []string {
	byID := map[string][]int64{}
	for _, m := range ms {
		id, off, _ := strings.Cut(m, "@")
		var n int64
		fmt.Sscan(off, &n)
		byID[id] = append(byID[id], n)
	}
	var out []string
	for id, offs := range byID {
		slices.Sort(offs)
		for _, o := range offs[:min(len(offs), maxReported)] {
			out = append(out, fmt.Sprintf("%s@%d", id, o))
		}
	}
	slices.Sort(out)
	return out
}

func sortedKeys(ms ...map[string][]string) []string {
	var out []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestEICAR checks the classic EICAR rule against the EICAR file.
func TestEICAR(t *testing.T) {
	rule := `rule eicar { strings: $e = "` + strings.ReplaceAll(string(eicar()), `\`, `\\`) + `" condition: $e at 0 and filesize < 128 }`
	rs := compileOne(t, rule)
	if got := matched(t, rs, eicar()); !slices.Equal(got, []string{"eicar"}) {
		t.Fatalf("matched %v", got)
	}
	if got := matched(t, rs, []byte("harmless")); len(got) != 0 {
		t.Fatalf("matched %v on a harmless file", got)
	}
}
