package vulndb

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// batchSize is how many records go into one write transaction.
const batchSize = 2000

// builder writes a new database file beside the current one.
type builder struct {
	db      *bolt.DB
	tx      *bolt.Tx
	pending int

	added   int                 // records added by load
	secdb   *secDBSet           // secdb files read, turned into records by addSecDB
	keys    map[string][]string // id → index keys
	src     map[string]string   // id → source name
	sources map[string]Source
}

// build writes a new database into a temporary file next to path, carrying
// over the records of the current database whose source is not in replace,
// then lets load add records, verifies the result and renames it over path.
// On any error the temporary file is removed and path is left as it was.
func build(ctx context.Context, path string, now time.Time, replace []string, load func(*builder) error) (st Status, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, fmt.Errorf("creating database directory: %w", err)
	}
	removeStale(dir, time.Now())
	f, err := os.CreateTemp(dir, tempDBPattern) // bbolt locks it once open
	if err != nil {
		return st, fmt.Errorf("creating temporary database: %w", err)
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	bdb, err := bolt.Open(tmp, 0o644, &bolt.Options{Timeout: 5 * time.Second, NoFreelistSync: true})
	if err != nil {
		return st, fmt.Errorf("creating temporary database: %w", err)
	}
	bdb.NoSync = true
	b := &builder{db: bdb, keys: map[string][]string{}, src: map[string]string{}, sources: map[string]Source{}, secdb: newSecDBSet()}
	err = func() error {
		if err := b.begin(); err != nil {
			return err
		}
		for _, name := range [][]byte{bucketMeta, bucketRecords, bucketIndex, bucketKeys, bucketSources} {
			if _, err := b.tx.CreateBucket(name); err != nil {
				return err
			}
		}
		if err := b.carryOver(ctx, path, replace); err != nil {
			return err
		}
		if err := load(b); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		st, err = b.finish(now)
		return err
	}()
	if b.tx != nil {
		b.tx.Rollback()
	}
	if err == nil {
		err = bdb.Sync()
	}
	if cerr := bdb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return st, fmt.Errorf("building vulnerability database: %w", err)
	}
	check, err := Open(tmp)
	if err != nil {
		return st, fmt.Errorf("verifying new database: %w", err)
	}
	err = check.Verify()
	check.Close()
	if err != nil {
		return st, fmt.Errorf("verifying new database: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return st, fmt.Errorf("installing new database: %w", err)
	}
	st.Path = path
	return st, nil
}

func (b *builder) begin() error {
	tx, err := b.db.Begin(true)
	if err != nil {
		return err
	}
	b.tx = tx
	b.pending = 0
	return nil
}

// flush commits the current batch when it is full.
func (b *builder) flush(force bool) error {
	if !force && b.pending < batchSize {
		return nil
	}
	if err := b.tx.Commit(); err != nil {
		b.tx = nil
		return err
	}
	return b.begin()
}

