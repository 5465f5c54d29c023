#!/usr/bin/env bash
# Benchmark: fourc's image scan against `trivy image --input` on the same Debian image tarball
# (a real debootstrap --variant=minbase bookworm root file system packed as a docker archive),
# offline, with the same OSV data (the real Go records of golang.org/x/vulndb), one run each
# in turn. Not a test: it prints wall time, CPU time, peak RSS and how the package lists compare.
#
#   bash bench/image/run.sh
#
# Env: BENCH_HOME (default: $XDG_CACHE_HOME/fourc-bench) holds trivy, trivy-db, the image and
# the outputs. Needs go, GNU time (/usr/bin/time) and root for the first debootstrap.
# trivy v0.74.0 imports encoding/json/v2: Go 1.26 builds it only with GOEXPERIMENT=jsonv2.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
BIN=$BENCH_HOME/bin
WORK=$BENCH_HOME/image
TRIVY_V=v0.74.0
TRIVYDB_V=v0.0.0-20260813095258-0e0340a01b57 # the trivy-db that trivy v0.74.0 requires
VULNDB=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

log() { printf '[bench] %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$BIN" "$WORK"

# --- tools ----------------------------------------------------------------------
have() { go version -m "$BIN/$1" 2>/dev/null | grep -q "$2[[:space:]]*$3"; }
if ! have trivy github.com/aquasecurity/trivy "$TRIVY_V"; then
	log "installing trivy $TRIVY_V (first time: many minutes)"
	GOBIN=$BIN GOEXPERIMENT=jsonv2 GOFLAGS=-buildvcs=false go install \
		-ldflags="-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_V#v}" \
		"github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_V"
fi
if ! have trivy-db github.com/aquasecurity/trivy-db "$TRIVYDB_V"; then
	log "installing trivy-db $TRIVYDB_V"
	GOBIN=$BIN GOFLAGS=-buildvcs=false go install "github.com/aquasecurity/trivy-db/cmd/trivy-db@$TRIVYDB_V"
fi
log "building fourc's image scanner (bench/image)"
(cd "$ROOT" && go build -o "$WORK/image-bench" ./bench/image)
(cd "$ROOT" && go build -o "$WORK/fourc" ./cmd/fourc)

# --- the image ------------------------------------------------------------------
rootfs=$(bash "$ROOT/scripts/registry-testenv.sh" rootfs)
image=$WORK/debian-bookworm.tar
if [ ! -s "$image" ] || [ "$rootfs" -nt "$image" ]; then
	log "packing $rootfs into a docker archive"
	"$WORK/image-bench" -pack "$rootfs" "$image.tmp" && mv -f "$image.tmp" "$image"
fi
log "image: $image ($(du -h "$image" | cut -f1))"

# --- the same OSV data for both -------------------------------------------------
osvdir=$(go mod download -json "$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')/data/osv
if [ ! -s "$WORK/fourc.db" ]; then
	"$WORK/fourc" db import --db "$WORK/fourc.db" "$osvdir" >/dev/null
fi
if [ ! -s "$WORK/trivy/db/trivy.db" ]; then
	log "building trivy's offline database from the same records"
	tsrc=$WORK/.trivy-src
	rm -rf "$tsrc" "$WORK/.trivy-out" && mkdir -p "$tsrc/govulndb/data"
	cp -r "$osvdir" "$tsrc/govulndb/data/osv" && chmod -R u+w "$tsrc"
	"$BIN/trivy-db" build --cache-dir "$tsrc" --output-dir "$WORK/.trivy-out" --only-update govulndb >&2
	mkdir -p "$WORK/trivy/db"
	cp "$WORK/.trivy-out/trivy.db" "$WORK/.trivy-out/metadata.json" "$WORK/trivy/db/"
	rm -rf "$tsrc" "$WORK/.trivy-out"
fi

# measure NAME OUT CMD... : one run under GNU time; prints wall, CPU and peak RSS.
measure() {
	local name=$1 out=$2
	shift 2
	local rc=0
	/usr/bin/time -v -o "$WORK/$name.time" "$@" >"$out" 2>"$WORK/$name.stderr" || rc=$?
	local wall rss user sys
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/$name.time")
	user=$(sed -n 's/.*User time (seconds): //p' "$WORK/$name.time")
	sys=$(sed -n 's/.*System time (seconds): //p' "$WORK/$name.time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/$name.time")
	printf '%-8s wall %8s   cpu %6.2fs   peak RSS %5d MB   exit %d\n' "$name" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" $((rss / 1024)) "$rc"
}

echo "== image scan: $(basename "$image"), vulnerabilities + secrets + package list, offline"
# trivy with an in-memory analysis cache, so that no earlier run's layer cache helps it.
measure trivy "$WORK/trivy.json" "$BIN/trivy" image --input "$image" --cache-dir "$WORK/trivy" \
	--cache-backend memory --skip-db-update --skip-check-update --offline-scan --skip-java-db-update \
	--skip-version-check --disable-telemetry --scanners vuln,secret --list-all-pkgs --format json --quiet
measure fourc "$WORK/fourc.json" "$WORK/image-bench" -db "$WORK/fourc.db" -packages "$WORK/fourc-packages.txt" "$image"
"$WORK/image-bench" -compare-trivy "$WORK/trivy.json" "$WORK/fourc-packages.txt"
