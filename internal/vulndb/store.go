package vulndb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout version of the store; a database with another
// version must be rebuilt.
const SchemaVersion = 1

// StaleAfter is how old a database may get before callers should warn.
const StaleAfter = 7 * 24 * time.Hour

// Bucket names.
var (
	bucketMeta    = []byte("meta")
	bucketRecords = []byte("records") // id → compact OSV JSON
	bucketIndex   = []byte("index")   // ecosystem \x00 name → ids, "\n"-joined
	bucketKeys    = []byte("keys")    // id → index keys, "\n"-joined
	bucketSources = []byte("sources") // id → source name
	keyStatus     = []byte("status")
)

// Status describes a database: when it was built, from what, and how many
// records it holds.
type Status struct {
	// Path is the database file.
	Path string `json:"path"`
	// SchemaVersion is the store layout version.
	SchemaVersion int `json:"schema_version"`
	// BuiltAt is when the database file was built.
	BuiltAt time.Time `json:"built_at"`
	// Records is the number of OSV records.
	Records int `json:"records"`
	// Ecosystems counts records per ecosystem named in their affected list.
	Ecosystems map[string]int `json:"ecosystems"`
	// Sources lists where the records came from, sorted by name.
	Sources []Source `json:"sources"`
	// Checksum is the SHA-256 of every record in ID order.
	Checksum string `json:"checksum"`
	// Unavailable lists, after an update without named ecosystems, the
	// default ecosystems the server has no export of (their records, if
	// any, were kept). It is not stored.
	Unavailable []string `json:"unavailable,omitempty"`
}

// Source is one origin of records: an OSV ecosystem export or a local import.
type Source struct {
	// Name is the ecosystem ("Go", "PyPI") for downloads, or "import" plus
	// the imported path for local files.
	Name string `json:"name"`
	// Origin is the URL or local path the records were read from.
	Origin string `json:"origin"`
	// Records is the number of records this source contributed.
	Records int `json:"records"`
	// FetchedAt is when the source was read.
	FetchedAt time.Time `json:"fetched_at"`
}

// Age is how old the database is at now.
func (s Status) Age(now time.Time) time.Duration { return now.Sub(s.BuiltAt) }

// Stale reports whether the database is older than maxAge at now (maxAge <=
// 0 means [StaleAfter]).
func (s Status) Stale(now time.Time, maxAge time.Duration) bool {
	if maxAge <= 0 {
		maxAge = StaleAfter
	}
	return s.Age(now) > maxAge
}

// DefaultPath is where the database lives unless told otherwise: $FOURC_DB,
// or fourc/db/fourc.db under the user cache directory.
func DefaultPath() (string, error) {
	if p := os.Getenv("FOURC_DB"); p != "" {
		return p, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locating the vulnerability database: %w", err)
	}
	return filepath.Join(dir, "fourc", "db", "fourc.db"), nil
}

// ErrNoDatabase is returned by [Open] when no database file exists.
var ErrNoDatabase = errors.New("no vulnerability database (run `fourc db update` or `fourc db import`)")

// DB is an open, read-only database. It is safe for concurrent use.
type DB struct {
	bolt   *bolt.DB
	status Status

	mu    sync.Mutex
	cache map[string]*Record

	longerOnce sync.Once
	longerOf   map[string][]string // ecosystem → its longer forms in the index
}