// carryOver copies the records of the database at path whose source is not
// being replaced. A missing or unreadable database is a fresh start.
func (b *builder) carryOver(ctx context.Context, path string, replace []string) error {
	old, err := Open(path)
	if err != nil {
		return nil
	}
	defer old.Close()
	if old.Verify() != nil {
		return nil // a damaged database is rebuilt from scratch
	}
	for _, s := range old.status.Sources {
		if !slices.Contains(replace, s.Name) {
			b.sources[s.Name] = s
		}
	}
	return old.view(func(tx *bolt.Tx) error {
		srcs, keys := tx.Bucket(bucketSources), tx.Bucket(bucketKeys)
		return tx.Bucket(bucketRecords).ForEach(func(id, v []byte) error {
			src := string(srcs.Get(id))
			if slices.Contains(replace, src) {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			var ks []string
			if k := keys.Get(id); len(k) > 0 {
				ks = strings.Split(string(k), "\n")
			}
			// bbolt keeps the slices until commit; the old map goes away first.
			return b.put(string(id), bytes.Clone(v), ks, src)
		})
	})
}

// add parses one OSV record from source and stores it, replacing any earlier
// record with the same ID.
func (b *builder) add(source string, data []byte) error {
	r, compact, err := ParseRecord(data)
	if err != nil {
		return err
	}
	b.added++
	return b.put(r.ID, compact, r.indexKeys(), source)
}

func (b *builder) put(id string, v []byte, keys []string, source string) error {
	if err := b.tx.Bucket(bucketRecords).Put([]byte(id), v); err != nil {
		return err
	}
	if err := b.tx.Bucket(bucketKeys).Put([]byte(id), []byte(strings.Join(keys, "\n"))); err != nil {
		return err
	}
	if err := b.tx.Bucket(bucketSources).Put([]byte(id), []byte(source)); err != nil {
		return err
	}
	b.keys[id] = keys
	b.src[id] = source
	b.pending++
	return b.flush(false)
}

// finish writes the index and the metadata.
func (b *builder) finish(now time.Time) (Status, error) {
	index := map[string][]string{}
	ecos := map[string]int{}
	counts := map[string]int{}
	for _, id := range slices.Sorted(maps.Keys(b.keys)) {
		seen := map[string]bool{}
		for _, k := range b.keys[id] {
			index[k] = append(index[k], id)
			if isAliasKey(k) {
				continue
			}
			eco, _, _ := strings.Cut(k, "\x00")
			if !seen[eco] {
				seen[eco] = true
				ecos[eco]++
			}
		}
		counts[b.src[id]]++
	}
	idx := b.tx.Bucket(bucketIndex)
	for k, ids := range index {
		if err := idx.Put([]byte(k), []byte(strings.Join(ids, "\n"))); err != nil {
			return Status{}, err
		}
		b.pending++
		if err := b.flush(false); err != nil {
			return Status{}, err
		}
		idx = b.tx.Bucket(bucketIndex)
	}
	sum, n, err := checksum(b.tx.Bucket(bucketRecords))
	if err != nil {
		return Status{}, err
	}
	st := Status{SchemaVersion: SchemaVersion, BuiltAt: now.UTC(), Records: n, Ecosystems: ecos, Checksum: sum}
	for _, name := range slices.Sorted(maps.Keys(b.sources)) {
		s := b.sources[name]
		s.Records = counts[name]
		if s.Records > 0 {
			st.Sources = append(st.Sources, s)
		}
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return Status{}, err
	}
	if err := b.tx.Bucket(bucketMeta).Put(keyStatus, raw); err != nil {
		return Status{}, err
	}
	if err := b.tx.Commit(); err != nil {
		b.tx = nil
		return Status{}, err
	}
	b.tx = nil
	return st, nil
}

// addZip adds every .json file of an OSV zip export. Reading each member to
// its end checks its CRC-32.
func (b *builder) addZip(ctx context.Context, source, zipPath string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return fmt.Errorf("reading zip %q: %w", zipPath, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		if f.UncompressedSize64 > maxRecordSize {
			return fmt.Errorf("zip %q: %s is %d bytes, over the record limit", zipPath, f.Name, f.UncompressedSize64)
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("zip %q: opening %s: %w", zipPath, f.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxRecordSize+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("zip %q: reading %s: %w", zipPath, f.Name, err)
		}
		if err := b.add(source, data); err != nil {
			return fmt.Errorf("zip %q: %s: %w", zipPath, f.Name, err)
		}
	}
	return nil
}

// addDir adds every OSV record (.json) and secdb file (.json, .yaml,
// .yml) under dir, except a v1 database's index/.
func (b *builder) addDir(ctx context.Context, source, dir string) error {
	fsys := os.DirFS(dir)
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p == "index" {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return b.addFile(source, filepath.Join(dir, filepath.FromSlash(p)))
	})
}

// addFile adds one OSV record or secdb file; files of other kinds are
// ignored.
func (b *builder) addFile(source, name string) error {
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".json" && ext != ".yaml" && ext != ".yml" {
		return nil
	}
	limit := int64(maxRecordSize)
	if ext != ".json" {
		limit = maxSecDBSize
	}
	data, err := readBounded(name, limit)
	if err != nil {
		return err
	}
	switch {
	case ext != ".json":
		err = b.secdb.add(data, true)
	case bytes.Contains(data, []byte(`"secfixes"`)) && looksLikeSecDB(data):
		err = b.secdb.add(data, false)
	default:
		err = b.add(source, data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// addSecDB stores the records made from the secdb files read so far.
func (b *builder) addSecDB(source string) error {
	for _, data := range b.secdb.records() {
		if err := b.add(source, data); err != nil {
			return err
		}
	}
	b.secdb = newSecDBSet()
	return nil
}

func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %q: %w", name, err)
	}
	return data, nil
}

// ImportOptions tune [Import].
type ImportOptions struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Import adds the OSV records in src — a directory of OSV JSON files
// (searched recursively), a zip of them or one such file — to the
// database at path, for machines without network access. Alpine secdb
// files (JSON or YAML, also Wolfi's and Chainguard's) in src are turned
// into OSV records. Records from an earlier import of the
// same src are replaced; records from other sources are kept. The database
// is rebuilt into a temporary file and swapped in only once verified.
func Import(ctx context.Context, path, src string, opts ImportOptions) (Status, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return Status{}, fmt.Errorf("importing %q: %w", src, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return Status{}, fmt.Errorf("importing %q: %w", src, err)
	}
	name := "import " + abs
	t := now()
	st, err := build(ctx, path, t, []string{name}, func(b *builder) error {
		b.sources[name] = Source{Name: name, Origin: abs, FetchedAt: t.UTC()}
		var err error
		switch ext := strings.ToLower(filepath.Ext(abs)); {
		case fi.IsDir():
			err = b.addDir(ctx, name, abs)
		case ext == ".json" || ext == ".yaml" || ext == ".yml":
			err = b.addFile(name, abs)
		default:
			err = b.addZip(ctx, name, abs)
		}
		if err == nil {
			err = b.addSecDB(name)
		}
		if err == nil && b.added == 0 {
			err = errors.New("no OSV records or secdb entries found")
		}
		return err
	})
	if err != nil {
		return Status{}, fmt.Errorf("importing %q: %w", src, err)
	}
	return st, nil
}
