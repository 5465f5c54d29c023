// Command yara-bench measures fourc's YARA engine (internal/yara) on a
// tree, next to the yara CLI and to fourc's secret scanner; run.sh drives
// it.
//
//	go run ./bench/yara -gen RULES.yar [-n 1000]     # write the generated rule set
//	go run ./bench/yara -rules RULES.yar -dir DIR    # scan DIR, print "rule path" per match
//	go run ./bench/yara -rules RULES.yar -dir DIR -secret-files  # only the files the secret scanner reads
//	go run ./bench/yara -secret -dir DIR             # fourc's secret scanner alone on DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fourc-dev/fourc/internal/engine"
	"github.com/fourc-dev/fourc/internal/secret"
	"github.com/fourc-dev/fourc/internal/yara"
)

// maxFile is the largest file scanned; larger ones are skipped by both
// fourc and (through -z) yara.
const maxFile = 64 << 20

func main() {
	gen := flag.String("gen", "", "write a generated rule set to this file")
	n := flag.Int("n", 1000, "rules to generate")
	rules := flag.String("rules", "", "rule file or directory to scan with")
	dir := flag.String("dir", "", "directory to scan")
	sec := flag.Bool("secret", false, "run fourc's secret scanner instead")
	secFiles := flag.Bool("secret-files", false, "scan only the files the secret scanner reads (it skips vendored trees, lock files and binaries by name)")
	prof := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch {
	case *gen != "":
		err = os.WriteFile(*gen, []byte(generate(*n)), 0o644)
	case *sec:
		err = runSecret(ctx, *dir)
	default:
		err = runYARA(ctx, *rules, *dir, *secFiles)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "yara-bench:", err)
		pprof.StopCPUProfile()
		os.Exit(2)
	}
}

// runYARA scans every regular file of dir (or, with secretFiles, those
// the secret scanner wants) with the rules, on GOMAXPROCS workers, and
// prints one "rule path" line per match, like yara -r.
func runYARA(ctx context.Context, rulesPath, dir string, secretFiles bool) error {
	wants := func(string) bool { return true }
	if secretFiles {
		s, err := secret.NewScanner(secret.Options{})
		if err != nil {
			return err
		}
		wants = s.Wants
	}
	start := time.Now()
	rs, errs := yara.LoadFiles(rulesPath)
	for _, e := range errs {
		fmt.Fprintln(os.Stderr, "rules:", e)
	}
	compiled := time.Since(start)
	paths := make(chan string)
	var mu sync.Mutex
	var lines []string
	var files, bytes int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte // reused from file to file, as the engine's scanners do
			for p := range paths {
				data, err := readFile(p, &buf)
				if err != nil {
					continue
				}
				ms, err := rs.Scan(ctx, data)
				if err != nil {
					fmt.Fprintf(os.Stderr, "%s: %v\n", p, err)
				}
				mu.Lock()
				files++
				bytes += int64(len(data))
				for _, m := range ms {
					lines = append(lines, m.Rule+" "+p)
				}
				mu.Unlock()
			}
		}()
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if rel, err := filepath.Rel(dir, p); err != nil || !wants(filepath.ToSlash(rel)) {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > maxFile {
			return nil
		}
		select {
		case paths <- p:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	})
	close(paths)
	wg.Wait()
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
	fmt.Fprintf(os.Stderr, "rules=%d compile=%s files=%d bytes=%d matches=%d duration=%s\n",
		rs.Len(), compiled.Round(time.Millisecond), files, bytes, len(lines), time.Since(start).Round(time.Millisecond))
	return err
}

// readFile reads the file at p whole into *buf, growing it as needed.
func readFile(p string, buf *[]byte) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	n := int(info.Size())
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	data := (*buf)[:n]
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, err
	}
	return data, nil
}

// runSecret runs fourc's secret scanner alone through the engine, as
// bench/secret does.
func runSecret(ctx context.Context, dir string) error {
	s, err := secret.NewScanner(secret.Options{})
	if err != nil {
		return err
	}
	res, err := engine.Run(ctx, os.DirFS(dir), []engine.Scanner{s}, engine.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "files=%d scanned=%d findings=%d duration=%s\n",
		res.Files, res.Units, len(res.Findings), res.Duration.Round(time.Millisecond))
	return nil
}

