# Shared by the bench/*/run.sh scripts: source it after setting WORK.

# measure NAME OUT CMD... : runs CMD once untimed, to warm the page cache
# and sample the peak of its private memory (see private), then $RUNS times
# (default 3) under GNU time with stdout to OUT and stderr to
# $WORK/NAME.stderr, and keeps the run with the median wall time in
# $WORK/NAME.time. Prints wall time, CPU time, peak RSS and private memory.
# Peak RSS also counts the pages of the executable the process mapped,
# which depend on the binary's size and on the page cache (see settle).
measure() {
	local name=$1 out=$2
	shift 2
	local priv i j runs=${RUNS:-3}
	priv=$(private "$@")
	for ((i = 1; i <= runs; i++)); do
		/usr/bin/time -v -o "$WORK/$name.time.$i" "$@" >"$out" 2>"$WORK/$name.stderr" || true
	done
	i=$(for ((j = 1; j <= runs; j++)); do echo "$(seconds "$WORK/$name.time.$j") $j"; done |
		sort -n | awk -v m=$(((runs + 1) / 2)) 'NR == m { print $2 }')
	mv "$WORK/$name.time.$i" "$WORK/$name.time"
	rm -f "$WORK/$name".time.*
	local t=$WORK/$name.time
	printf '%-18s wall %8s   cpu %7.2fs   peak RSS %5d MB   private %5d MB   exit %d\n' "$name" \
		"$(field "$t" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')" "$(cpu "$t")" \
		$(($(field "$t" 'Maximum resident set size (kbytes)') / 1024)) $((priv / 1024)) "$(field "$t" 'Exit status')"
}

# field FILE LABEL : the value of one line of a GNU time -v report.
field() { sed -n "s/^[[:space:]]*$2: //p" "$1"; }

# cpu FILE : user plus system seconds from a GNU time -v report.
cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"; }

# settle : drops the page cache when it can (root), so that every binary is
# read back from disk the same way. A binary just written by the linker sits
# in the page cache in large pieces that a process maps whole, which adds
# tens of MB to its peak RSS that a user's installed copy would not have.
settle() {
	sync
	echo 1 >/proc/sys/vm/drop_caches 2>/dev/null || printf '[bench] cannot drop the page cache (not root): peak RSS of freshly built binaries reads high\n' >&2
}

# private CMD... : runs CMD with its output discarded and prints the peak of
# its RssAnon in kB.
private() {
	local pid key kb _ peak=0
	"$@" >/dev/null 2>&1 &
	pid=$!
	while [ -r "/proc/$pid/status" ]; do
		while read -r key kb _; do
			[ "$key" = RssAnon: ] && [ "$kb" -gt "$peak" ] && peak=$kb
		done <"/proc/$pid/status" 2>/dev/null || true
		sleep 0.02
	done
	wait "$pid" || true
	echo "$peak"
}

# seconds FILE : wall time in seconds from a GNU time -v report.
seconds() {
	field "$1" 'Elapsed (wall clock) time (h:mm:ss or m:ss)' |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}

# ratio REF OURS : how many times faster (wall, CPU) the run named OURS was
# than the run named REF, and its peak RSS as a share of REF's.
ratio() {
	local r=$WORK/$1.time o=$WORK/$2.time
	awk -v rw="$(seconds "$r")" -v rc="$(cpu "$r")" -v rr="$(field "$r" 'Maximum resident set size (kbytes)')" \
		-v ow="$(seconds "$o")" -v oc="$(cpu "$o")" -v or="$(field "$o" 'Maximum resident set size (kbytes)')" \
		-v ref="$1" -v ours="$2" 'BEGIN {
		printf "%s vs %s: %.1fx faster (wall), %.1fx less CPU, %.2fx the peak RSS\n", ours, ref,
			(ow > 0 ? rw / ow : 0), (oc > 0 ? rc / oc : 0), (rr > 0 ? or / rr : 0)
	}'
}

# trivy_setup OSVDIR CACHEDIR : installs trivy and trivy-db in $BIN (first
# time: many minutes) and builds, in CACHEDIR/db, trivy's offline database
# from the OSV records in OSVDIR, so that trivy and fourc match against the
# same data. trivy v0.74.0 imports encoding/json/v2: Go 1.26 builds it only
# with GOEXPERIMENT=jsonv2.
TRIVY_V=v0.74.0
TRIVYDB_V=v0.0.0-20260813095258-0e0340a01b57 # the trivy-db that trivy v0.74.0 requires
trivy_setup() {
	local osvdir=$1 cache=$2
	if ! go version -m "$BIN/trivy" 2>/dev/null | grep -q "github.com/aquasecurity/trivy[[:space:]]*$TRIVY_V"; then
		printf '[bench] installing trivy %s (first time: many minutes)\n' "$TRIVY_V" >&2
		GOBIN=$BIN GOEXPERIMENT=jsonv2 GOFLAGS=-buildvcs=false go install \
			-ldflags="-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_V#v}" \
			"github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_V"
	fi
	if ! go version -m "$BIN/trivy-db" 2>/dev/null | grep -q "github.com/aquasecurity/trivy-db[[:space:]]*$TRIVYDB_V"; then
		printf '[bench] installing trivy-db %s\n' "$TRIVYDB_V" >&2
		GOBIN=$BIN GOFLAGS=-buildvcs=false go install "github.com/aquasecurity/trivy-db/cmd/trivy-db@$TRIVYDB_V"
	fi
	[ -s "$cache/db/trivy.db" ] && return 0
	printf "[bench] building trivy's offline database from the same records\n" >&2
	local src=$cache.src out=$cache.out
	rm -rf "$src" "$out" && mkdir -p "$src/govulndb/data"
	cp -r "$osvdir" "$src/govulndb/data/osv" && chmod -R u+w "$src"
	"$BIN/trivy-db" build --cache-dir "$src" --output-dir "$out" --only-update govulndb >&2
	mkdir -p "$cache/db"
	cp "$out/trivy.db" "$out/metadata.json" "$cache/db/"
	rm -rf "$src" "$out"
}
