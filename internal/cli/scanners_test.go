package cli

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fourc-dev/fourc/internal/config"
	"github.com/fourc-dev/fourc/internal/kube"
	"github.com/fourc-dev/fourc/internal/malware"
	"github.com/fourc-dev/fourc/internal/vuln"
)

// TestScannerNames keeps --scanners' list equal to the names of the
// scanners `fourc scan` builds, and checks that a selection builds only
// what it names.
func TestScannerNames(t *testing.T) {
	all, err := selectScanners(nil)
	if err != nil {
		t.Fatal(err)
	}
	// No database: the vulnerability scanner is left out with a notice,
	// and is named by its package's constant.
	vo := vulnOptions{dbPath: filepath.Join(t.TempDir(), "none.db")}
	set, err := newScanSet(&config.Config{}, vo, t.TempDir(), time.Now(), all, nil, kube.Options{}, malware.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	var got []string
	for _, s := range set.scanners {
		got = append(got, s.Name())
	}
	got = append(got, vuln.ScannerName)
	if !slices.Equal(got, scannerNames) {
		t.Errorf("scanners built %v, --scanners names %v", got, scannerNames)
	}

	some, err := selectScanners([]string{" Secret", "iac", ""})
	if err != nil {
		t.Fatal(err)
	}
	set, err = newScanSet(&config.Config{}, vo, t.TempDir(), time.Now(), some, nil, kube.Options{}, malware.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	got = got[:0]
	for _, s := range set.scanners {
		got = append(got, s.Name())
	}
	if !slices.Equal(got, []string{"secret", "iac"}) || len(set.notices) != 0 {
		t.Errorf("--scanners secret,iac built %v with notices %v", got, set.notices)
	}
}
