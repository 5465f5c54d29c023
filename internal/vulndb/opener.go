package vulndb

import (
	"errors"
	"fmt"
	"time"
)

// OpenForScan opens the database a scanning command matches packages
// against, with the one staleness rule every command shares. path empty
// means [DefaultPath]. A missing database is not an error: db is nil and
// the notice says what was not checked and how to get the data. An open
// database's notice gives its size and age, prefixed "STALE" (with the
// command that refreshes it) once it is older than [StaleAfter].
func OpenForScan(path string, now time.Time) (db *DB, notice string, err error) {
	if path == "" {
		if path, err = DefaultPath(); err != nil {
			return nil, "", err
		}
	}
	db, err = Open(path)
	if errors.Is(err, ErrNoDatabase) {
		return nil, fmt.Sprintf("no vulnerability database at %s, so packages were not checked; run 'fourc db update' (online) or 'fourc db import --starter' (offline)", path), nil
	}
	if err != nil {
		return nil, "", OpenError(path, err)
	}
	st := db.Status()
	notice = fmt.Sprintf("vulnerability database: %d records, built %s (%s old)", st.Records, st.BuiltAt.UTC().Format(time.DateOnly), Age(st.Age(now)))
	if st.Stale(now, StaleAfter) {
		notice = "STALE " + notice + "; run 'fourc db update'"
	}
	return db, notice, nil
}

// OpenError names the database in an error from opening or reading it; a
// damaged database's error already says which file and how to fix it.
func OpenError(path string, err error) error {
	if errors.Is(err, ErrDamaged) {
		return err
	}
	return fmt.Errorf("vulnerability database %s: %w", path, err)
}

// Age is a database age in words: "under an hour", "5 hours", "12 days".
func Age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "under an hour"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
