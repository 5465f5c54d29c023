package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/fourc-dev/fourc/internal/cli"
	"github.com/fourc-dev/fourc/internal/image/imagetest"
	"github.com/fourc-dev/fourc/internal/reach"
)

func TestMain(m *testing.M) {
	reach.MaybeChild()
	testscript.Main(m, map[string]func(){
		"fourc": func() { os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

var (
	starterOnce sync.Once
	starterDB   string
	starterErr  error
)

// starter builds, once per test binary, a vulnerability database from the
// real Go OSV records of the pinned golang.org/x/vulndb module, exactly as
// a user does with `fourc db import --starter`.
func starter(t *testing.T) string {
	t.Helper()
	starterOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fourc-db-")
		if err != nil {
			starterErr = err
			return
		}
		starterDB = filepath.Join(dir, "fourc.db")
		var out, errb bytes.Buffer
		if code := cli.Run(context.Background(), []string{"db", "import", "--starter", "--db", starterDB}, nil, &out, &errb); code != 0 {
			starterErr = fmt.Errorf("fourc db import --starter: exit %d: %s", code, errb.String())
		}
	})
	if starterErr != nil {
		t.Fatal(starterErr)
	}
	return starterDB
}

// TestScripts runs the command-line tests in testdata/script: each is a
// txtar file of commands, inputs and expected output (see testscript).
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	db := starter(t)
	rootfs := imagetest.DebianRootfs(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"debian-image":  debianImageCmd(rootfs),
			"malware-image": malwareImageCmd,
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			env.Setenv("FOURC_DB", db)
			env.Setenv("HOME", os.Getenv("HOME"))
			env.Setenv("GOPATH", os.Getenv("GOPATH"))
			env.Setenv("GOMODCACHE", os.Getenv("GOMODCACHE"))
			env.Setenv("GOCACHE", os.Getenv("GOCACHE"))
			env.Setenv("SOURCE_DATE_EPOCH", "1795600000")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
	})
}
