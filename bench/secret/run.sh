#!/usr/bin/env bash
# Compare fourc's secret detection with gitleaks on the same tree.
#
#   bash bench/secret/run.sh [DIR]     # DIR defaults to $(go env GOROOT)/src (~150 MB)
#
# Runs, one after the other, each under /usr/bin/time -v:
#   1. bench/secret (fourc's secret scanner alone, through the real engine)
#   2. fourc scan DIR --format json --offline --reachability=false (every fourc
#      scanner, offline; skipped when cmd/fourc does not build). Reachability is
#      off: on a Go tree it type-checks every package (on GOROOT/src that means
#      compiling the std commands for many minutes), which is no secret work.
#   3. gitleaks dir DIR (pinned version, installed on first use into $BENCH_HOME/bin)
# and prints wall time, CPU time, findings and peak RSS, and the ratios.
set -euo pipefail

GITLEAKS_MOD=github.com/zricethezav/gitleaks/v8
GITLEAKS_V=v8.30.1
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${1:-$(go env GOROOT)/src}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

log() { printf '[bench/secret] %s\n' "$*" >&2; }

[ -x /usr/bin/time ] || { log "/usr/bin/time is required (Debian package: time)"; exit 2; }

# gitleaks, pinned: reinstall only when the binary was not built from $GITLEAKS_V.
GITLEAKS=$BENCH_HOME/bin/gitleaks
if ! go version -m "$GITLEAKS" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+$GITLEAKS_MOD[[:space:]]+$GITLEAKS_V"; then
	log "installing gitleaks $GITLEAKS_V into $BENCH_HOME/bin"
	mkdir -p "$BENCH_HOME/bin"
	(cd "$OUT" && GOBIN="$BENCH_HOME/bin" GOFLAGS=-mod=mod go install \
		-ldflags="-s -w -X $GITLEAKS_MOD/version.Version=$GITLEAKS_V" "$GITLEAKS_MOD@$GITLEAKS_V")
fi

log "building fourc"
(cd "$ROOT" && go build -o "$OUT/secret-bench" ./bench/secret)
FOURC=""
if (cd "$ROOT" && go build -o "$OUT/fourc" ./cmd/fourc 2>"$OUT/fourc-build.log"); then
	FOURC=$OUT/fourc
else
	log "cmd/fourc does not build; skipping 'fourc scan' (see below)"
	head -5 "$OUT/fourc-build.log" >&2
fi

# measure NAME CMD...: runs CMD under /usr/bin/time -v, keeps its stdout.
measure() {
	local name=$1
	shift
	/usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || {
		log "$name failed:"
		tail -5 "$OUT/$name.err" >&2
		exit 1
	}
}
field() { grep -F "$2" "$OUT/$1.time" | sed 's/.*: //'; }
wall() { field "$1" "Elapsed (wall clock)" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'; }
cpu() { echo "$(field "$1" "User time") + $(field "$1" "System time")" | bc; }
rss() { echo "$(field "$1" "Maximum resident set size") / 1024" | bc; }

log "input: $DIR ($(du -sh "$DIR" | cut -f1), $(find "$DIR" -type f | wc -l) files)"
log "running fourc's secret scanner"
measure fourc-secret "$OUT/secret-bench" -dir "$DIR" -list
FS_FINDINGS=$(grep -c '^FC-SEC-' "$OUT/fourc-secret.out" || true)

if [ -n "$FOURC" ]; then
	log "running fourc scan"
	measure fourc-scan "$FOURC" scan "$DIR" --format json --offline --reachability=false --output "$OUT/fourc.json"
	SCAN_FINDINGS=$(grep -Eo '"check_id": ?"FC-SEC-[0-9]+"' "$OUT/fourc.json" | wc -l)
fi

log "running gitleaks $GITLEAKS_V"
measure gitleaks "$GITLEAKS" dir "$DIR" --report-format json --report-path "$OUT/gitleaks.json" \
	--exit-code 0 --no-banner --log-level error
GL_FINDINGS=$(grep -o '"RuleID"' "$OUT/gitleaks.json" | wc -l)

printf '\n%-28s %10s %10s %10s %10s\n' tool "wall (s)" "cpu (s)" findings "RSS (MiB)"
row() { printf '%-28s %10s %10s %10s %10s\n' "$1" "$(wall "$2")" "$(cpu "$2")" "$3" "$(rss "$2")"; }
row "fourc secret scanner" fourc-secret "$FS_FINDINGS"
[ -n "$FOURC" ] && row "fourc scan (all, FC-SEC)" fourc-scan "$SCAN_FINDINGS"
row "gitleaks $GITLEAKS_V" gitleaks "$GL_FINDINGS"
printf '\ngitleaks / fourc secret scanner: wall %.1fx, cpu %.1fx, RSS %.1fx\n' \
	"$(echo "$(wall gitleaks) / $(wall fourc-secret)" | bc -l)" \
	"$(echo "$(cpu gitleaks) / $(cpu fourc-secret)" | bc -l)" \
	"$(echo "$(rss gitleaks) / $(rss fourc-secret)" | bc -l)"
echo
echo "fourc findings by check:"
grep -E '^ +[0-9]+ +FC-SEC' "$OUT/fourc-secret.out" || true
echo "gitleaks findings by rule:"
grep -o '"RuleID": *"[^"]*"' "$OUT/gitleaks.json" | sed 's/.*: *//' | sort | uniq -c | sort -rn || true
