package vulndb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOpenForScan: the one opener every scanning command uses. A missing
// database is a notice naming the fix; a database older than StaleAfter is
// flagged STALE with the command that refreshes it; a fresh one is not.
func TestOpenForScan(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	db, notice, err := OpenForScan(missing, time.Now())
	if err != nil || db != nil || !strings.Contains(notice, "no vulnerability database at "+missing) || !strings.Contains(notice, "fourc db import --starter") {
		t.Errorf("missing: db %v, notice %q, err %v", db, notice, err)
	}

	dir := t.TempDir()
	for n, v := range realRecords(t, 3) {
		if err := os.WriteFile(filepath.Join(dir, n), v, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	built := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "fourc.db")
	if _, err := Import(context.Background(), path, dir, ImportOptions{Now: func() time.Time { return built }}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		now   time.Time
		want  string
		stale bool
	}{
		{built.Add(2 * time.Hour), "vulnerability database: 3 records, built 2026-11-01 (2 hours old)", false},
		{built.Add(30 * 24 * time.Hour), "STALE vulnerability database: 3 records, built 2026-11-01 (30 days old); run 'fourc db update'", true},
	} {
		db, notice, err := OpenForScan(path, tt.now)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if notice != tt.want {
			t.Errorf("notice %q, want %q", notice, tt.want)
		}
	}

	if err := os.WriteFile(path, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenForScan(path, time.Now()); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("damaged database: err %v does not name %s", err, path)
	}
}