// indicators are strings of the kind public malware rules look for; some
// occur in ordinary source trees, most do not.
var indicators = []string{
	"cmd.exe /c", "powershell -enc", "VirtualAlloc", "CreateRemoteThread", "WriteProcessMemory",
	"/bin/sh -i", "wget http", "curl -s http", "chmod 777", "stratum+tcp://", "xmrig", "mimikatz",
	"LoadLibraryA", "GetProcAddress", "ShellExecute", "URLDownloadToFile", "/etc/shadow", "/dev/tcp/",
	"base64 -d", "nc -e", "reverse shell", "keylogger", "IsDebuggerPresent", "NtUnmapViewOfSection",
	"syscall.Exec", "os/exec", "unsafe.Pointer", "runtime.GOOS", "password", "BEGIN RSA PRIVATE KEY",
	"eval(", "document.cookie", "XMLHttpRequest", "crypto/aes", "encoding/base64", "net.Dial",
	"http.Get", "ioutil.ReadAll", "exec.Command", "os.Remove",
}

// generate writes n rules: text strings with modifiers, hex strings with
// wildcards, jumps and alternatives, a few regexes, and conditions with
// counts, offsets and quantifiers. Every string is named $sN so that every
// condition can name them all (yara refuses unreferenced strings).
func generate(n int) string {
	r := rand.New(rand.NewPCG(4, 2))
	var b strings.Builder
	b.WriteString("// Generated by bench/yara: a realistic rule set for timing, not for detection.\n\n")
	for i := range n {
		fmt.Fprintf(&b, "rule gen_%04d : bench {\n  meta:\n    author = \"bench\"\n    score = %d\n  strings:\n", i, r.IntN(100))
		ns := 0
		for k := range 2 + r.IntN(3) {
			fmt.Fprintf(&b, "    $s%d = \"%s\"%s\n", k, escape(textString(r)), textMods(r))
			ns++
		}
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "    $s%d = { %s }\n", ns, hexString(r))
			ns++
		}
		if r.IntN(20) == 0 {
			fmt.Fprintf(&b, "    $s%d = /%s/%s\n", ns, regexString(r), []string{"", "i", "s"}[r.IntN(3)])
			ns++
		}
		fmt.Fprintf(&b, "  condition:\n    %s\n}\n\n", condition(r, ns))
	}
	return b.String()
}

func textString(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return indicators[r.IntN(len(indicators))]
	}
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."
	b := make([]byte, 6+r.IntN(10))
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	return string(b)
}

func escape(s string) string { return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) }

func textMods(r *rand.Rand) string {
	var m []string
	if r.IntN(3) == 0 {
		m = append(m, "nocase")
	}
	switch r.IntN(6) {
	case 0:
		m = append(m, "wide")
	case 1:
		m = append(m, "ascii", "wide")
	}
	if r.IntN(5) == 0 {
		m = append(m, "fullword")
	}
	if len(m) == 0 {
		return ""
	}
	return " " + strings.Join(m, " ")
}

func hexBytes(r *rand.Rand, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%02X", r.IntN(256))
	}
	return strings.Join(parts, " ")
}

func hexString(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return hexBytes(r, 4+r.IntN(4)) + " ?? " + hexBytes(r, 2)
	case 1:
		return hexBytes(r, 4) + fmt.Sprintf(" [%d-%d] ", r.IntN(4), 4+r.IntN(8)) + hexBytes(r, 3)
	case 2:
		return hexBytes(r, 3) + " ( " + hexBytes(r, 2) + " | " + hexBytes(r, 3) + " ) " + hexBytes(r, 2)
	}
	return hexBytes(r, 2) + " 4? " + hexBytes(r, 4)
}

func regexString(r *rand.Rand) string {
	return []string{
		`https?:\/\/[a-z0-9.]{4,40}\/[a-z]{3,10}\.(exe|dll|sh)`,
		`TVqQAAMAAAAEAAAA[A-Za-z0-9+\/]{8,64}`,
		`stratum\+tcp:\/\/[a-z0-9.]+:[0-9]{2,5}`,
		`\\x[0-9a-f]{2}\\x[0-9a-f]{2}\\x[0-9a-f]{2}`,
		`(cmd|powershell)\.exe\s+\/c`,
	}[r.IntN(5)]
}

func condition(r *rand.Rand, ns int) string {
	switch r.IntN(6) {
	case 0:
		return "any of them"
	case 1:
		return "2 of them"
	case 2:
		return "all of them and filesize < 10MB"
	case 3:
		return "#s0 > 2 and any of ($s*)"
	case 4:
		return fmt.Sprintf("for any of ($s*) : ( # >= 1 and @ < filesize ) and %d of them", min(ns, 2))
	}
	return "$s0 in (0..4096) or (#s1 > 1 and all of them)"
}
