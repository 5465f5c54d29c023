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
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
BIN=$BENCH_HOME/bin
WORK=$BENCH_HOME/image
VULNDB=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

log() { printf '[bench] %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$BIN" "$WORK"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

# --- tools ----------------------------------------------------------------------
log "building fourc's image scanner (bench/image)"
(cd "$ROOT" && go build -o "$WORK/image-bench" ./bench/image)
# Built like the reference tools: stripped (-s -w).
(cd "$ROOT" && go build -trimpath -ldflags="-s -w" -o "$WORK/fourc" ./cmd/fourc)

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
trivy_setup "$osvdir" "$WORK/trivy"

settle
echo "== image scan: $(basename "$image"), vulnerabilities + secrets + package list, offline"
# trivy with an in-memory analysis cache, so that no earlier run's layer cache helps it.
measure trivy "$WORK/trivy.json" "$BIN/trivy" image --input "$image" --cache-dir "$WORK/trivy" \
	--cache-backend memory --skip-db-update --skip-check-update --offline-scan --skip-java-db-update \
	--skip-version-check --disable-telemetry --scanners vuln,secret --list-all-pkgs --format json --quiet
measure fourc "$WORK/fourc.json" "$WORK/fourc" image "$image" --db "$WORK/fourc.db" --format json --quiet
ratio trivy fourc
# The package list, from the same scanner without the report (fourc's JSON report lists findings).
"$WORK/image-bench" -db "$WORK/fourc.db" -packages "$WORK/fourc-packages.txt" "$image" >/dev/null
"$WORK/image-bench" -compare-trivy "$WORK/trivy.json" "$WORK/fourc-packages.txt"