// Open opens the database at path read-only and checks that it is complete:
// the file's pages are intact as far as bbolt's metadata goes, the schema
// version matches and the record count agrees with the metadata.
// [DB.Verify] does the full checksum check. A truncated, bit-flipped or
// otherwise unreadable file gives a [DamagedError] (errors.Is ErrDamaged),
// never a panic.
func Open(path string) (*DB, error) {
	removeStale(filepath.Dir(path), time.Now())
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("opening %q: %w", path, ErrNoDatabase)
	}
	if err := checkFile(path); err != nil {
		if errors.Is(err, ErrDamaged) {
			return nil, err
		}
		return nil, fmt.Errorf("opening vulnerability database %q: %w", path, err)
	}
	var b *bolt.DB
	err := guarded(path, func() error {
		var err error
		b, err = bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
		return err
	})
	if err != nil {
		if errors.Is(err, ErrDamaged) {
			return nil, err
		}
		if isFormatError(err) {
			return nil, damaged(path, err)
		}
		return nil, fmt.Errorf("opening vulnerability database %q: %w", path, err)
	}
	db := &DB{bolt: b, cache: map[string]*Record{}}
	if err := db.view(func(tx *bolt.Tx) error {
		st, err := readStatus(tx)
		if err != nil {
			return err
		}
		if n := tx.Bucket(bucketRecords).Stats().KeyN; n != st.Records {
			return fmt.Errorf("holds %d records, metadata says %d", n, st.Records)
		}
		db.status = st
		return nil
	}); err != nil {
		b.Close()
		if errors.Is(err, ErrDamaged) {
			return nil, err
		}
		return nil, damaged(path, err)
	}
	db.status.Path = path
	return db, nil
}

// view runs a read transaction, guarded against what a damaged file makes
// bbolt do.
func (db *DB) view(f func(tx *bolt.Tx) error) error {
	return guarded(db.bolt.Path(), func() error { return db.bolt.View(f) })
}

func readStatus(tx *bolt.Tx) (Status, error) {
	var st Status
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return st, errors.New("no metadata bucket (not a fourc database, or an unfinished build)")
	}
	for _, name := range [][]byte{bucketRecords, bucketIndex, bucketKeys, bucketSources} {
		if tx.Bucket(name) == nil {
			return st, fmt.Errorf("missing bucket %q", name)
		}
	}
	raw := meta.Get(keyStatus)
	if raw == nil {
		return st, errors.New("no status in metadata")
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, fmt.Errorf("decoding metadata: %w", err)
	}
	if st.SchemaVersion != SchemaVersion {
		return st, fmt.Errorf("schema version %d, want %d (rebuild it)", st.SchemaVersion, SchemaVersion)
	}
	return st, nil
}

// Covers reports whether the database holds records for packages of
// ecosystem: records filed under it, its base ("Debian" for "Debian:12")
// or a longer form of it ("Ubuntu:22.04:LTS" for "Ubuntu:22.04"). Packages
// of an ecosystem it does not cover are not checked at all.
func (db *DB) Covers(ecosystem string) bool {
	if ecosystem == "" {
		return false
	}
	return db.status.Ecosystems[ecosystem] > 0 || db.status.Ecosystems[BaseEcosystem(ecosystem)] > 0 || len(db.longer(ecosystem)) > 0
}

// longer lists the ecosystems of the database that extend ecosystem with
// more ":"-separated parts, sorted.
func (db *DB) longer(ecosystem string) []string {
	db.longerOnce.Do(func() {
		db.longerOf = map[string][]string{}
		for e := range db.status.Ecosystems {
			for i := range len(e) {
				if e[i] == ':' {
					db.longerOf[e[:i]] = append(db.longerOf[e[:i]], e)
				}
			}
		}
		for _, v := range db.longerOf {
			slices.Sort(v)
		}
	})
	return db.longerOf[ecosystem]
}

// Close releases the database.
func (db *DB) Close() error { return db.bolt.Close() }

// Status returns the metadata read at open time.
func (db *DB) Status() Status { return db.status }

// Verify recomputes the checksum and per-record validity and compares them
// with the metadata.
func (db *DB) Verify() error {
	return db.view(func(tx *bolt.Tx) error {
		sum, n, err := checksum(tx.Bucket(bucketRecords))
		switch {
		case err != nil:
			return damaged(db.status.Path, err)
		case n != db.status.Records:
			return damaged(db.status.Path, fmt.Sprintf("%d records, metadata says %d", n, db.status.Records))
		case sum != db.status.Checksum:
			return damaged(db.status.Path, fmt.Sprintf("checksum %s, metadata says %s", sum, db.status.Checksum))
		}
		return nil
	})
}

