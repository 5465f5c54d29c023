#!/usr/bin/env bash
# Benchmark: fourc's YARA engine (internal/yara) with a generated set of 1,000 rules over a tree,
# against the yara CLI (`yara -r`, the reference engine, 4.2) with the same rules and the same
# parallelism, and against fourc's secret scanner alone on the same tree (the target: the rule
# set must cost less than 2x the secret scan). Not a test: it prints wall time, CPU time, peak
# RSS, the ratios, and whether both engines matched the same (rule, file) pairs.
#
#   bash bench/yara/run.sh [DIR]      # DIR defaults to $(go env GOROOT)/src (~150 MB, ~11,000 files)
#
# Env: RUNS (default 3, see ../lib.sh), BENCH_HOME (default: $XDG_CACHE_HOME/fourc-bench) holds
# the outputs. Needs go, yara (scripts/setup.sh installs it) and GNU time.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${1:-$(go env GOROOT)/src}
BENCH_HOME=${BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/fourc-bench}
WORK=$BENCH_HOME/yara
THREADS=$(nproc)

log() { printf '[bench] %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }
command -v yara >/dev/null || { echo "bench: yara is missing (scripts/setup.sh installs it)" >&2; exit 2; }
mkdir -p "$WORK"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

log "building bench/yara"
(cd "$ROOT" && go build -trimpath -ldflags="-s -w" -o "$WORK/yara-bench" ./bench/yara)
log "building fourc"
(cd "$ROOT" && go build -trimpath -ldflags="-s -w" -o "$WORK/fourc" ./cmd/fourc)
"$WORK/yara-bench" -gen "$WORK/rules.yar" -n 1000
log "rules: $(grep -c '^rule ' "$WORK/rules.yar") generated rules, $(grep -c '^    \$s' "$WORK/rules.yar") strings"
log "input: $DIR ($(du -sh "$DIR" | cut -f1), $(find "$DIR" -type f | wc -l) files); $THREADS threads each"
settle

# fourc scans with GOMAXPROCS workers (= nproc); yara gets as many threads. Both skip files
# over 64 MiB (-z for yara).
measure fourc-yara "$WORK/fourc.txt" env GOMAXPROCS="$THREADS" "$WORK/yara-bench" -rules "$WORK/rules.yar" -dir "$DIR"
measure yara-cli "$WORK/yara.raw" yara -w -p "$THREADS" -z 67108864 -r "$WORK/rules.yar" "$DIR"
measure fourc-secret /dev/null env GOMAXPROCS="$THREADS" "$WORK/yara-bench" -secret -dir "$DIR"
# The same files on both sides: the secret scanner skips vendored trees, lock files and binaries
# by name, so the fair yardstick scans the files it reads.
measure fourc-yara-same "$WORK/fourc-same.txt" env GOMAXPROCS="$THREADS" "$WORK/yara-bench" -rules "$WORK/rules.yar" -dir "$DIR" -secret-files
# Through the product: fourc scan with the secret scanner, with the malware scanner alone, and
# with the malware scanner running the rules (--yara-rules).
measure scan-secret /dev/null "$WORK/fourc" scan "$DIR" --scanners secret -q -f json
measure scan-malware /dev/null "$WORK/fourc" scan "$DIR" --scanners malware -q -f json
measure scan-malware-yara /dev/null "$WORK/fourc" scan "$DIR" --scanners malware --yara-rules "$WORK/rules.yar" -q -f json

# alternate NAME=CMD... : runs each command once per round, $RUNS rounds (default 3), so that
# all of them see the same load on a shared machine, and prints the median wall and CPU time of
# each; the ratios below use these medians.
alternate() {
	local runs=${RUNS:-3} i spec name
	for ((i = 1; i <= runs; i++)); do
		for spec in "$@"; do
			name=${spec%%=*}
			/usr/bin/time -v -o "$WORK/alt.$name.$i" bash -c "${spec#*=}" >/dev/null 2>&1 || true
		done
	done
	for spec in "$@"; do
		name=${spec%%=*}
		printf '%-18s median wall %6.2fs   median cpu %6.2fs\n' "$name" \
			"$(for ((i = 1; i <= runs; i++)); do seconds "$WORK/alt.$name.$i"; done | sort -n | awk -v m=$(((runs + 1) / 2)) 'NR == m')" \
			"$(for ((i = 1; i <= runs; i++)); do cpu "$WORK/alt.$name.$i"; done | sort -n | awk -v m=$(((runs + 1) / 2)) 'NR == m')"
	done | tee "$WORK/alt.txt"
	rm -f "$WORK"/alt.*.*
}
echo
log "alternating the runs the ratios compare"
B=$WORK/yara-bench F=$WORK/fourc R=$WORK/rules.yar
alternate "fourc-secret=GOMAXPROCS=$THREADS $B -secret -dir $DIR" \
	"fourc-yara=GOMAXPROCS=$THREADS $B -rules $R -dir $DIR" \
	"fourc-yara-same=GOMAXPROCS=$THREADS $B -rules $R -dir $DIR -secret-files" \
	"scan-secret=$F scan $DIR --scanners secret -q -f json" \
	"scan-malware=$F scan $DIR --scanners malware -q -f json" \
	"scan-malware-yara=$F scan $DIR --scanners malware --yara-rules $R -q -f json"

sort "$WORK/yara.raw" >"$WORK/yara.txt"
sed -i '/^$/d' "$WORK/fourc.txt"
echo
ratio yara-cli fourc-yara
# over NAME BASE LABEL : NAME's median wall and CPU time (from alternate) as multiples of BASE's.
over() {
	awk -v a="$1" -v b="$2" -v l="$3" '$1 == a { aw = $4; ac = $7 } $1 == b { bw = $4; bc = $7 }
		END { sub("s", "", aw); sub("s", "", ac); sub("s", "", bw); sub("s", "", bc)
			printf "%s: %.2fx the wall time, %.2fx the CPU (target < 2x)\n", l, aw / bw, ac / bc }' "$WORK/alt.txt"
}
over fourc-yara fourc-secret "1,000 rules, every file / secret scan"
over fourc-yara-same fourc-secret "1,000 rules, the secret scanner's files / secret scan"
over scan-malware-yara scan-secret "fourc scan: malware + 1,000 rules / secret"
over scan-malware scan-secret "fourc scan: malware alone / secret"
printf 'matches: fourc %d, yara %d (rule, file) pairs; ' "$(wc -l <"$WORK/fourc.txt")" "$(wc -l <"$WORK/yara.txt")"
if diff -q "$WORK/fourc.txt" "$WORK/yara.txt" >/dev/null; then echo "identical"; else
	echo "they differ:"
	diff "$WORK/fourc.txt" "$WORK/yara.txt" | head -20
fi
