#!/usr/bin/env bash
# Benchmark: fourc against osv-scanner and trivy on the same input and the
# same OSV data (the real Go records of golang.org/x/vulndb: one all.zip for
# osv-scanner, a trivy-db built from the same records for trivy), offline.
# Not a test: it prints wall time, CPU time, peak RSS, private memory, the
# ratios and the overlap of (package, version, vulnerability ID) findings.
#
#   bash bench/vuln/run.sh            # both inputs
#   bash bench/vuln/run.sh tree       # (a) only: a large real Go module tree
#   bash bench/vuln/run.sh sbom       # (b) only: a 10,000-package SBOM
#
# Env: BENCH_HOME (default: $XDG_CACHE_HOME/fourc-bench) holds the
# osv-scanner binary, the inputs and the outputs; N is the SBOM size.
# Needs: go, zip, GNU time (/usr/bin/time). osv-scanner v2.6.0 needs Go 1.27:
# the go command fetches that toolchain through the module proxy. trivy is
# built from source the first time (many minutes; see bench/lib.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
BIN=$BENCH_HOME/bin
WORK=$BENCH_HOME/vuln
N=${N:-10000}
OSVSCANNER_V=v2.6.0
VULNDB=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
K8S=k8s.io/kubernetes@v1.37.2
WHAT=${1:-all}

log() { printf '[bench] %s\n' "$*" >&2; }
for tool in zip bc /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install zip bc time)" >&2; exit 2; }
done
mkdir -p "$BIN" "$WORK"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

# --- tools -----------------------------------------------------------------
if ! go version -m "$BIN/osv-scanner" 2>/dev/null | grep -q "mod.*github.com/google/osv-scanner/v2.*$OSVSCANNER_V"; then
	log "installing osv-scanner $OSVSCANNER_V (first time: several minutes)"
	GOBIN=$BIN GOTOOLCHAIN=go1.27.3 GOFLAGS=-buildvcs=false \
		go install -ldflags="-s -w" "github.com/google/osv-scanner/v2/cmd/osv-scanner@$OSVSCANNER_V"
fi
log "building fourc"
# Built like the reference tools: stripped (-s -w).
(cd "$ROOT" && go build -trimpath -ldflags="-s -w" -o "$WORK/fourc" ./cmd/fourc)

# --- the same OSV data for both ---------------------------------------------
osvdir=$(go mod download -json "$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')/data/osv
zipfile=$WORK/osvdb/osv-scalibr/Go/all.zip
if [ ! -s "$zipfile" ]; then
	mkdir -p "$(dirname "$zipfile")"
	(cd "$osvdir" && zip -q -r "$zipfile.tmp" . -i '*.json') && mv "$zipfile.tmp" "$zipfile"
fi
rm -f "$WORK/fourc.db"
"$WORK/fourc" db import --db "$WORK/fourc.db" "$zipfile" >/dev/null
log "OSV data: $(unzip -l "$zipfile" | tail -1 | awk '{print $2}') Go records in $zipfile"
export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY=$WORK/osvdb
trivy_setup "$osvdir" "$WORK/trivy"
# trivy offline, vulnerabilities only, with its analysis cache in memory so
# that no earlier run helps it.
TRIVY=("$BIN/trivy" --cache-dir "$WORK/trivy" --quiet)
TRIVY_FLAGS=(--cache-backend memory --skip-db-update --offline-scan --skip-java-db-update
	--skip-version-check --disable-telemetry --scanners vuln --format json)


# --- (a) a large real Go module tree ----------------------------------------
if [ "$WHAT" = all ] || [ "$WHAT" = tree ]; then
	tree=$WORK/k8s-tree
	if [ ! -d "$tree" ]; then
		log "building the module tree: $K8S and the go.mod of each dependency in the module cache"
		src=$(go mod download -json "$K8S" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
		cp -r "$src" "$tree.tmp"
		chmod -R u+w "$tree.tmp"
		cache=$(go env GOMODCACHE)/cache/download
		awk '/^require \(/ {r = 1; next} r && /^\)/ {r = 0} r && NF >= 2 {print $1, $2} /^require [^(]/ {print $2, $3}' "$tree.tmp/go.mod" |
			while read -r mod ver; do
			esc=$(printf '%s' "$mod" | sed 's/[A-Z]/!\L&/g')
			if [ -f "$cache/$esc/@v/$ver.mod" ]; then
				mkdir -p "$tree.tmp/deps/$mod@$ver"
				cp "$cache/$esc/@v/$ver.mod" "$tree.tmp/deps/$mod@$ver/go.mod"
			fi
		done
		mv "$tree.tmp" "$tree"
	fi
	log "tree: $(find "$tree" -type f | wc -l) files, $(find "$tree" -name go.mod | wc -l) go.mod, $(du -sh "$tree" | cut -f1)"
	echo "== (a) Go module tree ($tree)"
	settle
	# fourc's dependency scanners only (inventory and matching), as the others do.
	measure fourc-tree "$WORK/fourc-tree.json" "$WORK/fourc" scan "$tree" --scanners vuln --db "$WORK/fourc.db" \
		--format json --offline --reachability=false --quiet
	measure osv-scanner-tree "$WORK/osv-tree.json" "$BIN/osv-scanner" scan source -r --offline --format json "$tree"
	measure trivy-tree "$WORK/trivy-tree.json" "${TRIVY[@]}" fs "${TRIVY_FLAGS[@]}" "$tree"
	ratio osv-scanner-tree fourc-tree
	ratio trivy-tree fourc-tree
	(cd "$HERE" && go run compare.go "$WORK/fourc-tree.json" "$WORK/osv-tree.json")
	(cd "$HERE" && go run compare.go -osv "$osvdir" "$WORK/fourc-tree.json" "$WORK/trivy-tree.json")
fi

# --- (b) a generated SBOM of N packages -------------------------------------
if [ "$WHAT" = all ] || [ "$WHAT" = sbom ]; then
	bom=$WORK/bench.cdx.json
	(cd "$HERE" && go run gensbom.go -osv "$osvdir" -n "$N" -o "$bom") >&2
	echo "== (b) SBOM of $N packages ($bom)"
	settle
	measure fourc-sbom "$WORK/fourc-sbom.json" "$WORK/fourc" sbom scan --format json --quiet --db "$WORK/fourc.db" "$bom"
	measure osv-scanner-sbom "$WORK/osv-sbom.json" "$BIN/osv-scanner" scan source --offline --format json -L "$bom"
	measure trivy-sbom "$WORK/trivy-sbom.json" "${TRIVY[@]}" sbom "${TRIVY_FLAGS[@]}" "$bom"
	ratio osv-scanner-sbom fourc-sbom
	ratio trivy-sbom fourc-sbom
	(cd "$HERE" && go run compare.go "$WORK/fourc-sbom.json" "$WORK/osv-sbom.json")
	(cd "$HERE" && go run compare.go -osv "$osvdir" "$WORK/fourc-sbom.json" "$WORK/trivy-sbom.json")
fi