// checksum hashes every record in key order.
func checksum(b *bolt.Bucket) (string, int, error) {
	h := sha256.New()
	n := 0
	err := b.ForEach(func(k, v []byte) error {
		if !json.Valid(v) {
			return fmt.Errorf("record %q is not valid JSON", k)
		}
		h.Write(k)
		h.Write([]byte{0})
		h.Write(v)
		h.Write([]byte{0})
		n++
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// Lookup returns the records that name the package in their affected list.
// A suffixed ecosystem ("Debian:12") also finds records filed under its base
// ("Debian"), and an ecosystem finds those filed under its longer forms
// ("Ubuntu:22.04" finds "Ubuntu:22.04:LTS"). Withdrawn records are
// included; the matcher decides.
func (db *DB) Lookup(ecosystem, name string) ([]*Record, error) {
	keys := []string{indexKey(ecosystem, name)}
	if base := BaseEcosystem(ecosystem); base != ecosystem {
		keys = append(keys, indexKey(base, name))
	}
	for _, e := range db.longer(ecosystem) {
		keys = append(keys, indexKey(e, name))
	}
	var ids []string
	err := db.view(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketIndex)
		for _, k := range keys {
			if v := idx.Get([]byte(k)); len(v) > 0 {
				ids = append(ids, strings.Split(string(v), "\n")...)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("looking up %s/%s: %w", ecosystem, name, err)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]*Record, 0, len(ids))
	for _, id := range ids {
		r, err := db.Get(id)
		if errors.Is(err, ErrNotFound) {
			return nil, damaged(db.status.Path, fmt.Errorf("the index names %w", err))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Get returns one record by ID.
func (db *DB) Get(id string) (*Record, error) {
	db.mu.Lock()
	r, ok := db.cache[id]
	db.mu.Unlock()
	if ok {
		return r, nil
	}
	raw, err := db.Raw(id)
	if err != nil {
		return nil, err
	}
	r = new(Record)
	if err := json.Unmarshal(raw, r); err != nil {
		return nil, damaged(db.status.Path, fmt.Errorf("decoding record %s: %w", id, err))
	}
	db.mu.Lock()
	db.cache[id] = r
	db.mu.Unlock()
	return r, nil
}

// ByAlias returns the records filed under other IDs that name id as an
// alias or as their upstream vulnerability: a Debian or Ubuntu record about
// a CVE, the GHSA of a Go advisory. Databases built before the alias index
// existed return none.
func (db *DB) ByAlias(id string) ([]*Record, error) {
	var ids []string
	err := db.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketIndex).Get([]byte(aliasKey(id))); len(v) > 0 {
			ids = strings.Split(string(v), "\n")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("looking up alias %s: %w", id, err)
	}
	out := make([]*Record, 0, len(ids))
	for _, rid := range ids {
		r, err := db.Get(rid)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ErrNotFound is returned for an unknown record ID.
var ErrNotFound = errors.New("no such record")

// Raw returns the stored JSON of one record.
func (db *DB) Raw(id string) ([]byte, error) {
	var raw []byte
	err := db.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketRecords).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("record %q: %w", id, ErrNotFound)
		}
		raw = bytes.Clone(v)
		return nil
	})
	return raw, err
}

// Export writes every record that affects a package of ecosystem (all
// records when ecosystem is empty) to dir as <ID>.json, the flat layout
// govulncheck's -db file://DIR accepts. It returns the number written.
func (db *DB) Export(dir, ecosystem string) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("exporting records: %w", err)
	}
	prefix := []byte(ecosystem + "\x00")
	n := 0
	err := db.view(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketRecords)
		keys := tx.Bucket(bucketKeys)
		return recs.ForEach(func(id, v []byte) error {
			if ecosystem != "" && !hasKeyPrefix(keys.Get(id), prefix) {
				return nil
			}
			n++
			return os.WriteFile(filepath.Join(dir, string(id)+".json"), v, 0o644)
		})
	})
	if err != nil {
		return n, fmt.Errorf("exporting records to %q: %w", dir, err)
	}
	return n, nil
}

func hasKeyPrefix(keys, prefix []byte) bool {
	for k := range bytes.SplitSeq(keys, []byte("\n")) {
		if bytes.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
